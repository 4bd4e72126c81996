"""Web sessions for the pages (`/fg` and `/beheer`): opened with the user's bearer token, kept server-side.

Invariants:
- A session is opened only by presenting a valid token (`authentication.authenticate`); the cookie then holds
  a fresh 256-bit secret, and only SHA-256(secret) is stored, so the session table cannot be replayed.
- Every request re-checks the stored credential: a deactivated gebruiker, a suspended partner or a replaced
  token ends the session at once; so does `idle` time without use and `MAX_DUUR` after opening.
- Every session has its own CSRF token (256 random bits), compared in constant time by the web layer.
- Logging out deletes the session row: the old cookie is worthless afterwards.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from service.adapters.websessies import OpgeslagenSessie
from service.domain.casus import Gebruiker, utcnow
from service.service_layer.identiteit.authentication import authenticate
from service.service_layer.services import Services

MAX_DUUR = dt.timedelta(hours=12)
_TOUCH_EVERY = dt.timedelta(seconds=60)  # write "last used" at most once a minute, not on every page


@dataclass(frozen=True, slots=True)
class ActieveSessie:
    gebruiker: Gebruiker
    csrf: str
    geheim: str  # the cookie value (only returned when opening; empty when resolved)


def _key(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii", "replace")).hexdigest()


def inloggen(services: Services, token: str, *, now: dt.datetime | None = None) -> ActieveSessie | None:
    """Open a session for the holder of `token`; None when the token is not valid (any reason alike)."""
    now = now or utcnow()
    gebruiker = authenticate(services.uow(), token.strip())
    if gebruiker is None:
        return None
    token_id = token.strip().split("_")[1]  # dp_<token id>_<secret>, checked by authenticate
    secret = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    with services.uow() as uow:
        uow.websessies.delete_expired(now - dt.timedelta(days=1), now - MAX_DUUR)
        uow.websessies.add(OpgeslagenSessie(_key(secret), gebruiker.id, token_id, csrf, now, now))
        uow.commit()
    return ActieveSessie(gebruiker, csrf, secret)


def sessie(
    services: Services, secret: str, *, idle: dt.timedelta, now: dt.datetime | None = None
) -> ActieveSessie | None:
    """The session of this cookie value, if it is still valid (see the module invariants); else None."""
    if not secret or len(secret) > 128:
        return None
    now = now or utcnow()
    key = _key(secret)
    with services.uow() as uow:
        stored = uow.websessies.get(key)
        if stored is None:
            return None
        expired = now - stored.laatst_gebruikt_op > idle or now - stored.aangemaakt_op > MAX_DUUR
        credential = None if expired else uow.gebruikers.credential(stored.token_id)
        valid = (
            credential is not None
            and credential.gebruiker.id == stored.gebruiker_id
            and credential.gebruiker.actief
            and credential.partner_actief
        )
        if not valid or credential is None:
            uow.websessies.delete(key)
            uow.commit()
            return None
        if now - stored.laatst_gebruikt_op > _TOUCH_EVERY:
            uow.websessies.touch(key, now)
            uow.commit()
        return ActieveSessie(credential.gebruiker, stored.csrf, "")


def uitloggen(services: Services, secret: str) -> None:
    """End the session of this cookie value (nothing happens for an unknown one)."""
    if not secret or len(secret) > 128:
        return
    with services.uow() as uow:
        uow.websessies.delete(_key(secret))
        uow.commit()

"""Web sessions for the pages (`/fg` and `/beheer`): opened with a bearer token (development) or through the
person's identity provider (OpenID Connect), kept server-side.

Invariants:
- A session is opened only by presenting a valid token (`authentication.controleer`) or for a gebruiker whose
  OpenID Connect identity was verified (`open_sessie`); the cookie then holds a fresh 256-bit secret, and only
  SHA-256(secret) is stored, so the session table cannot be replayed.
- Every request re-checks the stored credential: a suspended or removed gebruiker, a suspended partner, or an
  expired or revoked token (for a session opened with one) ends the session at once; so does `idle` time
  without use and `MAX_DUUR` after opening.
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
from service.domain.identiteit import GebruikerStatus
from service.service_layer.identiteit.authentication import controleer
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

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
    uitslag = controleer(services.uow(), token.strip(), now=now)
    if uitslag.gebruiker is None:
        return None
    return open_sessie(services, uitslag.gebruiker, token_id=uitslag.token_id, now=now)


def open_sessie(
    services: Services, gebruiker: Gebruiker, *, token_id: str | None, now: dt.datetime | None = None
) -> ActieveSessie:
    """Open a session for a gebruiker whose credential the caller verified: a token (`token_id`) or an
    OpenID Connect identity (`token_id` None)."""
    now = now or utcnow()
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
        gebruiker = None if expired else _geldig(uow, stored.gebruiker_id, stored.token_id, now)
        if gebruiker is None:
            uow.websessies.delete(key)
            uow.commit()
            return None
        if now - stored.laatst_gebruikt_op > _TOUCH_EVERY:
            uow.websessies.touch(key, now)
            uow.commit()
        return ActieveSessie(gebruiker, stored.csrf, "")


def _geldig(uow: UnitOfWork, gebruiker_id: str, token_id: str | None, now: dt.datetime) -> Gebruiker | None:
    """The session's gebruiker if its credential still holds (see the module invariants), else None."""
    if token_id is not None:
        credential = uow.gebruikers.credential(token_id)
        if (
            credential is None
            or credential.gebruiker.id != gebruiker_id
            or credential.token.weigering(now) is not None
            or not credential.gebruiker.actief
            or not credential.partner_actief
        ):
            return None
        return credential.gebruiker
    gegevens = uow.gebruikers.get(gebruiker_id)
    if gegevens is None or gegevens.status is not GebruikerStatus.ACTIEF:
        return None
    if not uow.gebruikers.partner_actief(gegevens.partner_id):
        return None
    return Gebruiker(gegevens.id, gegevens.partner_id, gegevens.rol, gegevens.naam, True, gegevens.soort.value)


def uitloggen(services: Services, secret: str) -> None:
    """End the session of this cookie value (nothing happens for an unknown one)."""
    if not secret or len(secret) > 128:
        return
    with services.uow() as uow:
        uow.websessies.delete(_key(secret))
        uow.commit()

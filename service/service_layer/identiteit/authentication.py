"""Bearer tokens: issuing them and checking them.

Invariants:
- A token is `dp_<token id>_<secret>`; only the token id and SHA-256(secret) are stored, never the token.
  The secret is 256 random bits, so a plain hash suffices (no password stretching is needed).
- Checking compares hashes in constant time (`hmac.compare_digest`). A malformed token, an unknown id, a wrong
  secret, an inactive gebruiker and a suspended partner all get the same answer (`Weigering.ONGELDIG`); only
  the holder of the right secret learns that its token expired or was revoked.
- Every wrong secret for a token id counts (known or unknown id alike, so a 429 does not tell which ids exist);
  from `DREMPEL` failures within `VENSTER` on, the id is refused for `BLOKKADE` even with the right secret
  (`Uitslag.retry_after`). The count lives in the database, so it holds across workers and hosts.
"""

from __future__ import annotations

import datetime as dt
import enum
import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass

from service.domain.casus import Gebruiker, utcnow
from service.domain.identiteit import Token, Weigering
from service.service_layer.unit_of_work import UnitOfWork

_TOKEN = re.compile(r"^dp_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$")
DREMPEL = 5
VENSTER = dt.timedelta(minutes=15)
BLOKKADE = dt.timedelta(minutes=15)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str  # shown once, to the user; never stored
    token_id: str
    token_hash: bytes


class Tokenfout(enum.StrEnum):
    """Why a token was refused, for the operators' metrics and log (never told to the caller: `Weigering` is)."""

    ONTBREEKT = "ontbreekt"  # no bearer token presented (set by the entry point)
    VORM = "vorm"  # not of the token's shape
    ONBEKEND = "onbekend"  # an unknown token id, or a wrong secret
    GEBLOKKEERD = "geblokkeerd"  # the token id is throttled after failures
    VERLOPEN = "verlopen"
    INGETROKKEN = "ingetrokken"
    INACTIEF = "inactief"  # the gebruiker or its partner is not active
    CERTIFICAAT = "certificaat"  # the client certificate does not fit the token's partner (set by the entry point)


@dataclass(frozen=True, slots=True)
class Uitslag:
    """The outcome of checking a presented token: a gebruiker, or why not (and when to retry if throttled)."""

    gebruiker: Gebruiker | None
    token_id: str | None = None
    weigering: Weigering | None = None
    retry_after: int | None = None  # seconds; set when the token id is throttled
    fout: Tokenfout | None = None  # set whenever `gebruiker` is None


_FOUT_VAN = {Weigering.VERLOPEN: Tokenfout.VERLOPEN, Weigering.INGETROKKEN: Tokenfout.INGETROKKEN}


def issue_token() -> IssuedToken:
    token_id = secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    return IssuedToken(f"dp_{token_id}_{secret}", token_id, _hash(secret))


def token_id_of(token: str) -> str | None:
    """The id part of a well-formed token (for ending web sessions opened with it), else None."""
    match = _TOKEN.match(token)
    return match.group(1) if match else None


def controleer(uow: UnitOfWork, token: str, *, now: dt.datetime | None = None) -> Uitslag:
    """Check a presented bearer token (see the module invariants)."""
    match = _TOKEN.match(token)
    if match is None:
        return Uitslag(None, weigering=Weigering.ONGELDIG, fout=Tokenfout.VORM)
    now = now or utcnow()
    token_id, secret = match.groups()
    presented = _hash(secret)
    with uow:
        credential, blocked = uow.gebruikers.aanmelding(token_id, now)  # one round trip
        if blocked is not None:
            wacht = max(1, math.ceil((blocked - now).total_seconds()))
            return Uitslag(None, token_id, Weigering.ONGELDIG, wacht, Tokenfout.GEBLOKKEERD)
        # Compare even when the id is unknown, so the time taken does not tell which ids exist.
        expected = credential.token_hash if credential is not None else b"\0" * 32
        if not hmac.compare_digest(presented, expected) or credential is None:
            uow.gebruikers.fout(token_id, now, venster=VENSTER, drempel=DREMPEL, blokkade=BLOKKADE)
            uow.commit()
            return Uitslag(None, token_id, Weigering.ONGELDIG, fout=Tokenfout.ONBEKEND)
    weigering = credential.token.weigering(now)
    if weigering is not None:
        return Uitslag(None, token_id, weigering, fout=_FOUT_VAN.get(weigering, Tokenfout.ONBEKEND))
    if not credential.gebruiker.actief or not credential.partner_actief:
        return Uitslag(None, token_id, Weigering.ONGELDIG, fout=Tokenfout.INACTIEF)
    return Uitslag(credential.gebruiker, token_id)


def authenticate(uow: UnitOfWork, token: str, *, now: dt.datetime | None = None) -> Gebruiker | None:
    """The active gebruiker the token belongs to, or None for anything else."""
    return controleer(uow, token, now=now).gebruiker


def nieuw_token(gebruiker_id: str, now: dt.datetime, levensduur: dt.timedelta) -> tuple[IssuedToken, Token]:
    """A fresh token for `gebruiker_id`, valid from `now` for `levensduur` (to be stored by the caller)."""
    issued = issue_token()
    return issued, Token(issued.token_id, gebruiker_id, now, now + levensduur)


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("ascii")).digest()

"""Bearer tokens with a life: issued by a beheerder, listed, revoked, and renewed by their holder (issue 19).

Invariants:
- A token is shown once, in the answer that issues it; only its id and hash are stored, and no list ever holds
  a token.
- A beheerder issues tokens for active gebruikers outside the four-eyes rollen. A beheerder or FG never gets a
  token from another beheerder (that beheerder could act as them, and four eyes would be two hands): their
  tokens come from `gebruikersbeheer.bootstrap`, by renewing their own, or by a person for itself after logging
  in to the pages (`geef_eigen_uit`, a person's short life).
- Renewal is by the holder, with the token it renews: the new token lives the soort's full life, the old one
  keeps working only for the overlap window (never longer than it had), and a token renews once.
- Revocation acts on the next request in every worker and host (authentication reads it every time). A
  beheerder revokes any token; a holder may revoke its own.
- Every issue, renewal and revocation is a record in the tamper-evident log (the FG sees each credential change).
"""

from __future__ import annotations

import datetime as dt
import re

from service.domain.beheer import BEHEERDER
from service.domain.casus import Gebruiker, utcnow
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError
from service.domain.identiteit import (
    VIER_OGEN_ROLLEN,
    Gebruikershandeling,
    GebruikerStatus,
    SoortGebruiker,
    Token,
)
from service.service_layer.beheer.stap import verzegel
from service.service_layer.identiteit.authentication import IssuedToken, nieuw_token
from service.service_layer.identiteit.gebruikersbeheer import get, leg_vast, require_lezer
from service.service_layer.services import Services

_TOKEN_ID = re.compile(r"[0-9a-f]{32}")


def geef_uit(
    services: Services, door: Gebruiker, gebruiker_id: str, *, now: dt.datetime | None = None
) -> tuple[IssuedToken, Token]:
    """Issue a new token for an active gebruiker (the caller shows `IssuedToken.token` once).

    Raises:
        NietToegestaanError: `door` is not a beheerder, or the gebruiker is a beheerder or FG.
        NietGevondenError: no such gebruiker.
        ConflictError: the gebruiker is not active.
    """
    if door.rol != BEHEERDER:
        raise NietToegestaanError("only a beheerder may issue tokens")
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()
        gegevens = get(uow, gebruiker_id)
        if gegevens.rol in VIER_OGEN_ROLLEN:
            raise NietToegestaanError(
                f"a {gegevens.rol} is never given a token by another beheerder: it renews its own"
            )
        if gegevens.status is not GebruikerStatus.ACTIEF:
            raise ConflictError(f"the gebruiker is {gegevens.status.value}: no token is issued")
        issued, token = nieuw_token(gegevens.id, now, services.levensduur.van(gegevens.soort))
        uow.gebruikers.add_token(token, issued.token_hash)
        leg_vast(services, uow, size, door, Gebruikershandeling.TOKEN_UITGIFTE, gegevens, "", now, token.id)
        uow.commit()
    verzegel(services)
    return issued, token


def geef_eigen_uit(
    services: Services, persoon: Gebruiker, *, now: dt.datetime | None = None
) -> tuple[IssuedToken, Token]:
    """A new API token for the signed-in person itself (e.g. an FG after logging in through its organisation).

    Raises:
        NietToegestaanError: not a person (systems get their tokens from a beheerder).
        ConflictError: the gebruiker is not active (any more).
    """
    if persoon.soort != SoortGebruiker.PERSOON.value:
        raise NietToegestaanError("only a person issues a token for itself; a system gets one from a beheerder")
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()
        gegevens = get(uow, persoon.id)
        if gegevens.status is not GebruikerStatus.ACTIEF:
            raise ConflictError(f"the gebruiker is {gegevens.status.value}: no token is issued")
        issued, token = nieuw_token(gegevens.id, now, services.levensduur.persoon)
        uow.gebruikers.add_token(token, issued.token_hash)
        leg_vast(services, uow, size, persoon, Gebruikershandeling.TOKEN_UITGIFTE, gegevens, "", now, token.id)
        uow.commit()
    verzegel(services)
    return issued, token


def eigen(services: Services, persoon: Gebruiker) -> list[Token]:
    """The signed-in gebruiker's own tokens (ids and lives), oldest first."""
    with services.uow() as uow:
        return uow.gebruikers.tokens(persoon.id)


def lijst(services: Services, door: Gebruiker, gebruiker_id: str) -> list[Token]:
    """Every token of a gebruiker (ids and lives only), oldest first.

    Raises:
        NietToegestaanError: neither beheerder nor FG.
        NietGevondenError: no such gebruiker.
    """
    require_lezer(door)
    with services.uow() as uow:
        get(uow, gebruiker_id)
        return uow.gebruikers.tokens(gebruiker_id)


def trek_in(
    services: Services, door: Gebruiker, gebruiker_id: str, token_id: str, *, now: dt.datetime | None = None
) -> Token:
    """Revoke one token of a gebruiker (by a beheerder, or by its holder).

    Raises:
        NietToegestaanError: neither a beheerder nor the token's own gebruiker.
        NietGevondenError: no such gebruiker or no such token of it.
        ConflictError: the token was revoked already.
    """
    if door.rol != BEHEERDER and door.id != gebruiker_id:
        raise NietToegestaanError("only a beheerder or the token's holder may revoke a token")
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()
        gegevens = get(uow, gebruiker_id)
        token = _token(uow.gebruikers.token(token_id) if _TOKEN_ID.fullmatch(token_id) else None, gebruiker_id)
        if token.ingetrokken_op is not None:
            raise ConflictError("the token was revoked already")
        uow.gebruikers.trek_in(now, token_id=token.id)
        leg_vast(services, uow, size, door, Gebruikershandeling.TOKEN_INTREKKING, gegevens, "", now, token.id)
        uow.commit()
        result = _token(uow.gebruikers.token(token.id), gebruiker_id)
    verzegel(services)
    return result


def vernieuw(
    services: Services, houder: Gebruiker, token_id: str, *, now: dt.datetime | None = None
) -> tuple[IssuedToken, Token, Token]:
    """Renew the token the holder authenticated with: (the new token, its record, the old one's new life).

    Raises:
        ConflictError: this token was renewed already (its successor renews next).
        NietGevondenError: the token is unknown (it was just removed).
    """
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()
        oud = _token(uow.gebruikers.token(token_id), houder.id)
        if oud.opvolger is not None:
            raise ConflictError("this token was renewed already: renew its successor")
        gegevens = get(uow, houder.id)
        issued, nieuw = nieuw_token(houder.id, now, services.levensduur.van(gegevens.soort))
        uow.gebruikers.add_token(nieuw, issued.token_hash)
        uow.gebruikers.vervang(oud.id, nieuw.id, oud.na_vernieuwing(now, services.levensduur.overlap))
        leg_vast(services, uow, size, houder, Gebruikershandeling.TOKEN_VERNIEUWD, gegevens, "", now, nieuw.id)
        uow.commit()
        oud = _token(uow.gebruikers.token(oud.id), houder.id)
    verzegel(services)
    return issued, nieuw, oud


def _token(token: Token | None, gebruiker_id: str) -> Token:
    if token is None or token.gebruiker_id != gebruiker_id:
        raise NietGevondenError("no such token of this gebruiker")
    return token

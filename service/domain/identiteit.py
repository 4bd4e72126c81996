"""Who may act: gebruikers as managed data, their bearer tokens and how long each lives (issue 19).

Invariants:
- A gebruiker is a person or a system (`SoortGebruiker`) of one partner in one rol. Only an `ACTIEF` gebruiker
  of an active partner acts; `VOORGESTELD` waits for a second beheerder, `GESCHORST` is suspended (reversible),
  `VERWIJDERD` is final (the row stays, so the log's names keep meaning something).
- Creating or changing a gebruiker in a rol of `VIER_OGEN_ROLLEN` (beheerder, fg) takes effect only when a second
  beheerder approves it: whoever holds those rollen controls the convenant and its oversight.
- A token is valid from its issue until `verloopt_op`, unless revoked (`ingetrokken_op`). Renewal issues a new
  token and shortens the old one to an overlap window, never lengthens it.
- `Weigering` is what the holder of a *correct* secret may be told (expired, revoked); anything that would
  tell a guesser which part was wrong is `ONGELDIG`.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from service.domain.beheer import BEHEER
from service.domain.verstrekking import RECORD_FORMAT, record_tijd

VIER_OGEN_ROLLEN = frozenset({"beheerder", "fg"})


class SoortGebruiker(enum.StrEnum):
    PERSOON = "persoon"  # a person: pages through OpenID Connect, short-lived tokens
    SYSTEEM = "systeem"  # a partner's system: API with a PKIoverheid certificate and a long-lived token


class GebruikerStatus(enum.StrEnum):
    VOORGESTELD = "voorgesteld"  # a beheerder or FG awaiting a second beheerder's approval
    ACTIEF = "actief"
    GESCHORST = "geschorst"
    VERWIJDERD = "verwijderd"


class Weigering(enum.StrEnum):
    """Why a presented token is refused: the `error_description` of `WWW-Authenticate` (RFC 6750)."""

    ONGELDIG = "the token is not valid"  # malformed, unknown, wrong secret, gebruiker or partner not active
    VERLOPEN = "the token has expired"
    INGETROKKEN = "the token was revoked"


@dataclass(frozen=True, slots=True)
class Levensduur:
    """How long new tokens live, per soort, and how long a renewed token keeps working beside its successor."""

    persoon: dt.timedelta = dt.timedelta(hours=12)
    systeem: dt.timedelta = dt.timedelta(days=90)
    overlap: dt.timedelta = dt.timedelta(hours=24)

    def van(self, soort: SoortGebruiker) -> dt.timedelta:
        return self.persoon if soort is SoortGebruiker.PERSOON else self.systeem


@dataclass(frozen=True, slots=True)
class Token:
    """A stored bearer token: its id and life, never the secret (only its hash is stored, by the adapter)."""

    id: str
    gebruiker_id: str
    uitgegeven_op: dt.datetime
    verloopt_op: dt.datetime
    ingetrokken_op: dt.datetime | None = None
    opvolger: str | None = None  # the token that renewed this one

    def weigering(self, now: dt.datetime) -> Weigering | None:
        """Why this token does not authenticate at `now`, or None when it does."""
        if self.ingetrokken_op is not None and self.ingetrokken_op <= now:
            return Weigering.INGETROKKEN
        if now >= self.verloopt_op:
            return Weigering.VERLOPEN
        return None

    def na_vernieuwing(self, now: dt.datetime, overlap: dt.timedelta) -> dt.datetime:
        """The old token's new expiry after renewal at `now`: the overlap window, never later than it was."""
        return min(self.verloopt_op, now + overlap)


@dataclass(frozen=True, slots=True)
class OidcIdentiteit:
    """A person's account at its organisation's identity provider: the id token's `iss` and `sub`."""

    issuer: str
    subject: str


@dataclass(frozen=True, slots=True)
class Gebruikersgegevens:
    """A managed gebruiker as beheerders see it (no token, ever)."""

    id: str
    partner_id: str
    rol: str
    soort: SoortGebruiker
    naam: str
    status: GebruikerStatus
    aangemaakt_op: dt.datetime
    oidc: OidcIdentiteit | None = None
    voorstel: str | None = None  # the open four-eyes proposal about this gebruiker, if any


@dataclass(frozen=True, slots=True)
class Filter:
    """Which gebruikers a list shows (None: any)."""

    partner: str | None = None
    rol: str | None = None
    soort: SoortGebruiker | None = None
    status: GebruikerStatus | None = None


class Gebruikershandeling(enum.StrEnum):
    """What a record of a direct change to a gebruiker or its tokens records (at most 16 characters: the log's
    `uitkomst` column). Four-eyes changes are `domain.beheer.Beheerbesluit` records instead."""

    AANGEMAAKT = "aangemaakt"
    GESCHORST = "geschorst"
    HERSTELD = "hersteld"
    VERWIJDERD = "verwijderd"
    TOKEN_UITGIFTE = "token-uitgifte"  # noqa: S105 - a name, not a secret
    TOKEN_INTREKKING = "token-intrekking"  # noqa: S105
    TOKEN_VERNIEUWD = "token-vernieuwd"  # noqa: S105


@dataclass(frozen=True, slots=True)
class Gebruikersbesluit:
    """One record of a credential change, in the verstrekking log beside the other beheer records (doel
    `beheer`, onderwerp `gebruiker`), so the FG sees every one and `audit verify` covers them. It names who acted
    and which gebruiker and token it concerns; never a token itself."""

    id: str
    tijd: dt.datetime
    partner: str  # the acting gebruiker's partner ("installatie" for bootstrap)
    gebruiker: str  # the acting gebruiker ("installatie" for bootstrap)
    rol: str  # the acting gebruiker's rol
    handeling: Gebruikershandeling
    betreft: Gebruikersgegevens
    toelichting: str
    token: str | None = None  # the token id concerned

    def as_record(self) -> dict[str, object]:
        return {
            "formaat": RECORD_FORMAT,
            "soort": BEHEER,
            "id": self.id,
            "tijd": record_tijd(self.tijd),
            "partner": self.partner,
            "gebruiker": self.gebruiker,
            "rol": self.rol,
            "casus": None,
            "doel": BEHEER,
            "uitkomst": self.handeling.value,
            "voorstel": "",
            "onderwerp": "gebruiker",
            "toelichting": self.toelichting,
            "versieVoor": None,
            "versieNa": None,
            "betreft": self.betreft.id,
            "betreftPartner": self.betreft.partner_id,
            "betreftRol": self.betreft.rol,
            "betreftSoort": self.betreft.soort.value,
            "token": self.token,
        }

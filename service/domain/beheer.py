"""Beheer: proposals to change the field policy or the convenant, and their history records (invariant 8).

Invariants:
- A change takes effect only through an approved `Voorstel`; the approver is never the proposer.
- Every proposal, approval, rejection and activation is a `Beheerbesluit` record in the same tamper-evident log
  as the verstrekkingen (`soort` "beheer"), so `deelpoort audit verify` covers the history too. A record names
  who (partner, gebruiker), when, the toelichting or reden, and the policy versions before and after.
- A record holds names, ids, hashes and the beheerder's own explanation; never a casus's content (a proposal to
  destroy a casus names only its id, in `betreft`).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass

from service.domain.verstrekking import RECORD_FORMAT, record_tijd

BEHEER = "beheer"  # the doel column of beheer records in the log
BEHEERDER = "beheerder"


class Soort(enum.StrEnum):
    """What a proposal changes."""

    BELEID = "beleid"  # a new version of the field policy (complete set, change, or an older version again)
    PARTNER_SCHORSING = "partner-schorsing"  # suspend a partner: all its users refused at once
    PARTNER_HERSTEL = "partner-herstel"  # lift a suspension
    CONVENANT = "convenant"  # a new convenant version: partners, rollen, doelen, grondslagen, activities added
    # A beheerder or FG (domain.identiteit.VIER_OGEN_ROLLEN): created, suspended, reinstated or removed only
    # with a second beheerder's approval. Other gebruikers are changed directly (records: Gebruikersbesluit).
    GEBRUIKER_TOEVOEGING = "gebruiker-toevoeging"
    GEBRUIKER_SCHORSING = "gebruiker-schorsing"
    GEBRUIKER_HERSTEL = "gebruiker-herstel"
    GEBRUIKER_VERWIJDERING = "gebruiker-verwijdering"
    # Destroy one casus's data before its bewaartermijn ends (crypto-shredding, as `retention run` does).
    CASUS_VERNIETIGING = "casus-vernietiging"


class Status(enum.StrEnum):
    OPEN = "open"
    GOEDGEKEURD = "goedgekeurd"  # approved and in effect
    AFGEWEZEN = "afgewezen"


class Handeling(enum.StrEnum):
    """What a history record records."""

    VOORSTEL = "voorstel"
    GOEDKEURING = "goedkeuring"
    AFWIJZING = "afwijzing"
    ACTIVERING = "activering"  # the change took effect (same transaction as the approval)


@dataclass(frozen=True, slots=True)
class Voorstel:
    id: str
    soort: Soort
    status: Status
    toelichting: str
    voorgesteld_door: str  # gebruiker id
    voorgesteld_op: dt.datetime
    basisversie: str | None  # the active policy version when proposed: approving needs it still active
    versie: str | None  # the proposed policy version (soort beleid)
    partner: str | None  # the partner concerned (partner soorten)
    beoordeeld_door: str | None = None
    beoordeeld_op: dt.datetime | None = None
    reden: str | None = None  # the beoordelaar's words: why it was rejected, or the approver's opmerking (optional)
    convenantbasis: str | None = None  # soort convenant: the version in force when proposed (must still be)
    convenantversie: str | None = None  # soort convenant: the proposed convenant version
    gebruiker: str | None = None  # soorten gebruiker-*: the gebruiker concerned
    casus: str | None = None  # soort casus-vernietiging: the casus to destroy (its id only)


@dataclass(frozen=True, slots=True)
class Beheerbesluit:
    """One history record of beheer, logged in the verstrekking log."""

    id: str
    tijd: dt.datetime
    partner: str  # the acting beheerder's partner
    gebruiker: str
    handeling: Handeling
    voorstel: str
    onderwerp: Soort
    toelichting: str  # the proposal's toelichting, the rejection's reden, or the approval's opmerking when given
    versie_voor: str | None  # the active policy version before
    versie_na: str | None  # the active policy version after (equal to before unless activated)
    betreft: str | None = None  # the partner, the gebruiker (gebruiker-*) or the casus (casus-vernietiging) concerned
    convenant_voor: str | None = None  # the convenant version in force before
    convenant_na: str | None = None  # the convenant version in force after

    def as_record(self) -> dict[str, object]:
        return {
            "formaat": RECORD_FORMAT,
            "soort": BEHEER,
            "id": self.id,
            "tijd": record_tijd(self.tijd),
            "partner": self.partner,
            "gebruiker": self.gebruiker,
            "rol": BEHEERDER,
            "casus": None,
            "doel": BEHEER,
            "uitkomst": self.handeling.value,
            "voorstel": self.voorstel,
            "onderwerp": self.onderwerp.value,
            "toelichting": self.toelichting,
            "versieVoor": self.versie_voor,
            "versieNa": self.versie_na,
            "betreft": self.betreft,
            "convenantVoor": self.convenant_voor,
            "convenantNa": self.convenant_na,
        }

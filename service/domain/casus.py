"""Casus, betrokkenen, deelnames and gebruikers: the case side of the domain.

Invariants:
- A Casus carries metadata only (casustype, fase, gemeente, hoofdonderwerp and nevenonderwerpen from the
  convenant's list, dates, aanmelder). Field values about betrokkenen live in `Veldwaarde`s, which only the
  repository turns into ciphertext and back.
- Ids are opaque random strings (uuid4 hex); they carry no personal data and may appear in URLs.
- Times are timezone-aware UTC.
"""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from dataclasses import dataclass, field

from service.domain.convenant import Casustype, Fase


def new_id() -> str:
    """A fresh opaque identifier (32 hex characters, no meaning, no personal data)."""
    return uuid.uuid4().hex


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class BetrokkeneRol(enum.StrEnum):
    """The role of a person in a casus."""

    HOOFDPERSOON = "hoofdpersoon"
    SYSTEEMLID = "systeemlid"


# Onderwerp ids casussen had before the convenant listed them (section `onderwerpen`), with the id that replaced
# each: an aanmelding naming one is read as the new id, and migration 0019 moved the stored casussen.
EERDERE_ONDERWERPEN: dict[str, str] = {"overig": "overige-veiligheid-omgeving"}
MAX_NEVENONDERWERPEN = 5


def onderwerp_problemen(
    onderwerpen: frozenset[str], hoofd: str, neven: tuple[str, ...], plaats: str = ""
) -> list[tuple[str, str]]:
    """What is wrong with a hoofdonderwerp and its nevenonderwerpen, given the convenant's onderwerp ids: each
    from the list, the nevenonderwerpen distinct, without the hoofdonderwerp, at most `MAX_NEVENONDERWERPEN`."""
    problems: list[tuple[str, str]] = []
    if hoofd not in onderwerpen:
        problems.append((f"{plaats}onderwerp", "unknown onderwerp (not in the convenant's onderwerpen)"))
    if len(neven) > MAX_NEVENONDERWERPEN:
        problems.append((f"{plaats}nevenonderwerpen", f"at most {MAX_NEVENONDERWERPEN}"))
    for index, item in enumerate(neven):
        where = f"{plaats}nevenonderwerpen[{index}]"
        if item not in onderwerpen:
            problems.append((where, "unknown onderwerp (not in the convenant's onderwerpen)"))
        elif item == hoofd:
            problems.append((where, "is the hoofdonderwerp already"))
        elif item in neven[:index]:
            problems.append((where, "named twice"))
    return problems


@dataclass(frozen=True, slots=True)
class Betrokkene:
    id: str
    casus_id: str
    rol: BetrokkeneRol
    relatie: str | None = None  # for a systeemlid: e.g. "partner", "kind", "ouder" (no personal data)


@dataclass(frozen=True, slots=True)
class Deelname:
    """A partner taking part in a casus, with its rol there."""

    casus_id: str
    partner_id: str
    rol: str  # Rol.id
    sinds: dt.datetime
    tot: dt.datetime | None = None  # set when the deelname ends (withdrawn or casus closed)
    grondslag: str | None = None  # for an invitation to a CTER casus: the Grondslag.id it rests on

    def actief(self, op: dt.datetime) -> bool:
        return self.sinds <= op and (self.tot is None or op < self.tot)


@dataclass(slots=True)
class Casus:
    """A case: the metadata needed to route and account for it, never its content."""

    id: str
    casustype: Casustype
    fase: Fase
    gemeente: str  # Gemeente.id
    hoofdonderwerp: str  # Casusonderwerp.id of the convenant
    aanmelder: str  # Partner.id
    aangemeld_op: dt.datetime
    gewijzigd_op: dt.datetime
    prioriteit: int | None = None
    afgesloten_op: dt.datetime | None = None
    nevenonderwerpen: tuple[str, ...] = ()  # further Casusonderwerp ids, distinct, without the hoofdonderwerp
    betrokkenen: list[Betrokkene] = field(default_factory=list)
    deelnames: list[Deelname] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Gebruiker:
    """A user of a partner organisation, acting in one rol. Tokens are never held here, only checked."""

    id: str
    partner_id: str
    rol: str
    naam: str  # a display label such as "procesregisseur 1"; synthetic in the demo
    actief: bool = True
    soort: str = "persoon"  # domain.identiteit.SoortGebruiker: a person or a partner's system


def neemt_deel(casus: Casus, partner_id: str, op: dt.datetime) -> bool:
    """True when `partner_id` actively takes part in `casus` at `op`."""
    return any(d.partner_id == partner_id and d.actief(op) for d in casus.deelnames)

"""The casus lifecycle: fasen, the transitions between them, who directs a casus, and its history entries.

Invariants:
- The only fase transitions are those of `OVERGANGEN`: aanmelding -> triage -> procesregie | advies | afgewezen
  (afgewezen also straight from aanmelding), procesregie | advies -> afgesloten. Afgewezen and afgesloten are
  final. Anything else is refused with the transitions that are allowed from the current fase.
- Only the regie of a casus changes its fase, its deelnemers and its prioriteit: in a regular casus the
  procesregisseur of the convenant's Bureau ZVH; in a CTER casus a casusregisseur or procesregisseur of a
  weegploeg partner, or the Bureau's procesregisseur when the weegploeg asked it to take direction (then it
  takes part). Taking part at all is checked first, by the caller, so that a stranger learns nothing.
- Every change is a `Gebeurtenis`: who (partner, gebruiker, rol), when, what (handeling, from and to fase,
  metadata such as the partner added) and why (toelichting). A toelichting may hold personal data, so it is
  stored encrypted under the casus's own data key (and shredded with it).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass, field

from service.domain.casus import Casus, Gebruiker
from service.domain.convenant import Casustype, Convenant, Fase


class Besluit(enum.StrEnum):
    """What the triage decides (DOMAIN: procesregie, (uitgebreid) advies, or not taken on). `in-behandeling`
    starts the triage of a fresh aanmelding. A kort advies or an informatieknooppunt question is no triage
    outcome: it concerns no persons, so it is never a casus but an advies record of its own (`domain.advies`)."""

    IN_BEHANDELING = "in-behandeling"
    PROCESREGIE = "procesregie"
    UITGEBREID_ADVIES = "uitgebreid-advies"  # fase advies: advice and support, the direction stays local
    AFGEWEZEN = "afgewezen"  # not taken on


# Besluit values accepted before the besluit named its soort of advies, with the value each now means.
EERDERE_BESLUITEN: Mapping[str, Besluit] = {"advies": Besluit.UITGEBREID_ADVIES}


class Handeling(enum.StrEnum):
    """The kinds of change recorded in a casus's history."""

    AANMELDING = "aanmelding"
    TRIAGE = "triage"
    DEELNEMER_TOEGEVOEGD = "deelnemer-toegevoegd"
    DEELNEMER_VERWIJDERD = "deelnemer-verwijderd"
    PRIORITERING = "prioritering"
    AFSLUITING = "afsluiting"
    PLAN = "plan"  # an item of the plan van aanpak added or changed (`gegevens`: soort, id, wijziging, van, naar)
    AVE_FASE = "ave-fase"  # the AVE-fase of a casus about verward gedrag set (`gegevens`: van, naar)


class Uitkomst(enum.StrEnum):
    """The outcome recorded at afsluiting: one vocabulary with the casus veld `afsluitreden` (whose keuzes in the
    veldcatalogus are exactly these values, checked by the tests), which the afsluiting fills in."""

    DOEL_GEREALISEERD = "doel-gerealiseerd"
    DOEL_DEELS_GEREALISEERD = "doel-deels-gerealiseerd"
    DOEL_NIET_GEREALISEERD = "doel-niet-gerealiseerd"
    OVERGEDRAGEN = "overgedragen"
    VERHUISD = "verhuisd"
    OVERLEDEN = "overleden"
    ANDERS = "anders"


# (from fase, besluit or "afsluiting") -> to fase. The whole state machine; nothing else moves a casus.
AFSLUITING = "afsluiting"
OVERGANGEN: Mapping[tuple[Fase, str], Fase] = {
    (Fase.AANMELDING, Besluit.IN_BEHANDELING): Fase.TRIAGE,
    (Fase.AANMELDING, Besluit.AFGEWEZEN): Fase.AFGEWEZEN,
    (Fase.TRIAGE, Besluit.PROCESREGIE): Fase.PROCESREGIE,
    (Fase.TRIAGE, Besluit.UITGEBREID_ADVIES): Fase.ADVIES,
    (Fase.TRIAGE, Besluit.AFGEWEZEN): Fase.AFGEWEZEN,
    (Fase.PROCESREGIE, AFSLUITING): Fase.AFGESLOTEN,
    (Fase.ADVIES, AFSLUITING): Fase.AFGESLOTEN,
}
FINAL = frozenset({Fase.AFGESLOTEN, Fase.AFGEWEZEN})
OPEN = frozenset(Fase) - FINAL
PRIORITEIT_MIN, PRIORITEIT_MAX = 1, 5

# The rollen a partner can have within a casus (fg and beheerder never take part in one).
CASUSROLLEN = ("casusregisseur", "deelnemer", "procesondersteuner", "procesregisseur")
REGIEROLLEN = frozenset({"casusregisseur", "procesregisseur"})


def toegestaan_vanuit(fase: Fase) -> tuple[str, ...]:
    """The transitions allowed from `fase`, as `"<from>-><to>"` strings (what a 409 lists)."""
    return tuple(f"{van.value}->{naar.value}" for (van, _), naar in OVERGANGEN.items() if van is fase)


def toegestane_besluiten(fase: Fase) -> tuple[str, ...]:
    """The triage besluiten accepted in `fase` (what a 409 lists besides the transitions)."""
    return tuple(b.value for (van, b) in OVERGANGEN if van is fase and isinstance(b, Besluit))


def volgende_fase(fase: Fase, handeling: str) -> Fase | None:
    """The fase a besluit (or "afsluiting") leads to from `fase`, or None when that transition does not exist."""
    return OVERGANGEN.get((fase, handeling))


def regisseert(convenant: Convenant, casus: Casus, gebruiker: Gebruiker) -> bool:
    """Whether `gebruiker` holds the regie of `casus` (directs triage, deelnemers, prioriteit and afsluiting).

    Participation is not checked here; the caller checks it first so a non-participant gets "not found".
    """
    document = convenant.document(casus.casustype)
    if document is None:
        return False
    if gebruiker.partner_id == document.bureau and gebruiker.rol == "procesregisseur":
        return True
    if casus.casustype is Casustype.CTER:
        partner = convenant.partner(gebruiker.partner_id)
        return partner is not None and partner.type in document.weegploeg and gebruiker.rol in REGIEROLLEN
    return False


@dataclass(frozen=True, slots=True)
class Gebeurtenis:
    """One entry of a casus's history: who did what, when, and why.

    `gegevens` holds metadata only (ids of partners, rollen, grondslag, uitkomst), never a value about a person;
    `toelichting` is free text and is stored encrypted.
    """

    id: str
    casus_id: str
    tijd: dt.datetime
    partner_id: str
    gebruiker_id: str
    rol: str
    handeling: Handeling
    van_fase: Fase
    naar_fase: Fase
    toelichting: str | None = None
    gegevens: Mapping[str, str | int | None] = field(default_factory=dict)

"""Correctie (AVG art. 16) and verwijdering (art. 17) of a person's values: routed to the partner that supplied
them (the bron), tracked until that partner answers.

Invariants:
- A verzoek concerns one casus and one bron partner, and names exactly the places (betrokkene id or "casus",
  with the veld) whose stored value that partner supplied; the velden it disputes without any stored value for
  the person are answered as `geen-waarde`, never routed and never an error.
- A verzoek never holds a value, a BSN or a free text: ids, veld names, codes and times only.
- The status only moves forward: ontvangen -> doorgestuurd -> afgehandeld, with a `Resultaat` and, for an
  afwijzing only, an `Afwijzingsreden`.
- `gecorrigeerd` holds only when every place holds a value the bron supplied after the verzoek was received
  (`niet_gecorrigeerd` names the velden that do not); a correctie is always a new bijdrage by the bron.
- A `verwijdering` cannot end `gecorrigeerd` (the person asked for erasure, not for another value).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from service.domain.convenant import Regime

CASUS = "casus"  # the place of a veld about the casus itself (as verstrekking records name it)

Plaats = tuple[str, str]  # (betrokkene id or CASUS, veld id)
Herkomst = Mapping[tuple[str | None, str], tuple[str, dt.datetime]]  # stored place -> (bron, bijgedragen op)


class VerzoekSoort(enum.StrEnum):
    CORRECTIE = "correctie"  # AVG art. 16: rectificatie
    VERWIJDERING = "verwijdering"  # AVG art. 17: wissing


class Status(enum.StrEnum):
    ONTVANGEN = "ontvangen"
    DOORGESTUURD = "doorgestuurd"  # routed to the bron partner (at once, when entered)
    AFGEHANDELD = "afgehandeld"


class Resultaat(enum.StrEnum):
    GECORRIGEERD = "gecorrigeerd"  # the bron supplied a new value (a bijdrage) for every disputed place
    VERWIJDERD = "verwijderd"  # the bron's values at the places were deleted
    AFGEWEZEN = "afgewezen"  # refused, with an `Afwijzingsreden`


class Afwijzingsreden(enum.StrEnum):
    """Why a bron refuses (fixed codes: the partner's own reasoning stays in its own file)."""

    JUIST_BEVONDEN = "juist-bevonden"  # the value was checked and is accurate (art. 16)
    WETTELIJKE_BEWAARPLICHT = "wettelijke-bewaarplicht"  # a legal obligation to keep it (art. 17 lid 3 sub b)
    ALGEMEEN_BELANG = "algemeen-belang"  # needed for a task in the public interest (art. 17 lid 3 sub b)
    RECHTSVORDERING = "rechtsvordering"  # needed for a legal claim (art. 17 lid 3 sub e)


RESULTATEN: Mapping[VerzoekSoort, frozenset[Resultaat]] = {
    VerzoekSoort.CORRECTIE: frozenset(Resultaat),  # a wrong value may also be removed instead of replaced
    VerzoekSoort.VERWIJDERING: frozenset({Resultaat.VERWIJDERD, Resultaat.AFGEWEZEN}),
}


@dataclass(frozen=True, slots=True)
class Correctieverzoek:
    """One request of the person, for one casus, routed to one bron partner."""

    id: str
    aanvraag: str  # the entry it came from (one entry may give several verzoeken)
    soort: VerzoekSoort
    regime: Regime
    casus: str
    betrokkenen: tuple[str, ...]  # the person's betrokkene ids in the casus
    plaatsen: tuple[Plaats, ...]  # the disputed places whose value the bron supplied, sorted
    bron: str  # the partner that supplied the values, to which the verzoek is routed
    status: Status
    ontvangen_op: dt.datetime
    doorgestuurd_op: dt.datetime | None
    ingediend_door: str  # gebruiker id (FG or procesregisseur of the Bureau ZVH)
    ingediend_partner: str
    afgehandeld_op: dt.datetime | None = None
    afgehandeld_door: str | None = None
    resultaat: Resultaat | None = None
    reden: Afwijzingsreden | None = None

    @property
    def velden(self) -> tuple[str, ...]:
        return tuple(sorted({veld for _, veld in self.plaatsen}))

    @property
    def open(self) -> bool:
        return self.status is not Status.AFGEHANDELD


@dataclass(frozen=True, slots=True)
class Routering:
    """Where the disputed velden of one casus go: per bron partner its places, and the velden without a value."""

    per_bron: Mapping[str, tuple[Plaats, ...]]
    geen_waarde: tuple[str, ...]


def routeer(
    velden: Iterable[str],
    casusvelden: Collection[str],
    betrokkenen: Collection[str],
    hoofdpersoon: bool,
    herkomst: Herkomst,
) -> Routering:
    """Route the disputed `velden` for the person whose betrokkene ids in a casus are `betrokkenen`.

    A veld of `casusvelden` (about the casus itself) is the person's only when they are its hoofdpersoon (the
    casus's own velden describe the hoofdpersoon's situation, as a beperking treats them); any other veld is
    looked up at each of the person's betrokkene places. `herkomst` is the casus's stored places with their bron.
    """
    per_bron: dict[str, set[Plaats]] = {}
    geen: list[str] = []
    for veld in sorted(set(velden)):
        opgeslagen: list[tuple[str | None, str]]
        if veld in casusvelden:
            opgeslagen = [(None, CASUS)] if hoofdpersoon else []
        else:
            opgeslagen = [(b, b) for b in sorted(betrokkenen)]
        gevonden = False
        for sleutel, plaats in opgeslagen:
            stored = herkomst.get((sleutel, veld))
            if stored is not None:
                per_bron.setdefault(stored[0], set()).add((plaats, veld))
                gevonden = True
        if not gevonden:
            geen.append(veld)
    return Routering({bron: tuple(sorted(p)) for bron, p in sorted(per_bron.items())}, tuple(geen))


def opgeslagen_plaats(plaats: Plaats) -> tuple[str | None, str]:
    """A verzoek's place as the value store keys it (None for the casus itself)."""
    betrokkene, veld = plaats
    return (None if betrokkene == CASUS else betrokkene, veld)


def niet_gecorrigeerd(verzoek: Correctieverzoek, herkomst: Herkomst) -> tuple[str, ...]:
    """The velden of the verzoek with a place that holds no value the bron supplied after the verzoek was
    received (empty: every disputed value was replaced by the bron)."""
    open_velden = {
        plaats[1]
        for plaats in verzoek.plaatsen
        if not _nieuw(herkomst.get(opgeslagen_plaats(plaats)), verzoek.bron, verzoek.ontvangen_op)
    }
    return tuple(sorted(open_velden))


def van_bron(verzoek: Correctieverzoek, herkomst: Herkomst) -> tuple[tuple[str | None, str], ...]:
    """The verzoek's places (as stored) that still hold a value of its bron: what a `verwijderd` deletes."""
    out = []
    for plaats in verzoek.plaatsen:
        stored = opgeslagen_plaats(plaats)
        found = herkomst.get(stored)
        if found is not None and found[0] == verzoek.bron:
            out.append(stored)
    return tuple(out)


def _nieuw(stored: tuple[str, dt.datetime] | None, bron: str, sinds: dt.datetime) -> bool:
    return stored is not None and stored[0] == bron and stored[1] > sinds

"""Overleggen: a meeting of a soort on a date, chaired by a procesregisseur, with an agenda of casussen.

Invariants:
- An overleg is of one casustype, that of its soort (`domain.convenant.Overlegsoort`): its agenda holds casussen
  of that casustype only, so a CTER casus is never discussed at a regular table, nor a regular one at a CTER
  casustafel (DESIGN invariant 5).
- Per agendapunt the invited partners are active deelnemers of that casus when invited; attendance is recorded
  per agendapunt and per partner (aanwezig or afwezig), and an incidental participant (`incidenteel`) also needs a
  geheimhoudingsverklaring recorded for the overleg before it receives anything in it.
- What is shared in an overleg is a verstrekking with doel `casusoverleg` naming the overleg; `toets` is the pure
  check the decision (`domain.beslissing.beslis`) runs on it, after the deelname check and before the fase.
- Nothing here holds a value about a person: ids, dates, codes and booleans only. The verslag is case data and
  lives with the casus's other encrypted values (`veld` `verslag`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.convenant import Casustype
from service.domain.verstrekking import Weigering

OVERLEGDOEL = "casusoverleg"  # the only doel under which data is shared in an overleg
VERSLAGVELD = "verslag"  # the casus veld holding the voorzitter's verslag of the casus's latest bespreking


@dataclass(frozen=True, slots=True)
class Uitnodiging:
    """A partner invited for one agendapunt, and what was recorded of its attendance."""

    partner: str
    uitgenodigd_op: dt.datetime
    aanwezig: bool | None = None  # None: not recorded (yet)
    incidenteel: bool = False
    vastgelegd_op: dt.datetime | None = None  # when the attendance was recorded
    vastgelegd_door: str | None = None  # the gebruiker that recorded it


@dataclass(frozen=True, slots=True)
class Agendapunt:
    casus: str
    toegevoegd_op: dt.datetime
    uitnodigingen: tuple[Uitnodiging, ...] = ()
    verslag_op: dt.datetime | None = None  # when the voorzitter last wrote the verslag of this bespreking

    def uitnodiging(self, partner: str) -> Uitnodiging | None:
        return next((u for u in self.uitnodigingen if u.partner == partner), None)


@dataclass(frozen=True, slots=True)
class Verklaring:
    """That an incidental participant's geheimhoudingsverklaring for this overleg was recorded: when, by whom."""

    partner: str
    vastgelegd_op: dt.datetime
    vastgelegd_door: str


@dataclass(frozen=True, slots=True)
class Overleg:
    id: str
    soort: str
    casustype: Casustype
    datum: dt.date
    voorzitter: str  # the gebruiker (a procesregisseur) who chairs it
    voorzitter_partner: str  # its partner: the Bureau ZVH
    aangemaakt_op: dt.datetime
    agenda: tuple[Agendapunt, ...] = ()
    verklaringen: tuple[Verklaring, ...] = ()

    def agendapunt(self, casus: str) -> Agendapunt | None:
        return next((a for a in self.agenda if a.casus == casus), None)

    def verklaring(self, partner: str) -> Verklaring | None:
        return next((v for v in self.verklaringen if v.partner == partner), None)


@dataclass(frozen=True, slots=True)
class Overlegdeelname:
    """What the decision of a verstrekking in an overleg reads: the caller's place there for this casus.

    `geagendeerd` is False when there is no such overleg, it is of another casustype, or the casus is not on its
    agenda; `uitnodiging` is None when the caller's partner was not invited for the casus.
    """

    overleg: str
    geagendeerd: bool
    uitnodiging: Uitnodiging | None = None
    verklaring: bool = False


def deelname(
    overleg: Overleg | None, overleg_id: str, casus: str, casustype: Casustype, partner: str
) -> Overlegdeelname:
    """The facts of `partner`'s place on `overleg` (None: there is none) for `casus` of `casustype`."""
    punt = overleg.agendapunt(casus) if overleg is not None and overleg.casustype is casustype else None
    if overleg is None or punt is None:
        return Overlegdeelname(overleg_id, False)
    return Overlegdeelname(overleg_id, True, punt.uitnodiging(partner), overleg.verklaring(partner) is not None)


def toets(feit: Overlegdeelname, doel: str) -> tuple[Weigering, str] | None:
    """Why a verstrekking in an overleg is refused, or None. In this order: the doel is `casusoverleg`; the casus
    is on the overleg's agenda; the partner is recorded as attending it; an incidental participant's verklaring
    is recorded. Pure: it reads only its arguments."""
    if doel != OVERLEGDOEL:
        return Weigering.OVERLEG, f"in an overleg only doel '{OVERLEGDOEL}' is shared"
    if not feit.geagendeerd:
        return Weigering.OVERLEG, "no such overleg with this casus on its agenda"
    uitnodiging = feit.uitnodiging
    if uitnodiging is None or uitnodiging.aanwezig is not True:
        return Weigering.AFWEZIG, "this partner is not recorded as attending this agendapunt"
    if uitnodiging.incidenteel and not feit.verklaring:
        return Weigering.GEHEIMHOUDING, "an incidental participant's geheimhoudingsverklaring is not recorded"
    return None

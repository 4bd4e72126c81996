"""Replaying an imported casus's past in memory: each step checked as the lifecycle use case checks it and applied
as it applies it, each value held against the bronregels as an aanlevering is, so that the casus ends exactly
where the same steps through the API, at the same moments, would have left it.

Invariants:
- A step is checked in the order of `casus.regie.regiestap`: the one who took it (`door`) takes part in the
  casus at that moment in a rol that takes part in casussen, holds its regie (`domain.levensloop.regisseert`),
  the step's input (the use case's own checks, reused: `vereis_toelichting`, `uitnodiging_problemen`,
  `overdracht_problemen`, ...), an open casus where the use case needs one, and a transition `OVERGANGEN` allows.
  A step that fails changes nothing in the replay and is reported with its place (`historie[2].besluit`).
- A step applies exactly the use case's effects: the fase (with `afgesloten_op` for a final one), deelnames
  started and ended at the step's moment (a final fase ends all but the Bureau ZVH's in a regular casus; an
  overdracht makes the receiving partner a deelnemer), the prioriteit, the history entry (who, when, what, why:
  `regie.gebeurtenis`), the casus marked changed at that moment; an afsluiting of a regular casus has its regie
  supply `afsluitreden` and `overdrachtAan` under the bronregels, as `levensloop.afsluiten` does.
- Values are supplied (`lever`) by a partner acting in a rol, under doel aanmelding or bijdrage, judged by the
  bronregels of the policy in force with the register's verwerkingsactiviteit in force on that day, all or
  nothing per supply; a refused veld is named at its place in the line, never with its value.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from service.domain.casus import Casus, Deelname, Gebruiker, neemt_deel
from service.domain.convenant import Casustype, Convenant, Fase
from service.domain.errors import ConflictError, OngeldigeInvoerError
from service.domain.levensloop import (
    AFSLUITING,
    CASUSROLLEN,
    EERDERE_BESLUITEN,
    FINAL,
    PRIORITEIT_MAX,
    PRIORITEIT_MIN,
    Besluit,
    Gebeurtenis,
    Handeling,
    Uitkomst,
    regisseert,
)
from service.domain.veldwaarde import JsonWaarde
from service.domain.verstrekking import VerstrektVeld
from service.service_layer.casus.aanlevering import BIJDRAGE, Bronregels
from service.service_layer.casus.deelname import (
    Uitnodiging,
    blijft_na_afsluiting,
    blijvers,
    overdracht_problemen,
    uitnodiging_problemen,
    van_rechtswege,
)
from service.service_layer.casus.regie import (
    Gegevens,
    gebeurtenis,
    overgang,
    toelichting_lengte,
    vereis_open,
    vereis_toelichting,
)
from service.service_layer.importeren.formaat import Partnerrol, Stapinvoer

Plaats = tuple[str | None, str]  # (betrokkene id, or None for the casus; veld)
Problemen = list[tuple[str, str]]
IMPORT_NAAM = "import"  # the name of the gebruiker an imported history entry names (its id is the run's)


@dataclass(frozen=True, slots=True)
class Context:
    """What judging a line needs: the convenant and bronregels in force, the run, and now."""

    convenant: Convenant
    bronregels: Bronregels
    run: str  # the import run's id: the gebruiker every imported history entry and bijdrage row names
    now: dt.datetime


@dataclass(frozen=True, slots=True)
class Levering:
    """Values one partner supplied at one moment under one doel, accepted by the bronregels."""

    bron: str
    rol: str
    doel: str
    op: dt.datetime
    waarden: Mapping[Plaats, JsonWaarde]
    verstrekt: tuple[VerstrektVeld, ...]  # per veld the bron's grondslag and verwerkingsactiviteit


@dataclass
class Verloop:
    """The replay so far: the casus as it stands (mutated step by step), its history and what was supplied."""

    casus: Casus
    historie: list[Gebeurtenis] = field(default_factory=list)
    leveringen: list[Levering] = field(default_factory=list)


def lever(
    ctx: Context,
    casus: Casus,
    bron: Partnerrol,
    levering: tuple[str, dt.datetime],
    waarden: Mapping[Plaats, JsonWaarde],
    plaatsen: Mapping[Plaats, str],
) -> Levering | Problemen:
    """Judge `waarden` supplied by `bron` under (doel, at that moment) to `casus` in its present fase: the accepted
    supply, or a problem per refused value at its place in the line (`plaatsen`)."""
    doel, op = levering
    per_veld: dict[str, list[str | None]] = {}
    for betrokkene, veld in waarden:
        per_veld.setdefault(veld, []).append(betrokkene)
    besluit = ctx.bronregels.beoordeel(bron.partner, bron.rol, (casus.casustype, casus.fase), doel, per_veld, op.date())
    if besluit.weigering is None:
        return Levering(bron.partner, bron.rol, doel, op, dict(waarden), besluit.verstrekt)
    va = ctx.convenant.verwerkingsactiviteit(casus.casustype, doel, op.date())
    if va is None or casus.fase not in va.fasen:
        reden = f"the register of verwerkingsactiviteiten permits no {doel} in fase {casus.fase.value} on that day"
    else:
        reden = f"the bronregels do not let this bron, in its rol in the casus, supply this veld (doel {doel})"
    return [(plaatsen[p], reden) for p in waarden if p[1] in besluit.geweigerd]


def stap(ctx: Context, verloop: Verloop, invoer: Stapinvoer) -> Problemen:
    """Check one step against the casus as it stands and, when it fits, apply it; its problems otherwise."""
    casus = verloop.casus
    door = invoer.door or Partnerrol(_bureau(ctx.convenant, casus.casustype), "procesregisseur")
    gebruiker = Gebruiker(ctx.run, door.partner, door.rol, IMPORT_NAAM)
    if door.rol not in CASUSROLLEN or not neemt_deel(casus, door.partner, invoer.op):
        return [(f"{invoer.plaats}.door", "does not take part in the casus at that moment, in a rol of a casus")]
    if not regisseert(ctx.convenant, casus, gebruiker):
        return [(f"{invoer.plaats}.door", "does not hold the regie of the casus: only the regie takes this step")]
    try:
        naar, gegevens, pas_toe = _HANDELINGEN[invoer.handeling](ctx, verloop, invoer, gebruiker)
    except OngeldigeInvoerError as exc:
        return [(f"{invoer.plaats}.{plaats}", reden) for plaats, reden in exc.problemen]
    except ConflictError as exc:  # also OngeldigeOvergangError: the step does not fit the fase
        waar = "besluit" if invoer.handeling == Handeling.TRIAGE else "handeling"
        return [(f"{invoer.plaats}.{waar}", str(exc))]
    handeling = Handeling(invoer.handeling)
    verloop.historie.append(gebeurtenis(casus, gebruiker, invoer.op, handeling, naar, invoer.toelichting, gegevens))
    pas_toe()
    if naar is not casus.fase:
        casus.fase = naar
        if naar in FINAL:
            casus.afgesloten_op = invoer.op
    casus.gewijzigd_op = invoer.op
    return []


Toepassing = tuple[Fase, Gegevens, Callable[[], None]]


def _triage(ctx: Context, verloop: Verloop, invoer: Stapinvoer, _door: Gebruiker) -> Toepassing:
    casus, problems = verloop.casus, []
    besluit = str(invoer.gegevens["besluit"])
    besluit = EERDERE_BESLUITEN.get(besluit, besluit)
    if besluit not in {b.value for b in Besluit}:
        problems.append(("besluit", f"must be one of: {', '.join(b.value for b in Besluit)}"))
    vereis_toelichting(invoer.toelichting, problems)
    _weiger(problems)
    naar = overgang(casus, besluit)

    def pas_toe() -> None:
        if naar is Fase.AFGEWEZEN:
            _beeindig(casus, invoer.op, behalve=blijvers(ctx.convenant, casus))

    return naar, {"besluit": besluit}, pas_toe


def _toegevoegd(ctx: Context, verloop: Verloop, invoer: Stapinvoer, _door: Gebruiker) -> Toepassing:
    casus, g = verloop.casus, invoer.gegevens
    uitnodiging = Uitnodiging(str(g["partner"]), str(g["rol"]), invoer.toelichting, _of_none(g.get("grondslag")))
    _weiger(uitnodiging_problemen(ctx.convenant, casus, uitnodiging, invoer.op))
    vereis_open(casus)
    if neemt_deel(casus, uitnodiging.partner, invoer.op):
        raise ConflictError("this partner already takes part in the casus")

    def pas_toe() -> None:
        deelname = Deelname(casus.id, uitnodiging.partner, uitnodiging.rol, invoer.op, grondslag=uitnodiging.grondslag)
        casus.deelnames.append(deelname)

    gegevens = {"partner": uitnodiging.partner, "rol": uitnodiging.rol, "grondslag": uitnodiging.grondslag}
    return casus.fase, gegevens, pas_toe


def _verwijderd(ctx: Context, verloop: Verloop, invoer: Stapinvoer, _door: Gebruiker) -> Toepassing:
    casus, partner = verloop.casus, str(invoer.gegevens["partner"])
    _weiger(toelichting_lengte(invoer.toelichting))
    vereis_open(casus)
    if not neemt_deel(casus, partner, invoer.op):
        raise ConflictError("this partner does not take part in the casus")
    if partner in van_rechtswege(ctx.convenant, casus):
        raise ConflictError("this partner takes part by right and cannot be removed")
    return casus.fase, {"partner": partner}, lambda: _beeindig(casus, invoer.op, partner=partner)


def _prioritering(_ctx: Context, verloop: Verloop, invoer: Stapinvoer, _door: Gebruiker) -> Toepassing:
    casus, prioriteit = verloop.casus, invoer.gegevens["prioriteit"]
    problems = []
    if prioriteit is not None and not PRIORITEIT_MIN <= prioriteit <= PRIORITEIT_MAX:
        problems.append(("prioriteit", f"between {PRIORITEIT_MIN} and {PRIORITEIT_MAX}"))
    _weiger(problems + toelichting_lengte(invoer.toelichting))
    vereis_open(casus)

    def pas_toe() -> None:
        casus.prioriteit = prioriteit

    return casus.fase, {"prioriteit": prioriteit}, pas_toe


def _afsluiting(ctx: Context, verloop: Verloop, invoer: Stapinvoer, door: Gebruiker) -> Toepassing:
    casus, convenant = verloop.casus, ctx.convenant
    uitkomst, overdracht = str(invoer.gegevens["uitkomst"]), _of_none(invoer.gegevens.get("overdracht"))
    problems = []
    if uitkomst not in {u.value for u in Uitkomst}:
        problems.append(("uitkomst", f"must be one of: {', '.join(u.value for u in Uitkomst)}"))
    if uitkomst == Uitkomst.OVERGEDRAGEN and overdracht is None:
        problems.append(("overdracht", "uitkomst overgedragen names the partner or region it was transferred to"))
    problems += toelichting_lengte(invoer.toelichting)
    if overdracht is not None:
        problems += overdracht_problemen(convenant, casus, overdracht, invoer.op)
    _weiger(problems)
    naar = overgang(casus, AFSLUITING)
    afsluiting = _afsluitwaarden(ctx, casus, door, (uitkomst, overdracht), invoer)

    def pas_toe() -> None:
        if afsluiting is not None:
            verloop.leveringen.append(afsluiting)
        _beeindig(casus, invoer.op, behalve=blijvers(convenant, casus))
        if overdracht is not None and not blijft_na_afsluiting(convenant, casus, overdracht):
            casus.deelnames.append(Deelname(casus.id, overdracht, "deelnemer", invoer.op))

    return naar, {"uitkomst": uitkomst, "overdracht": overdracht}, pas_toe


def _afsluitwaarden(
    ctx: Context, casus: Casus, door: Gebruiker, afsluiting: tuple[str, str | None], invoer: Stapinvoer
) -> Levering | None:
    """What the regie supplies with the afsluiting of a regular casus (`levensloop._vul_afsluiting`): the uitkomst
    as `afsluitreden` and who took over as `overdrachtAan`; None in a CTER casus (the burgemeester informs).

    Raises:
        OngeldigeInvoerError: the bronregels do not let the regie supply them.
    """
    if casus.casustype is not Casustype.REGULIER:
        return None
    uitkomst, overdracht = afsluiting
    waarden: dict[Plaats, JsonWaarde] = {(None, "afsluitreden"): uitkomst}
    if overdracht is not None:
        partner = ctx.convenant.partner(overdracht)
        waarden[(None, "overdrachtAan")] = partner.naam if partner else overdracht
    plaatsen = dict.fromkeys(waarden, "uitkomst")
    levering = lever(ctx, casus, Partnerrol(door.partner_id, door.rol), (BIJDRAGE, invoer.op), waarden, plaatsen)
    if isinstance(levering, list):
        raise OngeldigeInvoerError(levering)
    return levering


_HANDELINGEN: Mapping[str, Callable[[Context, Verloop, Stapinvoer, Gebruiker], Toepassing]] = {
    Handeling.TRIAGE: _triage,
    Handeling.DEELNEMER_TOEGEVOEGD: _toegevoegd,
    Handeling.DEELNEMER_VERWIJDERD: _verwijderd,
    Handeling.PRIORITERING: _prioritering,
    Handeling.AFSLUITING: _afsluiting,
}


def _beeindig(casus: Casus, op: dt.datetime, *, partner: str | None = None, behalve: Sequence[str] = ()) -> None:
    """End the active deelnames at `op` (of one partner, or of all but `behalve`), as `end_deelnames` does."""
    casus.deelnames = [
        dataclasses.replace(d, tot=op)
        if d.tot is None and (partner is None or d.partner_id == partner) and d.partner_id not in behalve
        else d
        for d in casus.deelnames
    ]


def _bureau(convenant: Convenant, casustype: Casustype) -> str:
    document = convenant.document(casustype)
    return document.bureau if document is not None and document.bureau else ""


def _weiger(problems: Problemen) -> None:
    if problems:
        raise OngeldigeInvoerError(problems)


def _of_none(value: object) -> str | None:
    return None if value is None else str(value)

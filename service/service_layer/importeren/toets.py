"""Judging one read line of an import (`formaat.Casusinvoer`): the casus as it would stand had it been entered
through Deelpoort at the moments the line gives, or every problem found.

Invariants:
- Pure: it reads the convenant, the bronregels and the clock handed in (`verloop.Context`) and writes nothing.
  Ids are made here (casus, betrokkenen, history entries), so a refused or dry-run line leaves no trace.
- The aanmelding is judged as `casus.aanmelding.aanmelden` judges it: casustype, gemeente, onderwerpen from the
  convenant, 1 to 50 betrokkenen with exactly one hoofdpersoon, every veld of the veldcatalogus in its place
  with a valid value (`verzamel`, `normaliseer`), an aanmelder that may refer this casustype
  (`vereis_mag_aanmelden`), who takes part from then on as it would (`nieuwe_casus`).
- Every value has a bron, a convenant partner. A value of the aanmelder at the aanmelding's moment (no `op`, or
  that moment) is part of the aanmelding (doel aanmelding, fase aanmelding); any other is a bijdrage of its bron
  at its `op` (doel bijdrage, in the fase of that moment), accepted only while the casus is open and its bron
  takes part in it, judged in the rol it has there. `afsluitreden` and `overdrachtAan` are never supplied: the
  afsluiting fills them in, as through the API.
- Time: every moment is before now; the aanmelding comes first, the history's steps follow in order (a step may
  share its moment with the one before), a value is supplied at or after the aanmelding. At equal moments a step
  comes before a value.
- A casus that is closed and whose bewaartermijn (`casus.bewaring.einde_bewaartermijn`) has ended is refused:
  Deelpoort would destroy it at once; it is destroyed at the source, not imported.
- Problems are named by their place in the line and never repeat a value. The first step that does not fit
  ends the replay (later steps depend on it); every refused value is reported.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.domain.casus import (
    EERDERE_ONDERWERPEN,
    Betrokkene,
    BetrokkeneRol,
    Casus,
    Gebruiker,
    new_id,
    onderwerp_problemen,
)
from service.domain.convenant import Casustype
from service.domain.convenant import Onderwerp as VeldOnderwerp
from service.domain.errors import NietToegestaanError
from service.domain.levensloop import FINAL, Gebeurtenis
from service.domain.veldwaarde import JsonWaarde
from service.service_layer.casus import levensloop
from service.service_layer.casus.aanlevering import AANMELDING, BIJDRAGE
from service.service_layer.casus.aanmelding import MAX_BETROKKENEN, nieuwe_casus, vereis_mag_aanmelden, verzamel
from service.service_layer.casus.bewaring import einde_bewaartermijn
from service.service_layer.importeren.formaat import Casusinvoer, Partnerrol, Stapinvoer
from service.service_layer.importeren.verloop import IMPORT_NAAM, Context, Levering, Verloop, lever, stap

Plaats = tuple[str | None, str]
Problemen = list[tuple[str, str]]
DOOR_DE_AFSLUITING = frozenset({"afsluitreden", "overdrachtAan"})  # filled in by the afsluiting, never supplied


@dataclass(frozen=True, slots=True)
class Casusplan:
    """A line judged sound: the casus as it stands after its history, and what to store for it."""

    regel: int
    casus: Casus  # metadata, betrokkenen and every deelname with its start and end
    leveringen: tuple[Levering, ...]  # in the order they were supplied (the aanmelding's first)
    historie: tuple[Gebeurtenis, ...]  # the aanmelding's entry first


@dataclass(frozen=True, slots=True)
class _Bijdrage:
    """The values one bron supplied at one moment after the aanmelding (one event of the replay)."""

    bron: str
    op: dt.datetime
    waarden: tuple[int, ...]  # positions in the line's values (`Casusinvoer.waarden`)


Gelezen = list[tuple[Plaats, JsonWaarde]]  # per value of the line (in its order): its place and canonical form


def toets(ctx: Context, invoer: Casusinvoer) -> Casusplan | Problemen:
    """The casus of the line as it stands after its history, or every problem (module invariants)."""
    convenant = ctx.convenant
    problems: Problemen = []
    casustype = invoer.casustype if invoer.casustype in {c.value for c in Casustype} else None
    if casustype is None:
        problems.append(("casustype", f"must be one of: {', '.join(c.value for c in Casustype)}"))
    if invoer.gemeente not in convenant.ids("gemeente"):
        problems.append(("gemeente", "unknown gemeente"))
    hoofdonderwerp = EERDERE_ONDERWERPEN.get(invoer.onderwerp, invoer.onderwerp)
    problems += onderwerp_problemen(convenant.ids("onderwerp"), hoofdonderwerp, invoer.nevenonderwerpen)
    casus_id = new_id()
    betrokkenen = _betrokkenen(casus_id, invoer, problems)
    waarden, plaatsen = _waarden(ctx, invoer, betrokkenen, problems)
    problems += _tijden(ctx.now, invoer)
    aanmelder = Gebruiker(ctx.run, invoer.aanmelder.partner, invoer.aanmelder.rol, IMPORT_NAAM)
    if casustype is not None:
        try:
            vereis_mag_aanmelden(convenant, aanmelder, Casustype(casustype))
        except NietToegestaanError as exc:
            problems.append(("aanmelding", str(exc)))
    if problems or casustype is None:
        return problems
    kind, moment = Casustype(casustype), invoer.aangemeld_op
    onderwerpen = (hoofdonderwerp, invoer.nevenonderwerpen)
    casus = nieuwe_casus(convenant, aanmelder, (casus_id, kind, invoer.gemeente), onderwerpen, betrokkenen, moment)
    verloop = Verloop(casus, [levensloop.aanmelding_entry(casus, aanmelder, moment)])
    bij_aanmelding = {
        i for i, w in enumerate(invoer.waarden) if w.bron == invoer.aanmelder.partner and w.op in (None, moment)
    }
    eerste_waarden = dict(waarden[i] for i in sorted(bij_aanmelding))
    eerste = lever(ctx, casus, invoer.aanmelder, (AANMELDING, moment), eerste_waarden, plaatsen)
    if isinstance(eerste, list):
        problems += eerste or [("aanmelding.op", "the register permits no aanmelding of this casustype on that day")]
    else:
        verloop.leveringen.append(eerste)
    bijdragen = _bijdragen(invoer, bij_aanmelding)
    problems += _speel_af(ctx, verloop, invoer.historie, bijdragen, (waarden, plaatsen))
    problems += _bewaartermijn(ctx, verloop, invoer.historie)
    if problems:
        return problems
    return Casusplan(invoer.regel, casus, tuple(verloop.leveringen), tuple(verloop.historie))


def _betrokkenen(casus_id: str, invoer: Casusinvoer, problems: Problemen) -> list[Betrokkene]:
    if not invoer.betrokkenen or len(invoer.betrokkenen) > MAX_BETROKKENEN:
        problems.append(("betrokkenen", f"between 1 and {MAX_BETROKKENEN} betrokkenen"))
    rollen = [r.value for r in BetrokkeneRol]
    out = []
    for index, (rol, relatie) in enumerate(invoer.betrokkenen):
        if rol not in rollen:
            problems.append((f"betrokkenen[{index}].rol", f"must be one of: {', '.join(rollen)}"))
        gekozen = BetrokkeneRol(rol) if rol in rollen else BetrokkeneRol.SYSTEEMLID
        out.append(Betrokkene(new_id(), casus_id, gekozen, relatie))
    if sum(1 for rol, _ in invoer.betrokkenen if rol == BetrokkeneRol.HOOFDPERSOON) != 1:
        problems.append(("betrokkenen", "exactly one betrokkene must have rol hoofdpersoon"))
    return out


def _waarden(
    ctx: Context, invoer: Casusinvoer, betrokkenen: Sequence[Betrokkene], problems: Problemen
) -> tuple[Gelezen, dict[Plaats, str]]:
    """Each value's place and canonical form (the veldcatalogus's checks, as an aanmelding's), and each place's
    path in the line; a problem for every value that does not fit or names no convenant partner as its bron
    (then the list is incomplete, and the line is refused)."""
    out: Gelezen = []
    plaatsen: dict[Plaats, str] = {}
    for waarde in invoer.waarden:
        if waarde.bron not in ctx.convenant.ids("partner"):
            problems.append((f"{waarde.plaats}.bron", "unknown partner"))
        if waarde.veld in DOOR_DE_AFSLUITING:
            problems.append((waarde.plaats, "filled in by the afsluiting (from its uitkomst), never supplied"))
            continue
        betrokkene = None if waarde.betrokkene is None else betrokkenen[waarde.betrokkene].id
        onderwerp = VeldOnderwerp.CASUS if betrokkene is None else VeldOnderwerp.BETROKKENE
        gelezen: dict[Plaats, JsonWaarde] = {}
        verzamel(ctx.convenant, {waarde.veld: waarde.waarde}, onderwerp, betrokkene, waarde.waar, gelezen, problems)
        for plaats, canoniek in gelezen.items():
            out.append((plaats, canoniek))
            plaatsen[plaats] = waarde.plaats
    return out, plaatsen


def _tijden(now: dt.datetime, invoer: Casusinvoer) -> Problemen:
    """Every moment before now; the steps in order after the aanmelding; every value at or after it."""
    problems: Problemen = []
    if invoer.aangemeld_op >= now:
        problems.append(("aanmelding.op", "must lie in the past"))
    vorige = invoer.aangemeld_op
    for invoerstap in invoer.historie:
        if invoerstap.op >= now:
            problems.append((f"{invoerstap.plaats}.op", "must lie in the past"))
        elif invoerstap.op < vorige:
            problems.append((f"{invoerstap.plaats}.op", "before the aanmelding or the step before it"))
        vorige = max(vorige, invoerstap.op)
    for waarde in invoer.waarden:
        if waarde.op is not None and waarde.op >= now:
            problems.append((f"{waarde.plaats}.op", "must lie in the past"))
        elif waarde.op is not None and waarde.op < invoer.aangemeld_op:
            problems.append((f"{waarde.plaats}.op", "before the aanmelding"))
    return problems


def _bijdragen(invoer: Casusinvoer, bij_aanmelding: set[int]) -> list[_Bijdrage]:
    """The values supplied after the aanmelding, one event per (bron, moment), in the line's order per event."""
    groepen: dict[tuple[str, dt.datetime], list[int]] = {}
    for i, waarde in enumerate(invoer.waarden):
        if i not in bij_aanmelding:
            groepen.setdefault((waarde.bron, waarde.op or invoer.aangemeld_op), []).append(i)
    return [_Bijdrage(bron, op, tuple(items)) for (bron, op), items in groepen.items()]


def _speel_af(
    ctx: Context,
    verloop: Verloop,
    historie: Sequence[Stapinvoer],
    bijdragen: Sequence[_Bijdrage],
    gelezen: tuple[Gelezen, Mapping[Plaats, str]],
) -> Problemen:
    """Replay the steps and the bijdragen in time order (a step first at equal moments); stop at a step that
    does not fit."""
    waarden, plaatsen = gelezen
    events: list[tuple[dt.datetime, int, int, Stapinvoer | _Bijdrage]] = [
        (s.op, 0, i, s) for i, s in enumerate(historie)
    ] + [(b.op, 1, i, b) for i, b in enumerate(bijdragen)]
    problems: Problemen = []
    for _op, _soort, _volgorde, event in sorted(events, key=lambda e: e[:3]):
        if isinstance(event, Stapinvoer):
            fout = stap(ctx, verloop, event)
            if fout:
                return problems + fout
            continue
        problems += _bijdrage(ctx, verloop, event, [waarden[i] for i in event.waarden], plaatsen)
    return problems


def _bijdrage(
    ctx: Context,
    verloop: Verloop,
    bijdrage: _Bijdrage,
    waarden: Gelezen,
    plaatsen: Mapping[Plaats, str],
) -> Problemen:
    """One bron's values at one moment, as `casus.aanmelding.bijdragen` takes them: while the casus is open, from a
    partner taking part, under the bronregels (doel bijdrage) in the rol it has in the casus."""
    casus = verloop.casus
    if casus.fase in FINAL:
        gesloten = "the casus was closed at that moment: nothing is supplied to it"
        return [(f"{plaatsen[p]}.op", gesloten) for p, _ in waarden]
    deelname = next((d for d in casus.deelnames if d.partner_id == bijdrage.bron and d.actief(bijdrage.op)), None)
    if deelname is None:
        return [(f"{plaatsen[p]}.bron", "does not take part in the casus at that moment") for p, _ in waarden]
    bron = Partnerrol(bijdrage.bron, deelname.rol)
    levering = lever(ctx, casus, bron, (BIJDRAGE, bijdrage.op), dict(waarden), plaatsen)
    if isinstance(levering, list):
        return levering
    verloop.leveringen.append(levering)
    casus.gewijzigd_op = bijdrage.op
    return []


def _bewaartermijn(ctx: Context, verloop: Verloop, historie: Sequence[Stapinvoer]) -> Problemen:
    casus = verloop.casus
    if casus.fase not in FINAL or casus.afgesloten_op is None:
        return []
    einde = einde_bewaartermijn(ctx.convenant, casus.casustype, casus.afgesloten_op)
    if einde is None or einde[1] > ctx.now:
        return []
    laatste = historie[-1].plaats if historie else "historie"
    return [(laatste, f"the bewaartermijn ({einde[0]} from the afsluiting) has ended: destroy it, do not import it")]

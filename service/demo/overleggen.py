"""The demo region's overleggen: a year of meetings and the next four weeks, each with an agenda of casussen.

Invariants:
- Deterministic: equal casussen, seed and day give equal overleggen (their ids included).
- The rooster: the casusoverleg weekly, the procesregieoverleg fortnightly, every thematic table of the convenants
  (`overlegsoorten:`) and the CTER casustafel every four weeks, from a year before `today` to four weeks after.
- Every agendapunt is one the use cases (`service_layer/overleg/overleggen.py`) would have accepted when it was
  made: a casus of the soort's casustype that was open, and in which the Bureau ZVH (the voorzitter's partner)
  actively took part, both when it was put on the agenda and when it was discussed; only partners that actively
  took part in it at both moments are invited (the Bureau chairs, it is not invited). A thematic table discusses
  casussen about its theme (hoofd- or nevenonderwerp), the procesregieoverleg the casussen in procesregie.
- Overleggen dated before `today` have their attendance recorded by the voorzitter (mostly aanwezig). Now and then
  an incidental participant joins one agendapunt: a deelname added to the casus for that occasion only (it ends
  the day after), its attendance recorded as incidenteel and, when it attended, its geheimhoudingsverklaring
  recorded for the overleg. Overleggen from `today` on have their agenda but no attendance yet.
- Every time stamp lies before `today`: the past was recorded then, the coming overleggen were prepared before.
  Nothing here names a person: ids of the convenant and of the casussen, dates and booleans only.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass

from service.demo import DEMO_GEBRUIKER
from service.domain.casus import Casus, Deelname
from service.domain.convenant import VASTE_OVERLEGSOORTEN, Casustype, Convenant, Fase, Overlegsoort
from service.domain.overleg import Agendapunt, Overleg, Uitnodiging, Verklaring

TERUG, VOORUIT = 364, 28  # days before and after today that the demo's overleggen span


@dataclass(frozen=True, slots=True)
class Ritme:
    """When a soort meets and how full its agenda is."""

    weekdag: int  # 0 is Monday
    weken: int  # every this many weeks
    verschuiving: int  # weeks after the first possible day (spreads the four-weekly tables over the month)
    agendapunten: tuple[int, int]  # fewest and most casussen on the agenda
    uitgenodigd: int  # at most this many partners invited per casus


ROOSTER = {
    "casusoverleg": Ritme(1, 1, 0, (4, 7), 6),
    "procesregieoverleg": Ritme(3, 2, 0, (5, 9), 2),
    "pga-tafel": Ritme(0, 4, 0, (2, 4), 3),
    "levensloopaanpak": Ritme(2, 4, 1, (2, 4), 3),
    "stalking": Ritme(0, 4, 2, (2, 4), 3),
    "mensenhandel": Ritme(2, 4, 3, (1, 3), 3),
    "nazorg-ex-gedetineerden": Ritme(4, 4, 1, (1, 3), 3),
    "cter-casustafel": Ritme(2, 4, 2, (1, 3), 5),
}
ANDERE_TAFEL = Ritme(2, 4, 0, (2, 4), 3)  # a thematic table the demo does not know by name
# The onderwerpen (hoofd- or neven-) that bring a casus to a thematic table; a table not named here takes any.
THEMA = {
    "pga-tafel": frozenset({"ernstige-overlast", "high-impact-crime", "overige-veiligheid-omgeving", "burenruzie"}),
    "levensloopaanpak": frozenset({"verward-gedrag"}),
    "stalking": frozenset({"stalking", "huiselijk-geweld"}),
    "mensenhandel": frozenset({"mensenhandel", "zeden"}),
    "nazorg-ex-gedetineerden": frozenset({"nazorg-ex-gedetineerden", "bestuurlijke-informatie-justitiabelen"}),
}
# The fasen (as they are now) of the casussen each fixed soort discusses; a thematic table as the casusoverleg.
FASEN = {
    "procesregieoverleg": frozenset({Fase.PROCESREGIE, Fase.AFGESLOTEN}),  # the casussen the Bureau directs(ed)
    "casusoverleg": frozenset({Fase.PROCESREGIE, Fase.ADVIES, Fase.AFGESLOTEN}),
}
AANWEZIG = 0.85  # share of the invited partners recorded as attending
INCIDENTEEL = 0.07  # share of the regular agendapunten at which an incidental participant joins
INCIDENTELE_PARTNERS = (
    "mee-drenthe",
    "leger-des-heils-welzijn",
    "cosis",
    "sociale-teams-drenthe",
    "werkplein-drentsche-aa",
    "menso",
)


def plan_overleggen(
    convenant: Convenant, casussen: Sequence[Casus], *, seed: int, today: dt.date, stroom: str = "overleggen"
) -> list[Overleg]:
    """The region's overleggen, oldest first; an incidental participant's deelname is added to its casus. `stroom`
    names the random stream (per seed): another set of casussen (the 2023 year's) draws from another."""
    rng = random.Random(f"{seed}/{stroom}")  # noqa: S311 (reproducible demo data, not a secret)
    soorten = [s for s in (*VASTE_OVERLEGSOORTEN, *convenant.overlegsoorten) if _bureau(convenant, s)]
    rooster = sorted((datum, soort.id) for soort in soorten for datum in _data(_ritme(soort), today))
    per_id = {s.id: s for s in soorten}
    passend = {s.id: [c for c in casussen if _past(s, c)] for s in soorten}
    laatst: dict[str, dt.date] = {}  # per casus: the day it was last discussed
    out = []
    for datum, soort_id in rooster:
        overleg = _overleg(convenant, passend[soort_id], per_id[soort_id], datum, today, rng, laatst)
        if overleg.agenda:
            out.append(overleg)
    return out


def _overleg(
    convenant: Convenant,
    casussen: Sequence[Casus],  # those of the kind the soort discusses (`_past`)
    soort: Overlegsoort,
    datum: dt.date,
    today: dt.date,
    rng: random.Random,
    laatst: dict[str, dt.date],
) -> Overleg:
    ritme = _ritme(soort)
    bureau = _bureau(convenant, soort) or ""
    gisteren = dt.datetime.combine(today - dt.timedelta(days=1), dt.time(10), tzinfo=dt.UTC)
    vergadering = dt.datetime.combine(datum, dt.time(9), tzinfo=dt.UTC)
    geagendeerd = min(vergadering - dt.timedelta(days=7, hours=-1), gisteren)
    aangemaakt = min(vergadering - dt.timedelta(days=28, hours=1), gisteren - dt.timedelta(hours=2))
    momenten = (geagendeerd, vergadering)
    kandidaten = [c for c in casussen if all(_open(c, bureau, m) for m in momenten)]
    kandidaten.sort(key=lambda c: (laatst.get(c.id, dt.date.min), rng.random()))
    aantal = min(len(kandidaten), rng.randint(*ritme.agendapunten))
    gekozen = sorted(rng.sample(kandidaten[: 2 * aantal], aantal), key=lambda c: c.id)
    voorbij = datum < today
    agenda, verklaringen = [], {}
    for casus in gekozen:
        laatst[casus.id] = datum
        deelnemend = [
            d.partner_id for d in casus.deelnames if d.partner_id != bureau and all(d.actief(m) for m in momenten)
        ]
        uitgenodigd = sorted(rng.sample(deelnemend, min(len(deelnemend), ritme.uitgenodigd)))
        uitnodigingen = [_uitnodiging(p, geagendeerd, vergadering, voorbij, rng) for p in uitgenodigd]
        incidenteel = voorbij and casus.casustype is Casustype.REGULIER and rng.random() < INCIDENTEEL
        if incidenteel and (gast := _gast(convenant, casus, geagendeerd, vergadering, rng)) is not None:
            komt = rng.random() < AANWEZIG
            uitnodigingen.append(Uitnodiging(gast, geagendeerd, komt, True, vergadering, DEMO_GEBRUIKER))
            if komt:  # received at the start of the meeting, before anything is shared with the guest
                verklaringen[gast] = Verklaring(gast, vergadering - dt.timedelta(minutes=5), DEMO_GEBRUIKER)
        agenda.append(Agendapunt(casus.id, geagendeerd, tuple(sorted(uitnodigingen, key=lambda u: u.partner))))
    return Overleg(
        f"{rng.getrandbits(128):032x}",
        soort.id,
        soort.casustype,
        datum,
        DEMO_GEBRUIKER,
        bureau,
        aangemaakt,
        tuple(agenda),
        tuple(verklaringen[p] for p in sorted(verklaringen)),
    )


def _uitnodiging(
    partner: str, geagendeerd: dt.datetime, vergadering: dt.datetime, voorbij: bool, rng: random.Random
) -> Uitnodiging:
    if not voorbij:
        return Uitnodiging(partner, geagendeerd)
    return Uitnodiging(partner, geagendeerd, rng.random() < AANWEZIG, False, vergadering, DEMO_GEBRUIKER)


def _gast(
    convenant: Convenant, casus: Casus, geagendeerd: dt.datetime, vergadering: dt.datetime, rng: random.Random
) -> str | None:
    """Add an incidental participant's deelname to `casus` for this occasion; its partner, or None if none fits."""
    document = convenant.document(casus.casustype)
    kandidaten = [
        p
        for p in INCIDENTELE_PARTNERS
        if (partner := convenant.partner(p)) is not None
        and document is not None
        and document.id in partner.convenanten
        and all(d.partner_id != p for d in casus.deelnames)
    ]
    einde = vergadering + dt.timedelta(days=1)
    if not kandidaten or (casus.afgesloten_op is not None and casus.afgesloten_op <= einde):
        return None
    gast = rng.choice(kandidaten)
    casus.deelnames.append(Deelname(casus.id, gast, "deelnemer", geagendeerd - dt.timedelta(hours=1), einde))
    return gast


def _past(soort: Overlegsoort, casus: Casus) -> bool:
    """Whether `casus` is of the kind `soort` discusses (its casustype, fase and theme)."""
    if casus.casustype is not soort.casustype:
        return False
    if soort.casustype is Casustype.CTER:
        return casus.fase is Fase.PROCESREGIE
    if casus.fase not in FASEN.get(soort.id, FASEN["casusoverleg"]):
        return False
    thema = THEMA.get(soort.id)
    return thema is None or bool(thema & {casus.hoofdonderwerp, *casus.nevenonderwerpen})


def _open(casus: Casus, bureau: str, op: dt.datetime) -> bool:
    """Open at `op` (referred a day before at least, not yet closed) and the Bureau then takes part."""
    if casus.aangemeld_op + dt.timedelta(days=1) > op:
        return False
    if casus.afgesloten_op is not None and casus.afgesloten_op <= op:
        return False
    return any(d.partner_id == bureau and d.actief(op) for d in casus.deelnames)


def _bureau(convenant: Convenant, soort: Overlegsoort) -> str | None:
    document = convenant.document(soort.casustype)
    return document.bureau if document is not None else None


def _ritme(soort: Overlegsoort) -> Ritme:
    return ROOSTER.get(soort.id, ANDERE_TAFEL)


def _data(ritme: Ritme, today: dt.date) -> list[dt.date]:
    begin = today - dt.timedelta(days=TERUG)
    eerste = begin + dt.timedelta(days=(ritme.weekdag - begin.weekday()) % 7, weeks=ritme.verschuiving)
    laatste = today + dt.timedelta(days=VOORUIT - 1)
    aantal = (laatste - eerste).days // (7 * ritme.weken) + 1
    return [eerste + dt.timedelta(weeks=ritme.weken * n) for n in range(max(aantal, 0))]

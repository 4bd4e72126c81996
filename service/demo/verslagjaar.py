"""The demo region's calendar year 2023: casussen whose annual report gives every figure DOMAIN.md has for Drenthe
2023, exactly, under the definitions of `domain.jaarcijfers` (docs/managementinformatie.md, "Demo").

Invariants:
- Deterministic: equal arguments give an equal year. It draws from random streams of its own (`"{seed}/2023"`
  and `"{seed}/2023/..."` for its nevenonderwerpen, overleggen and adviezen), so the rest of the region is what
  the seed gave without it.
- Exact where DOMAIN gives a figure (`cijfers`): 128 referrals in 2023, per partner as `AANMELDERS`, 65 taken
  into procesregie and 63 given an uitgebreid advies; 129 casussen in procesregie on 31 December 2023, per
  gemeente as `PROCESREGIE_PER_GEMEENTE`; 54 procesregie casussen closed in 2023; stalking (only ever as
  hoofdonderwerp) 14 referrals and 23 in procesregie during the year. Of the 129 and of the 54 (each rounded to
  a whole casus): `PSYCHISCH`, `VERSLAVING` and `LVB` of the hoofdpersonen with that problem flag,
  `GRENSOVERSCHRIJDEND` reaching beyond their gemeente; the hoofdpersoon's age on 31 December 2023 per band as
  `LEEFTIJDEN_2023_ACTIEF` and `LEEFTIJDEN_2023_AFGESLOTEN`.
- Every casus is regular, referred on a working day from 2021 on and closed before 1 July 2025 (fase afgesloten;
  closing ended every deelname but the Bureau's). Its path (`Padstap`s, from the aanmelding on) takes only the
  lifecycle's transitions (`levensloop.volgende_fase`), in time order: triage in behandeling, the besluit
  (procesregie or uitgebreid advies), the afsluiting. A referral of 2023 got its besluit in 2023; one of 2021-2022
  before 2023.
- A hoofdpersoon with a problem flag has a care partner in the casus until its afsluiting: the bronregels let only
  care partners supply health data.
- Each casus that got an uitgebreid advies has one advies naming it, dated in 2023 between its besluit and its
  afsluiting; the year's anonymous adviezen have the volumes of `cijfers`, on the working days of 2023. The year's
  overleggen are those `overleggen` plans for these casussen in 2023 (all past: attendance recorded).
- Every person and value is synthetic (`personen`); no BSN is one in `used_bsns`, which collects the year's own.
"""

from __future__ import annotations

import datetime as dt
import enum
import random
from dataclasses import dataclass, field

from service.demo.adviezen import DemoAdvies, anonieme_adviezen, met_casus
from service.demo.cijfers import (
    AANMELDERS,
    ADVIES_2023,
    AFGESLOTEN,
    GRENSOVERSCHRIJDEND,
    JAAR_2023,
    LEEFTIJDEN,
    LEEFTIJDEN_2023_ACTIEF,
    LEEFTIJDEN_2023_AFGESLOTEN,
    LVB,
    NIEUW_AFGESLOTEN_2023,
    ONDERWERPEN,
    PROCESREGIE_2023,
    PROCESREGIE_PER_GEMEENTE,
    PSYCHISCH,
    STALKING_AANMELDINGEN_2023,
    STALKING_ACTIEF_2023,
    STALKING_PROCESREGIE_2023,
    UITKOMSTEN_2023,
    VERSLAVING,
)
from service.demo.overleggen import plan_overleggen
from service.demo.samenstelling import MEEDENKERS, Plek, Waarde, nevenonderwerpen, partner_for
from service.demo.verslagwaarden import Kenmerken, waarden
from service.domain.casus import Casus, Deelname
from service.domain.convenant import Casustype, Convenant, Domein, Fase
from service.domain.levensloop import AFSLUITING, Besluit, Handeling, volgende_fase
from service.domain.overleg import Overleg

VANAF = dt.date(2025, 12, 1)  # from this day on the rest of the region (up to 700 days back) starts after 2023
STALKING = "stalking"
# The care partner that joins a casus whose hoofdpersoon has a problem flag and that has no care partner yet.
ZORGPARTNER = {"psychisch": "ggz-drenthe", "verslaving": "vnn-verslavingszorg", "lvb": "mee-drenthe"}
_EERSTE, _LAATSTE = dt.date(2021, 1, 4), dt.date(2025, 6, 30)  # the first referral, the last afsluiting


class Groep(enum.Enum):
    NIEUW = "referred in 2023, procesregie"
    ADVIES = "referred in 2023, uitgebreid advies"
    LOPEND = "referred in 2021-2022, in procesregie when 2023 began"


@dataclass(eq=False)  # one casus each: equal only to itself
class Opzet:
    """What a casus of the year will be, decided for the whole year at once before its dates, deelnames and
    persons are drawn per casus."""

    groep: Groep
    actief: bool  # in procesregie on 31 December 2023 (else closed in 2023; an advies: False)
    aanmelder: str = ""  # a name of AANMELDERS ("gemeente-*" is the casus's own gemeente's partner)
    gemeente: str = ""
    onderwerp: str = ""
    band: int = 0  # of the hoofdpersoon's age: an index of LEEFTIJDEN
    flags: set[str] = field(default_factory=set)  # psychisch, verslaving, lvb
    buiten: bool = False  # reaches beyond its gemeente


@dataclass(frozen=True, slots=True)
class Padstap:
    """A step of a casus's path after its aanmelding: when, the handeling, its besluit or uitkomst, the fase after."""

    tijd: dt.datetime
    handeling: Handeling
    waarde: str
    naar: Fase


@dataclass
class Jaar:
    casussen: list[Casus] = field(default_factory=list)
    veldwaarden: dict[Plek, Waarde] = field(default_factory=dict)
    paden: dict[str, tuple[Padstap, ...]] = field(default_factory=dict)
    adviezen: list[DemoAdvies] = field(default_factory=list)
    overleggen: list[Overleg] = field(default_factory=list)


def genereer(convenant: Convenant, *, seed: int, used_bsns: set[str]) -> Jaar:
    """The 2023 year (see the module invariants), its casussen in the order they were referred.

    Raises:
        ValueError: the convenant lacks a partner, gemeente, onderwerp or veld the year needs.
    """
    rng = random.Random(f"{seed}/2023")  # noqa: S311 (reproducible demo data, not a secret)
    jaar = Jaar()
    adviesdagen: list[tuple[str, dt.date]] = []
    for opzet in _opzetten(convenant, rng):
        casus, pad = _casus(convenant, rng, opzet)
        jaar.casussen.append(casus)
        jaar.paden[casus.id] = pad
        jaar.veldwaarden.update(waarden(convenant, rng, casus, _kenmerken(rng, opzet, casus, pad), used_bsns))
        if opzet.groep is Groep.ADVIES:
            adviesdagen.append((casus.id, _adviesdag(rng, pad)))
    jaar.casussen.sort(key=lambda c: (c.aangemeld_op, c.id))
    nevenonderwerpen(convenant, jaar.casussen, _stroom(seed, "nevenonderwerpen"), behalve={STALKING})
    nieuwjaar = dt.date(JAAR_2023 + 1, 1, 1)  # the year's overleggen as seen at its end, without January's
    overleggen = plan_overleggen(convenant, jaar.casussen, seed=seed, today=nieuwjaar, stroom="2023/overleggen")
    jaar.overleggen = [o for o in overleggen if o.datum < nieuwjaar]
    advies_rng = _stroom(seed, "adviezen")
    werkdagen = [d for d in _dagen(dt.date(JAAR_2023, 1, 1), dt.date(JAAR_2023, 12, 31)) if d.weekday() < 5]
    jaar.adviezen = anonieme_adviezen(convenant, advies_rng, werkdagen)
    jaar.adviezen += [met_casus(advies_rng, casus_id, datum) for casus_id, datum in adviesdagen]
    jaar.adviezen.sort(key=lambda a: a.op)
    return jaar


def _stroom(seed: int, naam: str) -> random.Random:
    return random.Random(f"{seed}/2023/{naam}")  # noqa: S311 (reproducible demo data, not a secret)


def _opzetten(convenant: Convenant, rng: random.Random) -> list[Opzet]:
    """Who the year's casussen are, where and about what, before their dates and persons are drawn."""
    nieuw = [Opzet(Groep.NIEUW, actief=i >= NIEUW_AFGESLOTEN_2023) for i in range(PROCESREGIE_2023)]
    advies = [Opzet(Groep.ADVIES, actief=False) for _ in range(ADVIES_2023)]
    lopend_gesloten = AFGESLOTEN - NIEUW_AFGESLOTEN_2023
    lopend_actief = sum(PROCESREGIE_PER_GEMEENTE.values()) - (PROCESREGIE_2023 - NIEUW_AFGESLOTEN_2023)
    lopend = [Opzet(Groep.LOPEND, actief=i >= lopend_gesloten) for i in range(lopend_gesloten + lopend_actief)]
    aanmelders = [naam for naam, n in AANMELDERS.items() for _ in range(n)]
    if len(aanmelders) != len(nieuw) + len(advies):
        raise ValueError("the referrals of 2023 per partner must add up to its procesregie and advies casussen")
    rng.shuffle(aanmelders)
    for opzet, naam in zip(nieuw + advies, aanmelders, strict=True):
        opzet.aanmelder = naam
    for opzet in lopend:
        opzet.aanmelder = rng.choices(list(AANMELDERS), weights=list(AANMELDERS.values()))[0]
    actief = [o for o in nieuw + lopend if o.actief]
    gesloten = [o for o in nieuw + lopend if not o.actief]
    plekken = [g for g, n in PROCESREGIE_PER_GEMEENTE.items() for _ in range(n)]
    rng.shuffle(plekken)
    for opzet, gemeente in zip(actief, plekken, strict=True):
        opzet.gemeente = gemeente
    gewichten = {g: n + 1 for g, n in PROCESREGIE_PER_GEMEENTE.items()}
    for opzet in gesloten + advies:
        opzet.gemeente = rng.choices(list(gewichten), weights=list(gewichten.values()))[0]
    _onderwerpen(rng, nieuw, advies, lopend)
    for groep, banden in ((actief, LEEFTIJDEN_2023_ACTIEF), (gesloten, LEEFTIJDEN_2023_AFGESLOTEN)):
        _verdeel(rng, groep, banden)
        for flag, aandeel in (("psychisch", PSYCHISCH), ("verslaving", VERSLAVING), ("lvb", LVB)):
            for opzet in rng.sample(groep, round(aandeel * len(groep))):
                opzet.flags.add(flag)
        for opzet in rng.sample(groep, round(GRENSOVERSCHRIJDEND * len(groep))):
            opzet.buiten = True
    for opzet in advies:  # no figure given: drawn at the region's rates
        opzet.band = rng.choices(range(len(LEEFTIJDEN)), weights=[n for *_, n in LEEFTIJDEN])[0]
        opzet.flags.update(
            f for f, a in (("psychisch", PSYCHISCH), ("verslaving", VERSLAVING), ("lvb", LVB)) if rng.random() < a
        )
        opzet.buiten = rng.random() < GRENSOVERSCHRIJDEND
    _bekend(convenant, nieuw + advies + lopend)
    return nieuw + advies + lopend


def _onderwerpen(rng: random.Random, nieuw: list[Opzet], advies: list[Opzet], lopend: list[Opzet]) -> None:
    stalking = (
        (nieuw, STALKING_PROCESREGIE_2023),
        (advies, STALKING_AANMELDINGEN_2023 - STALKING_PROCESREGIE_2023),
        (lopend, STALKING_ACTIEF_2023 - STALKING_PROCESREGIE_2023),
    )
    anders = {o: n for o, n in ONDERWERPEN.items() if o != STALKING}
    for groep, aantal in stalking:
        gekozen = set(rng.sample(range(len(groep)), aantal))
        for index, opzet in enumerate(groep):
            opzet.onderwerp = STALKING if index in gekozen else rng.choices(list(anders), list(anders.values()))[0]


def _verdeel(rng: random.Random, groep: list[Opzet], banden: tuple[int, ...]) -> None:
    """Give the casussen of `groep` the age bands (indexes of `LEEFTIJDEN`) `banden` counts, in random order."""
    plekken = [band for band, n in enumerate(banden) for _ in range(n)]
    if len(plekken) != len(groep):
        raise ValueError("the age bands of the 2023 year must count its casussen")
    rng.shuffle(plekken)
    for opzet, band in zip(groep, plekken, strict=True):
        opzet.band = band


def _data(rng: random.Random, opzet: Opzet) -> tuple[dt.datetime, dt.datetime, dt.datetime]:
    """When the casus was referred, got its besluit and was closed (see the module invariants)."""
    if opzet.groep is Groep.LOPEND:
        aangemeld = _moment(rng, _EERSTE, dt.date(JAAR_2023 - 1, 12, 9))
    else:
        laatste = dt.date(JAAR_2023, 6, 30) if opzet.groep is Groep.NIEUW and not opzet.actief else None
        aangemeld = _moment(rng, dt.date(JAAR_2023, 1, 2), laatste or dt.date(JAAR_2023, 12, 8))
    besluit = _moment(rng, *(aangemeld.date() + dt.timedelta(days=d) for d in (3, 20)))
    besloten = besluit.date()
    if opzet.groep is Groep.ADVIES:
        gesloten = _moment(rng, besloten + dt.timedelta(days=20), besloten + dt.timedelta(days=60))
    elif opzet.actief:
        gesloten = _moment(rng, max(besloten + dt.timedelta(days=120), dt.date(JAAR_2023 + 1, 1, 8)), _LAATSTE)
    else:
        eerste = max(besloten + dt.timedelta(days=45), dt.date(JAAR_2023, 1, 5))
        gesloten = _moment(rng, eerste, dt.date(JAAR_2023, 12, 22))
    return aangemeld, besluit, gesloten


def _moment(rng: random.Random, van: dt.date, tot: dt.date) -> dt.datetime:
    """A moment in office hours (UTC, the same Dutch day) on a working day from `van` to `tot` (a weekend day
    moves to the Monday after, which stays in the same year for the bounds used here)."""
    dag = van + dt.timedelta(days=rng.randint(0, max(0, (tot - van).days)))
    dag += dt.timedelta(days=(7 - dag.weekday()) % 7 if dag.weekday() >= 5 else 0)
    return dt.datetime.combine(dag, dt.time(8 + rng.randrange(8), rng.randrange(60)), tzinfo=dt.UTC)


def _dagen(van: dt.date, tot: dt.date) -> list[dt.date]:
    return [van + dt.timedelta(days=n) for n in range((tot - van).days + 1)]


def _adviesdag(rng: random.Random, pad: tuple[Padstap, ...]) -> dt.date:
    """A working day of 2023 after the besluit uitgebreid advies and before the afsluiting."""
    besluit, afsluiting = pad[1].tijd.date(), pad[2].tijd.date()
    eind = min(besluit + dt.timedelta(days=14), afsluiting - dt.timedelta(days=1), dt.date(JAAR_2023, 12, 29))
    return rng.choice([d for d in _dagen(besluit + dt.timedelta(days=1), eind) if d.weekday() < 5])


def _bekend(convenant: Convenant, opzetten: list[Opzet]) -> None:
    """Raises ValueError for a partner or gemeente the convenant lacks."""
    partners, gemeenten = convenant.ids("partner"), convenant.ids("gemeente")
    for opzet in opzetten:
        if opzet.gemeente not in gemeenten or partner_for(opzet.aanmelder, opzet.gemeente) not in partners:
            raise ValueError(f"the 2023 year needs gemeente {opzet.gemeente!r} and partner {opzet.aanmelder!r}")


def _casus(convenant: Convenant, rng: random.Random, opzet: Opzet) -> tuple[Casus, tuple[Padstap, ...]]:
    """The casus as it is now (closed), with its deelnames, and its path."""
    document = convenant.document(Casustype.REGULIER)
    bureau = document.bureau if document is not None else None
    if bureau is None:
        raise ValueError("the 2023 year needs a regular convenant with a Bureau ZVH")
    aanmelder = partner_for(opzet.aanmelder, opzet.gemeente)
    aangemeld, besloten, gesloten = _data(rng, opzet)
    casus = Casus(
        f"{rng.getrandbits(128):032x}",
        Casustype.REGULIER,
        Fase.AFGESLOTEN,
        opzet.gemeente,
        opzet.onderwerp,
        aanmelder,
        aangemeld,
        gesloten,
        afgesloten_op=gesloten,
    )
    deelnemers = [(aanmelder, "casusregisseur", aangemeld), (bureau, "procesregisseur", aangemeld)]
    gekozen = [partner_for(m, opzet.gemeente) for m in rng.sample(MEEDENKERS, rng.randint(1, 4))]
    if opzet.flags and not any(_zorg(convenant, p) for p in [aanmelder, *gekozen]):
        gekozen.append(ZORGPARTNER[sorted(opzet.flags)[0]])
    for partner in gekozen:
        if all(p != partner for p, _, _ in deelnemers):
            sinds = min(aangemeld + dt.timedelta(days=rng.randint(7, 30)), gesloten - dt.timedelta(days=1))
            deelnemers.append((partner, "deelnemer", sinds))
    casus.deelnames = [
        Deelname(casus.id, partner, rol, sinds, None if partner == bureau else gesloten)
        for partner, rol, sinds in deelnemers
    ]
    besluit = Besluit.UITGEBREID_ADVIES if opzet.groep is Groep.ADVIES else Besluit.PROCESREGIE
    uitkomst = rng.choices(list(UITKOMSTEN_2023), weights=list(UITKOMSTEN_2023.values()))[0]
    stappen = (
        (aangemeld + dt.timedelta(hours=rng.randint(1, 47)), Handeling.TRIAGE, Besluit.IN_BEHANDELING.value),
        (besloten, Handeling.TRIAGE, besluit.value),
        (gesloten, Handeling.AFSLUITING, uitkomst),
    )
    return casus, _pad(stappen)


def _kenmerken(rng: random.Random, opzet: Opzet, casus: Casus, pad: tuple[Padstap, ...]) -> Kenmerken:
    """The hoofdpersoon's age (in its band, on 31 December 2023 in procesregie, else at the aanmelding), problem
    flags and reach, and the uitkomst of the afsluiting."""
    laag, hoog, _ = LEEFTIJDEN[opzet.band]
    op = dt.date(JAAR_2023, 12, 31) if opzet.groep is not Groep.ADVIES else casus.aangemeld_op.date()
    return Kenmerken(rng.randint(laag, hoog), op, frozenset(opzet.flags), opzet.buiten, pad[-1].waarde)


def _pad(stappen: tuple[tuple[dt.datetime, Handeling, str], ...]) -> tuple[Padstap, ...]:
    """The steps as the lifecycle takes them; raises ValueError for a transition it does not have."""
    van, out = Fase.AANMELDING, list[Padstap]()
    for tijd, handeling, waarde in stappen:
        naar = volgende_fase(van, AFSLUITING if handeling is Handeling.AFSLUITING else waarde)
        if naar is None or (out and tijd <= out[-1].tijd):
            raise ValueError(f"the lifecycle has no step {handeling.value} {waarde} from {van.value} then")
        out.append(Padstap(tijd, handeling, waarde, naar))
        van = naar
    return tuple(out)


def _zorg(convenant: Convenant, partner_id: str) -> bool:
    partner = convenant.partner(partner_id)
    soort = convenant.partnertype(partner.type) if partner is not None else None
    return soort is not None and soort.domein is Domein.ZORG

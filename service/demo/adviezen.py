"""The demo region's adviezen: a year of korte adviezen, uitgebreide adviezen and informatieknooppunt contacts.

Invariants:
- Deterministic: equal casussen, seed and day give equal adviezen.
- The volumes of `cijfers` (a Drenthe year): the anonymous uitgebreide adviezen, one uitgebreid advies naming
  each regular casus in fase advies (at most one per casus, as registering requires), the informatieknooppunt
  contacts and the korte adviezen.
- Asking partners are weighted as the referrals (gemeente veiligheid and politie ask most; "gemeente-*" is the
  advies's own gemeente), gemeenten as the active procesregie casussen (each at least a little), onderwerpen as
  `cijfers.ADVIESONDERWERPEN`; only ids the convenant knows are used.
- Dated on working days (Monday to Friday) in the year before `today`, registered that afternoon by a
  procesregisseur or procesondersteuner of the Bureau ZVH; an advies naming a casus is dated after its referral.
- No personal data: an `AdviesInvoer` holds convenant ids, codes and a date only; the installer registers each
  through `service_layer/advies/registratie.py`, which checks exactly that.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.demo.cijfers import (
    AANMELDERS,
    ADVIESONDERWERPEN,
    ANONIEME_UITGEBREIDE_ADVIEZEN,
    INFORMATIEKNOOPPUNT,
    KORTE_ADVIEZEN,
    PROCESREGIE_PER_GEMEENTE,
)
from service.domain.advies import Adviessoort, Antwoord
from service.domain.casus import Casus
from service.domain.convenant import Casustype, Convenant, Fase
from service.service_layer.advies.registratie import AdviesInvoer

TERUG = 364  # days before today that the adviezen span
# The antwoorden given per soort, with their weights.
ANTWOORDEN: Mapping[Adviessoort, tuple[tuple[tuple[Antwoord, ...], int], ...]] = {
    Adviessoort.KORT: (
        ((Antwoord.ADVIES_GEGEVEN,), 6),
        ((Antwoord.ADVIES_GEGEVEN, Antwoord.DOORVERWEZEN), 2),
        ((Antwoord.AANMELDING_GEADVISEERD,), 2),
        ((Antwoord.INFORMATIE_GEGEVEN,), 1),
    ),
    Adviessoort.INFORMATIEKNOOPPUNT: (
        ((Antwoord.INFORMATIE_GEGEVEN,), 6),
        ((Antwoord.INFORMATIE_GEGEVEN, Antwoord.DOORVERWEZEN), 3),
        ((Antwoord.DOORVERWEZEN,), 1),
        ((Antwoord.GEEN_VERVOLG,), 1),
    ),
    Adviessoort.UITGEBREID: (
        ((Antwoord.MEEGEDACHT, Antwoord.ADVIES_GEGEVEN), 5),
        ((Antwoord.MEEGEDACHT,), 2),
        ((Antwoord.MEEGEDACHT, Antwoord.AANMELDING_GEADVISEERD), 2),
        ((Antwoord.ADVIES_GEGEVEN, Antwoord.DOORVERWEZEN), 1),
    ),
}
BEANTWOORDERS = {"procesregisseur": 7, "procesondersteuner": 3}


@dataclass(frozen=True, slots=True)
class DemoAdvies:
    """An advies as the Bureau registered it: the input, the rol of the registering gebruiker, and when."""

    invoer: AdviesInvoer
    rol: str
    op: dt.datetime


def plan_adviezen(convenant: Convenant, casussen: Sequence[Casus], *, seed: int, today: dt.date) -> list[DemoAdvies]:
    """The region's adviezen of the year before `today`, in the order they were registered."""
    rng = random.Random(f"{seed}/adviezen")  # noqa: S311 (reproducible demo data, not a secret)
    werkdagen = [d for n in range(1, TERUG + 1) if (d := today - dt.timedelta(days=n)).weekday() < 5]
    out = anonieme_adviezen(convenant, rng, werkdagen)
    for casus in sorted(casussen, key=lambda c: c.id):
        if casus.casustype is Casustype.REGULIER and casus.fase is Fase.ADVIES:
            na = [d for d in werkdagen if d > casus.aangemeld_op.date()]
            if na:  # answered one to six weeks after the referral, or on the last working day before today
                out.append(met_casus(rng, casus.id, na[max(0, len(na) - rng.randint(5, 30))]))
    return sorted(out, key=lambda a: a.op)


def anonieme_adviezen(convenant: Convenant, rng: random.Random, werkdagen: Sequence[dt.date]) -> list[DemoAdvies]:
    """A year's korte adviezen, anonymous uitgebreide adviezen and informatieknooppunt contacts (the volumes of
    `cijfers`), each dated on one of `werkdagen`."""
    partners = convenant.ids("partner")
    gemeenten = {g: n + 1 for g, n in PROCESREGIE_PER_GEMEENTE.items() if g in convenant.ids("gemeente")}
    onderwerpen = {o: n for o, n in ADVIESONDERWERPEN.items() if o in convenant.ids("onderwerp")}
    out: list[DemoAdvies] = []
    for soort, aantal in (
        (Adviessoort.KORT, KORTE_ADVIEZEN),
        (Adviessoort.UITGEBREID, ANONIEME_UITGEBREIDE_ADVIEZEN),
        (Adviessoort.INFORMATIEKNOOPPUNT, INFORMATIEKNOOPPUNT),
    ):
        for _ in range(aantal):
            gemeente = _gewogen(rng, gemeenten)
            vrager = _vrager(rng, gemeente, partners)
            invoer = AdviesInvoer(
                soort.value,
                _antwoorden(rng, soort),
                vrager=vrager,
                gemeente=gemeente,
                onderwerp=_gewogen(rng, onderwerpen),
                datum=rng.choice(werkdagen),
            )
            out.append(_geregistreerd(rng, invoer))
    return out


def met_casus(rng: random.Random, casus_id: str, datum: dt.date) -> DemoAdvies:
    """The uitgebreid advies that names a casus in fase advies, answered on `datum` (a working day)."""
    antwoorden = _antwoorden(rng, Adviessoort.UITGEBREID)
    return _geregistreerd(rng, AdviesInvoer(Adviessoort.UITGEBREID.value, antwoorden, datum=datum, casus=casus_id))


def _geregistreerd(rng: random.Random, invoer: AdviesInvoer) -> DemoAdvies:
    assert invoer.datum is not None  # noqa: S101 - every demo advies is dated
    op = dt.datetime.combine(invoer.datum, dt.time(13, rng.randrange(60)), tzinfo=dt.UTC)
    return DemoAdvies(invoer, _gewogen(rng, BEANTWOORDERS), op)


def _vrager(rng: random.Random, gemeente: str, partners: frozenset[str]) -> str:
    vragers = {p: n for k, n in AANMELDERS.items() if (p := k.replace("*", gemeente)) in partners}
    return _gewogen(rng, vragers)


def _antwoorden(rng: random.Random, soort: Adviessoort) -> tuple[str, ...]:
    keuzes = ANTWOORDEN[soort]
    gekozen = rng.choices([k for k, _ in keuzes], weights=[n for _, n in keuzes])[0]
    return tuple(a.value for a in gekozen)


def _gewogen(rng: random.Random, gewichten: Mapping[str, int]) -> str:
    keys = sorted(gewichten)
    return rng.choices(keys, weights=[gewichten[k] for k in keys])[0]

"""The demo region's year around its casussen, as generated (no database): overleggen on their rooster whose
agendas the use cases would have accepted, adviezen at a Drenthe year's volumes, nevenonderwerpen on a share of
the casussen; all of it the same for the same seed and day. The calendar year 2023 (`demo/verslagjaar.py`) has a
year of its own: its overleggen and adviezen lie in 2023, those of the year before today after it."""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter

import pytest

from service.demo import DEMO_GEBRUIKER
from service.demo.adviezen import DemoAdvies
from service.demo.cijfers import ANONIEME_UITGEBREIDE_ADVIEZEN, INFORMATIEKNOOPPUNT, KORTE_ADVIEZEN
from service.demo.regio import DemoRegion, generate_region
from service.domain.casus import Casus
from service.domain.convenant import Casustype, Convenant, Fase
from service.domain.overleg import Overleg

TODAY = dt.date(2026, 11, 4)  # a Wednesday
BUREAU = "bureau-zvh-drenthe"
JAAR_2023 = (dt.date(2023, 1, 1), dt.date(2023, 12, 31))


@pytest.fixture(scope="module")
def region(convenant: Convenant) -> DemoRegion:
    return generate_region(convenant, seed=2023, today=TODAY)


def _dit_jaar(region: DemoRegion) -> tuple[list[Overleg], list[DemoAdvies]]:
    """The overleggen and adviezen of the year before today (and the coming four weeks), not 2023's."""
    begin = TODAY - dt.timedelta(days=364)
    adviezen = [a for a in region.adviezen if a.invoer.datum is not None and a.invoer.datum >= begin]
    return [o for o in region.overleggen if o.datum >= begin], adviezen


def _momenten(overleg: Overleg) -> tuple[dt.datetime, dt.datetime]:
    """When its agenda was set (every agendapunt of a demo overleg at once) and when it met."""
    geagendeerd = {p.toegevoegd_op for p in overleg.agenda}
    assert len(geagendeerd) == 1
    return geagendeerd.pop(), dt.datetime.combine(overleg.datum, dt.time(9), tzinfo=dt.UTC)


def _neemt_deel(casus: Casus, partner: str, op: dt.datetime) -> bool:
    return any(d.partner_id == partner and d.actief(op) for d in casus.deelnames)


def test_the_same_seed_and_day_give_the_same_year(convenant: Convenant, region: DemoRegion) -> None:
    again = generate_region(convenant, seed=2023, today=TODAY)
    assert again.overleggen == region.overleggen
    assert again.adviezen == region.adviezen
    assert [c.nevenonderwerpen for c in again.casussen] == [c.nevenonderwerpen for c in region.casussen]
    other = generate_region(convenant, seed=2024, today=TODAY)
    assert [o.id for o in other.overleggen] != [o.id for o in region.overleggen]


def test_the_overleggen_meet_on_their_rooster_for_a_year_and_four_weeks(
    convenant: Convenant, region: DemoRegion
) -> None:
    overleggen, _ = _dit_jaar(region)
    per_soort = Counter(o.soort for o in overleggen)
    assert 52 <= per_soort["casusoverleg"] <= 57  # weekly
    assert 26 <= per_soort["procesregieoverleg"] <= 29  # fortnightly
    for soort in convenant.overlegsoorten:  # the thematic tables and the CTER casustafel, every four weeks
        assert 1 <= per_soort[soort.id] <= 15, soort.id
    assert sum(per_soort[s.id] >= 10 for s in convenant.overlegsoorten) >= 5
    assert all(o.datum < TODAY + dt.timedelta(days=28) for o in overleggen)
    komend = [o for o in overleggen if o.datum >= TODAY]
    assert {o.soort for o in komend} >= {"casusoverleg", "procesregieoverleg"}
    van_2023 = [o for o in region.overleggen if o not in overleggen]
    assert all(JAAR_2023[0] <= o.datum <= JAAR_2023[1] for o in van_2023)
    per_soort = Counter(o.soort for o in van_2023)
    assert 50 <= per_soort["casusoverleg"] <= 53 and 25 <= per_soort["procesregieoverleg"] <= 27
    jaar = set(region.paden)
    assert all(p.casus in jaar for o in van_2023 for p in o.agenda), "2023's overleggen discuss 2023's casussen"
    assert not any(p.casus in jaar for o in overleggen for p in o.agenda)


def test_every_agendapunt_is_one_the_use_cases_would_have_accepted_then(region: DemoRegion) -> None:
    casussen = {c.id: c for c in region.casussen}
    for overleg in region.overleggen:
        geagendeerd, vergadering = _momenten(overleg)
        assert overleg.voorzitter_partner == BUREAU and overleg.aangemaakt_op <= geagendeerd
        assert overleg.aangemaakt_op.date() < TODAY and geagendeerd.date() < TODAY
        assert 1 <= len(overleg.agenda) <= 9
        for punt in overleg.agenda:
            casus = casussen[punt.casus]
            assert casus.casustype is overleg.casustype, "regimes stay apart"
            for op in (geagendeerd, vergadering):
                assert casus.aangemeld_op <= op and (casus.afgesloten_op is None or op < casus.afgesloten_op)
                assert _neemt_deel(casus, BUREAU, op), "only a casus the voorzitter's partner takes part in"
                for uitnodiging in punt.uitnodigingen:
                    assert _neemt_deel(casus, uitnodiging.partner, op), (overleg.soort, uitnodiging.partner)
            assert all(u.partner != BUREAU and u.uitgenodigd_op == geagendeerd for u in punt.uitnodigingen)


def test_past_overleggen_have_their_attendance_and_coming_ones_none_yet(region: DemoRegion) -> None:
    uitnodigingen = [
        (overleg, u) for overleg in region.overleggen for punt in overleg.agenda for u in punt.uitnodigingen
    ]
    voorbij = [(o, u) for o, u in uitnodigingen if o.datum < TODAY]
    komend = [u for o, u in uitnodigingen if o.datum >= TODAY]
    assert komend and all(u.aanwezig is None and u.vastgelegd_op is None for u in komend)
    assert all(u.aanwezig is not None and u.vastgelegd_door == DEMO_GEBRUIKER for _, u in voorbij)
    assert all(o.datum == u.vastgelegd_op.date() for o, u in voorbij if u.vastgelegd_op is not None)
    aanwezig = sum(u.aanwezig is True for _, u in voorbij) / len(voorbij)
    assert 0.75 < aanwezig < 0.95, "mostly aanwezig, some afwezig"


def test_an_incidental_participant_takes_part_for_the_occasion_and_its_verklaring_is_recorded(
    region: DemoRegion,
) -> None:
    casussen = {c.id: c for c in region.casussen}
    incidenteel = [(o, p, u) for o in region.overleggen for p in o.agenda for u in p.uitnodigingen if u.incidenteel]
    assert 10 <= len(incidenteel) <= 80
    for overleg, punt, uitnodiging in incidenteel:
        _, vergadering = _momenten(overleg)
        deelnames = [d for d in casussen[punt.casus].deelnames if d.partner_id == uitnodiging.partner]
        assert len(deelnames) == 1 and deelnames[0].tot == vergadering + dt.timedelta(days=1)
        verklaring = overleg.verklaring(uitnodiging.partner)
        assert (verklaring is not None) is (uitnodiging.aanwezig is True)
        assert verklaring is None or verklaring.vastgelegd_op < vergadering
    assert all(o.verklaring(v.partner) for o in region.overleggen for v in o.verklaringen)


def test_a_casus_in_procesregie_is_discussed_several_times_a_year(region: DemoRegion) -> None:
    besproken = Counter(p.casus for o in region.overleggen if o.datum < TODAY for p in o.agenda)
    procesregie = [c for c in region.casussen if c.fase is Fase.PROCESREGIE and c.casustype is Casustype.REGULIER]
    een_jaar = [c for c in procesregie if c.aangemeld_op.date() < TODAY - dt.timedelta(days=365)]
    assert statistics.median(besproken[c.id] for c in een_jaar) >= 3
    thematisch = {"pga-tafel", "levensloopaanpak", "stalking", "mensenhandel", "nazorg-ex-gedetineerden"}
    casussen = {c.id: c for c in region.casussen}
    for overleg in region.overleggen:
        if overleg.soort == "stalking":
            assert all({"stalking", "huiselijk-geweld"} & _onderwerpen(casussen[p.casus]) for p in overleg.agenda)
    assert {o.soort for o in region.overleggen} >= thematisch | {"cter-casustafel"}


def _onderwerpen(casus: Casus) -> set[str]:
    return {casus.hoofdonderwerp, *casus.nevenonderwerpen}


def test_adviezen_have_the_volumes_of_a_drenthe_year(region: DemoRegion) -> None:
    _, adviezen = _dit_jaar(region)
    per_soort = Counter((a.invoer.soort, a.invoer.casus is not None) for a in adviezen)
    in_advies = [c for c in region.casussen if c.fase is Fase.ADVIES and c.casustype is Casustype.REGULIER]
    assert per_soort == {
        ("kort", False): KORTE_ADVIEZEN,
        ("uitgebreid", False): ANONIEME_UITGEBREIDE_ADVIEZEN,
        ("uitgebreid", True): len(in_advies),
        ("informatieknooppunt", False): INFORMATIEKNOOPPUNT,
    }
    assert {a.invoer.casus for a in adviezen if a.invoer.casus} == {c.id for c in in_advies}
    van_2023 = [a for a in region.adviezen if a not in adviezen]
    assert Counter((a.invoer.soort, a.invoer.casus is not None) for a in van_2023) == {
        ("kort", False): KORTE_ADVIEZEN,
        ("uitgebreid", False): ANONIEME_UITGEBREIDE_ADVIEZEN,
        ("uitgebreid", True): 63,  # one per referral of 2023 that got an uitgebreid advies
        ("informatieknooppunt", False): INFORMATIEKNOOPPUNT,
    }
    assert {a.invoer.casus for a in van_2023 if a.invoer.casus} <= set(region.paden)
    for advies in region.adviezen:
        datum = advies.invoer.datum
        assert datum is not None and datum.weekday() < 5, "on working days"
        assert advies.op.date() == datum
        assert TODAY - dt.timedelta(days=364) <= datum < TODAY or JAAR_2023[0] <= datum <= JAAR_2023[1]
    casussen = {c.id: c for c in region.casussen}
    assert all(
        a.invoer.datum is not None and a.invoer.datum > casussen[a.invoer.casus].aangemeld_op.date()
        for a in region.adviezen
        if a.invoer.casus
    )


def test_gemeente_veiligheid_and_politie_ask_most(convenant: Convenant, region: DemoRegion) -> None:
    _, adviezen = _dit_jaar(region)
    typen = Counter(
        partner.type
        for a in adviezen
        if a.invoer.vrager and (partner := convenant.partner(a.invoer.vrager)) is not None
    )
    assert [t for t, _ in typen.most_common(2)] == ["gemeente-veiligheid", "politie"]
    gemeenten = Counter(a.invoer.gemeente for a in adviezen if a.invoer.gemeente)
    assert set(gemeenten) == convenant.ids("gemeente") and gemeenten.most_common(1)[0][0] == "emmen"


def test_a_share_of_the_regular_casussen_has_nevenonderwerpen(convenant: Convenant, region: DemoRegion) -> None:
    regulier = [c for c in region.casussen if c.casustype is Casustype.REGULIER]
    met = [c for c in regulier if c.nevenonderwerpen]
    assert 0.2 < len(met) / len(regulier) < 0.5
    for casus in met:
        assert len(set(casus.nevenonderwerpen)) == len(casus.nevenonderwerpen) <= 3
        assert set(casus.nevenonderwerpen) <= convenant.ids("onderwerp") - {casus.hoofdonderwerp}
    assert not any(c.nevenonderwerpen for c in region.casussen if c.casustype is Casustype.CTER)

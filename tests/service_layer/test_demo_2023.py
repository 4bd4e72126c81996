"""The demo region's calendar year 2023, as generated (no database; its report's figures are
`tests/managementinformatie/test_demo_2023.py`): there from 1 December 2025 on, apart from the rest of the region
(which stays what the seed gave without it), every casus closed by now through the lifecycle's transitions, and
health data only where a care partner takes part."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from service.demo import verslagjaar
from service.demo.regio import DemoRegion, generate_region
from service.domain.casus import BetrokkeneRol
from service.domain.convenant import Casustype, Convenant, Domein, Fase
from service.domain.levensloop import OVERGANGEN, Handeling

TODAY = dt.date(2026, 11, 1)
ZORGVELDEN = ("psychischeGezondheid", "lvb", "verslaving")


@pytest.fixture(scope="module")
def region(convenant: Convenant) -> DemoRegion:
    return generate_region(convenant, seed=2023, today=TODAY)


def test_the_year_is_there_from_december_2025_and_leaves_the_rest_of_the_region_as_it_was(
    convenant: Convenant, region: DemoRegion, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert not generate_region(convenant, seed=2023, today=verslagjaar.VANAF - dt.timedelta(days=1)).paden
    assert len(generate_region(convenant, seed=2023, today=verslagjaar.VANAF).paden) == 129 + 54 + 63
    monkeypatch.setattr(verslagjaar, "VANAF", dt.date.max)
    zonder = generate_region(convenant, seed=2023, today=TODAY)
    assert not zonder.paden
    assert [c for c in region.casussen if c.id not in region.paden] == zonder.casussen
    assert {k: v for k, v in region.veldwaarden.items() if k[0] not in region.paden} == zonder.veldwaarden
    assert [o for o in region.overleggen if o.datum.year > 2023] == zonder.overleggen
    assert [a for a in region.adviezen if a.invoer.datum and a.invoer.datum.year > 2023] == zonder.adviezen
    assert region.gebruikers == zonder.gebruikers
    assert all(c.aangemeld_op.date() >= dt.date(2024, 1, 1) for c in zonder.casussen), "nothing else in 2023"


def test_every_casus_of_the_year_went_through_the_lifecycle_and_is_closed_by_now(region: DemoRegion) -> None:
    allowed = {(van, naar) for (van, _), naar in OVERGANGEN.items()}
    casussen = [c for c in region.casussen if c.id in region.paden]
    assert len({c.id for c in casussen}) == len(region.paden)
    for casus in casussen:
        pad = region.paden[casus.id]
        assert casus.casustype is Casustype.REGULIER and casus.fase is Fase.AFGESLOTEN
        assert dt.date(2021, 1, 4) <= casus.aangemeld_op.date() and casus.aangemeld_op.weekday() < 5
        assert [p.handeling for p in pad] == [Handeling.TRIAGE, Handeling.TRIAGE, Handeling.AFSLUITING]
        assert pad[0].naar is Fase.TRIAGE and pad[1].naar in (Fase.PROCESREGIE, Fase.ADVIES)
        for van, stap in zip((Fase.AANMELDING, *(p.naar for p in pad)), pad, strict=False):
            assert (van, stap.naar) in allowed
        tijden = [casus.aangemeld_op, *(p.tijd for p in pad)]
        assert all(a < b for a, b in itertools.pairwise(tijden))
        assert pad[-1].tijd == casus.afgesloten_op == casus.gewijzigd_op < dt.datetime(2025, 7, 1, tzinfo=dt.UTC)
        besluit = pad[1].tijd.date()
        assert besluit.year == 2023 if casus.aangemeld_op.year == 2023 else besluit.year < 2023
        assert {d.partner_id for d in casus.deelnames if d.tot is None} == {"bureau-zvh-drenthe"}


def test_a_hoofdpersoon_with_health_data_has_a_care_partner_until_the_afsluiting(
    convenant: Convenant, region: DemoRegion
) -> None:
    def zorg(partner_id: str) -> bool:
        partner = convenant.partner(partner_id)
        soort = convenant.partnertype(partner.type) if partner is not None else None
        return soort is not None and soort.domein is Domein.ZORG

    met = 0
    for casus in (c for c in region.casussen if c.id in region.paden):
        hoofd = next(b.id for b in casus.betrokkenen if b.rol is BetrokkeneRol.HOOFDPERSOON)
        waarden = [region.veldwaarden.get((casus.id, hoofd, v)) for v in ZORGVELDEN]
        if any(w not in (None, "geen-signalen") for w in waarden):
            met += 1
            assert any(zorg(d.partner_id) and d.tot == casus.afgesloten_op for d in casus.deelnames), casus.id
    assert met > 150

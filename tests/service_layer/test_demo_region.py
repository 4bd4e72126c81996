"""The synthetic demo region: deterministic, shaped like the Drenthe figures, regimes apart, values valid."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from service.demo.regio import PROCESREGIE_PER_GEMEENTE, DemoRegion, generate_region
from service.domain.casus import BetrokkeneRol
from service.domain.convenant import Casustype, Convenant, Fase
from service.domain.veldwaarde import elfproef, normaliseer

TODAY = dt.date(2026, 11, 1)


@pytest.fixture(scope="module")
def region(convenant: Convenant) -> DemoRegion:
    return generate_region(convenant, seed=2023, today=TODAY)


def test_the_same_seed_gives_the_same_region_and_another_seed_another(convenant: Convenant, region: DemoRegion) -> None:
    again = generate_region(convenant, seed=2023, today=TODAY)
    assert again.veldwaarden == region.veldwaarden
    assert [c.id for c in again.casussen] == [c.id for c in region.casussen]
    other = generate_region(convenant, seed=2024, today=TODAY)
    assert other.veldwaarden != region.veldwaarden


def test_volumes_follow_the_annual_report(region: DemoRegion) -> None:
    per_fase = Counter((c.casustype, c.fase) for c in region.casussen if c.id not in region.paden)
    assert per_fase[(Casustype.REGULIER, Fase.PROCESREGIE)] == 129
    assert per_fase[(Casustype.REGULIER, Fase.AFGESLOTEN)] == 54
    assert 50 <= per_fase[(Casustype.REGULIER, Fase.ADVIES)] <= 70
    assert 4 <= sum(n for (t, _), n in per_fase.items() if t is Casustype.CTER) <= 6
    procesregie = Counter(
        c.gemeente for c in region.casussen if c.fase is Fase.PROCESREGIE and c.casustype is Casustype.REGULIER
    )
    assert Counter((c.casustype, c.fase) for c in region.casussen if c.id in region.paden) == {
        (Casustype.REGULIER, Fase.AFGESLOTEN): 129 + 54 + 63  # the 2023 year: all closed by now
    }
    assert procesregie == Counter({g: n for g, n in PROCESREGIE_PER_GEMEENTE.items() if n})
    hoofdpersonen_with_system = sum(len(c.betrokkenen) > 1 for c in region.casussen)
    assert hoofdpersonen_with_system > len(region.casussen) // 2


def test_every_value_is_valid_for_its_veld_and_in_the_right_place(convenant: Convenant, region: DemoRegion) -> None:
    betrokkenen = {(c.id, b.id) for c in region.casussen for b in c.betrokkenen}
    for (casus_id, betrokkene, veld_id), value in region.veldwaarden.items():
        veld = convenant.veld(veld_id)
        assert veld is not None, veld_id
        assert (betrokkene is None) == (veld.onderwerp.value == "casus"), veld_id
        assert betrokkene is None or (casus_id, betrokkene) in betrokkenen
        normaliseer(veld, value.isoformat() if isinstance(value, dt.date) else value)


def test_bsns_are_unique_test_range_numbers_passing_the_elfproef(region: DemoRegion) -> None:
    bsns = [v for (_, _, veld), v in region.veldwaarden.items() if veld == "bsn"]
    assert len(bsns) == sum(len(c.betrokkenen) for c in region.casussen)
    assert len(set(bsns)) == len(bsns)
    assert all(isinstance(b, str) and b.startswith("9999") and elfproef(b) for b in bsns)


def test_emails_use_the_reserved_example_domain(region: DemoRegion) -> None:
    emails = [v for (_, _, veld), v in region.veldwaarden.items() if veld == "email"]
    assert emails and all(isinstance(e, str) and e.endswith("@example.org") for e in emails)


def test_cter_casussen_stay_within_the_cter_convenant(convenant: Convenant, region: DemoRegion) -> None:
    document = convenant.document(Casustype.CTER)
    assert document is not None
    cter = [c for c in region.casussen if c.casustype is Casustype.CTER]
    assert cter
    for casus in cter:
        aanmelder = convenant.partner(casus.aanmelder)
        assert aanmelder is not None and aanmelder.type in document.weegploeg
        for deelname in casus.deelnames:
            partner = convenant.partner(deelname.partner_id)
            assert partner is not None and document.id in partner.convenanten, deelname.partner_id


def test_every_participant_signed_the_convenant_of_its_casus(convenant: Convenant, region: DemoRegion) -> None:
    for casus in region.casussen:
        document = convenant.document(casus.casustype)
        assert document is not None
        assert sum(b.rol is BetrokkeneRol.HOOFDPERSOON for b in casus.betrokkenen) == 1
        for deelname in casus.deelnames:
            partner = convenant.partner(deelname.partner_id)
            assert partner is not None and document.id in partner.convenanten
            assert deelname.tot is None or deelname.tot >= deelname.sinds
        if casus.fase in (Fase.AFGESLOTEN, Fase.AFGEWEZEN):
            assert casus.afgesloten_op is not None
            # Closing ends every deelname but, in a regular casus, the Bureau ZVH's (it keeps the account).
            still = {d.partner_id for d in casus.deelnames if d.tot is None}
            assert still == (set() if casus.casustype is Casustype.CTER else {document.bureau})


def test_users_cover_every_partner_and_the_bureau_roles(convenant: Convenant, region: DemoRegion) -> None:
    per_partner = {g.partner_id for g in region.gebruikers}
    assert per_partner == convenant.ids("partner")
    bureau_rollen = Counter(g.rol for g in region.gebruikers if g.partner_id == "bureau-zvh-drenthe")
    assert bureau_rollen["procesregisseur"] >= 2 and bureau_rollen["beheerder"] >= 2 and bureau_rollen["fg"] >= 1


def test_hoofdpersonen_live_in_the_municipality_of_their_casus(convenant: Convenant, region: DemoRegion) -> None:
    namen = {g.id: g.naam for g in convenant.gemeenten}
    for casus in region.casussen:
        hoofdpersoon = next(b for b in casus.betrokkenen if b.rol is BetrokkeneRol.HOOFDPERSOON)
        assert region.veldwaarden[(casus.id, hoofdpersoon.id, "woonplaats")] == namen[casus.gemeente]

"""Both sides of every flow (DESIGN invariant 12) on fakes: an aanmelding and a bijdrage are logged as the
bron's aanlevering in the same transaction as the values, and a veld outside the bronregels refuses the whole
request, logged, with nothing stored."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from service.domain.casus import Gebruiker
from service.domain.convenant import Fase
from service.domain.errors import CasusVernietigdError, NietToegestaanError
from service.domain.verstrekking import AANLEVERING, Uitkomst, Verstrekking, Weigering
from service.service_layer.casus.aanmelding import Aanmelding, BetrokkeneInvoer, Bijdrage, aanmelden, bijdragen
from service.service_layer.services import Services
from tests.unit.fakes import FakeDatabase, FakeLog
from tests.unit.scenario import AGENT, BUREAU, GGZ, NOW, POLITIE, REGISSEUR, casus_in

GGZ_DEELNEMER = Gebruiker("g-ggz-deelnemer", GGZ, "deelnemer", "deelnemer ggz 1")
VEILIG_THUIS = Gebruiker("g-vt", "veilig-thuis-drenthe", "deelnemer", "deelnemer veilig thuis 1")


pytestmark = pytest.mark.usefixtures("beleid")


def melding(**velden: Any) -> Aanmelding:
    return Aanmelding(
        casustype="regulier",
        gemeente="assen",
        onderwerp="verward-gedrag",
        betrokkenen=[BetrokkeneInvoer("hoofdpersoon", {"bsn": "999900122", "achternaam": "Testpersoon", **velden})],
        velden={"signaalOmschrijving": "Synthetisch signaal."},
    )


def _veld(record: Verstrekking, naam: str) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    [veld] = [v for v in record.verstrekt if v.veld == naam]
    return veld.grondslag, veld.plaatsen, veld.bronnen


def test_an_aanmelding_is_the_aanmelders_aanlevering_logged_with_its_values(
    fake_services: Services, database: FakeDatabase, log: FakeLog
) -> None:
    casus = aanmelden(fake_services, AGENT, melding(politieRegistraties="Synthetische registratie."), now=NOW)

    [record] = database.state.logboek  # committed with the casus, in its transaction
    hoofd = casus.betrokkenen[0].id
    assert (record.soort, record.partner, record.doel, record.casus, record.uitkomst) == (
        AANLEVERING,
        POLITIE,
        "aanmelding",
        casus.id,
        Uitkomst.VERSTREKT,
    )
    assert record.betrokkenen == (hoofd,)
    assert _veld(record, "politieRegistraties") == ("wpg-20", (hoofd,), (POLITIE,))  # the bron's own ground
    assert _veld(record, "bsn") == ("uavg-46-bsn", (hoofd,), (POLITIE,))
    assert _veld(record, "signaalOmschrijving") == ("avg-6-1-e-wgs", ("casus",), (POLITIE,))
    assert {v.verwerkingsactiviteit for v in record.verstrekt} == {"va-aanmelding"}
    assert record.as_record()["soort"] == "aanlevering"
    assert "Synthetisch" not in str(record.as_record())  # names and grounds, never a value
    assert log.records == []  # nothing through the writer: the record is in the transaction


def test_health_data_from_the_police_refuses_the_whole_aanmelding_and_the_refusal_is_logged(
    fake_services: Services, database: FakeDatabase, log: FakeLog
) -> None:
    before = copy.deepcopy(database.state)
    with pytest.raises(NietToegestaanError, match="psychischeGezondheid") as raised:
        aanmelden(fake_services, AGENT, melding(psychischeGezondheid="signalen"), now=NOW)

    assert "signalen" not in str(raised.value)
    assert database.state == before and database.commits == 0  # no casus, no value, no key
    [refusal] = log.records
    assert isinstance(refusal, Verstrekking)
    assert (refusal.soort, refusal.partner, refusal.doel, refusal.casus) == (AANLEVERING, POLITIE, "aanmelding", None)
    assert (refusal.uitkomst, refusal.weigering) == (Uitkomst.GEWEIGERD, Weigering.BRONREGEL)
    assert refusal.onthouden == ("psychischeGezondheid",)
    assert refusal.verstrekt == () and refusal.betrokkenen == ()


def test_a_care_partner_may_not_supply_police_data_through_a_bijdrage(
    fake_services: Services, database: FakeDatabase, log: FakeLog
) -> None:
    casus = casus_in(database, fake_services, fase=Fase.PROCESREGIE, extra=[(GGZ, "deelnemer")])
    hoofd = casus.betrokkenen[0].id
    before = copy.deepcopy(database.state)
    bijdrage = Bijdrage([BetrokkeneInvoer("hoofdpersoon", {"politieRegistraties": "x", "lvb": "vermoeden"}, id=hoofd)])

    with pytest.raises(NietToegestaanError, match="politieRegistraties") as raised:
        bijdragen(fake_services, GGZ_DEELNEMER, casus.id, bijdrage, now=NOW)

    assert "lvb" not in str(raised.value)  # only what was refused is named
    assert database.state == before
    [refusal] = log.records
    assert isinstance(refusal, Verstrekking)
    assert (refusal.casus, refusal.partner, refusal.weigering) == (casus.id, GGZ, Weigering.BRONREGEL)
    assert refusal.onthouden == ("politieRegistraties",)


def test_a_bijdrage_is_logged_with_each_veld_on_the_bron_s_own_grondslag(
    fake_services: Services, database: FakeDatabase
) -> None:
    casus = casus_in(
        database,
        fake_services,
        fase=Fase.PROCESREGIE,
        extra=[(GGZ, "deelnemer"), (VEILIG_THUIS.partner_id, "deelnemer")],
    )
    hoofd = casus.betrokkenen[0].id

    bijdragen(
        fake_services,
        GGZ_DEELNEMER,
        casus.id,
        Bijdrage([BetrokkeneInvoer("x", {"lvb": "vermoeden"}, id=hoofd)]),
        now=NOW,
    )
    bijdragen(
        fake_services,
        VEILIG_THUIS,
        casus.id,
        Bijdrage([BetrokkeneInvoer("x", {"psychischeGezondheid": "signalen"}, id=hoofd)]),
        now=NOW,
    )

    ggz, veilig_thuis = database.state.logboek
    assert (ggz.partner, ggz.doel, _veld(ggz, "lvb")) == (GGZ, "bijdrage", ("avg-9-uavg-30", (hoofd,), (GGZ,)))
    assert _veld(veilig_thuis, "psychischeGezondheid")[0] == "wmo-5-1-6"  # Veilig Thuis on its own ground
    assert {p: w.bron for p, w in database.state.waarden[casus.id].items()} == {
        (hoofd, "lvb"): GGZ,
        (hoofd, "psychischeGezondheid"): VEILIG_THUIS.partner_id,
    }


def test_a_failed_store_loses_the_aanlevering_record_with_it(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.PROCESREGIE)
    del database.state.data_keys[casus.id]  # destroyed between the checks and the write

    with pytest.raises(CasusVernietigdError):
        bijdragen(fake_services, REGISSEUR, casus.id, Bijdrage(velden={"urgentie": "hoog"}), now=NOW)

    assert database.state.logboek == [] and database.commits == 0


def test_the_bureau_supplies_the_plan_but_not_health_data(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, fase=Fase.PROCESREGIE)
    hoofd = casus.betrokkenen[0].id

    bijdragen(fake_services, REGISSEUR, casus.id, Bijdrage(velden={"planDoelen": "Synthetisch doel."}), now=NOW)
    with pytest.raises(NietToegestaanError, match="zorgOmschrijving"):
        bijdragen(
            fake_services,
            REGISSEUR,
            casus.id,
            Bijdrage([BetrokkeneInvoer("x", {"zorgOmschrijving": "x"}, id=hoofd)]),
            now=NOW,
        )

    [plan] = database.state.logboek
    assert (plan.partner, _veld(plan, "planDoelen")) == (BUREAU, ("avg-6-1-e-wgs", ("casus",), (BUREAU,)))

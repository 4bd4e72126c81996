"""Uitstel van informeren: a deferred record is absent from the person's report until its einddatum and present,
marked, in the FG's; CTER records never pass into a report for the person; a partner defers only its own flows."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service.adapters.orm import UitstelRow
from service.audit.record import parse
from service.domain.casus import Gebruiker
from service.domain.convenant import Fase, Regime
from service.domain.rechten import Uitstel
from service.service_layer.rechten.rapport import voor_betrokkene
from service.service_layer.services import Services
from service.service_layer.verantwoording import raadplegen
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, bearer, cter_aanmelding, post, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.rechten.conftest import UITSTELLEN, inzage, stel_uit

VANDAAG = dt.datetime.now(dt.UTC)
EINDE = (VANDAAG + dt.timedelta(days=30)).date()


def _records(services: Services) -> list[dict[str, Any]]:
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]


@pytest.fixture
def gedeeld(client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str, politie: str) -> str:
    """The casus's flows: the police's aanmelding (log index 0) and the GGD's bijdrage (1), both aanleveringen,
    then the triage to the Bureau ZVH (2; it released values the police and the GGD supplied) and the
    casusoverleg to the police (3)."""
    assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    assert vraag(client, politie, casus["id"], doel="casusoverleg", velden=["achternaam"]).status_code == 201
    return str(casus["id"])


def test_a_deferred_record_is_marked_for_the_fg_and_absent_from_the_persons_report_until_its_einddatum(
    client: FlaskClient, services: Services, gedeeld: str, politie: str, fg: str
) -> None:
    made = stel_uit(client, politie, EINDE.isoformat())
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["partner"] == "politie-noord-nederland"
    assert BSN_HOOFDPERSOON not in made.get_data(as_text=True)

    regels = {r["logIndex"]: r for r in inzage(client, fg)["verstrekkingen"]}
    assert regels[1]["uitgesteld"] is None  # the GGD's own flow is not the police's to defer
    # the police's flows: what it supplied, what was released of its data (to the Bureau), what it received
    assert all(regels[i]["uitgesteld"] is not None for i in (0, 2, 3))
    mark = regels[3]["uitgesteld"]
    assert mark["tot"] == EINDE.isoformat() and mark["partner"] == "politie-noord-nederland"
    assert mark["grondslag"]["id"] == "wpg-20" and mark["grondslag"]["artikel"]

    fg_gebruiker = Gebruiker("f" * 32, "bureau-zvh-drenthe", "fg", "FG")
    nu = raadplegen.inzageverzoek(services, fg_gebruiker, BSN_HOOFDPERSOON, now=VANDAAG)
    rapport = voor_betrokkene(nu)
    assert [r.log_index for r in rapport.regels] == [1]
    assert rapport.aantal_betrokkenen == 1
    op_einddatum = dt.datetime.combine(EINDE, dt.time(9), tzinfo=dt.UTC)
    later = voor_betrokkene(raadplegen.inzageverzoek(services, fg_gebruiker, BSN_HOOFDPERSOON, now=op_einddatum))
    assert [r.log_index for r in later.regels] == [0, 1, 2, 3]  # from the einddatum on, the person is told

    [step] = [r for r in _records(services) if r["soort"] == "uitstel"]
    assert step["casus"] == gedeeld and step["partner"] == "politie-noord-nederland"
    assert step["grondslag"] == "wpg-20" and step["einddatum"] == EINDE.isoformat()
    assert BSN_HOOFDPERSOON not in str(step)


def test_an_uitstel_in_one_casus_and_one_ended_early(
    client: FlaskClient, services: Services, gedeeld: str, politie: str, fg: str
) -> None:
    made = stel_uit(client, politie, EINDE.isoformat(), casus=gedeeld).get_json()
    regels = {r["logIndex"]: r for r in inzage(client, fg)["verstrekkingen"]}
    assert regels[3]["uitgesteld"]["uitstel"] == made["id"]
    ended = client.post(f"{UITSTELLEN}/{made['id']}/beeindiging", headers=bearer(politie))
    assert ended.status_code == 200 and ended.get_json()["beeindigdOp"]
    assert all(r["uitgesteld"] is None for r in inzage(client, fg)["verstrekkingen"])
    assert client.post(f"{UITSTELLEN}/{made['id']}/beeindiging", headers=bearer(politie)).status_code == 409
    assert [r["soort"] for r in _records(services)][-2:] == ["uitstel", "einde-uitstel"]


def test_a_record_whose_partner_is_the_deferring_partner_is_its_flow_whatever_its_soort() -> None:
    """An aanlevering names its bron as `partner`; a verstrekking its recipient, and its bronnen per veld."""
    uitstel = Uitstel("u" * 32, Regime.REGULIER, "i" * 64, "politie", None, "wpg-20", EINDE, VANDAAG, "g" * 32)
    persoon = frozenset({"b1"})
    assert uitstel.dekt({"politie"}, "c1", ("b1", "b2"), persoon)  # bron of an aanlevering, or the recipient
    assert uitstel.dekt({"ggz", "politie"}, "c1", ("b1",), persoon)  # a bron of a released veld
    assert not uitstel.dekt({"ggz"}, "c1", ("b1",), persoon)  # another partner's flow
    assert not uitstel.dekt({"politie"}, "c1", ("b2",), persoon)  # about someone else
    in_casus = dataclasses.replace(uitstel, casus="c2")
    assert not in_casus.dekt({"politie"}, "c1", ("b1",), persoon) and in_casus.dekt({"politie"}, "c2", ("b1",), persoon)
    assert uitstel.geldt(EINDE - dt.timedelta(days=1)) and not uitstel.geldt(EINDE)
    assert not dataclasses.replace(uitstel, beeindigd_op=VANDAAG).geldt(VANDAAG.date())


def test_a_partner_cannot_defer_another_partners_flows(
    client: FlaskClient, services: Services, gedeeld: str, fg: str, token_for: Any
) -> None:
    ggz = token_for("ggz-drenthe", "casusregisseur")  # takes no part in the casus
    assert stel_uit(client, ggz, EINDE.isoformat(), casus=gedeeld).status_code == 404
    sneaky = stel_uit(client, ggz, EINDE.isoformat(), partner="politie-noord-nederland")
    assert sneaky.status_code == 400 and sneaky.mimetype == "application/problem+json"
    assert stel_uit(client, ggz, EINDE.isoformat()).status_code == 201  # its own (empty) flows only
    assert all(r["uitgesteld"] is None for r in inzage(client, fg)["verstrekkingen"])
    with services.engine.connect() as connection:
        assert connection.scalar(select(UitstelRow.partner_id)) == "ggz-drenthe"


def test_only_a_regisseur_defers_and_only_of_its_own_partner_ends_or_sees(
    client: FlaskClient, services: Services, gedeeld: str, politie: str, fg: str, procesregisseur: str
) -> None:
    for partner, rol in (("politie-noord-nederland", "deelnemer"), ("bureau-zvh-drenthe", "fg")):
        assert stel_uit(client, add_gebruiker(services, partner, rol), EINDE.isoformat()).status_code == 403
    made = stel_uit(client, politie, EINDE.isoformat()).get_json()
    ended = client.post(f"{UITSTELLEN}/{made['id']}/beeindiging", headers=bearer(procesregisseur))
    assert ended.status_code == 404  # the Bureau does not end the police's uitstel
    assert client.get(UITSTELLEN, headers=bearer(procesregisseur)).get_json()["uitstellen"] == []
    assert [u["id"] for u in client.get(UITSTELLEN, headers=bearer(fg)).get_json()["uitstellen"]] == [made["id"]]
    other_fg = add_gebruiker(services, "ggz-drenthe", "fg")
    assert client.get(UITSTELLEN, headers=bearer(other_fg)).get_json()["uitstellen"] == []


@pytest.mark.parametrize(
    ("extra", "name"),
    [
        ({"grondslag": "geen-grondslag"}, "grondslag"),
        ({"einddatum": VANDAAG.date().isoformat()}, "einddatum"),
        ({"einddatum": "2999-01-01"}, "einddatum"),
        ({"einddatum": "morgen"}, "einddatum"),
        ({"bsn": "99990012x"}, "bsn"),
        ({"regime": "ander"}, "regime"),
    ],
    ids=["grondslag", "today", "too-far", "not-a-date", "bsn", "regime"],
)
def test_bad_uitstel_input_is_a_problem_and_changes_nothing(
    client: FlaskClient, services: Services, politie: str, extra: dict[str, str], name: str
) -> None:
    body = {"einddatum": EINDE.isoformat(), **extra}
    response = stel_uit(client, politie, **body)
    assert response.status_code == 400, response.get_json()
    assert any(p["name"].endswith(name) for p in response.get_json()["invalidParams"])
    with services.engine.connect() as connection:
        assert connection.scalar(select(UitstelRow.id)) is None
    assert _records(services) == []


def test_the_person_not_in_the_casus_is_refused(client: FlaskClient, gedeeld: str, politie: str) -> None:
    assert stel_uit(client, politie, EINDE.isoformat(), bsn="999900134", casus=gedeeld).status_code in (400, 404)


def test_cter_records_never_pass_into_a_report_for_the_person(
    client: FlaskClient, services: Services, gedeeld: str, politie: str, fg: str
) -> None:
    cter = post(client, politie, "/v1/casussen", cter_aanmelding())
    assert cter.status_code == 201, cter.get_json()
    shared = vraag(client, politie, cter.get_json()["id"], doel="triage")
    assert shared.status_code == 201 and shared.get_json()["uitkomst"] in ("verstrekt", "gedeeltelijk")
    fg_gebruiker = Gebruiker("f" * 32, "bureau-zvh-drenthe", "fg", "FG")
    volledig = raadplegen.inzageverzoek(services, fg_gebruiker, BSN_HOOFDPERSOON)
    assert {r.casustype for r in volledig.regels} == {"regulier", "cter"}  # the FG sees both
    assert volledig.aantal_betrokkenen == 2
    rapport = voor_betrokkene(volledig)
    assert {r.casustype for r in rapport.regels} == {"regulier"}
    assert rapport.aantal_betrokkenen == 1  # the count does not reveal the CTER casus either
    assert voor_betrokkene(raadplegen.inzageverzoek(services, fg_gebruiker, BSN_SYSTEEMLID)).regels

"""Aanmelding stores every value encrypted, accepts only the veldcatalogus, and writes nothing on bad input."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.adapters.orm import BetrokkeneRow, CasusRow, CasusSleutelRow, VeldwaardeRow
from service.domain.convenant import Regime
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, aanmelding, bearer
from tests.helpers.gebruikers import add_gebruiker


def _counts(services: Services) -> tuple[int, ...]:
    with services.engine.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (CasusRow, BetrokkeneRow, VeldwaardeRow, CasusSleutelRow)
        )


def test_aanmelding_creates_the_casus_without_echoing_values(aangemeld: dict[str, Any]) -> None:
    assert aangemeld["fase"] == "aanmelding"
    assert aangemeld["aanmelder"] == "politie-noord-nederland"
    assert [b["rol"] for b in aangemeld["betrokkenen"]] == ["hoofdpersoon", "systeemlid"]
    assert "Testpersoon" not in str(aangemeld) and BSN_HOOFDPERSOON not in str(aangemeld)


def test_stored_values_decrypt_to_what_was_sent_with_the_aanmelder_as_bron(
    services: Services, aangemeld: dict[str, Any]
) -> None:
    hoofdpersoon = aangemeld["betrokkenen"][0]["id"]
    with services.uow() as uow:
        values = uow.veldwaarden.read(aangemeld["id"], Regime.REGULIER)
    assert values[(hoofdpersoon, "achternaam")].waarde == "Testpersoon-Synthetisch"
    assert values[(hoofdpersoon, "bsn")].waarde == BSN_HOOFDPERSOON
    assert values[(None, "signaalOmschrijving")].bron == "politie-noord-nederland"


def test_the_bsn_is_findable_only_through_the_blind_index(services: Services, aangemeld: dict[str, Any]) -> None:
    index = services.keys.blind_index.bsn_hex(Regime.REGULIER, BSN_HOOFDPERSOON)
    with services.engine.connect() as connection:
        found = connection.execute(select(BetrokkeneRow.id).where(BetrokkeneRow.bsn_index == index)).scalars().all()
    assert found == [aangemeld["betrokkenen"][0]["id"]]
    assert services.keys.blind_index.bsn_hex(Regime.CTER, BSN_HOOFDPERSOON) != index


def test_the_bureau_zvh_takes_part_from_the_start(services: Services, aangemeld: dict[str, Any]) -> None:
    with services.uow() as uow:
        casus = uow.casussen.get(aangemeld["id"])
    assert casus is not None
    assert {(d.partner_id, d.rol) for d in casus.deelnames} == {
        ("politie-noord-nederland", "casusregisseur"),
        ("bureau-zvh-drenthe", "procesregisseur"),
    }


@pytest.mark.parametrize(
    ("change", "names"),
    [
        (lambda b: b["velden"].update(schoenmaat="43"), ["velden.schoenmaat"]),
        (lambda b: b["betrokkenen"][0]["velden"].update(bsn="123456789"), ["betrokkenen[0].velden.bsn"]),
        (
            lambda b: b["betrokkenen"][0]["velden"].update(geboortedatum="01-04-1990"),
            ["betrokkenen[0].velden.geboortedatum"],
        ),
        (lambda b: b["betrokkenen"][0]["velden"].update(achternaam=12), ["betrokkenen[0].velden.achternaam"]),
        (lambda b: b["velden"].update(achternaam="X"), ["velden.achternaam"]),
        (lambda b: b["betrokkenen"][1].update(rol="hoofdpersoon"), ["betrokkenen"]),
        (lambda b: b.update(gemeente="atlantis"), ["gemeente"]),
        (lambda b: b.update(casustype="geheim"), ["casustype"]),
        (
            lambda b: (b["velden"].update(onbekend="x"), b.update(gemeente="atlantis")),
            ["gemeente", "velden.onbekend"],
        ),
    ],
    ids=[
        "unknown-veld",
        "bsn-fails-elfproef",
        "date-not-iso",
        "wrong-type",
        "betrokkene-veld-on-casus",
        "two-hoofdpersonen",
        "unknown-gemeente",
        "unknown-casustype",
        "all-problems-at-once",
    ],
)
def test_invalid_aanmelding_is_400_naming_every_problem_and_writes_nothing(
    client: FlaskClient, services: Services, politie: str, change: Any, names: list[str]
) -> None:
    body = aanmelding()
    change(body)
    before = _counts(services)
    response = client.post("/v1/casussen", json=body, headers=bearer(politie))
    assert response.status_code == 400
    problem = response.get_json()
    assert sorted(p["name"] for p in problem["invalidParams"]) == sorted(names)
    assert "123456789" not in response.get_data(as_text=True)  # the rejected value is never echoed
    assert _counts(services) == before


def test_unknown_keys_in_the_body_are_refused(client: FlaskClient, services: Services, politie: str) -> None:
    before = _counts(services)
    response = client.post("/v1/casussen", json=aanmelding(fase="procesregie"), headers=bearer(politie))
    assert response.status_code == 400
    assert [p["name"] for p in response.get_json()["invalidParams"]] == ["fase"]
    assert _counts(services) == before


def test_malformed_json_is_400_and_writes_nothing(client: FlaskClient, services: Services, politie: str) -> None:
    before = _counts(services)
    response = client.post("/v1/casussen", data="{not json", content_type="application/json", headers=bearer(politie))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert _counts(services) == before


@pytest.mark.parametrize(
    ("partner", "rol", "casustype", "status"),
    [
        ("politie-noord-nederland", "fg", "regulier", 403),
        ("politie-noord-nederland", "deelnemer", "regulier", 403),
        ("ggz-drenthe", "casusregisseur", "cter", 403),
        ("politie-noord-nederland", "casusregisseur", "cter", 201),
        ("ggz-drenthe", "casusregisseur", "regulier", 201),
    ],
    ids=["fg-may-not-refer", "deelnemer-may-not-refer", "cter-only-weegploeg", "cter-by-politie", "regulier-by-care"],
)
def test_who_may_refer(
    client: FlaskClient, services: Services, partner: str, rol: str, casustype: str, status: int
) -> None:
    token = add_gebruiker(services, partner, rol)
    before = _counts(services)
    response = client.post("/v1/casussen", json=aanmelding(casustype=casustype), headers=bearer(token))
    assert response.status_code == status, response.get_json()
    if status != 201:
        assert _counts(services) == before

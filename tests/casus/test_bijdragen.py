"""Bijdragen: only participating partners contribute; the casus's existence is not revealed to others."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from service.adapters.orm import CasusRow
from service.domain.convenant import Regime
from service.service_layer.casus.bewaring import vernietig_casus
from service.service_layer.services import Services
from tests.helpers.casus import bearer
from tests.helpers.gebruikers import add_gebruiker


def _bijdrage(aangemeld: dict[str, Any]) -> dict[str, Any]:
    hoofdpersoon = aangemeld["betrokkenen"][0]["id"]
    return {
        "betrokkenen": [{"id": hoofdpersoon, "velden": {"achternaam": "Nieuwe-Synthetische-Naam"}}],
        "velden": {"signaalOmschrijving": "Synthetische aanvulling door het Bureau."},
    }


def test_a_participant_contributes_and_becomes_the_bron(
    client: FlaskClient, services: Services, aangemeld: dict[str, Any]
) -> None:
    bureau = add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur")
    response = client.post(
        f"/v1/casussen/{aangemeld['id']}/bijdragen", json=_bijdrage(aangemeld), headers=bearer(bureau)
    )
    assert response.status_code == 201, response.get_json()
    assert "Nieuwe-Synthetische-Naam" not in response.get_data(as_text=True)
    with services.uow() as uow:
        values = uow.veldwaarden.read(aangemeld["id"], Regime.REGULIER)
    hoofdpersoon = aangemeld["betrokkenen"][0]["id"]
    assert values[(hoofdpersoon, "achternaam")].waarde == "Nieuwe-Synthetische-Naam"
    assert values[(hoofdpersoon, "achternaam")].bron == "bureau-zvh-drenthe"
    assert values[(hoofdpersoon, "bsn")].bron == "politie-noord-nederland"  # untouched values keep their bron


def test_a_non_participant_gets_the_same_404_as_for_a_casus_that_does_not_exist(
    client: FlaskClient, services: Services, aangemeld: dict[str, Any]
) -> None:
    outsider = add_gebruiker(services, "veilig-thuis-drenthe", "casusregisseur")
    existing = client.post(
        f"/v1/casussen/{aangemeld['id']}/bijdragen", json=_bijdrage(aangemeld), headers=bearer(outsider)
    )
    missing = client.post(f"/v1/casussen/{'0' * 32}/bijdragen", json=_bijdrage(aangemeld), headers=bearer(outsider))
    assert existing.status_code == missing.status_code == 404
    assert existing.get_json() == missing.get_json()


def test_the_casussen_list_shows_only_the_partners_own_casussen_without_personal_data(
    client: FlaskClient, services: Services, aangemeld: dict[str, Any], politie: str
) -> None:
    own = client.get("/v1/casussen", headers=bearer(politie)).get_json()["casussen"]
    assert [c["id"] for c in own] == [aangemeld["id"]]
    assert "Testpersoon" not in str(own)
    outsider = add_gebruiker(services, "veilig-thuis-drenthe", "casusregisseur")
    assert client.get("/v1/casussen", headers=bearer(outsider)).get_json()["casussen"] == []


def test_contributions_to_a_closed_casus_are_409(
    client: FlaskClient, services: Services, aangemeld: dict[str, Any], politie: str
) -> None:
    with services.engine.begin() as connection:
        connection.execute(update(CasusRow).where(CasusRow.id == aangemeld["id"]).values(fase="afgesloten"))
    response = client.post(
        f"/v1/casussen/{aangemeld['id']}/bijdragen", json=_bijdrage(aangemeld), headers=bearer(politie)
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"betrokkenen": [{"id": "f" * 32, "velden": {"achternaam": "X"}}]}, "betrokkenen[0].id"),
        ({"velden": {"bestaatNiet": "x"}}, "velden.bestaatNiet"),
        ({}, "body"),
    ],
    ids=["betrokkene-of-another-casus", "unknown-veld", "empty"],
)
def test_invalid_contributions_are_400(
    client: FlaskClient, aangemeld: dict[str, Any], politie: str, body: dict[str, Any], name: str
) -> None:
    response = client.post(f"/v1/casussen/{aangemeld['id']}/bijdragen", json=body, headers=bearer(politie))
    assert response.status_code == 400
    assert [p["name"] for p in response.get_json()["invalidParams"]] == [name]


def test_after_shredding_contributions_are_410(
    client: FlaskClient, services: Services, aangemeld: dict[str, Any], politie: str
) -> None:
    vernietig_casus(services, aangemeld["id"])
    response = client.post(
        f"/v1/casussen/{aangemeld['id']}/bijdragen", json=_bijdrage(aangemeld), headers=bearer(politie)
    )
    assert response.status_code == 410
    assert response.mimetype == "application/problem+json"

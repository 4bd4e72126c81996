"""Fixtures for verstrekkingen: a referred casus, gebruikers of the partners that take part, fase control."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update

from service.adapters.orm import CasusRow
from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.case_data.conftest import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, aanmelding, bearer
from tests.conftest import add_gebruiker

__all__ = ["BSN_HOOFDPERSOON", "BSN_SYSTEEMLID", "bearer", "set_fase", "vraag"]


def set_fase(services: Services, casus_id: str, fase: Fase) -> None:
    """Put a casus in a fase directly (the lifecycle endpoints are issue 7's)."""
    with services.engine.begin() as connection:
        connection.execute(update(CasusRow).where(CasusRow.id == casus_id).values(fase=fase.value))


def vraag(client: FlaskClient, token: str, casus_id: str, **body: Any) -> Any:
    return client.post(f"/v1/casussen/{casus_id}/verstrekkingen", json=body, headers=bearer(token))


@pytest.fixture
def politie(services: Services) -> str:
    return add_gebruiker(services, "politie-noord-nederland", "casusregisseur")


@pytest.fixture
def procesregisseur(services: Services) -> str:
    """The procesregisseur of Bureau ZVH (takes part in every regular casus from the aanmelding on)."""
    return add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur")


@pytest.fixture
def casus(client: FlaskClient, politie: str) -> dict[str, Any]:
    body = aanmelding()
    body["betrokkenen"][0]["velden"].update({"psychischeGezondheid": "signalen"})
    response = client.post("/v1/casussen", json=body, headers=bearer(politie))
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created

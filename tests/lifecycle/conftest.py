"""Fixtures for the casus lifecycle: gebruikers in every position towards a casus, casussen of both regimes."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.case_data.conftest import aanmelding, bearer
from tests.conftest import add_gebruiker

__all__ = ["aanmelding", "bearer", "post", "refer"]


def post(client: FlaskClient, token: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json=body, headers=bearer(token))


def refer(client: FlaskClient, token: str, **overrides: Any) -> dict[str, Any]:
    response = client.post("/v1/casussen", json=aanmelding(**overrides), headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def cter_aanmelding() -> dict[str, Any]:
    body = aanmelding(casustype="cter", onderwerp="radicalisering")
    body["velden"] = {}
    return body


@pytest.fixture
def regisseur(services: Services) -> str:
    """The procesregisseur of Bureau ZVH: the regie of every regular casus."""
    return add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur")


@pytest.fixture
def ondersteuner(services: Services) -> str:
    """A procesondersteuner of Bureau ZVH: takes part, but does not hold the regie."""
    return add_gebruiker(services, "bureau-zvh-drenthe", "procesondersteuner")


@pytest.fixture
def politie(services: Services) -> str:
    """A casusregisseur at the police: refers casussen of both regimes (weegploeg partner)."""
    return add_gebruiker(services, "politie-noord-nederland", "casusregisseur")


@pytest.fixture
def gemeente(services: Services) -> str:
    """A casusregisseur at Gemeente Assen (veiligheid): weegploeg of CTER casussen about Assen."""
    return add_gebruiker(services, "gemeente-assen-veiligheid", "casusregisseur")


@pytest.fixture
def ggz(services: Services) -> str:
    """A casusregisseur at GGZ Drenthe: signed both convenants, takes part only when added or invited."""
    return add_gebruiker(services, "ggz-drenthe", "casusregisseur")


@pytest.fixture
def regulier(client: FlaskClient, politie: str) -> dict[str, Any]:
    return refer(client, politie)


@pytest.fixture
def cter(client: FlaskClient, politie: str) -> dict[str, Any]:
    response = client.post("/v1/casussen", json=cter_aanmelding(), headers=bearer(politie))
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created

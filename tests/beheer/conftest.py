"""Fixtures for beheer: two beheerders of Bureau ZVH, an FG, and helpers to propose and decide over the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.access import Access
from service.domain.casus import Gebruiker
from service.service_layer import beleid
from service.service_layer.authentication import authenticate
from service.service_layer.services import Services
from tests.case_data.conftest import bearer
from tests.conftest import add_gebruiker
from tests.disclosure.conftest import casus, politie, procesregisseur

__all__ = ["ADDED", "REMOVED", "casus", "politie", "procesregisseur"]

# A line of the demo policy, and a valid line it does not have (the procesondersteuner also gets contact).
REMOVED = "p, zvh, procesondersteuner, regulier, triage, aanmelding, avg-6-1-e-wgs, allow"
ADDED = "p, zvh, procesondersteuner, regulier, triage, contact, avg-6-1-e-wgs, allow"


@pytest.fixture
def beheerder_a(services: Services) -> str:
    return add_gebruiker(services, "bureau-zvh-drenthe", "beheerder")


@pytest.fixture
def beheerder_b(services: Services) -> str:
    return add_gebruiker(services, "bureau-zvh-drenthe", "beheerder")


@pytest.fixture
def fg(services: Services) -> str:
    return add_gebruiker(services, "bureau-zvh-drenthe", "fg")


def gebruiker_of(services: Services, token: str) -> Gebruiker:
    found = authenticate(services.uow(), token)
    assert found is not None
    return found


def active(services: Services) -> Access:
    with services.uow() as uow:
        return beleid.active_access(services, uow.beleid)


def propose(client: FlaskClient, token: str, **body: Any) -> Any:
    body.setdefault("toelichting", "Synthetische toelichting bij dit voorstel.")
    return client.post("/v1/beleid/voorstellen", json=body, headers=bearer(token))


def change(toevoegen: list[str] | None = None, verwijderen: list[str] | None = None) -> dict[str, Any]:
    return {
        "wijziging": {
            "toevoegen": [{"bestand": "zvh-drenthe.csv", "regel": r} for r in toevoegen or []],
            "verwijderen": verwijderen or [],
        }
    }


def approve(client: FlaskClient, token: str, voorstel_id: str) -> Any:
    return client.post(f"/v1/beleid/voorstellen/{voorstel_id}/goedkeuring", headers=bearer(token))


def reject(client: FlaskClient, token: str, voorstel_id: str, reden: str = "Synthetische reden.") -> Any:
    return client.post(f"/v1/beleid/voorstellen/{voorstel_id}/afwijzing", json={"reden": reden}, headers=bearer(token))

"""Fixtures for beheer: two beheerders of Bureau ZVH, an FG, helpers to propose and decide over the API, and to
log in to the /beheer pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from service.access import Access
from service.domain.casus import Gebruiker
from service.service_layer.beleid import actief as beleid
from service.service_layer.identiteit.authentication import authenticate
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


def csrf(html: str) -> str:
    """The CSRF token in a page's forms."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF field in the page"
    return match.group(1)


def login(client: FlaskClient, token: str) -> TestResponse:
    """Log in to the pages with a bearer token (the login form with its own CSRF token)."""
    page = client.get("/inloggen")
    assert page.status_code == 200
    return client.post("/inloggen", data={"token": token, "csrf_token": csrf(page.get_data(as_text=True))})


def toestand(services: Services) -> tuple[Any, ...]:
    """Everything a refused beheer step must leave unchanged: the active version, the stored versions, the
    proposals and their status, the log's size and every partner's state."""
    with services.uow() as uow:
        return (
            uow.beleid.active_version(),
            len(uow.beleid.versions()),
            tuple((v.id, v.status) for v in uow.voorstellen.list()),
            uow.log.size(),
            tuple((p.id, p.actief) for p in uow.partners.list()),
        )


def post(client: FlaskClient, path: str, data: dict[str, Any] | None = None) -> TestResponse:
    """POST a form as the pages do: with the session's CSRF token."""
    token = csrf(client.get("/beheer/").get_data(as_text=True))
    return client.post(path, data={**(data or {}), "csrf_token": token})


def html(response: TestResponse) -> str:
    """A page's text; every answer of the pages is an HTML page, errors too (never problem+json)."""
    assert response.mimetype == "text/html", (response.status_code, response.mimetype)
    return response.get_data(as_text=True)

"""Beheer over the API: proposing, approving and rejecting policy changes, and what a refused step must leave."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from service.access import Access
from service.domain.casus import Gebruiker
from service.service_layer.beleid import actief as beleid
from service.service_layer.identiteit.authentication import authenticate
from service.service_layer.services import Services
from tests.helpers.casus import bearer

# A line of the demo policy, and a valid line it does not have (the procesondersteuner also gets contact).
REMOVED = "p, zvh, procesondersteuner, regulier, triage, aanmelding, avg-6-1-e-wgs, allow"
ADDED = "p, zvh, procesondersteuner, regulier, triage, contact, avg-6-1-e-wgs, allow"


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

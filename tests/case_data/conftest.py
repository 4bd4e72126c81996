"""Helpers for case data tests: gebruikers of typical partners and a valid aanmelding body."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.conftest import add_gebruiker

# Synthetic BSNs from the 9999xxxxx range the BRP test environment uses for fictitious persons; both pass
# the elfproef.
BSN_HOOFDPERSOON = "999900122"
BSN_SYSTEEMLID = "999900110"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def aanmelding(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "casustype": "regulier",
        "gemeente": "assen",
        "onderwerp": "verward-gedrag",
        "betrokkenen": [
            {
                "rol": "hoofdpersoon",
                "velden": {
                    "bsn": BSN_HOOFDPERSOON,
                    "achternaam": "Testpersoon-Synthetisch",
                    "geboortedatum": "1990-04-01",
                },
            },
            {"rol": "systeemlid", "relatie": "kind", "velden": {"bsn": BSN_SYSTEEMLID, "achternaam": "Testkind"}},
        ],
        "velden": {"signaalOmschrijving": "Synthetisch signaal: herhaalde overlast en zorgen om veiligheid."},
    }
    body.update(overrides)
    return body


@pytest.fixture
def politie(services: Services) -> str:
    """A casusregisseur at the police (may refer regular and CTER casussen)."""
    return add_gebruiker(services, "politie-noord-nederland", "casusregisseur")


@pytest.fixture
def aangemeld(client: FlaskClient, politie: str) -> dict[str, Any]:
    response = client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie))
    assert response.status_code == 201, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body

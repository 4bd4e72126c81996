"""Fixtures for the plan van aanpak: a casus in procesregie about verward gedrag with GGZ Drenthe taking part."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.casus import post
from tests.helpers.gebruikers import TokenFor, add_gebruiker
from tests.helpers.plan import DEELNEMER, in_procesregie


@pytest.fixture
def casus(client: FlaskClient, politie: str, procesregisseur: str) -> dict[str, Any]:
    """A regular casus about verward gedrag in procesregie; GGZ Drenthe takes part as deelnemer."""
    created = in_procesregie(client, politie, procesregisseur)
    toegevoegd = post(
        client, procesregisseur, f"/v1/casussen/{created['id']}/deelnemers", {"partner": DEELNEMER, "rol": "deelnemer"}
    )
    assert toegevoegd.status_code == 201, toegevoegd.get_json()
    return created


@pytest.fixture
def ggz(services: Services) -> str:
    """A deelnemer of GGZ Drenthe: takes part, owns the acties given to it, holds no regie."""
    return add_gebruiker(services, DEELNEMER, "deelnemer")


@pytest.fixture
def buitenstaander(token_for: TokenFor) -> str:
    """A casusregisseur of Reclassering Nederland: signed the convenant, takes no part in the casus."""
    return token_for("reclassering-nederland", "casusregisseur")

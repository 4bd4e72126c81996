"""Fixtures for the casus lifecycle: gebruikers in every position towards a casus, casussen of both regimes."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers.casus import cter_aanmelding, post, refer
from tests.helpers.gebruikers import TokenFor


@pytest.fixture
def ondersteuner(token_for: TokenFor) -> str:
    """A procesondersteuner of Bureau ZVH: takes part, but does not hold the regie."""
    return token_for("bureau-zvh-drenthe", "procesondersteuner")


@pytest.fixture
def gemeente(token_for: TokenFor) -> str:
    """A casusregisseur at Gemeente Assen (veiligheid): weegploeg of CTER casussen about Assen."""
    return token_for("gemeente-assen-veiligheid", "casusregisseur")


@pytest.fixture
def ggz(token_for: TokenFor) -> str:
    """A casusregisseur at GGZ Drenthe: signed both convenants, takes part only when added or invited."""
    return token_for("ggz-drenthe", "casusregisseur")


@pytest.fixture
def regulier(client: FlaskClient, politie: str) -> dict[str, Any]:
    return refer(client, politie)


@pytest.fixture
def cter(client: FlaskClient, politie: str) -> dict[str, Any]:
    response = post(client, politie, "/v1/casussen", cter_aanmelding())
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created

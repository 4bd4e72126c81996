"""Fixtures for overleggen: a regular casus in procesregie with the police and the GGD taking part, a CTER casus
with the Bureau and GGZ invited under the CTER rules, and helpers to run an overleg over the API."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.helpers.casus import ZORGPARTNER, cter_aanmelding, post, set_fase
from tests.helpers.gebruikers import TokenFor
from tests.helpers.overleg import BUREAU, GGZ, POLITIE


@pytest.fixture
def in_procesregie(casus: dict[str, Any], services: Services) -> dict[str, Any]:
    """The `casus` fixture (police referred it, the GGD supplied a health field) in fase procesregie, where the
    register permits doel casusoverleg."""
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    return casus


@pytest.fixture
def ggd(token_for: TokenFor) -> str:
    """A deelnemer at the GGD (the `casus` fixture added the GGD as deelnemer)."""
    return token_for(ZORGPARTNER, "deelnemer")


@pytest.fixture
def ggz(token_for: TokenFor) -> str:
    return token_for(GGZ, "deelnemer")


@pytest.fixture
def politie_deelnemer(token_for: TokenFor) -> str:
    return token_for(POLITIE, "deelnemer")


@pytest.fixture
def cter_casus(client: FlaskClient, services: Services, politie: str) -> dict[str, Any]:
    """A CTER casus about Assen in procesregie; the weegploeg invited the Bureau and GGZ under the CTER rules."""
    response = post(client, politie, "/v1/casussen", cter_aanmelding())
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    for partner, rol in ((BUREAU, "procesregisseur"), (GGZ, "deelnemer")):
        body = {"partner": partner, "rol": rol, "grondslag": "wet-pga-3", "toelichting": "nodig voor de casustafel"}
        invited = post(client, politie, f"/v1/casussen/{created['id']}/deelnemers", body)
        assert invited.status_code == 201, invited.get_json()
    set_fase(services, created["id"], Fase.PROCESREGIE)
    return created

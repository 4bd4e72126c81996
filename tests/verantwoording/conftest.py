"""Fixtures for the FG's verantwoording: a log with a released, a partly released and a refused verstrekking."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.helpers.casus import aanmelding, bearer, set_fase, vraag, zorgbijdrage
from tests.helpers.verantwoording import Logboek


@pytest.fixture
def logboek(client: FlaskClient, services: Services, fg: str, politie: str, procesregisseur: str) -> Logboek:
    """A casus with a released, a partly released and a refused verstrekking (see `Logboek`)."""
    created = client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie))
    assert created.status_code == 201, created.get_json()
    casus: dict[str, Any] = created.get_json()
    zorgbijdrage(client, services, casus, procesregisseur, {"psychischeGezondheid": "zorgmijdend"})
    first = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert first.status_code == 201, first.get_json()
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    second = vraag(client, politie, casus["id"], doel="casusoverleg", velden=["achternaam", "psychischeGezondheid"])
    assert second.status_code == 201 and second.get_json()["uitkomst"] == "gedeeltelijk"
    third = vraag(client, politie, casus["id"], doel="nieuwsgierigheid")
    assert third.status_code in (400, 403, 404), third.get_json()
    return Logboek(casus, fg, politie, procesregisseur)

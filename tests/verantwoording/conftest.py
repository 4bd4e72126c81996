"""Fixtures for the FG's verantwoording: a log with a released, a partly released and a refused verstrekking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.case_data.conftest import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, aanmelding, bearer
from tests.conftest import add_gebruiker
from tests.disclosure.conftest import set_fase, vraag

__all__ = ["BSN_HOOFDPERSOON", "BSN_SYSTEEMLID", "CASE_VALUES", "Logboek", "bearer"]

# Every value the fixture casus holds: none of them may appear in anything the FG is shown.
CASE_VALUES = (
    BSN_HOOFDPERSOON,
    BSN_SYSTEEMLID,
    "Testpersoon-Synthetisch",
    "Testkind",
    "1990-04-01",
    "Synthetisch signaal",
    "zorgmijdend",
)


@dataclass(frozen=True)
class Logboek:
    casus: dict[str, Any]
    fg: str  # bearer token of an FG
    politie: str
    procesregisseur: str


@pytest.fixture
def fg(services: Services) -> str:
    return add_gebruiker(services, "bureau-zvh-drenthe", "fg")


@pytest.fixture
def logboek(client: FlaskClient, services: Services, fg: str) -> Logboek:
    politie = add_gebruiker(services, "politie-noord-nederland", "casusregisseur")
    procesregisseur = add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur")
    body = aanmelding()
    body["betrokkenen"][0]["velden"].update({"psychischeGezondheid": "zorgmijdend"})
    created = client.post("/v1/casussen", json=body, headers=bearer(politie))
    assert created.status_code == 201, created.get_json()
    casus: dict[str, Any] = created.get_json()
    first = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert first.status_code == 201, first.get_json()
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    second = vraag(client, politie, casus["id"], doel="casusoverleg", velden=["achternaam", "psychischeGezondheid"])
    assert second.status_code == 201 and second.get_json()["uitkomst"] == "gedeeltelijk"
    third = vraag(client, politie, casus["id"], doel="nieuwsgierigheid")
    assert third.status_code in (400, 403, 404), third.get_json()
    return Logboek(casus, fg, politie, procesregisseur)

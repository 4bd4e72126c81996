"""Fixtures for the Bureau pages: a casus in procesregie under the Bureau's regie with a plan (one overdue actie,
one not yet due), an overleg with the casus on its agenda, and the procesregisseur logged in to the pages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.casus import post
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.overleg import GGZ, agendeer, maak_overleg
from tests.helpers.plan import DEELNEMER, actie, in_procesregie, plan
from tests.helpers.web import login

VANDAAG = dt.date.today()
TE_LAAT = VANDAAG - dt.timedelta(days=3)  # past in Amsterdam whatever the machine's time zone
VOLGENDE_WEEK = VANDAAG + dt.timedelta(days=7)
DOELTEKST = "Synthetisch doel: een vaste woonplek voor de hoofdpersoon."
ACTIETEKST = "Synthetisch: huisbezoek samen met de wijkagent."


@dataclass(frozen=True, slots=True)
class Bureauwerk:
    casus: str
    te_laat: str  # an actie past its deadline, owned by GGZ Drenthe
    op_tijd: str  # an actie due next week
    overleg: str  # a casusoverleg in two days with the casus on its agenda, GGZ invited


@pytest.fixture
def werk(client: FlaskClient, politie: str, procesregisseur: str) -> Bureauwerk:
    casus = in_procesregie(client, politie, procesregisseur)["id"]
    toegevoegd = post(
        client, procesregisseur, f"/v1/casussen/{casus}/deelnemers", {"partner": DEELNEMER, "rol": "deelnemer"}
    )
    assert toegevoegd.status_code == 201, toegevoegd.get_json()
    doel = plan(client, procesregisseur, casus, "doelen", {"leefgebied": "huisvesting", "tekst": DOELTEKST})
    assert doel.status_code == 201, doel.get_json()
    body = {"partner": DEELNEMER, "deadline": TE_LAAT.isoformat(), "omschrijving": ACTIETEKST}
    te_laat = plan(client, procesregisseur, casus, "acties", body)
    assert te_laat.status_code == 201, te_laat.get_json()
    op_tijd = actie(client, procesregisseur, casus, VOLGENDE_WEEK)
    overleg = maak_overleg(client, procesregisseur, datum=(VANDAAG + dt.timedelta(days=2)).isoformat())
    assert agendeer(client, procesregisseur, overleg, casus, [GGZ]).status_code == 201
    return Bureauwerk(casus, te_laat.get_json()["id"], op_tijd, overleg["id"])


def ingelogd(app: Flask, token: str) -> FlaskClient:
    """A browser session of its own (the pages' test client) logged in with `token`."""
    client = app.test_client()
    response = login(client, token)
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


@pytest.fixture
def regie(app: Flask, procesregisseur: str) -> FlaskClient:
    """The Bureau's procesregisseur (who holds the regie), logged in to the pages."""
    return ingelogd(app, procesregisseur)


@pytest.fixture
def ondersteuner(app: Flask, services: Services) -> FlaskClient:
    """A procesondersteuner of the Bureau, logged in to the pages."""
    return ingelogd(app, add_gebruiker(services, "bureau-zvh-drenthe", "procesondersteuner"))


def tekst(response: Any) -> str:
    assert response.mimetype == "text/html", (response.status_code, response.mimetype)
    return str(response.get_data(as_text=True))

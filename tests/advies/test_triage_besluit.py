"""Triage's besluit names what it decides (procesregie, uitgebreid-advies, afgewezen), and a besluit the fase
does not accept is 409 naming the besluiten it does accept."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.helpers.casus import bearer, post, refer, set_fase

# fase -> the besluiten that fase accepts (what the 409 names).
ACCEPTED = {
    Fase.AANMELDING: ["in-behandeling", "afgewezen"],
    Fase.TRIAGE: ["procesregie", "uitgebreid-advies", "afgewezen"],
    Fase.PROCESREGIE: [],
    Fase.ADVIES: [],
    Fase.AFGESLOTEN: [],
}


def _triage(client: FlaskClient, token: str, casus: dict[str, Any], besluit: str) -> Any:
    return post(client, token, f"/v1/casussen/{casus['id']}/triage", {"besluit": besluit, "toelichting": "synthetisch"})


@pytest.mark.parametrize("fase", list(ACCEPTED), ids=[f.value for f in ACCEPTED])
def test_a_besluit_the_fase_does_not_accept_is_409_naming_those_it_does(
    client: FlaskClient, services: Services, politie: str, procesregisseur: str, fase: Fase
) -> None:
    casus = refer(client, politie)
    set_fase(services, casus["id"], fase)
    wrong = "procesregie" if fase is Fase.AANMELDING else "in-behandeling"
    response = _triage(client, procesregisseur, casus, wrong)
    assert response.status_code == 409, response.get_json()
    body = response.get_json()
    assert body["fase"] == fase.value and body["toegestaneBesluiten"] == ACCEPTED[fase]
    for besluit in ACCEPTED[fase]:
        assert besluit in body["detail"]


def test_uitgebreid_advies_leads_to_fase_advies_and_the_old_advies_is_recorded_as_it(
    client: FlaskClient, politie: str, procesregisseur: str
) -> None:
    for besluit in ("uitgebreid-advies", "advies"):
        casus = refer(client, politie)
        assert _triage(client, procesregisseur, casus, "in-behandeling").status_code == 201
        response = _triage(client, procesregisseur, casus, besluit)
        assert response.status_code == 201, response.get_json()
        detail = client.get(f"/v1/casussen/{casus['id']}", headers=bearer(procesregisseur)).get_json()
        assert detail["fase"] == "advies"
        historie = client.get(f"/v1/casussen/{casus['id']}/historie", headers=bearer(procesregisseur)).get_json()
        entries = historie["gebeurtenissen"]
        assert entries[-1]["gegevens"] == {"besluit": "uitgebreid-advies"}


def test_kort_advies_is_no_triage_besluit(client: FlaskClient, politie: str, procesregisseur: str) -> None:
    """A kort advies concerns no persons: it is an advies record of its own (`POST /v1/adviezen`), never a casus."""
    casus = refer(client, politie)
    assert _triage(client, procesregisseur, casus, "in-behandeling").status_code == 201
    response = _triage(client, procesregisseur, casus, "kort-advies")
    assert response.status_code == 400
    assert [p["name"] for p in response.get_json()["invalidParams"]] == ["besluit"]

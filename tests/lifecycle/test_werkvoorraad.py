"""The werkvoorraad: `GET /v1/casussen?fase=...&sort=...`, prioritised by the regie, without personal data."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, bearer, post, refer, set_fase


def _ids(client: FlaskClient, token: str, query: str) -> list[str]:
    response = client.get(f"/v1/casussen?{query}", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return [c["id"] for c in response.get_json()["casussen"]]


def test_the_werkvoorraad_lists_waiting_casussen_by_prioriteit_then_age(
    client: FlaskClient, services: Services, politie: str, procesregisseur: str
) -> None:
    oud, midden, nieuw, lopend = (refer(client, politie)["id"] for _ in range(4))
    set_fase(services, midden, Fase.TRIAGE)
    set_fase(services, lopend, Fase.PROCESREGIE)
    for casus_id, prioriteit in ((nieuw, 1), (midden, 2), (lopend, 1)):
        response = post(client, procesregisseur, f"/v1/casussen/{casus_id}/prioritering", {"prioriteit": prioriteit})
        assert response.status_code == 201, response.get_json()

    waiting = "fase=aanmelding&fase=triage"
    assert _ids(client, procesregisseur, f"{waiting}&sort=prioriteit") == [nieuw, midden, oud]  # no prioriteit: last
    assert _ids(client, procesregisseur, f"{waiting}&sort=aangemeldOp") == [oud, midden, nieuw]
    assert _ids(client, procesregisseur, f"{waiting}&sort=-aangemeldOp") == [nieuw, midden, oud]
    assert _ids(client, procesregisseur, "fase=procesregie") == [lopend]
    assert set(_ids(client, procesregisseur, "")) == {oud, midden, nieuw, lopend}

    body = client.get(f"/v1/casussen?{waiting}&sort=prioriteit", headers=bearer(procesregisseur)).get_data(as_text=True)
    for personal in (BSN_HOOFDPERSOON, BSN_SYSTEEMLID, "Testpersoon", "Testkind", "Synthetisch signaal"):
        assert personal not in body


def test_only_the_regie_sets_the_prioriteit(
    client: FlaskClient, regulier: dict[str, Any], politie: str, ondersteuner: str
) -> None:
    for token in (politie, ondersteuner):
        response = post(client, token, f"/v1/casussen/{regulier['id']}/prioritering", {"prioriteit": 1})
        assert response.status_code == 403
    assert _ids(client, politie, "sort=prioriteit") == [regulier["id"]]
    listed = client.get("/v1/casussen", headers=bearer(politie)).get_json()["casussen"]
    assert listed[0]["prioriteit"] is None


def test_bad_filters_are_400_naming_each(client: FlaskClient, politie: str) -> None:
    response = client.get("/v1/casussen?fase=wachtend&sort=naam", headers=bearer(politie))
    assert response.status_code == 400
    assert {p["name"] for p in response.get_json()["invalidParams"]} == {"fase.0", "sort"}

"""Overleggen over the API: create one, put a casus on its agenda, record attendance, ask in it."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.casus import bearer, post
from tests.helpers.routeeroverleg import records

POLITIE = "politie-noord-nederland"
BUREAU = "bureau-zvh-drenthe"
GGZ = "ggz-drenthe"
DATUM = "2026-12-10"


def maak_overleg(client: FlaskClient, token: str, soort: str = "casusoverleg", datum: str = DATUM) -> dict[str, Any]:
    response = post(client, token, "/v1/overleggen", {"soort": soort, "datum": datum})
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def agendeer(client: FlaskClient, token: str, overleg: dict[str, Any], casus: str, uitgenodigd: list[str]) -> Any:
    return post(
        client, token, f"/v1/overleggen/{overleg['id']}/agendapunten", {"casus": casus, "uitgenodigd": uitgenodigd}
    )


def aanwezig(client: FlaskClient, token: str, overleg: dict[str, Any], casus: str, partner: str, **extra: Any) -> Any:
    body = {"casus": casus, "partner": partner, "aanwezig": True, **extra}
    return post(client, token, f"/v1/overleggen/{overleg['id']}/aanwezigheid", body)


def vraag_in(client: FlaskClient, token: str, casus: str, overleg: str, **body: Any) -> Any:
    body = {"doel": "casusoverleg", "overleg": overleg, **body}
    return client.post(f"/v1/casussen/{casus}/verstrekkingen", json=body, headers=bearer(token))


def overleg_records(services: Services, overleg: str) -> list[dict[str, Any]]:
    return [r for r in records(services) if r.get("overleg") == overleg]


def bijgewoond(client: FlaskClient, voorzitter: str, casus: str, partner: str, soort: str = "casusoverleg") -> str:
    """An overleg with `casus` on its agenda and `partner` invited and recorded as attending; returns its id."""
    overleg = maak_overleg(client, voorzitter, soort)
    assert agendeer(client, voorzitter, overleg, casus, [partner]).status_code == 201
    assert aanwezig(client, voorzitter, overleg, casus, partner).status_code == 200
    return str(overleg["id"])

"""The plan van aanpak over the API: a casus in procesregie, and short ways to add and change its items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient

from service.audit.record import parse
from service.service_layer.services import Services
from tests.helpers.casus import bearer, post, refer

DEELNEMER = "ggz-drenthe"  # the partner the regie adds as deelnemer and gives acties to


def in_procesregie(client: FlaskClient, politie: str, regisseur: str, **overrides: Any) -> dict[str, Any]:
    """A regular casus referred by the police and taken into procesregie by the Bureau's procesregisseur."""
    casus = refer(client, politie, **overrides)
    for besluit in ("in-behandeling", "procesregie"):
        response = post(
            client, regisseur, f"/v1/casussen/{casus['id']}/triage", {"besluit": besluit, "toelichting": "t"}
        )
        assert response.status_code == 201, response.get_json()
    return casus


def plan(client: FlaskClient, token: str, casus_id: str, soort: str, body: dict[str, Any]) -> Any:
    """POST to `/v1/casussen/{id}/plan/{soort}` (soort: doelen, acties, afspraken, opschalingen, or a deeper path)."""
    return post(client, token, f"/v1/casussen/{casus_id}/plan/{soort}", body)


def actie(client: FlaskClient, token: str, casus_id: str, deadline: dt.date, partner: str = DEELNEMER) -> str:
    """Add an actie for `partner` with `deadline`; returns its id."""
    body = {"partner": partner, "deadline": deadline.isoformat(), "omschrijving": "Synthetische actie."}
    response = plan(client, token, casus_id, "acties", body)
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["id"])


def lees(client: FlaskClient, token: str, casus_id: str) -> Any:
    return client.get(f"/v1/casussen/{casus_id}/plan", headers=bearer(token))


def werkvoorraad(client: FlaskClient, token: str, *, verlopen: bool = True) -> Any:
    return client.get(f"/v1/werkvoorraad/acties?verlopen={'true' if verlopen else 'false'}", headers=bearer(token))


def records(services: Services) -> list[dict[str, Any]]:
    """Every record of the log, parsed, oldest first."""
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]

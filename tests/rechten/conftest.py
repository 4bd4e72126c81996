"""Fixtures for the rights of the betrokkene: helpers to restrict, lift and defer over the API."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.helpers.casus import BSN_HOOFDPERSOON, bearer

BEPERKINGEN = "/v1/verantwoording/beperkingen"
UITSTELLEN = "/v1/uitstellen"


def beperk(client: FlaskClient, token: str, doelen: list[str], bsn: str = BSN_HOOFDPERSOON, **extra: Any) -> Any:
    body = {"bsn": bsn, "grond": "juistheid-betwist", "doelen": doelen, **extra}
    return client.post(BEPERKINGEN, json=body, headers=bearer(token))


def hef_op(client: FlaskClient, token: str, beperking_id: str, reden: str = "juist-of-gecorrigeerd") -> Any:
    return client.post(f"{BEPERKINGEN}/{beperking_id}/opheffing", json={"reden": reden}, headers=bearer(token))


def stel_uit(client: FlaskClient, token: str, einddatum: str, bsn: str = BSN_HOOFDPERSOON, **extra: Any) -> Any:
    body = {"bsn": bsn, "grondslag": "wpg-20", "einddatum": einddatum, **extra}
    return client.post(UITSTELLEN, json=body, headers=bearer(token))


def inzage(client: FlaskClient, fg: str, bsn: str = BSN_HOOFDPERSOON) -> dict[str, Any]:
    response = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": bsn}, headers=bearer(fg))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body

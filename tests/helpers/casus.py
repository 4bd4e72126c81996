"""Casussen over the API: a valid aanmelding with synthetic persons, requests with a bearer token, fase control.

Every value here is synthetic: the BSNs come from the 9999xxxxx range the BRP test environment uses for
fictitious persons (both pass the elfproef), the names say they are synthetic.
"""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import update

from service.adapters.orm import CasusRow
from service.domain.convenant import Fase
from service.service_layer.services import Services

BSN_HOOFDPERSOON = "999900122"
BSN_SYSTEEMLID = "999900110"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def aanmelding(**overrides: Any) -> dict[str, Any]:
    """A valid aanmelding body of a regular casus about two synthetic persons; `overrides` replace its keys."""
    body: dict[str, Any] = {
        "casustype": "regulier",
        "gemeente": "assen",
        "onderwerp": "verward-gedrag",
        "betrokkenen": [
            {
                "rol": "hoofdpersoon",
                "velden": {
                    "bsn": BSN_HOOFDPERSOON,
                    "achternaam": "Testpersoon-Synthetisch",
                    "geboortedatum": "1990-04-01",
                },
            },
            {"rol": "systeemlid", "relatie": "kind", "velden": {"bsn": BSN_SYSTEEMLID, "achternaam": "Testkind"}},
        ],
        "velden": {"signaalOmschrijving": "Synthetisch signaal: herhaalde overlast en zorgen om veiligheid."},
    }
    body.update(overrides)
    return body


def cter_aanmelding() -> dict[str, Any]:
    """A valid aanmelding of a CTER casus (no regular case fields)."""
    body = aanmelding(casustype="cter", onderwerp="radicalisering")
    body["velden"] = {}
    return body


def post(client: FlaskClient, token: str, path: str, body: dict[str, Any]) -> Any:
    """POST `body` as JSON with the bearer `token`."""
    return client.post(path, json=body, headers=bearer(token))


def refer(client: FlaskClient, token: str, **overrides: Any) -> dict[str, Any]:
    """Refer a casus (`aanmelding(**overrides)`) and return the created casus; the aanmelding must succeed."""
    response = client.post("/v1/casussen", json=aanmelding(**overrides), headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    return created


def vraag(client: FlaskClient, token: str, casus_id: str, **body: Any) -> Any:
    """Ask for a verstrekking (`POST /v1/casussen/{id}/verstrekkingen`)."""
    return client.post(f"/v1/casussen/{casus_id}/verstrekkingen", json=body, headers=bearer(token))


def set_fase(services: Services, casus_id: str, fase: Fase) -> None:
    """Put a casus in a fase directly, bypassing the lifecycle endpoints."""
    with services.engine.begin() as connection:
        connection.execute(update(CasusRow).where(CasusRow.id == casus_id).values(fase=fase.value))

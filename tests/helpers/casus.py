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
ZORGPARTNER = "ggd-drenthe"  # GGD Drenthe – OGGZ: the care partner that supplies health data in the tests


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


def zorgbijdrage(
    client: FlaskClient, services: Services, casus: dict[str, Any], regisseur: str, velden: dict[str, Any]
) -> str:
    """Let the care partner supply `velden` about the hoofdpersoon: health data comes only from care partners
    (the bronregels), so the regie holder (`regisseur`) adds it as a deelnemer first. Returns its token."""
    from tests.helpers.gebruikers import add_gebruiker

    pad = f"/v1/casussen/{casus['id']}"
    toegevoegd = post(client, regisseur, f"{pad}/deelnemers", {"partner": ZORGPARTNER, "rol": "deelnemer"})
    assert toegevoegd.status_code == 201, toegevoegd.get_json()
    token = add_gebruiker(services, ZORGPARTNER, "deelnemer")
    hoofd = next(b for b in casus["betrokkenen"] if b["rol"] == "hoofdpersoon")
    response = post(client, token, f"{pad}/bijdragen", {"betrokkenen": [{"id": hoofd["id"], "velden": velden}]})
    assert response.status_code == 201, response.get_json()
    return token


def vraag(client: FlaskClient, token: str, casus_id: str, **body: Any) -> Any:
    """Ask for a verstrekking (`POST /v1/casussen/{id}/verstrekkingen`)."""
    return client.post(f"/v1/casussen/{casus_id}/verstrekkingen", json=body, headers=bearer(token))


def set_fase(services: Services, casus_id: str, fase: Fase) -> None:
    """Put a casus in a fase directly, bypassing the lifecycle endpoints."""
    with services.engine.begin() as connection:
        connection.execute(update(CasusRow).where(CasusRow.id == casus_id).values(fase=fase.value))

"""What every answer to a database fault must be (503 problem+json with Retry-After, nothing of the fault's
text, no value), and how many records the log holds."""

from __future__ import annotations

from typing import Any

from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID

WAARDEN = (BSN_HOOFDPERSOON, BSN_SYSTEEMLID, "Testpersoon-Synthetisch", "Synthetisch signaal", "signalen")
# Words of the drivers' and the databases' own messages: none may reach a client.
ONTHULLEND = ("psycopg", "sqlite", "sqlalchemy", "terminat", "readonly", "locked", "select ", "insert ", "traceback")


def niet_beschikbaar(response: Any) -> None:
    """503 problem+json with a Retry-After of whole seconds, and none of the fault's own words."""
    assert response.status_code == 503, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/problem+json"
    assert int(response.headers["Retry-After"]) >= 1
    body = response.get_data(as_text=True).lower()
    assert not [word for word in ONTHULLEND if word in body], body


def geen_waarde(response: Any) -> None:
    body = response.get_data(as_text=True)
    assert not [value for value in WAARDEN if value in body]


def aantal_records(services: Services) -> int:
    with services.uow() as uow:
        return uow.log.record_count()

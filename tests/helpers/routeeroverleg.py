"""The routeeroverleg in tests: the participants' test key, synthetic persons and their pseudoniemen, requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient

from service.audit.record import parse
from service.crypto import routeer_pseudoniem
from service.service_layer.services import Services
from tests.helpers.casus import bearer

SLEUTEL = bytes(range(32))  # the participants' key in tests (public; the service never holds a real one)
GGD, VT, ZVH = "ggd-drenthe", "veilig-thuis-drenthe", "bureau-zvh-drenthe"


def test_bsn(n: int) -> str:
    """The n-th synthetic BSN of the 9999xxxxx test range that passes the elfproef."""
    found = -1
    for tail in range(100_000):
        candidate = f"9999{tail:05d}"
        total = sum(int(d) * w for d, w in zip(candidate[:8], range(9, 1, -1), strict=True)) - int(candidate[8])
        if total % 11 == 0:
            found += 1
            if found == n:
                return candidate
    raise ValueError("test range exhausted")


test_bsn.__test__ = False  # type: ignore[attr-defined]  # a helper, not a test


def pseudoniem_van(n: int) -> str:
    return routeer_pseudoniem(SLEUTEL, bsn=test_bsn(n))


def signaal(client: FlaskClient, token: str, **body: Any) -> Any:
    payload: dict[str, Any] = {
        "pseudoniem": pseudoniem_van(0),
        "risicoIndicatie": "hoog",
        "contactpunt": "0592 123 456 7",
        "signaaldatum": dt.date.today().isoformat(),
    }
    payload.update(body)
    payload = {k: v for k, v in payload.items() if v is not ...}
    return client.post("/v1/routeeroverleg/signalen", json=payload, headers=bearer(token))


def matches(client: FlaskClient, token: str) -> Any:
    return client.get("/v1/routeeroverleg/matches", headers=bearer(token))


def records(services: Services) -> list[dict[str, Any]]:
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]

"""Fixtures for the routeeroverleg: gebruikers of the participants, a test key, synthetic persons, helpers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.audit.record import parse
from service.crypto import routeer_pseudoniem
from service.service_layer.services import Services
from tests.case_data.conftest import bearer
from tests.conftest import add_gebruiker

__all__ = ["SLEUTEL", "bearer", "records", "signaal", "test_bsn"]

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


@pytest.fixture
def ggd(services: Services) -> str:
    return add_gebruiker(services, GGD, "casusregisseur")


@pytest.fixture
def vt(services: Services) -> str:
    return add_gebruiker(services, VT, "casusregisseur")


@pytest.fixture
def zvh(services: Services) -> str:
    return add_gebruiker(services, ZVH, "procesregisseur")

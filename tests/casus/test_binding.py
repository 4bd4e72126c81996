"""Ciphertext is bound to its place: moved in the database to another casus, betrokkene or veld, it fails."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update

from service.adapters.orm import CasusSleutelRow, VeldwaardeRow
from service.crypto import CryptoError
from service.domain.convenant import Regime
from service.service_layer.services import Services
from tests.helpers.casus import aanmelding, bearer


def _token(services: Services, casus_id: str, veld: str) -> tuple[int, bytes]:
    with services.engine.connect() as connection:
        row = connection.execute(
            select(VeldwaardeRow.id, VeldwaardeRow.waarde).where(
                VeldwaardeRow.casus_id == casus_id, VeldwaardeRow.veld == veld
            )
        ).first()
    assert row is not None
    return row[0], bytes(row[1])


def _set(services: Services, row_id: int, **values: Any) -> None:
    with services.engine.begin() as connection:
        connection.execute(update(VeldwaardeRow).where(VeldwaardeRow.id == row_id).values(**values))


@pytest.fixture
def second(client: FlaskClient, politie: str) -> dict[str, Any]:
    response = client.post("/v1/casussen", json=aanmelding(gemeente="emmen"), headers=bearer(politie))
    assert response.status_code == 201
    body: dict[str, Any] = response.get_json()
    return body


def test_a_token_copied_to_another_casus_fails(
    services: Services, aangemeld: dict[str, Any], second: dict[str, Any]
) -> None:
    _, token = _token(services, aangemeld["id"], "signaalOmschrijving")
    target, _ = _token(services, second["id"], "signaalOmschrijving")
    _set(services, target, waarde=token)
    with services.uow() as uow, pytest.raises(CryptoError):
        uow.veldwaarden.read(second["id"], Regime.REGULIER)


def test_a_wrapped_key_copied_to_another_casus_fails(
    services: Services, aangemeld: dict[str, Any], second: dict[str, Any]
) -> None:
    with services.engine.begin() as connection:
        wrapped = connection.execute(
            select(CasusSleutelRow.wrapped).where(CasusSleutelRow.casus_id == aangemeld["id"])
        ).scalar_one()
        connection.execute(
            update(CasusSleutelRow).where(CasusSleutelRow.casus_id == second["id"]).values(wrapped=wrapped)
        )
    services.keys.reload()  # no cached key may hide the swap
    with services.uow() as uow, pytest.raises(CryptoError):
        uow.veldwaarden.read(second["id"], Regime.REGULIER)


def test_a_token_moved_to_another_veld_fails(services: Services, aangemeld: dict[str, Any]) -> None:
    row_id, _ = _token(services, aangemeld["id"], "achternaam")
    _set(services, row_id, veld="voornamen")
    with services.uow() as uow, pytest.raises(CryptoError):
        uow.veldwaarden.read(aangemeld["id"], Regime.REGULIER)


def test_a_token_moved_to_another_betrokkene_fails(services: Services, aangemeld: dict[str, Any]) -> None:
    with services.engine.connect() as connection:
        row_id = connection.execute(
            select(VeldwaardeRow.id).where(
                VeldwaardeRow.casus_id == aangemeld["id"],
                VeldwaardeRow.betrokkene == aangemeld["betrokkenen"][0]["id"],
                VeldwaardeRow.veld == "bsn",
            )
        ).scalar_one()
    systeemlid = aangemeld["betrokkenen"][1]["id"]
    with services.engine.begin() as connection:  # make room: drop the systeemlid's own bsn first
        connection.execute(
            delete(VeldwaardeRow).where(VeldwaardeRow.betrokkene == systeemlid, VeldwaardeRow.veld == "bsn")
        )
    _set(services, row_id, betrokkene=systeemlid)
    with services.uow() as uow, pytest.raises(CryptoError):
        uow.veldwaarden.read(aangemeld["id"], Regime.REGULIER)


@pytest.mark.parametrize("position", [0, 9, 21, -1], ids=["version-byte", "key-id", "nonce", "tag"])
def test_a_flipped_bit_fails(services: Services, aangemeld: dict[str, Any], position: int) -> None:
    row_id, token = _token(services, aangemeld["id"], "signaalOmschrijving")
    flipped = bytearray(token)
    flipped[position] ^= 0x01
    _set(services, row_id, waarde=bytes(flipped))
    with services.uow() as uow, pytest.raises(CryptoError):
        uow.veldwaarden.read(aangemeld["id"], Regime.REGULIER)

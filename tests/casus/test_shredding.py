"""Crypto-shredding: after destruction no key remains and every read fails; metadata stays."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy import select, update

from service.adapters.orm import CasusRow, CasusSleutelRow, VeldwaardeRow
from service.crypto import CryptoError, FieldCipher, Keyring
from service.domain.convenant import Regime
from service.domain.errors import CasusVernietigdError
from service.service_layer.casus.bewaring import retention_run, vernietig_casus
from service.service_layer.services import Services


def test_after_shredding_reads_fail_and_no_key_remains(services: Services, aangemeld: dict[str, Any]) -> None:
    casus_id = aangemeld["id"]
    with services.engine.connect() as connection:
        wrapped = connection.execute(
            select(CasusSleutelRow.wrapped).where(CasusSleutelRow.casus_id == casus_id)
        ).scalar_one()
        tokens = connection.execute(
            select(VeldwaardeRow.veld, VeldwaardeRow.waarde).where(VeldwaardeRow.casus_id == casus_id)
        ).all()
    assert tokens
    vernietig_casus(services, casus_id)
    with services.uow() as uow, pytest.raises(CasusVernietigdError):
        uow.veldwaarden.read(casus_id, Regime.REGULIER)
    with services.engine.connect() as connection:
        assert connection.execute(select(CasusSleutelRow).where(CasusSleutelRow.casus_id == casus_id)).first() is None
        assert connection.execute(select(VeldwaardeRow).where(VeldwaardeRow.casus_id == casus_id)).first() is None
        dump = b"".join(
            bytes(v) for row in connection.exec_driver_sql("SELECT wrapped FROM casus_sleutels") for v in row
        )
        metadata = connection.execute(select(CasusRow).where(CasusRow.id == casus_id)).one()
    assert wrapped not in dump
    assert metadata.vernietigd_op is not None  # the accountability metadata stays


def test_a_backup_copy_of_the_tokens_is_useless_without_the_destroyed_key(
    services: Services, aangemeld: dict[str, Any]
) -> None:
    casus_id = aangemeld["id"]
    with services.engine.connect() as connection:
        backup = connection.execute(
            select(VeldwaardeRow.veld, VeldwaardeRow.betrokkene, VeldwaardeRow.waarde).where(
                VeldwaardeRow.casus_id == casus_id
            )
        ).all()
    vernietig_casus(services, casus_id)
    keyring: Keyring = services.keys.material.keyring
    stranger, _ = keyring.new_data_key(Regime.REGULIER, casus_id)  # even a fresh key for the same casus id
    for veld, betrokkene, token in backup:
        with pytest.raises(CryptoError):
            FieldCipher(stranger).decrypt(f"{betrokkene or 'casus'}/{veld}", token)


def test_retention_shreds_only_casussen_past_their_bewaartermijn(services: Services, aangemeld: dict[str, Any]) -> None:
    casus_id = aangemeld["id"]
    closed = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    assert retention_run(services) == []  # still open: nothing happens
    with services.engine.begin() as connection:
        connection.execute(
            update(CasusRow).where(CasusRow.id == casus_id).values(fase="afgesloten", afgesloten_op=closed)
        )
    assert retention_run(services, now=closed + dt.timedelta(days=30)) == []  # within the bewaartermijn
    assert retention_run(services, now=closed + dt.timedelta(days=366 * 20)) == [casus_id]
    with services.uow() as uow, pytest.raises(CasusVernietigdError):
        uow.veldwaarden.read(casus_id, Regime.REGULIER)


def test_the_destruction_is_logged_and_a_missed_log_entry_is_made_up_by_the_next_run(
    services: Services, aangemeld: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.audit.record import parse
    from service.domain.errors import LogNietBeschikbaarError
    from service.service_layer.logboek import controle as logboek

    casus_id = aangemeld["id"]
    original = services.log.append

    def failing(record: Any) -> Any:
        raise LogNietBeschikbaarError("injected")

    monkeypatch.setattr(services.log, "append", failing)
    with pytest.raises(LogNietBeschikbaarError):
        vernietig_casus(services, casus_id)
    with services.uow() as uow, pytest.raises(CasusVernietigdError):
        uow.veldwaarden.read(casus_id, Regime.REGULIER)  # destroyed, though not yet logged
    with services.uow() as uow:
        assert uow.log.size() == 1  # only the aanmelding (an aanlevering)
    monkeypatch.setattr(services.log, "append", original)
    retention_run(services)  # logs what is missing
    retention_run(services)  # and only once
    with services.uow() as uow:
        records = [parse(r.record) for r in uow.log.records()]
    assert [(r["soort"], r["casus"], r["uitkomst"], r["partner"]) for r in records] == [
        ("aanlevering", casus_id, "verstrekt", "politie-noord-nederland"),
        ("vernietiging", casus_id, "vernietigd", "deelpoort"),
    ]
    assert logboek.verifieer(services).ok

"""The fakes keep the contract of the real unit of work and log writer that the use case tests rely on."""

from __future__ import annotations

import pytest

from service.domain.convenant import Casustype, Fase
from service.domain.errors import LogNietBeschikbaarError
from service.domain.verstrekking import Vernietiging
from service.service_layer.services import Services
from tests.unit.fakes import FakeDatabase, FakeLog, refusing_engine
from tests.unit.scenario import NOW, casus_in


def test_leaving_without_commit_drops_every_write(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services)

    def change_then_fail() -> None:
        with database.uow() as uow:
            uow.casussen.set_fase(casus.id, Fase.TRIAGE, NOW)
            read = uow.casussen.get(casus.id)
            assert read is not None
            assert read.fase is Fase.TRIAGE  # a unit of work sees its own writes
            raise RuntimeError

    with pytest.raises(RuntimeError):
        change_then_fail()
    with database.uow() as uow:
        uow.casussen.set_prioriteit(casus.id, 2, NOW)

    assert database.state.casussen[casus.id].fase is Fase.AANMELDING
    assert database.state.casussen[casus.id].prioriteit is None
    assert database.commits == 0
    assert [w[0] for w in database.writes] == ["casussen.set_fase", "casussen.set_prioriteit"]


def test_commit_makes_the_writes_visible_to_the_next_unit_of_work(
    fake_services: Services, database: FakeDatabase
) -> None:
    casus = casus_in(database, fake_services)

    with database.uow() as uow:
        uow.casussen.set_fase(casus.id, Fase.TRIAGE, NOW)
        uow.commit()
    with database.uow() as uow:
        read = uow.casussen.get(casus.id)

    assert read is not None
    assert read.fase is Fase.TRIAGE
    assert database.commits == 1


def test_what_a_repository_hands_out_is_a_copy(fake_services: Services, database: FakeDatabase) -> None:
    casus = casus_in(database, fake_services, casustype=Casustype.CTER)

    with database.uow() as uow:
        read = uow.casussen.get(casus.id)
        assert read is not None
        read.fase = Fase.AFGESLOTEN
        read.deelnames.clear()
        uow.commit()

    assert database.state.casussen[casus.id] == casus


def test_a_repository_without_a_fake_fails_loudly(database: FakeDatabase) -> None:
    with database.uow() as uow, pytest.raises(NotImplementedError, match=r"uow\.gebruikers has no fake"):
        _ = uow.gebruikers


def test_the_engine_of_the_fake_services_refuses_to_connect() -> None:
    engine = refusing_engine()
    with pytest.raises(AssertionError, match="tried to connect"):
        engine.connect()
    engine.dispose()


def test_the_fake_log_records_in_order_and_fails_closed() -> None:
    log = FakeLog()
    first = Vernietiging("a" * 32, NOW, "c" * 32, "regulier", "bewaartermijn")
    second = Vernietiging("b" * 32, NOW, "d" * 32, "regulier", "bewaartermijn")

    receipts = [log.append(first), log.append(second)]
    log.fail = True
    with pytest.raises(LogNietBeschikbaarError):
        log.append(first)

    assert log.records == [first, second]
    assert [r.log_index for r in receipts] == [0, 1]
    assert receipts[0].blad_hash != receipts[1].blad_hash
    assert log.attempts == 3

"""When the writer signs: after every record that makes a checkpoint due (also inside a batch, and for a beheer
transaction's records in its own transaction), at exactly that size, so the log keeps the signing rule that
`audit verify` checks and every receipt's promise holds."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest

from service import create_app
from service.domain.casus import utcnow
from service.service_layer.identiteit import gebruikersbeheer
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.logboek import concurrent_appends, synthetic

EVERY = 4


def _services(settings: Settings, records: int = EVERY, seconds: int = 3600) -> Services:
    app = create_app(dataclasses.replace(settings, checkpoint_records=records, checkpoint_seconds=seconds))
    services: Services = app.extensions["deelpoort"]
    return services


@pytest.fixture
def log_services(settings: Settings, migrated_database: None) -> Iterator[Services]:
    services = _services(settings)
    yield services
    services.engine.dispose()


def _sizes(services: Services) -> list[int]:
    with services.uow() as uow:
        return [c.grootte for c in uow.log.checkpoints()]


def test_a_beheer_transaction_signs_every_checkpoint_due_within_it(log_services: Services) -> None:
    """Ten records in one transaction at size 2 (latest checkpoint 1): due at 5 and 9; the tail of 3 waits."""
    log_services.log.append(synthetic(0))
    log_services.log.append(synthetic(1))
    with log_services.uow() as uow:
        size = uow.log.lock_head()
        signed = log_services.log.append_in(uow.log, size, [synthetic(n) for n in range(2, 12)])
        uow.commit()
    assert [c.grootte for c in signed] == [5, 9]
    assert _sizes(log_services) == [1, 5, 9]
    assert logboek.verifieer(log_services).ok


def test_a_beheer_transaction_must_hold_the_lock_at_the_head(log_services: Services) -> None:
    log_services.log.append(synthetic(0))
    with log_services.uow() as uow, pytest.raises(ValueError, match="take the lock"):
        log_services.log.append_in(uow.log, 0, [synthetic(1)])


def test_a_batch_signs_at_exactly_the_sizes_due_and_receipts_name_the_covering_checkpoint(
    log_services: Services,
) -> None:
    """Concurrent requests share transactions (batches of several records); a checkpoint still falls every
    `EVERY` records exactly, and a receipt in a batch carries the checkpoint covering it or promises one within
    `EVERY` records of the latest (the promise used to be broken by a batch crossing the bound)."""
    receipts = concurrent_appends(log_services.log, 8, 8)
    assert log_services.log.batches < 64  # some batches held several records
    sizes = _sizes(log_services)
    assert sizes == list(range(1, 65, EVERY)), sizes
    for receipt in receipts:
        covering = next(size for size in [*sizes, 65] if size > receipt.log_index)
        if receipt.checkpoint is not None:
            assert receipt.checkpoint_uiterlijk_bij == covering and f"\n{covering}\n" in receipt.checkpoint
        assert receipt.log_index < receipt.checkpoint_uiterlijk_bij <= covering + EVERY


def test_the_first_beheer_records_are_signed_in_their_transaction_even_when_the_seal_after_fails(
    settings: Settings, seeded_database: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bootstrap appends four records into an empty log: the first is signed at once and the third by the
    rule (every 2), in the bootstrap's transaction; `verzegel` failing afterwards leaves a tail within the rule."""
    services = _services(settings, records=2)
    try:

        def fail() -> None:
            raise RuntimeError("the seal after the step fails")

        monkeypatch.setattr(services.log, "checkpoint_now", fail)
        gebruikersbeheer.bootstrap(services, "bureau-zvh-drenthe", [("A", None), ("B", None)])
        assert _sizes(services) == [1, 3]
        result = logboek.verifieer(services)
        assert result.ok and result.grootte == 4, result.problemen
    finally:
        services.engine.dispose()


def test_a_writer_with_a_clock_in_the_past_signs_at_each_records_own_time(log_services: Services) -> None:
    """The demo's writer (`met_klok`): records dated over a year in one transaction, the clock at the first. A
    checkpoint falls after every record an hour past the latest one (the time bound), dated at that record's time
    (never before the record it ends with, never at the real now), and the log verifies."""
    begin = dt.datetime(2025, 12, 8, 9, tzinfo=dt.UTC)
    records = [dataclasses.replace(synthetic(n), tijd=begin + dt.timedelta(days=n, minutes=n)) for n in range(6)]
    writer = log_services.log.met_klok(lambda: begin)  # type: ignore[attr-defined]
    with log_services.uow() as uow:
        signed = writer.append_in(uow.log, uow.log.lock_head(), records)
        uow.commit()
    assert [c.grootte for c in signed] == [1, 2, 3, 4, 5, 6]
    assert [c.tijd for c in signed] == [r.tijd.replace(second=0, microsecond=0) for r in records]
    assert logboek.verifieer(log_services).ok


def test_a_clock_behind_the_records_never_dates_a_checkpoint_before_them(log_services: Services) -> None:
    """A host whose clock lags the record's time (another host stamped it): the checkpoint takes the record's."""
    later = utcnow() + dt.timedelta(minutes=5)
    writer = log_services.log.met_klok(lambda: later - dt.timedelta(minutes=10))  # type: ignore[attr-defined]
    writer.append(dataclasses.replace(synthetic(0), tijd=later))
    with log_services.uow() as uow:
        (checkpoint,) = uow.log.checkpoints()
    tijd = checkpoint.tijd if checkpoint.tijd.tzinfo else checkpoint.tijd.replace(tzinfo=dt.UTC)
    assert tijd == later.replace(microsecond=0)

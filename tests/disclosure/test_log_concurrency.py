"""Appends are serialised: concurrent writers in several 'workers' (each its own engine and VerstrekkingLog,
as gunicorn workers have) leave one valid tree without gaps or forks; and concurrent requests within a worker
share transactions (group commit) without any being answered before its record is durable."""

from __future__ import annotations

import dataclasses
import itertools
import threading
from collections.abc import Iterator

import pytest

from service import create_app
from service.adapters.migrate import upgrade
from service.domain.verstrekking import Ontvangstbewijs
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.logboek import concurrent_appends, synthetic

WORKERS = 4
THREADS_PER_WORKER = 2  # 8 concurrent writers
PER_WRITER = 2000


@pytest.fixture
def workers(settings: Settings) -> Iterator[list[Services]]:
    configured = dataclasses.replace(
        settings, checkpoint_records=500, checkpoint_seconds=3600
    )  # by records alone, however slow
    apps = [create_app(configured) for _ in range(WORKERS)]
    services = [app.extensions["deelpoort"] for app in apps]
    upgrade(services[0].engine)
    yield services
    for one in services:
        one.engine.dispose()


@pytest.mark.slow
@pytest.mark.postgresql
def test_eight_concurrent_writers_leave_a_valid_gap_free_tree(workers: list[Services]) -> None:
    if workers[0].engine.dialect.name != "postgresql":
        pytest.skip("the many-writer test is for PostgreSQL (SQLite serialises writers with one file lock)")
    receipts: list[list[Ontvangstbewijs]] = [[] for _ in range(WORKERS * THREADS_PER_WORKER)]
    errors: list[BaseException] = []

    def writer(slot: int) -> None:
        log = workers[slot % WORKERS].log
        try:
            for n in range(PER_WRITER):
                receipts[slot].append(log.append(synthetic(slot * PER_WRITER + n)))
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(slot,)) for slot in range(WORKERS * THREADS_PER_WORKER)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    total = WORKERS * THREADS_PER_WORKER * PER_WRITER
    indexes = sorted(r.log_index for per_writer in receipts for r in per_writer)
    assert indexes == list(range(total))  # every receipt a distinct index, no gaps
    result = logboek.verifieer(workers[0])
    assert result.ok, result.problemen[:5]
    assert result.grootte == total and result.checkpoints >= total // 500
    _assert_checkpoints_spaced(workers[0], 500)
    batches = sum(one.log.batches for one in workers)
    assert batches < total  # some requests shared a transaction


def _assert_checkpoints_spaced(services: Services, every: int) -> None:
    """No worker signed a checkpoint before `every` records were added since the latest one, whoever signed it."""
    with services.uow() as uow:
        sizes = [c.grootte for c in uow.log.checkpoints()]
    gaps = [later - earlier for earlier, later in itertools.pairwise(sizes)]
    assert gaps and min(gaps) >= every, sizes


def test_workers_sign_checkpoints_at_the_cadence_whoever_signed_the_latest(settings: Settings) -> None:
    """Each worker learns the latest checkpoint from the log head it locks, not from what it signed itself: with
    the workers taking turns, checkpoints fall exactly every N records (a worker going by its own latest one
    would sign too late, or sign one that another worker had just signed)."""
    every = 3
    configured = dataclasses.replace(settings, checkpoint_records=every, checkpoint_seconds=3600)
    workers = [create_app(configured).extensions["deelpoort"] for _ in range(WORKERS)]
    upgrade(workers[0].engine)
    try:
        for n in range(8 * every + 1):
            workers[n % WORKERS].log.append(synthetic(n))
        with workers[0].uow() as uow:
            sizes = [c.grootte for c in uow.log.checkpoints()]
            head = uow.log.head()
        assert sizes == list(range(1, 8 * every + 2, every))
        assert head.checkpoint is not None and head.checkpoint[0] == sizes[-1]
        assert logboek.verifieer(workers[0]).ok
    finally:
        for one in workers:
            one.engine.dispose()


def test_concurrent_requests_in_one_worker_share_transactions(workers: list[Services]) -> None:
    log = workers[0].log
    count = 64
    receipts = concurrent_appends(log, 16, count // 16)
    assert sorted(r.log_index for r in receipts) == list(range(count))
    assert log.batches < count  # group commit happened
    with workers[1].uow() as uow:  # another worker sees every answered record
        assert uow.log.size() == count
    assert logboek.verifieer(workers[1]).ok


def test_verify_while_records_are_appended_sees_one_consistent_log(workers: list[Services]) -> None:
    """A verify of a live log reads one snapshot: records committed while it runs are neither half seen nor
    reported as beyond the head (on PostgreSQL a read-committed verify would see them appear mid-way)."""
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer(slot: int) -> None:
        try:
            n = 0
            while not stop.is_set():
                workers[slot].log.append(synthetic(slot * 100_000 + n))
                n += 1
        except BaseException as exc:  # reported below
            errors.append(exc)

    for n in range(300):  # a log of a few blocks of 4 before the writers start
        workers[0].log.append(synthetic(n))
    threads = [threading.Thread(target=writer, args=(slot,)) for slot in (1, 2)]
    for thread in threads:
        thread.start()
    try:
        results = [logboek.verifieer(workers[3], block_level=2) for _ in range(5)]
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert errors == []
    assert [r.problemen for r in results] == [[]] * 5
    assert all(r.grootte >= 300 for r in results)
    assert results[-1].grootte > 300  # the writers did append while it verified
    assert logboek.verifieer(workers[3]).ok

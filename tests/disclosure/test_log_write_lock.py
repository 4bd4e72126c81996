"""The log writers of several processes on one SQLite file queue on a file lock
(`service.adapters.log_store.write_lock`) instead of SQLite's busy handler, and the lock never decides whether a
record is written."""

from __future__ import annotations

import dataclasses
import fcntl
import multiprocessing
import os
import threading
from collections.abc import Iterator
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from service import create_app
from service.adapters.log_store.write_lock import WriteLock, lock_path
from service.domain.errors import LogNietBeschikbaarError
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.logboek import synthetic

PROCESSES = 2
THREADS = 4  # per process: concurrent requests in one worker share a batch (group commit)
PER_THREAD = 40


def _no_busy_wait(dbapi_connection: Any, _record: Any) -> None:
    """SQLite answers SQLITE_BUSY at once instead of sleeping and retrying: any contention fails the append."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


def _worker(settings: Settings, slot: int, barrier: Barrier, results: Queue[tuple[list[int], list[str]]]) -> None:
    """One 'gunicorn worker': its own app, engine and group-commit writer, appending from several threads."""
    services: Services = create_app(settings).extensions["deelpoort"]
    event.listen(services.engine, "connect", _no_busy_wait)
    indexes: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def append(thread: int) -> None:
        for n in range(PER_THREAD):
            try:
                receipt = services.log.append(synthetic((slot * THREADS + thread) * PER_THREAD + n))
            except LogNietBeschikbaarError as exc:
                with lock:
                    errors.append(str(exc))
                continue
            with lock:
                indexes.append(receipt.log_index)

    threads = [threading.Thread(target=append, args=(thread,)) for thread in range(THREADS)]
    barrier.wait(timeout=60)  # every process is ready: the appends overlap
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    services.engine.dispose()
    results.put((indexes, errors))


@pytest.fixture
def sqlite_services(services: Services) -> Services:
    if services.engine.dialect.name != "sqlite":
        pytest.skip("the file lock orders writers of a SQLite file (PostgreSQL has the head row lock)")
    return services


def test_two_processes_appending_at_once_never_meet_the_busy_handler(
    sqlite_services: Services, settings: Settings
) -> None:
    """With SQLite's busy timeout at zero, two processes' writers appending at the same time would fail as soon as
    one found the other's write in progress; queued on the file lock, every append succeeds, the indexes have no
    gaps and the log verifies."""
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(PROCESSES)
    results: Queue[tuple[list[int], list[str]]] = context.Queue()
    configured = dataclasses.replace(settings, checkpoint_records=64)
    processes = [
        context.Process(target=_worker, args=(configured, slot, barrier, results)) for slot in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=120) for _ in processes]
    for process in processes:
        process.join(timeout=30)
        assert process.exitcode == 0
    errors = [error for _, found in outcomes for error in found]
    assert errors == []
    total = PROCESSES * THREADS * PER_THREAD
    assert sorted(index for found, _ in outcomes for index in found) == list(range(total))
    assert all(found for found, _ in outcomes)  # both processes wrote
    result = logboek.verifieer(sqlite_services)
    assert result.ok, result.problemen[:5]
    assert result.grootte == total


def _held_by_someone(path: Path) -> bool:
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # also releases the probe's own lock
    return False


@pytest.fixture
def lock_file(sqlite_services: Services) -> Path:
    path = lock_path(sqlite_services.engine.url)
    assert path is not None
    return path


@pytest.fixture
def refusing_inserts(sqlite_services: Services) -> Iterator[None]:
    with sqlite_services.engine.begin() as connection:
        connection.execute(
            text("CREATE TRIGGER weiger BEFORE INSERT ON verstrekkingen BEGIN SELECT RAISE(ABORT, 'injected'); END")
        )
    yield
    with sqlite_services.engine.begin() as connection:
        connection.execute(text("DROP TRIGGER weiger"))


def test_the_lock_is_held_during_the_write_and_released_after_it(sqlite_services: Services, lock_file: Path) -> None:
    seen: list[bool] = []

    def probe(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("INSERT INTO verstrekkingen"):
            seen.append(_held_by_someone(lock_file))

    event.listen(sqlite_services.engine, "before_cursor_execute", probe)
    try:
        sqlite_services.log.append(synthetic(0))
    finally:
        event.remove(sqlite_services.engine, "before_cursor_execute", probe)
    assert seen == [True]
    assert not _held_by_someone(lock_file)


def test_the_lock_is_released_when_the_transaction_fails(
    sqlite_services: Services, lock_file: Path, refusing_inserts: None
) -> None:
    with pytest.raises(LogNietBeschikbaarError):
        sqlite_services.log.append(synthetic(0))
    assert lock_file.exists()  # it was taken
    assert not _held_by_someone(lock_file)
    with sqlite_services.uow() as uow:
        assert uow.log.size() == 0


def test_a_lock_file_that_cannot_be_opened_leaves_the_order_to_sqlite(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "deelpoort.sqlite3-loglock"
    lock = WriteLock(missing)
    for _ in range(2):  # entered and left as a no-op, every time
        with lock:
            pass
    assert not missing.exists()


def test_appends_go_on_when_the_lock_file_cannot_be_opened(sqlite_services: Services, lock_file: Path) -> None:
    lock_file.mkdir()  # a directory where the lock file should be: opening it fails (EISDIR)
    receipts = [sqlite_services.log.append(synthetic(n)) for n in range(3)]
    assert [r.log_index for r in receipts] == [0, 1, 2]
    with sqlite_services.uow() as uow:
        assert uow.log.size() == 3


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:////srv/deelpoort/instance/deelpoort.sqlite3", "/srv/deelpoort/instance/deelpoort.sqlite3-loglock"),
        ("sqlite:///instance/deelpoort.sqlite3", "instance/deelpoort.sqlite3-loglock"),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql+psycopg://postgres@127.0.0.1:5432/test", None),
    ],
    ids=["absolute file", "relative file", "in memory (default)", "in memory (named)", "postgresql"],
)
def test_where_the_lock_file_lives(url: str, expected: str | None) -> None:
    found = lock_path(make_url(url))
    assert (str(found) if found is not None else None) == expected

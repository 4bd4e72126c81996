"""Group commit for the verstrekking log: many requests' records in one durable transaction.

A commit costs a disk sync (~1 ms here). Requests that arrive while a batch is being written wait, and the
first of them then writes everything that queued up in one transaction (leader/follower, no extra thread):
under load one sync serves many requests, and a lone request is written at once, without added latency.

Invariants:
- `append` returns only after the transaction holding its record has committed (durable: SQLite
  synchronous=FULL, PostgreSQL synchronous_commit on). If the batch fails, every request in it gets
  `LogNietBeschikbaarError` and none is told its record exists.
- Within a process, batches are written one at a time; across processes the log head lock serialises them. On
  SQLite the processes' leaders also queue on a file lock beside the database (`write_lock`), so a waiting
  leader wakes when the batch before it commits instead of sleeping in SQLite's busy handler.
- A checkpoint is signed in the same transaction when `checkpoint_records` records have been added since the
  latest one, or `checkpoint_seconds` have passed since it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass

import structlog
from sqlalchemy import Engine

from service.adapters.log_store import Appended, Head, LogStore, StoredCheckpoint
from service.adapters.write_lock import WriteLock, lock_path
from service.audit import Checkpoint, sign_checkpoint
from service.crypto import CheckpointSigner
from service.domain.casus import utcnow
from service.domain.errors import LogNietBeschikbaarError
from service.domain.verstrekking import LogRecord, Ontvangstbewijs

log = structlog.get_logger("deelpoort.log")

MAX_BATCH = 256


@dataclass(frozen=True)
class CheckpointBeleid:
    origin: str
    records: int = 256  # sign at least every N records ...
    seconds: float = 60.0  # ... or when T seconds have passed since the latest checkpoint


@dataclass(eq=False)
class _Pending:
    verstrekking: LogRecord
    done: bool = False
    bewijs: Ontvangstbewijs | None = None
    error: BaseException | None = None


class VerstrekkingLog:
    """The process's writer of the verstrekking log (thread-safe)."""

    def __init__(
        self,
        engine: Engine,
        signer: Callable[[], CheckpointSigner],
        beleid: CheckpointBeleid,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        self._engine = engine
        self._write_lock = WriteLock(lock_path(engine.url))
        self._signer = signer
        self._beleid = beleid
        self._clock = clock
        self._cond = threading.Condition()
        self._queue: list[_Pending] = []
        self._writing = False
        self.batches = 0  # how many transactions were written (for tests and benchmarks)

    @property
    def beleid(self) -> CheckpointBeleid:
        return self._beleid

    def append(self, verstrekking: LogRecord) -> Ontvangstbewijs:
        """Record `verstrekking` durably and return its receipt.

        Raises:
            LogNietBeschikbaarError: the record could not be committed (nothing may be disclosed).
        """
        mine = _Pending(verstrekking)
        with self._cond:
            self._queue.append(mine)
            while not mine.done and self._writing:
                self._cond.wait()
            if mine.done:
                return _outcome(mine)
            self._writing = True
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
        try:
            self._write(batch)
        finally:
            with self._cond:
                for waiting in batch:
                    waiting.done = True
                self._writing = False
                self._cond.notify_all()
        return _outcome(mine)

    def checkpoint_now(self) -> StoredCheckpoint | None:
        """Sign a checkpoint of the current tree if it is not covered yet (`deelpoort audit checkpoint`)."""
        with self._write_lock, self._engine.begin() as connection:
            store = LogStore(connection)
            size = store.lock_head()
            if size == 0:
                return None
            latest = store.latest_checkpoint()
            if latest is not None and latest.grootte == size:
                return latest
            return self._sign(store, size)

    def _write(self, batch: list[_Pending]) -> None:
        try:
            # The file lock is taken before the transaction begins and released after it ended.
            with self._write_lock, self._engine.begin() as connection:
                store = LogStore(connection)
                kop = store.claim(len(batch))  # the lock, the new size and the latest checkpoint in one statement
                appended = store.append(kop.grootte, [w.verstrekking for w in batch])
                new_size = kop.grootte + len(batch)
                signed = self._sign(store, new_size) if self._due(kop, new_size) else None
                basis = signed.grootte if signed is not None else kop.checkpoint[0] if kop.checkpoint else 0
                limit = basis + self._beleid.records
            # The transaction is committed here: only now are the records durable.
        except Exception as exc:
            _report(type(exc).__name__, len(batch))
            for waiting in batch:
                waiting.error = LogNietBeschikbaarError(
                    "the verstrekking log could not record this request; nothing was disclosed"
                )
            return
        self.batches += 1
        for waiting, done in zip(batch, appended, strict=True):
            waiting.bewijs = _bewijs(done, signed, limit)

    def _due(self, kop: Head, new_size: int) -> bool:
        """A checkpoint is due when none exists, or `records` were added or `seconds` passed since the latest."""
        if kop.checkpoint is None:
            return True
        grootte, tijd = kop.checkpoint
        return (
            new_size - grootte >= self._beleid.records or (self._clock() - tijd).total_seconds() >= self._beleid.seconds
        )

    def _sign(self, store: LogStore, size: int) -> StoredCheckpoint:
        signer = self._signer()
        checkpoint = Checkpoint(self._beleid.origin, size, store.root(size), self._clock())
        note = sign_checkpoint(signer, checkpoint)
        store.add_checkpoint(checkpoint, signer.key_id, note)
        return StoredCheckpoint(size, checkpoint.root, checkpoint.time, signer.key_id, note)


def _report(error_type: str, records: int) -> None:
    """Tell operators the log failed. When the disk is full even this may fail; that must not change the
    answer (503, nothing disclosed), so a failure to report is swallowed."""
    with contextlib.suppress(Exception):
        log.error("log_append_failed", error_type=error_type, records=records)


def _bewijs(appended: Appended, signed: StoredCheckpoint | None, limit: int) -> Ontvangstbewijs:
    return Ontvangstbewijs(
        log_index=appended.log_index,
        blad_hash=appended.blad_hash,
        checkpoint=signed.notitie if signed is not None else None,
        checkpoint_uiterlijk_bij=signed.grootte if signed is not None else max(limit, appended.log_index + 1),
    )


def _outcome(waiting: _Pending) -> Ontvangstbewijs:
    if waiting.error is not None:
        raise waiting.error
    if waiting.bewijs is None:
        raise LogNietBeschikbaarError("the verstrekking log did not confirm this record; nothing was disclosed")
    return waiting.bewijs

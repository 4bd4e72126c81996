"""The writer of the verstrekking log: group commit, and it decides when to sign checkpoints and signs them.

A commit costs a disk sync (~1 ms here). Requests that arrive while a batch is being written wait, and the
first of them then writes everything that queued up in one transaction (leader/follower, no extra thread):
under load one sync serves many requests, and a lone request is written at once, without added latency.

The writer computes, the store stores: records' canonical bytes, leaf hashes and the tree nodes they complete
(`append_records`), when a checkpoint is due and its signature (`service.audit`), all over the store's nodes;
the store (`service.adapters.log_store`) only writes and reads what it is handed.

Invariants:
- `append` returns only after the transaction holding its record has committed (durable: SQLite
  synchronous=FULL, PostgreSQL synchronous_commit on). If the batch fails, every request in it gets
  `LogNietBeschikbaarError` and none is told its record exists.
- Within a process, batches are written one at a time; across processes the log head lock serialises them. On
  SQLite the processes' leaders also queue on a file lock beside the database (`LogDatabase.writing`), so a
  waiting leader wakes when the batch before it commits instead of sleeping in SQLite's busy handler.
- A checkpoint is signed in the same transaction when `CheckpointBeleid.due` says so, asked after every record
  (also inside a batch), with as "now" the later of the clock and the record's own `tijd`: `records` records
  added since the latest one, or `seconds` passed since it. It is signed at exactly that size and dated at that
  same "now" (never before the record it ends with), so the log keeps the signing rule `audit verify` checks
  (`service.audit.checkpointing`), and a receipt's promise holds.
- Whoever appends (this writer's batches, or a beheer transaction in a unit of work through `append_in`) holds
  the head lock of the store it appends through, and appends through `_append`: `append_records` makes every
  record's leaf and nodes one way, and the same rule signs after every record. Nothing else appends.
- `na_checkpoint` (the destruction journal keeps the latest checkpoint beside it, docs/backup.md) hears of a
  checkpoint this writer signed only after the transaction that signed it has committed, and must not raise.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import cast

import structlog

from service.adapters.log_store import LogDatabase, LogStore, NewRecord, StoredCheckpoint
from service.audit import CheckpointBeleid, append_leaves, leaf_hash, nodes_for_root, sign_tree
from service.audit.record import canonical
from service.crypto import CheckpointSigner
from service.domain.casus import utcnow
from service.domain.errors import LogNietBeschikbaarError
from service.domain.verstrekking import LogRecord, Ontvangstbewijs, Weigering
from service.service_layer.waarneming.meter import GeenMeter, Meter

log = structlog.get_logger("deelpoort.log")

MAX_BATCH = 256


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
        database: LogDatabase,
        signer: Callable[[], CheckpointSigner],
        beleid: CheckpointBeleid,
        *,
        clock: Callable[[], dt.datetime] = utcnow,
        meter: Meter | None = None,
        na_checkpoint: Callable[[StoredCheckpoint], None] | None = None,
    ) -> None:
        self.database = database  # where the log is stored; its checks open read-only stores here too
        self._signer = signer
        self._beleid = beleid
        self._clock = clock
        self._meter: Meter = meter or GeenMeter()
        # Told each checkpoint this writer signed, after its transaction committed (the destruction journal keeps
        # the latest: `herstel.journaal`); it must not raise.
        self._na_checkpoint = na_checkpoint
        self._cond = threading.Condition()
        self._queue: list[_Pending] = []
        self._writing = False
        self.batches = 0  # how many transactions were written (for tests and benchmarks)

    @property
    def beleid(self) -> CheckpointBeleid:
        return self._beleid

    def met_klok(self, clock: Callable[[], dt.datetime]) -> VerstrekkingLog:
        """A writer of the same log (store, signer, rule) with another clock: the demo's, which dates its
        records and checkpoints in its own past (`service/demo/tijdlijn.py`). Only the demo asks for one."""
        return VerstrekkingLog(
            self.database, self._signer, self._beleid, clock=clock, meter=self._meter, na_checkpoint=self._na_checkpoint
        )

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
                return self._outcome(mine)
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
        return self._outcome(mine)

    def _outcome(self, waiting: _Pending) -> Ontvangstbewijs:
        """The receipt of a record (in its own request's thread, so its events carry that request's trace id);
        a logged refusal is counted and reported by its code."""
        bewijs = _outcome(waiting)
        weigering = getattr(waiting.verstrekking, "weigering", None)
        if isinstance(weigering, Weigering):
            soort = str(getattr(waiting.verstrekking, "soort", "verstrekking"))
            self._meter.weigering(soort, weigering.value)
            log.info("verstrekking_geweigerd", soort=soort, reden=weigering.value)
        return bewijs

    def append_in(self, store: LogStore, size: int, records: Sequence[LogRecord]) -> list[StoredCheckpoint]:
        """Append `records` at `size` through `store`, in the caller's transaction (a beheer step), signing every
        checkpoint that falls due on the way as the writer's batches do; returns those checkpoints.

        The caller holds the head lock (`lock_head`, which returned `size`) and commits; the latest checkpoint is
        read from the head under that lock.

        Raises:
            ValueError: the head is not at `size` (a programming error).
            TypeError, LookupError: as `append_records`.
        """
        head = store.head()
        if head.grootte != size:
            raise ValueError(f"the log head is at {head.grootte}, not at {size}: take the lock (lock_head) first")
        return self._append(store, size, records, head.checkpoint)[1]

    def checkpoint_now(self) -> StoredCheckpoint | None:
        """Sign a checkpoint of the current tree if it is not covered yet (`deelpoort audit checkpoint`).

        Raises:
            LookupError: a stored node of the current tree is missing (the log is damaged).
        """
        with self.database.writing() as store:
            size = store.lock_head()
            if size == 0:
                return None
            latest = store.latest_checkpoint()
            if latest is None or latest.grootte != size:
                latest = self._sign(store, size, self._clock())
        self._gemeld(latest)
        return latest

    def teken_staart(self) -> StoredCheckpoint | None:
        """Sign a checkpoint of the unsigned tail when records wait beyond the latest checkpoint and it is at
        least `beleid.seconds` old (the rule's time bound, applied also when no new record arrives to trigger it:
        the tail stays short, issue 20 item 4). Returns it, or None when none was due. Reads the head without the
        lock first, so an idle log costs one read.

        Raises:
            LookupError: a stored node of the current tree is missing (the log is damaged).
        """
        with self.database.proof_reader() as reader:
            head = reader.head()
        if not self._tail_due(head.grootte, head.checkpoint):
            return None
        with self.database.writing() as store:
            head = store.claim(0)
            if not self._tail_due(head.grootte, head.checkpoint):
                return None
            signed = self._sign(store, head.grootte, self._clock())
        self._gemeld(signed)
        return signed

    def _gemeld(self, checkpoint: StoredCheckpoint) -> None:
        """Tell `na_checkpoint` of a checkpoint whose transaction has committed."""
        if self._na_checkpoint is not None:
            self._na_checkpoint(checkpoint)

    def _tail_due(self, size: int, latest: tuple[int, dt.datetime] | None) -> bool:
        if latest is not None and latest[0] >= size:
            return False
        return size > 0 and self._beleid.due(latest, size, self._clock())

    def _write(self, batch: list[_Pending]) -> None:
        begin = time.perf_counter()
        try:
            # The file lock is taken before the transaction begins and released after it ended.
            with self.database.writing() as store:
                head = store.claim(len(batch))  # the lock, the new size and the latest checkpoint in one statement
                appended, signed = self._append(store, head.grootte, [w.verstrekking for w in batch], head.checkpoint)
                basis = signed[-1].grootte if signed else head.checkpoint[0] if head.checkpoint else 0
            # The transaction is committed here: only now are the records durable.
        except Exception as exc:
            self._meter.logfout()
            _report(type(exc).__name__, len(batch))
            for waiting in batch:
                waiting.error = LogNietBeschikbaarError(
                    "the verstrekking log could not record this request; nothing was disclosed"
                )
            return
        self.batches += 1
        self._meter.logbatch(len(batch), time.perf_counter() - begin)
        if signed:
            self._gemeld(signed[-1])
        for waiting, done in zip(batch, appended, strict=True):
            index = done["log_index"]
            covering = next((c for c in signed if c.grootte > index), None)
            waiting.bewijs = Ontvangstbewijs(
                log_index=index,
                blad_hash=done["blad_hash"],
                checkpoint=covering.notitie if covering is not None else None,
                checkpoint_uiterlijk_bij=(
                    covering.grootte if covering is not None else self._beleid.promised_size(basis, index)
                ),
            )

    def _append(
        self, store: LogStore, size: int, records: Sequence[LogRecord], latest: tuple[int, dt.datetime] | None
    ) -> tuple[list[NewRecord], list[StoredCheckpoint]]:
        """Append `records` at `size` (the caller holds the lock; `latest`: the latest checkpoint's size and time)
        and sign a checkpoint right after each record that makes one due; the rows stored and the checkpoints."""
        rows = append_records(store, size, records)
        now = self._clock()
        signed: list[StoredCheckpoint] = []
        for row in rows:
            end = row["log_index"] + 1
            moment = max(now, row["tijd"])  # never dated before a record it covers
            if self._beleid.due(latest, end, moment):
                checkpoint = self._signed(store, end, moment)
                signed.append(checkpoint)
                latest = (checkpoint.grootte, checkpoint.tijd)
        store.add_checkpoints(signed)  # in one statement: a backdated batch (the demo's year) makes hundreds due
        for checkpoint in signed:
            self._geteld(checkpoint)
        return rows, signed

    def _sign(self, store: LogStore, size: int, now: dt.datetime) -> StoredCheckpoint:
        stored = self._signed(store, size, now)
        store.add_checkpoint(stored)
        self._geteld(stored)
        return stored

    def _geteld(self, checkpoint: StoredCheckpoint) -> None:
        """Count and report a checkpoint stored in the current transaction."""
        self._meter.checkpoint()
        log.info("checkpoint_getekend", grootte=checkpoint.grootte)

    def _signed(self, store: LogStore, size: int, now: dt.datetime) -> StoredCheckpoint:
        signed = sign_tree(self._signer(), self._beleid.origin, store.nodes, size, now)
        checkpoint = signed.checkpoint
        return StoredCheckpoint(size, checkpoint.root, checkpoint.time, signed.key_id, signed.note)


def append_records(store: LogStore, size: int, records: Sequence[LogRecord]) -> list[NewRecord]:
    """Append `records` at `size`, `size + 1`, ... through `store`, whose head lock the caller holds (`claim` or
    `lock_head`, in the same transaction); returns the rows stored (index and leaf hash of each). The one way
    leaves are made; appenders call it through `VerstrekkingLog` (`append`, `append_in`), which signs when due.

    The frontier of the tree of `size` is read in one query, then each record's canonical bytes and leaf hash
    and the nodes the batch completes are computed here (`service.audit`) and handed to the store.

    Raises:
        TypeError: a record holds a float (no canonical form).
        LookupError: a stored node of the tree of `size` is missing (the log is damaged).
    """
    store.nodes.prefetch(nodes_for_root(size))  # the frontier: every node the new leaves may pair with
    rows: list[NewRecord] = []
    for offset, entry in enumerate(records):
        record = entry.as_record()
        data = canonical(record)
        rows.append(
            NewRecord(
                log_index=size + offset,
                id=cast(str, record["id"]),
                record=data,
                blad_hash=leaf_hash(data),
                tijd=entry.tijd,
                partner_id=cast(str, record["partner"]),
                casus_id=cast("str | None", record["casus"]),
                doel=cast(str, record["doel"]),
                uitkomst=cast(str, record["uitkomst"]),
            )
        )
    store.append(size, rows, append_leaves(store.nodes, size, [row["blad_hash"] for row in rows]))
    return rows


def _report(error_type: str, records: int) -> None:
    """Tell operators the log failed. When the disk is full even this may fail; that must not change the
    answer (503, nothing disclosed), so a failure to report is swallowed."""
    with contextlib.suppress(Exception):
        log.error("log_append_failed", error_type=error_type, records=records)


def _outcome(waiting: _Pending) -> Ontvangstbewijs:
    if waiting.error is not None:
        raise waiting.error
    if waiting.bewijs is None:
        raise LogNietBeschikbaarError("the verstrekking log did not confirm this record; nothing was disclosed")
    return waiting.bewijs

"""The verstrekking log's store: stores records, their complete tree nodes, signed checkpoints and the head, and
reads them back. It only stores and reads: leaf hashes, nodes, roots and signatures are computed by its caller
(the log's writer, `service.service_layer.logboek.schrijver`, with the pure core `service.audit`) and handed in.

Invariants:
- Appends are serialised by locking the single `loghoofd` row first (an UPDATE: a row lock on PostgreSQL, the
  write lock on SQLite), so indexes are assigned without gaps or forks even with many workers and hosts.
- One transaction holds a batch of records, their nodes, the new head and perhaps a checkpoint, and nothing
  else: there is nothing that could fail after the records are in, except the commit itself.
- Complete subtree nodes are stored as they complete, so a proof or root at any size is O(log n) lookups.
- The store never sees a field value: it receives canonical record bytes made from a `Verstrekking`.
- Only Core statements (no ORM objects): on the append path every statement counts. A batch is one query
  for the frontier nodes of the current size (`nodes.prefetch`) plus three statements whatever its size: lock
  and move the head (which also reads the latest checkpoint's size and time, kept on the head row under its
  lock), insert the records, insert the nodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Select, func, insert, select
from sqlalchemy.orm import Session

from service.adapters.log_store.nodes import NodeCache
from service.adapters.log_store.scan import VerifyReads
from service.adapters.log_store.statements import (
    ADVANCE_HEAD,
    CHECKPOINT_COLUMNS,
    CHECKPOINTS,
    HEAD_CHECKPOINT,
    HOOFD,
    INSERT_NODES,
    INSERT_RECORDS,
    PROOF_BASIS,
    PROOF_BASIS_POSTGRESQL,
    RECORD_COLUMNS,
    SET_HEAD,
    checkpoint_from_row,
    dialect,
    head_from_row,
    node_arrays,
)
from service.adapters.log_store.values import Head, NewRecord, ProofBasis, StoredCheckpoint, StoredRecord
from service.adapters.orm import VerstrekkingRow


class LogStore(VerifyReads):
    """Reads and appends the log through a Session (a unit of work) or a Connection (the log's writer)."""

    def __init__(self, session: Session | Connection) -> None:
        self._session = session
        self._nodes = NodeCache(session)
        self._claimed: tuple[int, int] | None = None  # (size, count) claimed by the last lock_head(advance=count)

    # -- appending (inside a transaction of its own) -------------------------------------------------------------

    def lock_head(self, advance: int = 0) -> int:
        """Take the append lock, move the head by `advance` records, and return the size before the move."""
        return self.claim(advance).grootte

    def claim(self, advance: int) -> Head:
        """Take the append lock, move the head by `advance` records; the head before the move.

        One statement (UPDATE ... RETURNING): the row lock (PostgreSQL) or write lock (SQLite) is taken and, with
        `advance`, the new size claimed at once; `append` of exactly that many records then need not move the
        head again. If anything fails, the transaction rolls back and the head with it. The latest checkpoint
        comes with the lock: a checkpoint is only added under it (`add_checkpoint`), so it cannot be stale.
        """
        row = self._session.execute(ADVANCE_HEAD, {"advance": advance}).first()
        if row is None:
            raise RuntimeError("the log head row is missing (run the migrations)")
        new_size, checkpoint_size, checkpoint_time = row
        head = head_from_row(int(new_size) - advance, checkpoint_size, checkpoint_time)
        self._claimed = (head.grootte, advance)
        return head

    def append(self, size: int, records: Sequence[NewRecord], nodes: Sequence[tuple[int, int, bytes]]) -> None:
        """Store `records` at `size`, `size + 1`, ... and the (level, index, hash) nodes they complete.

        The caller holds the lock (`lock_head`) and computed the records' leaves and nodes over this store's
        `nodes` (prefetched with the frontier of `size`); the nodes are kept there too, so a root of the new
        size (a checkpoint in the same transaction) reads nothing more. The head is moved to `size +
        len(records)` here unless `lock_head(advance=len(records))` already claimed exactly that (the group
        commit's one-statement path).

        Raises:
            ValueError: the records are not numbered `size`, `size + 1`, ... (a programming error).
        """
        if records and (records[0]["log_index"], records[-1]["log_index"]) != (size, size + len(records) - 1):
            raise ValueError("records must be numbered from the size they are appended at")
        if records:
            self._session.execute(INSERT_RECORDS, records)
            self._session.execute(
                INSERT_NODES,
                [{"niveau": level, "positie": position, "hash": value} for level, position, value in nodes],
            )
            written = self._nodes.written
            for level, position, value in nodes:
                written[(level, position)] = value
        if self._claimed != (size, len(records)):
            self._session.execute(SET_HEAD, {"new_size": size + len(records)})
        self._claimed = None

    def add_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        """Store a signed checkpoint; the caller holds the append lock (`claim`), and the head records it."""
        self.add_checkpoints([checkpoint])

    def add_checkpoints(self, checkpoints: Sequence[StoredCheckpoint]) -> None:
        """Store signed checkpoints, oldest first, in one statement (a batch that made several due); the caller
        holds the append lock, and the head records the latest."""
        if not checkpoints:
            return
        latest = checkpoints[-1]
        self._session.execute(HEAD_CHECKPOINT, {"cp_grootte": latest.grootte, "cp_tijd": latest.tijd})
        self._session.execute(
            insert(CHECKPOINTS),
            [
                {
                    "grootte": c.grootte,
                    "wortel": c.wortel,
                    "tijd": c.tijd,
                    "sleutel_id": c.sleutel_id,
                    "notitie": c.notitie,
                }
                for c in checkpoints
            ],
        )

    # -- reading ---------------------------------------------------------------------------------------------------

    def size(self) -> int:
        return self._session.execute(select(HOOFD.c.grootte).where(HOOFD.c.id == 1)).scalar() or 0

    def head(self) -> Head:
        """The head as stored, without taking the lock."""
        row = self._session.execute(
            select(HOOFD.c.grootte, HOOFD.c.checkpoint_grootte, HOOFD.c.checkpoint_tijd).where(HOOFD.c.id == 1)
        ).first()
        if row is None:
            return Head(0, None)
        return head_from_row(*row)

    @property
    def nodes(self) -> NodeCache:
        """The nodes this store has written or loaded, read through to the table (a `service.audit.NodeSource`)."""
        return self._nodes

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        return self._one_checkpoint(select(*CHECKPOINT_COLUMNS).order_by(CHECKPOINTS.c.grootte.desc()).limit(1))

    def latest_checkpoint_until(self, moment: dt.datetime) -> StoredCheckpoint | None:
        """The largest checkpoint signed at or before `moment` (the one witnesses should have cosigned by now)."""
        return self._one_checkpoint(
            select(*CHECKPOINT_COLUMNS)
            .where(CHECKPOINTS.c.tijd <= moment)
            .order_by(CHECKPOINTS.c.grootte.desc())
            .limit(1)
        )

    def latest_checkpoints(self, count: int) -> list[StoredCheckpoint]:
        """The latest `count` checkpoints, oldest first."""
        rows = self._session.execute(select(*CHECKPOINT_COLUMNS).order_by(CHECKPOINTS.c.grootte.desc()).limit(count))
        return [checkpoint_from_row(row) for row in reversed(rows.all())]

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._session.execute(select(*CHECKPOINT_COLUMNS).order_by(CHECKPOINTS.c.grootte))
        return [checkpoint_from_row(row) for row in rows]

    def _one_checkpoint(self, query: Select[Any]) -> StoredCheckpoint | None:
        row = self._session.execute(query).first()
        return checkpoint_from_row(row) if row is not None else None

    def record(self, index: int) -> StoredRecord | None:
        table = VerstrekkingRow.__table__
        row = self._session.execute(
            select(*(table.c[name] for name in RECORD_COLUMNS)).where(table.c.log_index == index)
        ).first()
        if row is None:
            return None
        index, record, blad, ident, partner, casus, doel, uitkomst, tijd = row
        return StoredRecord(index, bytes(record), bytes(blad), (ident, partner, casus, doel, uitkomst, tijd))

    def proof_basis(
        self, index: int, boomgrootte: int | None = None, nodes: Sequence[tuple[int, int]] = ()
    ) -> ProofBasis:
        """What an inclusion proof of record `index` starts from, in one statement: the record's leaf hash and
        requesting partner (None when there is no such record), the log's size, the checkpoint covering it and
        the one of exactly `boomgrootte`. On PostgreSQL the same statement loads `nodes` (as `prefetch`, which
        then has nothing left to read); elsewhere `prefetch` reads them (no round trip to save in process)."""
        params: dict[str, object] = {"index": index, "boomgrootte": boomgrootte}
        wanted = self._nodes.missing(nodes)
        if wanted and dialect(self._session) == "postgresql":
            params.update(node_arrays(wanted))
            blad, partner, size, *checkpoints, found = self._session.execute(PROOF_BASIS_POSTGRESQL, params).one()
            for key, value in zip(wanted, found, strict=True):
                if value is not None:
                    self._nodes.written[key] = bytes(value)
        else:
            blad, partner, size, *checkpoints = self._session.execute(PROOF_BASIS, params).one()
        covering = checkpoint_from_row(checkpoints[:5]) if checkpoints[0] is not None else None
        exact = checkpoint_from_row(checkpoints[5:]) if checkpoints[5] is not None else None
        leaf = (bytes(blad), str(partner)) if blad is not None else None
        return ProofBasis(leaf, int(size), covering, exact)

    def records(self, *, chunk: int = 10000) -> Iterator[StoredRecord]:
        """Every record in log order, read in chunks of plain rows (constant memory, no ORM objects)."""
        table = VerstrekkingRow.__table__
        columns = [table.c[name] for name in RECORD_COLUMNS]
        after = -1
        while True:
            rows = self._session.execute(
                select(*columns).where(table.c.log_index > after).order_by(table.c.log_index).limit(chunk)
            ).all()
            if not rows:
                return
            for index, record, blad, ident, partner, casus, doel, uitkomst, tijd in rows:
                yield StoredRecord(index, bytes(record), bytes(blad), (ident, partner, casus, doel, uitkomst, tijd))
            after = rows[-1][0]

    def destroyed_without_record(self, vernietigd: Sequence[str]) -> list[str]:
        """Of the given destroyed casus ids, those whose destruction is not in the log yet."""
        logged = set(
            self._session.scalars(
                select(VerstrekkingRow.casus_id).where(
                    VerstrekkingRow.doel == "vernietiging", VerstrekkingRow.casus_id.in_(vernietigd)
                )
            )
        )
        return [casus for casus in vernietigd if casus not in logged]

    def vernietigingen(self) -> list[tuple[int, str]]:
        """Every destruction record's log index and casus id, in log order."""
        rows = self._session.execute(
            select(VerstrekkingRow.log_index, VerstrekkingRow.casus_id)
            .where(VerstrekkingRow.doel == "vernietiging")
            .order_by(VerstrekkingRow.log_index)
        )
        return [(int(index), str(casus)) for index, casus in rows]

    def record_count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(VerstrekkingRow)) or 0

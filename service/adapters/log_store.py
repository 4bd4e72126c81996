"""The verstrekking log's store: appends records as Merkle leaves, keeps complete nodes and signed checkpoints.

Invariants:
- Appends are serialised by locking the single `loghoofd` row first (an UPDATE: a row lock on PostgreSQL, the
  write lock on SQLite), so indexes are assigned without gaps or forks even with many workers and hosts.
- One transaction holds a batch of records, their nodes, the new head and perhaps a checkpoint, and nothing
  else: there is nothing that could fail after the records are in, except the commit itself.
- Complete subtree nodes are stored as they complete, so a proof or root at any size is O(log n) lookups.
- The store never sees a field value: it receives canonical record bytes made from a `Verstrekking`.
- Only Core statements (no ORM objects): on the append path every statement counts. A batch is one query
  for the frontier nodes of the current size plus three statements whatever its size: lock and move the head,
  insert the records, insert the nodes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Integer, Select, Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from service.adapters.orm import CheckpointRow, LoghoofdRow, LogknoopRow, VerstrekkingRow
from service.audit import Checkpoint, completed_nodes, leaf_hash, nodes_for_root, root
from service.audit.record import canonical
from service.domain.verstrekking import LogRecord


@dataclass(frozen=True, slots=True)
class Appended:
    log_index: int
    blad_hash: bytes


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    grootte: int
    wortel: bytes
    tijd: dt.datetime
    sleutel_id: str
    notitie: str


@dataclass(frozen=True, slots=True)
class StoredRecord:
    log_index: int
    record: bytes
    blad_hash: bytes
    columns: tuple[str, str, str | None, str, str, dt.datetime]  # id, partner, casus, doel, uitkomst, tijd


_VERSTREKKINGEN = cast(Table, VerstrekkingRow.__table__)
_KNOPEN = cast(Table, LogknoopRow.__table__)
_HOOFD = cast(Table, LoghoofdRow.__table__)
_CHECKPOINTS = cast(Table, CheckpointRow.__table__)
_CHECKPOINT_COLUMNS = (
    _CHECKPOINTS.c.grootte,
    _CHECKPOINTS.c.wortel,
    _CHECKPOINTS.c.tijd,
    _CHECKPOINTS.c.sleutel_id,
    _CHECKPOINTS.c.notitie,
)
# The append path's statements, built once (building one costs more than SQLite takes to run it).
_ADVANCE_HEAD = (
    update(_HOOFD)
    .where(_HOOFD.c.id == 1)
    .values(grootte=_HOOFD.c.grootte + bindparam("advance", type_=Integer))
    .returning(_HOOFD.c.grootte)
)
_SET_HEAD = update(_HOOFD).where(_HOOFD.c.id == 1).values(grootte=bindparam("new_size", type_=Integer))
_INSERT_RECORDS = insert(_VERSTREKKINGEN)
_INSERT_NODES = insert(_KNOPEN)
_LEAF = select(_VERSTREKKINGEN.c.blad_hash, _VERSTREKKINGEN.c.partner_id).where(
    _VERSTREKKINGEN.c.log_index == bindparam("index")
)
_RECORD_COLUMNS = ("log_index", "record", "blad_hash", "id", "partner_id", "casus_id", "doel", "uitkomst", "tijd")


class _Nodes:
    """Nodes for one transaction: the ones written or prefetched in it, else the database."""

    def __init__(self, session: Session | Connection) -> None:
        self._session = session
        self.written: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        found = self.written.get((level, index))
        if found is None:
            found = self._session.scalar(
                select(LogknoopRow.hash).where(LogknoopRow.niveau == level, LogknoopRow.positie == index)
            )
            if found is None:
                raise LookupError(f"no complete log node ({level}, {index})")
        return found

    def prefetch(self, wanted: Iterable[tuple[int, int]]) -> None:
        """Load the given nodes with one query (a proof needs ~2 log2(n) of them: one round trip, not 40)."""
        missing = sorted({key for key in wanted if key not in self.written})
        if not missing:
            return
        by_level: dict[int, list[int]] = {}
        for level, position in missing:
            by_level.setdefault(level, []).append(position)
        # One condition per level (primary key prefix + IN), which SQLite and PostgreSQL both answer from the
        # primary key index (a row-value IN makes SQLite scan). Built as text because building the same
        # expression with SQLAlchemy operators costs more than the query; only integers computed here go in.
        condition = " OR ".join(
            f"(niveau = {int(level)} AND positie IN ({', '.join(str(int(p)) for p in positions)}))"
            for level, positions in by_level.items()
        )
        rows = self._session.execute(text(f"SELECT niveau, positie, hash FROM logknopen WHERE {condition}"))  # noqa: S608
        for level, position, value in rows:
            self.written[(int(level), int(position))] = bytes(value)


class LogStore:
    """Reads and appends the log through a Session (a unit of work) or a Connection (the group-commit writer)."""

    def __init__(self, session: Session | Connection) -> None:
        self._session = session
        self._nodes = _Nodes(session)
        self._claimed: tuple[int, int] | None = None  # (size, count) claimed by the last lock_head(advance=count)

    # -- appending (inside a transaction of its own) -------------------------------------------------------------

    def lock_head(self, advance: int = 0) -> int:
        """Take the append lock, move the head by `advance` records, and return the size before the move.

        One statement (UPDATE ... RETURNING): the row lock (PostgreSQL) or write lock (SQLite) is taken and, with
        `advance`, the new size claimed at once; `append` of exactly that many records then need not move the
        head again. If anything fails, the transaction rolls back and the head with it.
        """
        new_size = self._session.execute(_ADVANCE_HEAD, {"advance": advance}).scalar()
        if new_size is None:
            raise RuntimeError("the log head row is missing (run the migrations)")
        size = int(new_size) - advance
        self._claimed = (size, advance)
        return size

    def append(self, size: int, records: Sequence[LogRecord]) -> list[Appended]:
        """Append records at `size`, `size + 1`, ...; returns index and leaf hash.

        The caller holds the lock (`lock_head`). The head is moved to `size + len(records)` here unless
        `lock_head(advance=len(records))` already claimed exactly that (the group commit's one-statement path).

        The query columns are taken from the record itself, so they can only differ from it by tampering.
        """
        self._nodes.prefetch(nodes_for_root(size))  # the frontier: every node the new leaves may pair with
        rows: list[dict[str, object]] = []
        knopen: list[dict[str, object]] = []
        out: list[Appended] = []
        for offset, entry in enumerate(records):
            index = size + offset
            record = entry.as_record()
            data = canonical(record)
            leaf = leaf_hash(data)
            rows.append(
                {
                    "log_index": index,
                    "id": record["id"],
                    "record": data,
                    "blad_hash": leaf,
                    "tijd": entry.tijd,
                    "partner_id": record["partner"],
                    "casus_id": record["casus"],
                    "doel": record["doel"],
                    "uitkomst": record["uitkomst"],
                }
            )
            for level, position, value in completed_nodes(index, leaf, self._nodes):
                self._nodes.written[(level, position)] = value
                knopen.append({"niveau": level, "positie": position, "hash": value})
            out.append(Appended(index, leaf))
        if rows:
            self._session.execute(_INSERT_RECORDS, rows)
            self._session.execute(_INSERT_NODES, knopen)
        if self._claimed != (size, len(records)):
            self._session.execute(_SET_HEAD, {"new_size": size + len(records)})
        self._claimed = None
        return out

    def add_checkpoint(self, checkpoint: Checkpoint, sleutel_id: str, notitie: str) -> None:
        self._session.execute(
            insert(_CHECKPOINTS).values(
                grootte=checkpoint.size,
                wortel=checkpoint.root,
                tijd=checkpoint.time,
                sleutel_id=sleutel_id,
                notitie=notitie,
            )
        )

    # -- reading ---------------------------------------------------------------------------------------------------

    def size(self) -> int:
        return self._session.execute(select(_HOOFD.c.grootte).where(_HOOFD.c.id == 1)).scalar() or 0

    def root(self, size: int) -> bytes:
        """The root at `size` from stored nodes. Raises LookupError when nodes are missing."""
        return root(self._nodes, size)

    @property
    def nodes(self) -> _Nodes:
        return self._nodes

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        return self._one_checkpoint(select(*_CHECKPOINT_COLUMNS).order_by(_CHECKPOINTS.c.grootte.desc()).limit(1))

    def checkpoint_covering(self, index: int) -> StoredCheckpoint | None:
        """The smallest checkpoint whose tree includes leaf `index`."""
        return self._one_checkpoint(
            select(*_CHECKPOINT_COLUMNS).where(_CHECKPOINTS.c.grootte > index).order_by(_CHECKPOINTS.c.grootte).limit(1)
        )

    def checkpoint_at(self, size: int) -> StoredCheckpoint | None:
        return self._one_checkpoint(select(*_CHECKPOINT_COLUMNS).where(_CHECKPOINTS.c.grootte == size))

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self._session.execute(select(*_CHECKPOINT_COLUMNS).order_by(_CHECKPOINTS.c.grootte))
        return [_checkpoint(row) for row in rows]

    def _one_checkpoint(self, query: Select[Any]) -> StoredCheckpoint | None:
        row = self._session.execute(query).first()
        return _checkpoint(row) if row is not None else None

    def record(self, index: int) -> StoredRecord | None:
        table = VerstrekkingRow.__table__
        row = self._session.execute(
            select(*(table.c[name] for name in _RECORD_COLUMNS)).where(table.c.log_index == index)
        ).first()
        if row is None:
            return None
        index, record, blad, ident, partner, casus, doel, uitkomst, tijd = row
        return StoredRecord(index, bytes(record), bytes(blad), (ident, partner, casus, doel, uitkomst, tijd))

    def leaf(self, index: int) -> tuple[bytes, str] | None:
        """The leaf hash and requesting partner of record `index` (what an inclusion proof needs)."""
        row = self._session.execute(_LEAF, {"index": index}).first()
        return (bytes(row[0]), row[1]) if row is not None else None

    def records(self, *, chunk: int = 10000) -> Iterator[StoredRecord]:
        """Every record in log order, read in chunks of plain rows (constant memory, no ORM objects)."""
        table = VerstrekkingRow.__table__
        columns = [table.c[name] for name in _RECORD_COLUMNS]
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

    def record_count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(VerstrekkingRow)) or 0

    def stored_nodes(self, level: int, *, chunk: int = 20000) -> Iterator[tuple[int, bytes]]:
        """The stored nodes of one level in position order."""
        after = -1
        while True:
            rows = self._session.execute(
                select(LogknoopRow.positie, LogknoopRow.hash)
                .where(LogknoopRow.niveau == level, LogknoopRow.positie > after)
                .order_by(LogknoopRow.positie)
                .limit(chunk)
            ).all()
            if not rows:
                return
            yield from ((int(p), bytes(h)) for p, h in rows)
            after = rows[-1][0]


def _checkpoint(row: Sequence[Any]) -> StoredCheckpoint:
    grootte, wortel, tijd, sleutel_id, notitie = row
    return StoredCheckpoint(grootte, wortel, tijd, sleutel_id, notitie)

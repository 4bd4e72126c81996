"""The verstrekking log's store: appends records as Merkle leaves, keeps complete nodes and signed checkpoints.

Invariants:
- Appends are serialised by locking the single `loghoofd` row first (an UPDATE: a row lock on PostgreSQL, the
  write lock on SQLite), so indexes are assigned without gaps or forks even with many workers and hosts.
- One transaction holds a batch of records, their nodes, the new head and perhaps a checkpoint, and nothing
  else: there is nothing that could fail after the records are in, except the commit itself.
- Complete subtree nodes are stored as they complete, so a proof or root at any size is O(log n) lookups.
- The store never sees a field value: it receives canonical record bytes made from a `Verstrekking`.
- Only Core statements (no ORM objects): on the append path every statement counts. A batch is one query
  for the frontier nodes of the current size plus three statements whatever its size: lock and move the head
  (which also reads the latest checkpoint's size and time, kept on the head row under its lock), insert the
  records, insert the nodes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Connection, Engine, Integer, Select, Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from service.adapters.orm import CheckpointRow, LoghoofdRow, LogknoopRow, UTCDateTime, VerstrekkingRow
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
class Head:
    """The log head as the lock read it: the size, and the latest checkpoint's size and time (None: none yet)."""

    grootte: int
    checkpoint: tuple[int, dt.datetime] | None


@dataclass(frozen=True, slots=True)
class ProofBasis:
    leaf: tuple[bytes, str] | None  # leaf hash and requesting partner of the record, if it exists
    size: int
    covering: StoredCheckpoint | None  # the smallest checkpoint whose tree includes the record
    exact: StoredCheckpoint | None  # the checkpoint of exactly the asked tree size, if one was asked and exists


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
    .returning(_HOOFD.c.grootte, _HOOFD.c.checkpoint_grootte, _HOOFD.c.checkpoint_tijd)
)
_HEAD_CHECKPOINT = (
    update(_HOOFD)
    .where(_HOOFD.c.id == 1)
    .values(
        checkpoint_grootte=bindparam("cp_grootte", type_=Integer),
        checkpoint_tijd=bindparam("cp_tijd", type_=UTCDateTime()),
    )
)
_SET_HEAD = update(_HOOFD).where(_HOOFD.c.id == 1).values(grootte=bindparam("new_size", type_=Integer))
_INSERT_RECORDS = insert(_VERSTREKKINGEN)
_INSERT_NODES = insert(_KNOPEN)
# Formatted with integers only (`LogStore._plain_rows` runs them on the driver's cursor, without bound parameters).
_BLOCK = (
    "SELECT log_index, record, blad_hash FROM verstrekkingen"
    " WHERE log_index >= {start} ORDER BY log_index LIMIT {count}"
)
_RUN = (
    "SELECT positie, hash FROM logknopen"
    " WHERE niveau = {level} AND positie >= {first} AND positie < {end} ORDER BY positie"
)
_LEAF_NODE_MISMATCH = text(
    """
    SELECT min(v.log_index) FROM verstrekkingen AS v
    LEFT JOIN logknopen AS k ON k.niveau = 0 AND k.positie = v.log_index
    WHERE v.log_index < :size AND (k.hash IS NULL OR k.hash <> v.blad_hash)
    """
)
_NODES_POSTGRESQL = text(
    """
    SELECT k.niveau, k.positie, k.hash
    FROM unnest(CAST(:niveaus AS integer[]), CAST(:posities AS integer[])) AS w(niveau, positie)
    JOIN logknopen AS k ON k.niveau = w.niveau AND k.positie = w.positie
    """
)
_NODES_SQLITE = text(
    """
    SELECT k.niveau, k.positie, k.hash
    FROM json_each(:gezocht) AS w
    JOIN logknopen AS k ON k.niveau = json_extract(w.value, '$[0]') AND k.positie = json_extract(w.value, '$[1]')
    """
)
# The record's leaf and partner, the log's size, the checkpoint covering the record (c) and the one of exactly the
# asked tree size (e; none when no size is asked); on PostgreSQL also the wanted nodes, in the order asked (NULL
# where none is stored), so that a proof of a given size is one round trip.
_PROOF_BASIS_COLUMNS = """
    SELECT v.blad_hash, v.partner_id, h.grootte,
           c.grootte, c.wortel, c.tijd AS c_tijd, c.sleutel_id, c.notitie,
           e.grootte, e.wortel, e.tijd AS e_tijd, e.sleutel_id, e.notitie"""
_PROOF_BASIS_FROM = """
    FROM loghoofd AS h
    LEFT JOIN verstrekkingen AS v ON v.log_index = :index
    LEFT JOIN checkpoints AS c ON c.grootte = (SELECT min(grootte) FROM checkpoints WHERE grootte > :index)
    LEFT JOIN checkpoints AS e ON e.grootte = :boomgrootte
    WHERE h.id = 1
    """
_PROOF_BASIS = text(_PROOF_BASIS_COLUMNS + _PROOF_BASIS_FROM).columns(c_tijd=UTCDateTime(), e_tijd=UTCDateTime())
_NODES_IN_ORDER = """,
           ARRAY(
               SELECT k.hash
               FROM unnest(CAST(:niveaus AS integer[]), CAST(:posities AS integer[])) WITH ORDINALITY
                   AS w(niveau, positie, n)
               LEFT JOIN logknopen AS k ON k.niveau = w.niveau AND k.positie = w.positie
               ORDER BY w.n
           )"""
_PROOF_BASIS_POSTGRESQL = text(_PROOF_BASIS_COLUMNS + _NODES_IN_ORDER + _PROOF_BASIS_FROM).columns(
    c_tijd=UTCDateTime(), e_tijd=UTCDateTime()
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

    def missing(self, wanted: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Of `wanted`, the nodes not loaded yet, each once, in order."""
        return sorted({key for key in wanted if key not in self.written})

    def prefetch(self, wanted: Iterable[tuple[int, int]]) -> None:
        """Load the given nodes with one query (a proof needs ~2 log2(n) of them: one round trip, not 40).

        One fixed statement per dialect whatever the nodes (compiled and prepared once): the wanted (niveau,
        positie) pairs go in as arrays (PostgreSQL `unnest`) or as a JSON array (SQLite `json_each`), joined to
        the primary key.
        """
        missing = self.missing(wanted)
        if not missing:
            return
        if _dialect(self._session) == "postgresql":
            found = self._session.execute(_NODES_POSTGRESQL, _node_arrays(missing))
        else:
            found = self._session.execute(_NODES_SQLITE, {"gezocht": json.dumps(missing)})
        for level, position, value in found:
            self.written[(int(level), int(position))] = bytes(value)


class LogStore:
    """Reads and appends the log through a Session (a unit of work) or a Connection (the group-commit writer)."""

    def __init__(self, session: Session | Connection) -> None:
        self._session = session
        self._nodes = _Nodes(session)
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
        row = self._session.execute(_ADVANCE_HEAD, {"advance": advance}).first()
        if row is None:
            raise RuntimeError("the log head row is missing (run the migrations)")
        new_size, checkpoint_size, checkpoint_time = row
        kop = _head(int(new_size) - advance, checkpoint_size, checkpoint_time)
        self._claimed = (kop.grootte, advance)
        return kop

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
        """Store a signed checkpoint; the caller holds the append lock (`claim`), and the head records it."""
        self._session.execute(_HEAD_CHECKPOINT, {"cp_grootte": checkpoint.size, "cp_tijd": checkpoint.time})
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

    def head(self) -> Head:
        """The head as stored, without taking the lock."""
        row = self._session.execute(
            select(_HOOFD.c.grootte, _HOOFD.c.checkpoint_grootte, _HOOFD.c.checkpoint_tijd).where(_HOOFD.c.id == 1)
        ).first()
        if row is None:
            return Head(0, None)
        return _head(*row)

    def root(self, size: int) -> bytes:
        """The root at `size` from stored nodes. Raises LookupError when nodes are missing."""
        return root(self._nodes, size)

    @property
    def nodes(self) -> _Nodes:
        return self._nodes

    def latest_checkpoint(self) -> StoredCheckpoint | None:
        return self._one_checkpoint(select(*_CHECKPOINT_COLUMNS).order_by(_CHECKPOINTS.c.grootte.desc()).limit(1))

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

    def proof_basis(
        self, index: int, boomgrootte: int | None = None, nodes: Sequence[tuple[int, int]] = ()
    ) -> ProofBasis:
        """What an inclusion proof of record `index` starts from, in one statement: the record's leaf hash and
        requesting partner (None when there is no such record), the log's size, the checkpoint covering it and
        the one of exactly `boomgrootte`. On PostgreSQL the same statement loads `nodes` (as `prefetch`, which
        then has nothing left to read); elsewhere `prefetch` reads them (no round trip to save in process)."""
        params: dict[str, object] = {"index": index, "boomgrootte": boomgrootte}
        wanted = self._nodes.missing(nodes)
        if wanted and _dialect(self._session) == "postgresql":
            params.update(_node_arrays(wanted))
            blad, partner, size, *checkpoints, found = self._session.execute(_PROOF_BASIS_POSTGRESQL, params).one()
            for key, value in zip(wanted, found, strict=True):
                if value is not None:
                    self._nodes.written[key] = bytes(value)
        else:
            blad, partner, size, *checkpoints = self._session.execute(_PROOF_BASIS, params).one()
        covering = _checkpoint(checkpoints[:5]) if checkpoints[0] is not None else None
        exact = _checkpoint(checkpoints[5:]) if checkpoints[5] is not None else None
        leaf = (bytes(blad), str(partner)) if blad is not None else None
        return ProofBasis(leaf, int(size), covering, exact)

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

    # -- reading for `audit verify` (plain rows, no ORM types: a verify reads every row) ----------------------------

    def block(self, start: int, count: int) -> list[tuple[int, bytes, bytes]]:
        """(log_index, record, blad_hash) of up to `count` records from index `start` on, in log order.

        Keyset by index with LIMIT, so a missing index shows as a gap in the result rather than being skipped.
        """
        return self._plain_rows(_BLOCK.format(start=int(start), count=int(count)))

    def stored_run(self, level: int, first: int, count: int) -> list[tuple[int, bytes]]:
        """The stored nodes (positie, hash) of `level` at positions [first, first + count), in order."""
        return self._plain_rows(_RUN.format(level=int(level), first=int(first), end=int(first + count)))

    def _plain_rows(self, sql: str) -> list[Any]:
        """Rows straight from the driver's cursor (within this store's transaction): a verify reads every record
        and node, and SQLAlchemy's row objects cost as much as reading them. `sql` holds only integers. Both
        drivers give integers as int and blobs as bytes (psycopg's binary protocol: bytea as bytes; its text
        protocol would send hex, twice the time to read)."""
        connection = self._session if isinstance(self._session, Connection) else self._session.connection()
        driver: Any = connection.connection.dbapi_connection
        cursor = driver.cursor(binary=True) if connection.dialect.name == "postgresql" else driver.cursor()
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def node_counts(self) -> dict[int, int]:
        """How many nodes are stored per level."""
        rows = self._session.execute(select(_KNOPEN.c.niveau, func.count()).group_by(_KNOPEN.c.niveau))
        return {int(level): int(count) for level, count in rows}

    def first_leaf_node_mismatch(self, size: int) -> int | None:
        """The first index below `size` whose level-0 node is missing or differs from its stored leaf hash."""
        found = self._session.execute(_LEAF_NODE_MISMATCH, {"size": size}).scalar()
        return None if found is None else int(found)

    def first_column_mismatch(self, size: int) -> int | None:
        """The first index below `size` whose query columns differ from its record (or whose record is not a JSON
        object), found by the database's JSON functions in one statement; None when all agree.

        Raises:
            DBAPIError: the database could not read a record as JSON text (PostgreSQL stops at invalid UTF-8 or
                JSON; the caller then checks record by record).
        """
        postgresql = _dialect(self._session) == "postgresql"
        query = _COLUMN_MISMATCH_POSTGRESQL if postgresql else _COLUMN_MISMATCH_SQLITE
        found = self._session.execute(query, {"size": size}).scalar()
        return None if found is None else int(found)


@contextmanager
def proof_reader(engine: Engine) -> Iterator[LogStore]:
    """A store for proofs, reading in autocommit (no BEGIN and ROLLBACK round trips around two statements).

    Sound without a transaction: the head, the records and the nodes they complete are committed together, so
    a size read in one statement has all its nodes committed, and a node never changes once written.
    """
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        yield LogStore(connection)


@contextmanager
def snapshot(engine: Engine) -> Iterator[LogStore]:
    """A read-only store over one consistent snapshot (`read_snapshot`)."""
    with read_snapshot(engine) as connection:
        yield LogStore(connection)


@contextmanager
def read_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection reading one consistent snapshot (PostgreSQL: REPEATABLE READ; SQLite: an explicit read
    transaction), so a verify of a live log does not see records appended after it read the head. Always rolled
    back at the end."""
    options: dict[str, Any] = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as connection:
        transaction = connection.begin()
        try:
            driver: Any = connection.connection.dbapi_connection
            if engine.dialect.name == "sqlite" and not driver.in_transaction:
                # Python's sqlite3 opens no transaction for reads (each SELECT would see its own moment).
                connection.exec_driver_sql("BEGIN")
            yield connection
        finally:
            transaction.rollback()  # read only: nothing to commit, and an aborted transaction is fine too


# The record's time as `record_tijd` spells it, from the column: SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff" (UTC,
# `UTCDateTime`), PostgreSQL a timestamptz.
_COLUMN_MISMATCH_SQLITE = text(
    """
    SELECT min(log_index) FROM verstrekkingen
    WHERE log_index < :size AND (
        json_valid(CAST(record AS TEXT)) = 0
        OR json_type(CAST(record AS TEXT)) IS NOT 'object'
        OR json_extract(CAST(record AS TEXT), '$.id', '$.partner', '$.casus', '$.doel', '$.uitkomst', '$.tijd')
           IS NOT json_array(id, partner_id, casus_id, doel, uitkomst,
                             substr(tijd, 1, 10) || 'T' || substr(tijd, 12) || 'Z')
    )
    """
)
# One parse per record (json_to_record over the json type: a single pass, cheaper than jsonb). A record that is
# not a JSON object stops the statement with an error; the caller then checks record by record. json_to_record
# reads a value of another JSON type as its text; the service writes these six as strings (or casus as null).
_COLUMN_MISMATCH_POSTGRESQL = text(
    """
    SELECT min(v.log_index) FROM verstrekkingen AS v,
        json_to_record(convert_from(v.record, 'UTF8')::json)
            AS r(id text, partner text, casus text, doel text, uitkomst text, tijd text)
    WHERE v.log_index < :size
      AND (r.id, r.partner, r.casus, r.doel, r.uitkomst, r.tijd) IS DISTINCT FROM (
          v.id, v.partner_id, v.casus_id, v.doel, v.uitkomst,
          to_char(v.tijd AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
    """
)


def _dialect(session: Session | Connection) -> str:
    bind = session if isinstance(session, Connection) else session.get_bind()
    return bind.dialect.name


def _head(size: int, checkpoint_size: int, checkpoint_time: dt.datetime | None) -> Head:
    """The head from its row: no checkpoint time means no checkpoint yet."""
    return Head(int(size), (int(checkpoint_size), checkpoint_time) if checkpoint_time is not None else None)


def _node_arrays(keys: Sequence[tuple[int, int]]) -> dict[str, list[int]]:
    """(niveau, positie) pairs as the two arrays PostgreSQL's `unnest` joins to the primary key take."""
    return {"niveaus": [level for level, _ in keys], "posities": [position for _, position in keys]}


def _checkpoint(row: Sequence[Any]) -> StoredCheckpoint:
    grootte, wortel, tijd, sleutel_id, notitie = row
    return StoredCheckpoint(grootte, wortel, tijd, sleutel_id, notitie)

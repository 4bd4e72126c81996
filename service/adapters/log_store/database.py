"""How the log's users open its store: the seam between the service layer and the database engine.

The writer of the log and its checks (`service.service_layer.logboek`) never see the engine, a connection or a
SQLAlchemy error: they open a `LogDatabase`'s context managers and get stores.

Invariants:
- `writing`: the file lock beside a SQLite database (`write_lock`) is taken before the transaction begins and
  released after it ended; the transaction commits when the block is left normally and rolls back when it is
  left by an exception. A caller that returns from the block has its writes durable.
- `snapshot`: every read sees one consistent snapshot (PostgreSQL: REPEATABLE READ; SQLite: an explicit read
  transaction), so a verify of a live log does not see records appended after it read the head; always rolled
  back at the end, so nothing can be written through it.
- A database fault in any of them (opening, the caller's block, committing) leaves as
  `DatabaseNietBeschikbaarError`; the broken connection is discarded (`adapters.storingen`).
- `proof_reader`: autocommit reads (no BEGIN and ROLLBACK round trips around two statements). Sound without a
  transaction: the head, the records and the nodes they complete are committed together, so a size read in one
  statement has all its nodes committed, and a node never changes once written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine

from service.adapters.log_store.store import LogStore
from service.adapters.log_store.write_lock import WriteLock, lock_path
from service.adapters.storingen import vertaald
from service.adapters.verantwoording_store import VerantwoordingStore


@dataclass(frozen=True, slots=True)
class LogSnapshot:
    """The log and the FG's lookup tables derived from it, read in one consistent snapshot."""

    log: LogStore
    verantwoording: VerantwoordingStore


class LogDatabase:
    """The log's store factory over one engine (one per process: its write lock orders this process's writers)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._write_lock = WriteLock(lock_path(engine.url))

    @contextmanager
    def writing(self) -> Iterator[LogStore]:
        """A store in a transaction of its own, committed on leaving the block (see the module invariants)."""
        with vertaald(), self._write_lock, self._engine.begin() as connection:
            yield LogStore(connection)

    @contextmanager
    def snapshot(self) -> Iterator[LogSnapshot]:
        """The log and its lookup tables over one consistent, read-only snapshot."""
        with vertaald(), _read_snapshot(self._engine) as connection:
            yield LogSnapshot(LogStore(connection), VerantwoordingStore(connection))

    @contextmanager
    def proof_reader(self) -> Iterator[LogStore]:
        """A store for proofs, reading in autocommit."""
        with vertaald(), self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            yield LogStore(connection)


@contextmanager
def _read_snapshot(engine: Engine) -> Iterator[Connection]:
    """A connection reading one consistent snapshot (see `LogDatabase.snapshot`). Always rolled back at the end."""
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

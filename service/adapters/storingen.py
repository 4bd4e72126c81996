"""Database faults: which errors are the database's state rather than the code's, which connections they leave
unusable, and the domain error they become (`DatabaseNietBeschikbaarError`, answered 503 with Retry-After).

A fault: the connection was lost, refused or terminated; the database is read-only, locked beyond the busy
timeout, full, corrupt or failing on disk; the pool has no connection to give within its timeout. Not a fault:
a programming error (a missing table or column, bad SQL, a constraint the code should have checked), which stays
what it is and is answered 500.

Invariants:
- `is_storing` decides by the error's class and code (SQLite's result code, PostgreSQL's SQLSTATE), never by its
  message, which may hold values; nothing here logs or passes on that message.
- `verwerp_kapotte_verbinding` (the engine's `handle_error`) marks a connection that failed with a fault that may
  outlive the statement (SQLite read-only, I/O, corrupt, cannot open; PostgreSQL's connection and shutdown
  codes) as disconnected: SQLAlchemy then discards it and every connection the pool holds from before, so the
  next checkout opens a new one. A busy or locked database keeps its connections.
- `vertaald()` re-raises a fault as `DatabaseNietBeschikbaarError` chained to it, and any other error unchanged.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

import structlog
from sqlalchemy.engine import ExceptionContext
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from service.domain.errors import DatabaseNietBeschikbaarError

log = structlog.get_logger("deelpoort.database")

MELDING = "the database is not available now; nothing was disclosed; retry later"

# SQLite's primary result codes (the low byte of the extended code) that are faults, and those that leave the
# connection itself unusable or suspect (a read-only open stays read-only; a disk or file error may persist).
_SQLITE_STORINGEN = frozenset(
    {
        sqlite3.SQLITE_BUSY,
        sqlite3.SQLITE_LOCKED,
        sqlite3.SQLITE_NOMEM,
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_FULL,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_PROTOCOL,
        sqlite3.SQLITE_NOTADB,
    }
)
_SQLITE_VERWERPEN = frozenset(
    {
        sqlite3.SQLITE_READONLY,
        sqlite3.SQLITE_IOERR,
        sqlite3.SQLITE_CORRUPT,
        sqlite3.SQLITE_CANTOPEN,
        sqlite3.SQLITE_NOTADB,
    }
)
# PostgreSQL SQLSTATEs that are faults: classes 08 (connection), 40 (serialization failure, deadlock: retry),
# 53 (insufficient resources: disk full, out of memory, too many connections), 57 (operator intervention:
# terminated, shut down, starting up, statement timeout), 58 (system and I/O errors); and lock_not_available,
# read_only_sql_transaction (a standby after failover).
_PG_KLASSEN = ("08", "40", "53", "57", "58")
_PG_CODES = frozenset({"55P03", "25006"})
# Those that end the session on the server: the connection is of no more use.
_PG_VERWERPEN_KLASSEN = ("08",)
_PG_VERWERPEN_CODES = frozenset({"57P01", "57P02", "57P03"})


def is_storing(exc: BaseException) -> bool:
    """True when `exc` is a database fault (see the module), False for anything else (a bug stays a bug)."""
    if isinstance(exc, PoolTimeoutError):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        return _sqlite_code(orig) in _SQLITE_STORINGEN
    sqlstate = _sqlstate(orig)
    if sqlstate is None:  # the driver's own: a connection refused, closed or lost before the server answered
        return _is_operational(orig)
    return sqlstate.startswith(_PG_KLASSEN) or sqlstate in _PG_CODES


def verwerp_kapotte_verbinding(context: ExceptionContext) -> None:
    """The engine's `handle_error` listener: a fault that may outlive its statement discards the connection
    (and, SQLAlchemy's default, the pool's older ones); see the module invariants."""
    if context.is_disconnect or context.is_pre_ping:
        return  # already discarded by the dialect, or a pre-ping: the pool reconnects by itself
    orig = context.original_exception
    if isinstance(orig, sqlite3.Error):
        verwerpen = _sqlite_code(orig) in _SQLITE_VERWERPEN
    else:
        sqlstate = _sqlstate(orig)
        verwerpen = sqlstate is not None and (
            sqlstate.startswith(_PG_VERWERPEN_KLASSEN) or sqlstate in _PG_VERWERPEN_CODES
        )
    if verwerpen:
        context.is_disconnect = True


@contextmanager
def vertaald() -> Iterator[None]:
    """Run the block; a database fault leaving it becomes `DatabaseNietBeschikbaarError`.

    Raises:
        DatabaseNietBeschikbaarError: the block raised a database fault (chained to it).
    """
    try:
        yield
    except (DBAPIError, PoolTimeoutError) as exc:
        storing = als_storing(exc)
        if storing is None:
            raise
        raise storing from exc


def als_storing(exc: BaseException | None) -> DatabaseNietBeschikbaarError | None:
    """The domain error to raise instead of `exc` when it is a database fault (reported to operators), else None."""
    if exc is None or not is_storing(exc):
        return None
    meld(exc)
    return DatabaseNietBeschikbaarError(MELDING)


def meld(exc: BaseException) -> None:
    """Tell operators a fault happened: its kind and code only (never the message). Never raises."""
    orig = exc.orig if isinstance(exc, DBAPIError) else exc
    code = _sqlite_code(orig) if isinstance(orig, sqlite3.Error) else _sqlstate(orig)
    with contextlib.suppress(Exception):
        log.warning("database_storing", error_type=type(orig).__name__, code=code)


def _sqlite_code(error: sqlite3.Error) -> int:
    return int(getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF


def _sqlstate(error: BaseException | None) -> str | None:
    sqlstate = getattr(error, "sqlstate", None)
    return sqlstate if isinstance(sqlstate, str) and sqlstate else None


def _is_operational(error: BaseException | None) -> bool:
    """A DBAPI OperationalError of any driver (PEP 249 names the class; drivers subclass it)."""
    return any(kind.__name__ == "OperationalError" for kind in type(error).__mro__)

"""Engine creation. Called by the composition root, never at import.

Invariants:
- A SQLite connection is read-write or is not made: SQLite silently opens a file it may not write read-only
  (also with `mode=rw`), and such a connection, pooled, would refuse every later write even after the file is
  writable again. So each new connection proves it can write (`_kan_schrijven`) or fails with SQLite's own
  SQLITE_READONLY, a fault (`storingen`). Only a URL that asks for read-only (`mode=ro`, a read-only copy for
  `audit verify`) or an in-memory database skips the proof.
- A connection that failed with a lasting fault is discarded with the pool's older ones (`storingen`); on
  PostgreSQL a connection is also pinged before each checkout (`pool_pre_ping`), so one terminated while idle
  is replaced before it is used.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from service.adapters.storingen import verwerp_kapotte_verbinding

BUSY_TIMEOUT_MS = 30000


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for `url`: SQLite with foreign keys, WAL and full sync, read-write or nothing; PostgreSQL via
    psycopg 3. Both discard connections broken by a fault (see the module).

    The SQLite file's directory is created when missing (the instance folder).
    """
    parsed = make_url(url)
    if parsed.drivername.startswith("sqlite"):
        if parsed.database and not parsed.database.startswith("file:"):
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas_schrijvend if _schrijvend(parsed) else _sqlite_pragmas)
    else:
        engine = create_engine(url, pool_pre_ping=True, **kwargs)
    event.listen(engine, "handle_error", verwerp_kapotte_verbinding)
    return engine


def _schrijvend(url: URL) -> bool:
    """Whether connections to this SQLite URL must be able to write (not in memory, not asked read-only)."""
    database = url.database or ""
    if database in ("", ":memory:") or url.query.get("mode") in ("ro", "memory"):
        return False
    return not ("mode=ro" in database or "mode=memory" in database)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")  # a committed record survives power loss
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_pragmas_schrijvend(dbapi_connection: Any, record: Any) -> None:
    _sqlite_pragmas(dbapi_connection, record)
    try:
        _kan_schrijven(dbapi_connection)
    except BaseException:
        dbapi_connection.close()  # never pooled: the pool drops the record, this closes the file
        raise


def _kan_schrijven(dbapi_connection: Any) -> None:
    """Prove a new connection may write: rewrite the header's user_version with its own value in a transaction
    that is rolled back (nothing reaches the file). Without waiting: SQLITE_BUSY means another connection holds
    the write lock, which a read-only connection is refused before it ever asks for (it gets SQLITE_READONLY),
    so busy proves writable too, and a connection opened while this thread holds the lock cannot deadlock.

    Raises:
        sqlite3.OperationalError: SQLITE_READONLY (the file, its directory or the mount is read-only), or
            another error of the database.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA busy_timeout=0")
        cursor.execute("BEGIN")
        try:
            versie = int(cursor.execute("PRAGMA user_version").fetchone()[0])
            cursor.execute(f"PRAGMA user_version={versie}")
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF != sqlite3.SQLITE_BUSY:
                raise
        finally:
            if dbapi_connection.in_transaction:
                cursor.execute("ROLLBACK")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    finally:
        cursor.close()

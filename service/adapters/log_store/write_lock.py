"""Ordering the verstrekking log's writers on one SQLite file: a blocking file lock beside the database.

SQLite admits one writer at a time. A second one gets SQLITE_BUSY and its busy handler sleeps and retries
(1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50, 100 ms, ...), so with several gunicorn workers a group-commit leader
that finds another worker's batch in progress often sleeps tens of milliseconds for a write that takes one or
two. Taking an exclusive `flock` on `<database>-loglock` around the write transaction queues the leaders in the
kernel instead: a waiter wakes as soon as the holder lets go.

Invariants:
- The lock orders writers; it is not what makes the log correct. The log head row's update (SQLite's write lock,
  with its busy_timeout) still serialises every append, so a writer that does not take this lock (a beheer
  transaction, another tool, a process that could not open the file) is as safe as before, only slower.
- Held only around one transaction, released on leaving the `with` block whatever happened inside it; the kernel
  releases it when the holding process dies. Within a process, threads take it one at a time too.
- Waiting is unbounded, as for PostgreSQL's row lock on the head: the holder's own work is bounded by SQLite's
  busy_timeout and the connection pool's timeout.
- No lock file where none can serve (PostgreSQL, an in-memory database) or be opened (a read-only directory):
  then taking the lock does nothing and SQLite's busy handler orders the writers, as before. Whether a record is
  written, and so whether anything is disclosed, never depends on this lock.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import threading
from pathlib import Path
from types import TracebackType

import structlog
from sqlalchemy.engine import URL

log = structlog.get_logger("deelpoort.log")

SUFFIX = "-loglock"


def lock_path(url: URL) -> Path | None:
    """The lock file for the database at `url`: beside a SQLite file, none for anything else."""
    if not url.drivername.startswith("sqlite"):
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:") or url.query.get("mode") == "memory":
        return None
    return Path(database + SUFFIX)


class WriteLock:
    """An exclusive lock shared by every process writing the log of one SQLite database (see the module).

    The file is opened for each transaction and closed after it (a few microseconds against a transaction's
    disk sync): no descriptor outlives its use, and a forked process never shares one with its parent.
    """

    def __init__(self, path: Path | None) -> None:
        self._path = path
        self._threads = threading.Lock()
        self._fd: int | None = None
        self._reported = False

    @property
    def path(self) -> Path | None:
        return self._path

    def __enter__(self) -> WriteLock:
        self._threads.acquire()
        if self._path is None:
            return self
        try:
            self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except OSError as exc:  # the order falls back to SQLite's busy handler; correctness does not change
            self._close()
            if not self._reported:
                self._reported = True
                _report(self._path, exc)
        except BaseException:
            self._close()
            self._threads.release()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self._close()  # closing the only descriptor of the open file releases the lock
        finally:
            self._threads.release()

    def _close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


def _report(path: Path, exc: OSError) -> None:
    with contextlib.suppress(Exception):
        log.warning("log_write_lock_unavailable", path=str(path), error=type(exc).__name__)

"""Real database faults for the tests of `tests/storingen/`: PostgreSQL connections terminated by the server
(`pg_terminate_backend` from a second connection, waiting until the backend has ended), exactly at a chosen
statement of the app (a SQLAlchemy event, not a sleep); a SQLite file that cannot be written, also by root."""

from __future__ import annotations

import contextlib
import os
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import Engine, event
from sqlalchemy.engine import make_url

TERMINEER = "SELECT pg_terminate_backend(%s, 5000)"  # the timeout: returns once the backend has ended
TERMINEER_ALLE = (
    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
)


class Afbreker:
    """A second connection to the server (to its maintenance database, never the app's) that terminates the
    app's connections: one by its backend pid, or all of the app's database at once."""

    def __init__(self, app_url: str) -> None:
        url = make_url(app_url)
        self.database = url.database or ""
        beheer = url.set(drivername="postgresql", database="postgres", query={})
        self._verbinding = psycopg.connect(beheer.render_as_string(hide_password=False), autocommit=True)
        self._slot = threading.Lock()

    def beeindig(self, pid: int) -> None:
        with self._slot:
            self._verbinding.execute(TERMINEER, (pid,))

    def beeindig_alle(self) -> int:
        """Terminate every connection to the app's database; how many there were."""
        with self._slot:
            row = self._verbinding.execute(TERMINEER_ALLE, (self.database,)).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self._verbinding.close()


@dataclass
class Valstrik:
    """Terminates the app's connection once, at the first statement containing `fragment` (before it runs), or,
    with `bij_rollback`, at the first rollback after such a statement ran (the unit of work's exit).
    `gesprongen` says whether it fired: a test asserts it did, so a renamed table cannot make it pass vacuously."""

    engine: Engine
    afbreker: Afbreker
    fragment: str
    bij_rollback: bool = False
    gesprongen: bool = False
    _gezien: bool = field(default=False, init=False)

    def __enter__(self) -> Valstrik:
        event.listen(self.engine, "before_cursor_execute", self._voor_statement)
        event.listen(self.engine, "rollback", self._voor_rollback)
        return self

    def __exit__(self, *_exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._voor_statement)
        event.remove(self.engine, "rollback", self._voor_rollback)

    def _voor_statement(self, conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        if self.gesprongen or self.fragment not in statement:
            return
        if self.bij_rollback:
            self._gezien = True
        else:
            self._spring(conn)

    def _voor_rollback(self, conn: Any) -> None:
        if self.bij_rollback and self._gezien and not self.gesprongen:
            self._spring(conn)

    def _spring(self, conn: Any) -> None:
        self.gesprongen = True
        self.afbreker.beeindig(conn.connection.dbapi_connection.info.backend_pid)


@contextlib.contextmanager
def onbeschrijfbaar(bestand: Path) -> Iterator[None]:
    """`bestand` cannot be opened for writing by this process until the block ends, also when it runs as root
    (root ignores file permissions: then the immutable attribute, `chattr +i`, which binds root too). Checked
    with access(2) before the block, so a method that does not work here fails the test instead of passing it."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(bestand)], check=True)

        def herstel() -> None:
            subprocess.run(["chattr", "-i", str(bestand)], check=True)
    else:
        modus = bestand.stat().st_mode
        bestand.chmod(0o444)

        def herstel() -> None:
            bestand.chmod(modus)

    try:
        assert not os.access(bestand, os.W_OK), f"{bestand} is still writable: this method does not work here"
        yield
    finally:
        herstel()
    assert os.access(bestand, os.W_OK)

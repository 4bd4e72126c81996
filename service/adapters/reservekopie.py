"""Copying the database out (a backup) and back in (a restore): SQLite through its online backup API,
PostgreSQL through `pg_dump -Fc` and `pg_restore` of the server's major version.

Invariants:
- A backup is one consistent moment, and what it says about itself (`Momentopname`: schema revision, log size,
  latest checkpoint) is read from that same moment: on SQLite from the copy itself, on PostgreSQL in the
  transaction whose snapshot `pg_dump --snapshot` dumps. Writers keep running meanwhile.
- No key material is in a backup (it is not in the database); `herstelstatus` is not in a PostgreSQL dump.
- A restore never leaves a half-restored database without the mark "herstel bezig": SQLite's copy is written
  and marked beside the target and then renamed over it; PostgreSQL's mark is committed first and `pg_restore`
  runs as one transaction (all or nothing) in which the mark's table is not touched.
- The password of a PostgreSQL URL goes to the tools in their environment (PGPASSWORD), never on a command line.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, inspect, text

from service.adapters import herstelmarkering
from service.adapters.journaalbestand import fsync_map
from service.adapters.log_store import LogStore, StoredCheckpoint

SQLITE_BESTAND = "deelpoort.sqlite3"
POSTGRESQL_BESTAND = "deelpoort.dump"


class ReservekopieError(Exception):
    """A backup or restore step failed; the message says which and why (never a password)."""


@dataclass(frozen=True, slots=True)
class Momentopname:
    """What a backup holds, read at its own moment."""

    schema_revisie: str | None
    log_grootte: int
    checkpoint: StoredCheckpoint | None


def soort(engine: Engine) -> str:
    """ "sqlite" or "postgresql"."""
    return "postgresql" if engine.dialect.name == "postgresql" else "sqlite"


def _lees(connection: Connection) -> Momentopname:
    revisie = None
    if inspect(connection).has_table("alembic_version"):
        revisie = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    store = LogStore(connection)
    return Momentopname(revisie, store.size(), store.latest_checkpoint())


def leeg(engine: Engine) -> bool:
    """True when the database holds no table but the restore mark's (a new, empty database)."""
    with engine.connect() as connection:
        tabellen = set(inspect(connection).get_table_names()) - {herstelmarkering.TABEL.name}
    return not tabellen


# -- backup ------------------------------------------------------------------------------------------------------


def maak(engine: Engine, map_: Path) -> tuple[Path, Momentopname]:
    """Write a consistent copy of the database into the directory `map_`; returns its file and what it holds.

    Raises:
        ReservekopieError: the copy could not be made.
    """
    if soort(engine) == "sqlite":
        return _maak_sqlite(engine, map_ / SQLITE_BESTAND)
    return _maak_postgresql(engine, map_ / POSTGRESQL_BESTAND)


def _sqlite_pad(engine: Engine) -> Path:
    if not engine.url.database:
        raise ReservekopieError("the SQLite database has no file")
    return Path(engine.url.database)


def _maak_sqlite(engine: Engine, doel: Path) -> tuple[Path, Momentopname]:
    _kopieer_sqlite(sqlite3.connect(_sqlite_pad(engine), timeout=30), doel, "the SQLite online backup failed")
    lezer = create_engine(f"sqlite:///{doel}")
    try:
        with lezer.connect() as connection:
            return doel, _lees(connection)
    finally:
        lezer.dispose()


def _maak_postgresql(engine: Engine, doel: Path) -> tuple[Path, Momentopname]:
    pg_dump = programma("pg_dump", engine)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as connection:
        transactie = connection.begin()
        try:
            snapshot = str(connection.execute(text("SELECT pg_export_snapshot()")).scalar())
            moment = _lees(connection)
            _voer_uit(
                [
                    str(pg_dump),
                    "--format=custom",
                    f"--snapshot={snapshot}",
                    f"--exclude-table={herstelmarkering.TABEL.name}",
                    "--no-owner",
                    f"--file={doel}",
                    f"--dbname={_libpq(engine)}",
                ],
                engine,
            )
        finally:
            transactie.rollback()
    return doel, moment


# -- restore -----------------------------------------------------------------------------------------------------


def zet_terug(engine: Engine, bestand: Path, *, backup_tijd: str, nu: dt.datetime, vervang: bool) -> None:
    """Replace the database's contents with the backup `bestand`, leaving it marked "herstel bezig".

    The caller has checked that the target may be replaced (empty, marked, or `vervang`) and that no service uses
    it. The engine's pooled connections are closed first and afterwards.

    Raises:
        ReservekopieError: the restore failed (SQLite: the target is untouched; PostgreSQL: the dump's
            transaction rolled back, the mark stays set).
    """
    engine.dispose()
    if soort(engine) == "sqlite":
        _zet_terug_sqlite(_sqlite_pad(engine), bestand, backup_tijd, nu)
    else:
        with engine.begin() as connection:
            herstelmarkering.markeer(connection, backup_tijd, nu)
        argumenten = [str(programma("pg_restore", engine)), "--single-transaction", "--exit-on-error", "--no-owner"]
        if vervang:
            argumenten += ["--clean", "--if-exists"]
        _voer_uit([*argumenten, f"--dbname={_libpq(engine)}", str(bestand)], engine)
    engine.dispose()


def _zet_terug_sqlite(doel: Path, bestand: Path, backup_tijd: str, nu: dt.datetime) -> None:
    tijdelijk = doel.with_name(doel.name + ".herstel")
    tijdelijk.unlink(missing_ok=True)
    bron = sqlite3.connect(f"file:{bestand}?mode=ro", uri=True)
    _kopieer_sqlite(bron, tijdelijk, "the backup's SQLite file cannot be read", controleer=True)
    lezer = create_engine(f"sqlite:///{tijdelijk}")
    try:
        with lezer.begin() as connection:
            herstelmarkering.markeer(connection, backup_tijd, nu)
    finally:
        lezer.dispose()
    if doel.exists():
        # Empty the old file's WAL into it, so no stale WAL is left to be applied to the file renamed over it.
        with contextlib.closing(sqlite3.connect(doel, timeout=30)) as oud:
            oud.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.replace(tijdelijk, doel)
    for achtervoegsel in ("-wal", "-shm"):
        Path(f"{doel}{achtervoegsel}").unlink(missing_ok=True)
    fsync_map(doel.parent)


def _kopieer_sqlite(bron: sqlite3.Connection, doel: Path, fout: str, *, controleer: bool = False) -> None:
    """Copy the open database `bron` into the new file `doel` with the online backup API (every page in one step:
    one read transaction, one consistent moment), checking the copy's integrity when asked; closes both.

    Raises:
        ReservekopieError: `fout` with SQLite's reason, or a copy that fails its integrity check.
    """
    kopie = sqlite3.connect(doel)
    try:
        bron.backup(kopie)
        if controleer and kopie.execute("PRAGMA integrity_check").fetchone() != ("ok",):
            raise ReservekopieError("the backup's SQLite file fails its integrity check")
    except sqlite3.Error as exc:
        raise ReservekopieError(f"{fout}: {exc}") from None
    finally:
        kopie.close()
        bron.close()


# -- the PostgreSQL client tools ----------------------------------------------------------------------------------


def programma(naam: str, engine: Engine) -> Path:
    """`pg_dump` or `pg_restore` of the server's major version (Debian: /usr/lib/postgresql/N/bin), or one on
    the PATH at least as new.

    Raises:
        ReservekopieError: none fits.
    """
    with engine.connect() as connection:
        major = int(str(connection.execute(text("SHOW server_version_num")).scalar())) // 10000
    kandidaat = Path(f"/usr/lib/postgresql/{major}/bin/{naam}")
    if kandidaat.exists():
        return kandidaat
    gevonden = shutil.which(naam)
    if gevonden is not None:
        uitvoer = subprocess.run([gevonden, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
        versie = re.search(r"(\d+)(?:\.\d+)+", uitvoer.stdout)
        if versie is not None and int(versie.group(1)) >= major:
            return Path(gevonden)
    raise ReservekopieError(f"no {naam} of PostgreSQL {major} or newer: install the client tools of the server")


def _libpq(engine: Engine) -> str:
    """The engine's URL as libpq takes it, without the password."""
    return engine.url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)


def _voer_uit(argumenten: list[str], engine: Engine) -> None:
    omgeving = dict(os.environ)
    if engine.url.password is not None:
        omgeving["PGPASSWORD"] = str(engine.url.password)
    uitslag = subprocess.run(argumenten, capture_output=True, text=True, env=omgeving, check=False)  # noqa: S603
    if uitslag.returncode != 0:
        naam = Path(argumenten[0]).name
        raise ReservekopieError(f"{naam} failed (exit {uitslag.returncode}): {uitslag.stderr.strip()[-500:]}")

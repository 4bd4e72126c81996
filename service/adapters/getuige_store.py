"""The witness's (getuige's) own storage: one SQLite file, never Deelpoort's database.

Two tables, created when the store is opened (the witness has no migrations; `SCHEMA_VERSIE` is kept in
SQLite's ``PRAGMA user_version`` and a file of another version is refused):

- ``getuige_checkpoint``: per log origin, the latest checkpoint the witness cosigned: size, root, the log's
  signed note (note text, blank line, the log's signature lines), the witness's cosignature line and its time.
- ``getuige_bewijs``: validly signed checkpoints the witness refused because they contradict what it cosigned
  (C2SP tlog-witness: "might be proof of log misbehavior"), as received, with the stored size and root at the
  time. At most `MAX_BEWIJS` per origin: the first ones are kept (the earliest proof of a fork is the one that
  matters, and a misbehaving log cannot push it out); repeats of the same request are stored once.

Invariants:
- Every write transaction starts with ``BEGIN IMMEDIATE``: it holds SQLite's write lock from its first read, so
  reading the stored size, deciding and writing the new checkpoint are one atomic step across threads and
  processes (the rollback race of tlog-witness cannot happen). Committed with ``synchronous=FULL`` before the
  caller answers.
- Reads outside a write see one committed state (a deferred transaction, rolled back).
- Failures of the storage raise `GetuigeOpslagError` (never a SQLAlchemy error past this module).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from service.adapters.database import make_engine

SCHEMA_VERSIE = 1
MAX_BEWIJS = 100
_LEZEN = "getuige_lezen"

metadata = MetaData()

checkpoints = Table(
    "getuige_checkpoint",
    metadata,
    Column("origin", Text, primary_key=True),
    Column("grootte", Integer, nullable=False),
    Column("wortel", LargeBinary(32), nullable=False),
    Column("notitie", Text, nullable=False),
    Column("cosignatuur", Text, nullable=False),
    Column("tijdstip", Integer, nullable=False),
)

bewijzen = Table(
    "getuige_bewijs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("origin", Text, nullable=False),
    Column("reden", String(40), nullable=False),
    Column("oude_grootte", Integer, nullable=False),
    Column("bewijs", Text, nullable=False),
    Column("notitie", Text, nullable=False),
    Column("opgeslagen_grootte", Integer, nullable=False),
    Column("opgeslagen_wortel", LargeBinary(32), nullable=False),
    Column("tijdstip", Integer, nullable=False),
    Column("vingerafdruk", LargeBinary(32), nullable=False),
    UniqueConstraint("origin", "vingerafdruk"),
)


class GetuigeOpslagError(Exception):
    """The witness's storage cannot be opened, read or written, or is of another schema version."""


@dataclass(frozen=True, slots=True)
class GecosigneerdCheckpoint:
    """A stored latest cosigned checkpoint (see the table ``getuige_checkpoint``)."""

    origin: str
    grootte: int
    wortel: bytes
    notitie: str
    cosignatuur: str
    tijdstip: int


@dataclass(frozen=True, slots=True)
class Bewijs:
    """A refused, validly signed checkpoint kept as evidence (see the table ``getuige_bewijs``); `bewijs` is the
    consistency proof as its request's base64 lines."""

    origin: str
    reden: str
    oude_grootte: int
    bewijs: str
    notitie: str
    opgeslagen_grootte: int
    opgeslagen_wortel: bytes
    tijdstip: int


class GetuigeTransactie:
    """Reads and writes inside one ``BEGIN IMMEDIATE`` transaction (from `GetuigeStore.schrijvend`)."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def laatste(self, origin: str) -> GecosigneerdCheckpoint | None:
        """The latest cosigned checkpoint of `origin`, None when none."""
        return _laatste(self._connection, origin)

    def bewaar(self, checkpoint: GecosigneerdCheckpoint) -> None:
        """Make `checkpoint` the latest cosigned one of its origin."""
        waarden = {
            "grootte": checkpoint.grootte,
            "wortel": checkpoint.wortel,
            "notitie": checkpoint.notitie,
            "cosignatuur": checkpoint.cosignatuur,
            "tijdstip": checkpoint.tijdstip,
        }
        gewijzigd = self._connection.execute(
            update(checkpoints).where(checkpoints.c.origin == checkpoint.origin).values(**waarden)
        )
        if gewijzigd.rowcount == 0:
            self._connection.execute(insert(checkpoints).values(origin=checkpoint.origin, **waarden))

    def bewaar_bewijs(self, bewijs: Bewijs) -> bool:
        """Keep `bewijs` unless its origin has `MAX_BEWIJS` already or the same request is kept; True if kept."""
        aantal = self._connection.execute(
            select(func.count()).select_from(bewijzen).where(bewijzen.c.origin == bewijs.origin)
        ).scalar_one()
        vingerafdruk = hashlib.sha256(f"{bewijs.oude_grootte}\n{bewijs.bewijs}\n{bewijs.notitie}".encode()).digest()
        if aantal >= MAX_BEWIJS:
            return False
        gevonden = self._connection.execute(
            select(bewijzen.c.id).where(bewijzen.c.origin == bewijs.origin, bewijzen.c.vingerafdruk == vingerafdruk)
        ).first()
        if gevonden is not None:
            return False
        self._connection.execute(insert(bewijzen).values(vingerafdruk=vingerafdruk, **_velden(bewijs)))
        return True


class GetuigeStore:
    """The witness's SQLite file. One per process; safe to share between its threads."""

    def __init__(self, path: Path) -> None:
        """Open (creating when missing) the storage file at `path` and its tables.

        Raises:
            GetuigeOpslagError: The file cannot be opened or created, or holds another schema version.
        """
        self.path = path
        try:
            self._engine = make_engine(f"sqlite:///{path}")  # creates the file's directory when missing
        except OSError as exc:
            raise GetuigeOpslagError(f"{path}: cannot create its directory ({type(exc).__name__})") from None
        event.listen(self._engine, "connect", _zelf_transacties)
        event.listen(self._engine, "begin", _begin)
        try:
            with self._engine.begin() as connection:
                versie = connection.exec_driver_sql("PRAGMA user_version").scalar_one()
                if versie not in (0, SCHEMA_VERSIE):
                    raise GetuigeOpslagError(f"{path}: schema version {versie}, this witness knows {SCHEMA_VERSIE}")
                metadata.create_all(connection)
                connection.exec_driver_sql(f"PRAGMA user_version = {SCHEMA_VERSIE}")
        except SQLAlchemyError as exc:
            self._engine.dispose()
            raise GetuigeOpslagError(f"{path}: cannot open the witness storage ({type(exc).__name__})") from None
        except GetuigeOpslagError:
            self._engine.dispose()
            raise

    @contextmanager
    def schrijvend(self) -> Iterator[GetuigeTransactie]:
        """A ``BEGIN IMMEDIATE`` transaction, committed when the block ends normally, else rolled back.

        Raises:
            GetuigeOpslagError: The storage failed (nothing was written).
        """
        try:
            with self._engine.begin() as connection:
                yield GetuigeTransactie(connection)
        except SQLAlchemyError as exc:
            raise GetuigeOpslagError(f"witness storage failed ({type(exc).__name__})") from None

    def laatste(self, origin: str) -> GecosigneerdCheckpoint | None:
        """The latest cosigned checkpoint of `origin` (read without the write lock), None when none.

        Raises:
            GetuigeOpslagError: The storage failed.
        """
        with self._lezend() as connection:
            return _laatste(connection, origin)

    def bewijzen(self, origin: str) -> list[Bewijs]:
        """The evidence kept for `origin`, oldest first.

        Raises:
            GetuigeOpslagError: The storage failed.
        """
        with self._lezend() as connection:
            rows = connection.execute(
                select(*(bewijzen.c[naam] for naam in Bewijs.__slots__))
                .where(bewijzen.c.origin == origin)
                .order_by(bewijzen.c.id)
            ).all()
        return [Bewijs(*row) for row in rows]

    @contextmanager
    def _lezend(self) -> Iterator[Connection]:
        """A connection in a deferred (read) transaction, rolled back at the end."""
        try:
            with self._engine.connect().execution_options(**{_LEZEN: True}) as connection, connection.begin():
                yield connection
        except SQLAlchemyError as exc:
            raise GetuigeOpslagError(f"witness storage failed ({type(exc).__name__})") from None

    def sluit(self) -> None:
        """Close the file's connections."""
        self._engine.dispose()


def _laatste(connection: Connection, origin: str) -> GecosigneerdCheckpoint | None:
    row = connection.execute(
        select(*(checkpoints.c[naam] for naam in GecosigneerdCheckpoint.__slots__)).where(
            checkpoints.c.origin == origin
        )
    ).first()
    return None if row is None else GecosigneerdCheckpoint(*row)


def _velden(bewijs: Bewijs) -> dict[str, Any]:
    return {naam: getattr(bewijs, naam) for naam in Bewijs.__slots__}


def _zelf_transacties(dbapi_connection: Any, _record: Any) -> None:
    """Python's sqlite3 would open transactions itself (deferred, and only before writes); let `_begin` do it."""
    dbapi_connection.isolation_level = None


def _begin(connection: Connection) -> None:
    """``BEGIN IMMEDIATE`` for every transaction, but a deferred ``BEGIN`` for the read-only ones."""
    connection.exec_driver_sql("BEGIN" if connection.get_execution_options().get(_LEZEN) else "BEGIN IMMEDIATE")

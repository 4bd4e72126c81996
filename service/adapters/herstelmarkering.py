"""The restore mark "herstel bezig" in the database (`herstelstatus`): set, asked, cleared.

Invariants:
- The mark is a row of its own table, which `pg_dump` leaves out of every backup (`reservekopie`): a PostgreSQL
  restore sets it before `pg_restore` runs and `pg_restore` never touches it.
- A database without the table (not migrated yet, or older than revision 0024) has no restore in progress.
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from sqlalchemy import Connection, Engine, Table, delete, func, inspect, select

from service.adapters.orm import HerstelstatusRow

TABEL = cast(Table, HerstelstatusRow.__table__)


def bezig(engine: Engine) -> bool:
    """True while the mark is set.

    Raises:
        sqlalchemy.exc.SQLAlchemyError: the database cannot be asked.
    """
    with engine.connect() as connection:
        if not inspect(connection).has_table(TABEL.name):
            return False
        return bool(connection.execute(select(func.count()).select_from(TABEL)).scalar())


def markeer(connection: Connection, backup_tijd: str, nu: dt.datetime) -> None:
    """Set the mark in the caller's transaction (creating the table when the database has none yet)."""
    TABEL.create(connection, checkfirst=True)
    connection.execute(delete(TABEL))
    connection.execute(TABEL.insert().values(id=1, begonnen_op=nu, backup_tijd=backup_tijd))


def wis(engine: Engine) -> None:
    """Clear the mark: the restore has finished."""
    with engine.begin() as connection:
        connection.execute(delete(TABEL))

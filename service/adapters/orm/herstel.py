"""The restore mark: while a row is here, `deelpoort restore` has not finished and the service refuses to start."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class HerstelstatusRow(Base):
    """ "Herstel bezig": a restore began at `begonnen_op` from the backup made at `backup_tijd` and has not yet
    re-applied every destruction and passed the audit check. At most one row (id 1).

    Never in a backup: `deelpoort backup` refuses while the mark is set, and `pg_dump` leaves this table out, so a
    PostgreSQL restore can set the mark before the dump's tables arrive and keep it through `pg_restore`.
    """

    __tablename__ = "herstelstatus"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    begonnen_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    backup_tijd: Mapped[str] = mapped_column(String(40))  # the manifest's time, as written there

"""Counters of security signals per soort and hour (table `beveiligingssignalen`), read by the FG's signals.

Invariants:
- Counting is one atomic statement (`INSERT ... ON CONFLICT (soort, uur) DO UPDATE SET aantal = aantal + 1`,
  on SQLite and PostgreSQL alike), so concurrent workers and hosts never lose a count and never collide.
- A row is one soort in one whole UTC hour: however many requests an attacker sends, the table grows by at
  most one row per soort per hour. Nothing about the request (address, header, token) is stored.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.adapters.orm import BeveiligingssignaalRow

_T = BeveiligingssignaalRow.__table__.c


def uur_van(moment: dt.datetime) -> dt.datetime:
    """The start of the UTC hour `moment` falls in: the key a count is kept under."""
    return moment.astimezone(dt.UTC).replace(minute=0, second=0, microsecond=0)


class BeveiligingssignaalRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def tel(self, soort: str, op: dt.datetime) -> None:
        """Count one occurrence of `soort` in the hour of `op` (see the module invariants)."""
        waarden = {"soort": soort, "uur": uur_van(op), "aantal": 1}
        dialect = self._session.get_bind().dialect.name
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(BeveiligingssignaalRow).values(**waarden)
        statement = statement.on_conflict_do_update(
            index_elements=[_T.soort, _T.uur], set_={"aantal": _T.aantal + statement.excluded.aantal}
        )
        self._session.execute(statement)

    def aantallen(self, van: dt.datetime, tot: dt.datetime) -> dict[str, int]:
        """Per soort, the occurrences from the hour `van` falls in up to `tot`."""
        rows = self._session.execute(
            select(_T.soort, func.sum(_T.aantal)).where(_T.uur >= uur_van(van), _T.uur < tot).group_by(_T.soort)
        )
        return {soort: int(aantal) for soort, aantal in rows}

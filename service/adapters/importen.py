"""The import's idempotency keys: which casussen earlier import runs stored, by keyed hash only.

Invariants:
- Only keyed hashes (computed by the service layer under the regime's blind index key), casus and run ids and a
  time are stored or read here: never a source system's id, never line content.
- A key is unique (its primary key): two runs storing the same casus at once cannot both commit. `vastleggen`
  inserts a run's keys first, inside a savepoint, and answers a collision with `ConflictError` instead of
  a database error; the caller's unit of work then rolls back everything the run wrote.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.adapters.orm import ImportsleutelRow
from service.domain.errors import ConflictError

_CHUNK = 500  # keys per IN list (well below every database's limit on bound parameters)


@dataclass(frozen=True, slots=True)
class Importsleutel:
    """A casus an import stored: its key, the fingerprint of the line it came from, and when and by which run."""

    sleutel: str
    inhoud: str
    casus_id: str
    run_id: str
    geimporteerd_op: dt.datetime


class ImportRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def bekend(self, sleutels: Collection[str]) -> dict[str, Importsleutel]:
        """The stored keys among `sleutels`, each with what it records."""
        wanted = sorted(set(sleutels))
        found: dict[str, Importsleutel] = {}
        for start in range(0, len(wanted), _CHUNK):
            query = select(ImportsleutelRow).where(ImportsleutelRow.sleutel.in_(wanted[start : start + _CHUNK]))
            for row in self._session.scalars(query):
                found[row.sleutel] = Importsleutel(
                    row.sleutel, row.inhoud, row.casus_id, row.run_id, row.geimporteerd_op
                )
        return found

    def vastleggen(self, sleutels: Iterable[Importsleutel]) -> None:
        """Insert a run's keys (their casussen are stored already, in this transaction).

        Raises:
            ConflictError: a key exists already: another run stored that casus meanwhile.
        """
        try:
            with self._session.begin_nested():
                self._session.add_all(
                    ImportsleutelRow(
                        sleutel=s.sleutel,
                        inhoud=s.inhoud,
                        casus_id=s.casus_id,
                        run_id=s.run_id,
                        geimporteerd_op=s.geimporteerd_op,
                    )
                    for s in sleutels
                )
        except IntegrityError:
            raise ConflictError(
                "another import stored some of these casussen meanwhile; nothing was imported (run it again: "
                "what is stored now is skipped)"
            ) from None

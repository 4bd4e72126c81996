"""The log's bookkeeping of its witnesses: cosignatures received per checkpoint, and per witness what it last
cosigned and who may send to it now.

Invariants:
- Only what a witness returned and the sender verified is stored here (`add_cosignatuur`); a cosignature is
  stored once per checkpoint and witness (a repeat is ignored).
- `claim` is the one way a worker gets the right to send to a witness: an atomic conditional update, so of
  several workers (and hosts) at most one holds a witness's lease at a time; a lease ends by itself at `tot`.
- Nothing here is evidence: the database's owner can change it. Verification asks the witnesses themselves.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.adapters.orm import CosignatuurRow, GetuigeStaatRow
from service.domain.getuigen import Cosignatuur, GetuigeStaat

MAX_FOUT = 300


class GetuigenStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(self, getuige: str, now: dt.datetime, tot: dt.datetime) -> bool:
        """Take the lease to send to `getuige` until `tot`, if nobody holds it at `now`; True when taken."""
        if self._session.get(GetuigeStaatRow, getuige) is None:
            try:
                with self._session.begin_nested():
                    self._session.add(GetuigeStaatRow(getuige=getuige, grootte=0))
            except IntegrityError:
                pass  # another worker added it first
        taken = self._session.execute(
            update(GetuigeStaatRow)
            .where(GetuigeStaatRow.getuige == getuige)
            .where(or_(GetuigeStaatRow.bezet_tot.is_(None), GetuigeStaatRow.bezet_tot < now))
            .values(bezet_tot=tot)
            .execution_options(synchronize_session=False)
        )
        return bool(taken.rowcount)  # type: ignore[attr-defined]

    def vrijgeven(self, getuige: str) -> None:
        """End the lease on `getuige` (the round is done)."""
        self._session.execute(
            update(GetuigeStaatRow)
            .where(GetuigeStaatRow.getuige == getuige)
            .values(bezet_tot=None)
            .execution_options(synchronize_session=False)
        )

    def staat(self, getuige: str) -> GetuigeStaat:
        row = self._session.get(GetuigeStaatRow, getuige)
        return _staat(row) if row is not None else GetuigeStaat(getuige)

    def staten(self) -> list[GetuigeStaat]:
        return [_staat(row) for row in self._session.scalars(select(GetuigeStaatRow).order_by(GetuigeStaatRow.getuige))]

    def bijwerken(
        self, getuige: str, *, poging: dt.datetime, grootte: int | None = None, fout: str | None = None
    ) -> None:
        """Note an attempt at `poging`: a success when `fout` is None (then `grootte`, when given, is what the
        witness now holds), else a failure with a short reason."""
        values: dict[str, object] = {"laatste_poging": poging, "fout": None if fout is None else fout[:MAX_FOUT]}
        if fout is None:
            values["gelukt_op"] = poging
        if grootte is not None:
            values["grootte"] = grootte
        self._session.execute(
            update(GetuigeStaatRow)
            .where(GetuigeStaatRow.getuige == getuige)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    def add_cosignatuur(self, cosignatuur: Cosignatuur) -> None:
        if self._session.get(CosignatuurRow, (cosignatuur.grootte, cosignatuur.getuige)) is not None:
            return
        self._session.add(
            CosignatuurRow(
                checkpoint_grootte=cosignatuur.grootte,
                getuige=cosignatuur.getuige,
                regel=cosignatuur.regel,
                tijdstempel=cosignatuur.tijdstempel,
            )
        )

    def eerste_gecosigneerde(self, index: int) -> int | None:
        """The size of the first cosigned checkpoint that covers record `index` (None: none yet)."""
        return self._session.scalar(
            select(func.min(CosignatuurRow.checkpoint_grootte)).where(CosignatuurRow.checkpoint_grootte > index)
        )

    def cosignaturen(self, grootte: int) -> list[Cosignatuur]:
        """The cosignatures of the checkpoint of `grootte`, by witness name."""
        rows = self._session.scalars(
            select(CosignatuurRow).where(CosignatuurRow.checkpoint_grootte == grootte).order_by(CosignatuurRow.getuige)
        )
        return [Cosignatuur(row.checkpoint_grootte, row.getuige, row.regel, row.tijdstempel) for row in rows]


def _staat(row: GetuigeStaatRow) -> GetuigeStaat:
    return GetuigeStaat(row.getuige, row.grootte, row.laatste_poging, row.gelukt_op, row.fout, row.bezet_tot)

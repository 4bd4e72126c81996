"""Policy versions in the database: stored once, kept forever, one of them active.

Invariants:
- A version is immutable: storing a version that exists changes nothing (its id is the hash of its content).
- The active version is the version of the latest activation row. Activating is one INSERT, so every worker
  that starts a request after the commit reads the new version (no worker-local truth), and the history of
  activations is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.adapters.orm import BeleidsactiveringRow, BeleidsregelRow, BeleidsversieRow

StoredLine = tuple[str, tuple[str, ...]]  # (bron "file:line", the seven values)


@dataclass(frozen=True, slots=True)
class StoredPolicy:
    versie: str
    model: str
    lines: tuple[StoredLine, ...]


@dataclass(frozen=True, slots=True)
class Activering:
    versie: str
    geactiveerd_op: dt.datetime
    door: str
    toelichting: str


@dataclass(frozen=True, slots=True)
class Versie:
    versie: str
    herkomst: str
    aangemaakt_op: dt.datetime
    regels: int


class BeleidRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def store(self, versie: str, model: str, lines: Sequence[StoredLine], herkomst: str, op: dt.datetime) -> bool:
        """Store a version with its lines in order; returns False (and changes nothing) when it exists."""
        if self._session.get(BeleidsversieRow, versie) is not None:
            return False
        self._session.add(BeleidsversieRow(versie=versie, model=model, herkomst=herkomst, aangemaakt_op=op))
        self._session.flush()
        self._session.add_all(
            BeleidsregelRow(versie=versie, bron=bron, ptype="p", **{f"v{i}": v for i, v in enumerate(values)})
            for bron, values in lines
        )
        return True

    def activate(self, versie: str, door: str, toelichting: str, op: dt.datetime) -> None:
        self._session.add(BeleidsactiveringRow(versie=versie, geactiveerd_op=op, door=door, toelichting=toelichting))

    def active_version(self) -> str | None:
        """The active version's hash, or None before any activation (then nothing may be shared)."""
        return self._session.execute(_ACTIVE_VERSION).scalar()

    def load(self, versie: str) -> StoredPolicy | None:
        row = self._session.get(BeleidsversieRow, versie)
        if row is None:
            return None
        lines = self._session.scalars(
            select(BeleidsregelRow).where(BeleidsregelRow.versie == versie).order_by(BeleidsregelRow.id)
        )
        return StoredPolicy(versie, row.model, tuple((line.bron, line.values()) for line in lines))

    def versions(self) -> list[Versie]:
        """Every stored version with its number of lines, oldest first."""
        counted = self._session.execute(select(BeleidsregelRow.versie, func.count()).group_by(BeleidsregelRow.versie))
        counts = {str(versie): int(n) for versie, n in counted}
        rows = self._session.scalars(select(BeleidsversieRow).order_by(BeleidsversieRow.aangemaakt_op))
        return [Versie(r.versie, r.herkomst, r.aangemaakt_op, counts.get(r.versie, 0)) for r in rows]

    def activations(self) -> list[Activering]:
        rows = self._session.scalars(select(BeleidsactiveringRow).order_by(BeleidsactiveringRow.id))
        return [Activering(r.versie, r.geactiveerd_op, r.door, r.toelichting) for r in rows]


_A = BeleidsactiveringRow.__table__.c
_ACTIVE_VERSION = select(_A.versie).order_by(_A.id.desc()).limit(1)

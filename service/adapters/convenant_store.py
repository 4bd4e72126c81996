"""Convenant versions in the database: stored once, kept forever, one of them in force.

Invariants:
- A version is immutable: its id is the hash of its documents, and storing a version that exists changes
  nothing. `load` returns the documents as stored; the caller checks them against the id (`versies.versie`).
- The version in force is the version of the latest activation row. Activating is one INSERT, so every worker
  that starts a request after the commit reads the new version, and the history of activations is kept.
- No activation row at all means the installation has not stored a convenant yet: the files are in force.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.orm import Session

from service.adapters.orm import ConvenantactiveringRow, ConvenantversieRow


@dataclass(frozen=True, slots=True)
class Convenantactivering:
    versie: str
    geactiveerd_op: dt.datetime
    door: str
    toelichting: str


class ConvenantRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def store(self, versie: str, documenten: Mapping[str, str], herkomst: str, op: dt.datetime) -> bool:
        """Store a version; returns False (and changes nothing) when it exists."""
        if self._session.get(ConvenantversieRow, versie) is not None:
            return False
        text = json.dumps(dict(sorted(documenten.items())), ensure_ascii=False)
        self._session.add(ConvenantversieRow(versie=versie, documenten=text, herkomst=herkomst, aangemaakt_op=op))
        self._session.flush()
        return True

    def activate(self, versie: str, door: str, toelichting: str, op: dt.datetime) -> None:
        self._session.add(ConvenantactiveringRow(versie=versie, geactiveerd_op=op, door=door, toelichting=toelichting))
        self._session.flush()

    def active_version(self) -> str | None:
        return self._session.execute(_ACTIVE_VERSION).scalar()

    def load(self, versie: str) -> dict[str, str] | None:
        return documenten(self._session.execute(_DOCUMENTEN, {"versie": versie}).scalar())

    def activations(self) -> list[Convenantactivering]:
        rows = self._session.scalars(select(ConvenantactiveringRow).order_by(ConvenantactiveringRow.id))
        return [Convenantactivering(r.versie, r.geactiveerd_op, r.door, r.toelichting) for r in rows]


def active_version(connection: Connection) -> str | None:
    """The version in force, read on a plain connection (once per request: see `ConvenantBron`)."""
    return connection.execute(_ACTIVE_VERSION).scalar()


def load(connection: Connection, versie: str) -> dict[str, str] | None:
    return documenten(connection.execute(_DOCUMENTEN, {"versie": versie}).scalar())


def documenten(stored: str | None) -> dict[str, str] | None:
    """The documents of a stored version; None when missing or not a JSON object of texts (damaged)."""
    if stored is None:
        return None
    try:
        data = json.loads(stored)
    except ValueError:
        return None
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        return None
    return data


_A = ConvenantactiveringRow.__table__.c
_V = ConvenantversieRow.__table__.c
_ACTIVE_VERSION = select(_A.versie).order_by(_A.id.desc()).limit(1)
_DOCUMENTEN = select(_V.documenten).where(_V.versie == bindparam("versie"))

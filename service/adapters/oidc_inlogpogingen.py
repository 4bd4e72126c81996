"""OpenID Connect logins in progress: stored by SHA-256 of their `state`, taken (read and deleted) exactly once.

Invariants:
- Only the hash of `state` is stored: a reader of the database cannot complete someone's login with it.
- `neem` deletes the attempt in the same transaction that reads it and reports it only when this transaction's
  DELETE removed the row, so two callbacks with the same state (a replay, or a race between workers) cannot
  both get it: on PostgreSQL the second DELETE waits for the first transaction and then removes nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.engine import CursorResult
from sqlalchemy.orm import Session

from service.adapters.orm import OidcInlogpogingRow


@dataclass(frozen=True, slots=True)
class Inlogpoging:
    id: str  # SHA-256 of the state, hex
    partner_id: str
    code_verifier: str
    nonce: str
    volgende: str  # a local path, or "" (the gebruiker's start page)
    aangemaakt_op: dt.datetime


class OidcInlogpogingRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, poging: Inlogpoging) -> None:
        self._session.add(
            OidcInlogpogingRow(
                id=poging.id,
                partner_id=poging.partner_id,
                code_verifier=poging.code_verifier,
                nonce=poging.nonce,
                volgende=poging.volgende,
                aangemaakt_op=poging.aangemaakt_op,
            )
        )

    def neem(self, poging_id: str) -> Inlogpoging | None:
        """The attempt, deleted in this transaction; None when it is unknown or another took it first."""
        row = self._session.get(OidcInlogpogingRow, poging_id)
        if row is None:
            return None
        poging = Inlogpoging(row.id, row.partner_id, row.code_verifier, row.nonce, row.volgende, row.aangemaakt_op)
        self._session.expunge(row)
        result = self._session.execute(delete(OidcInlogpogingRow).where(OidcInlogpogingRow.id == poging_id))
        if not isinstance(result, CursorResult) or result.rowcount != 1:
            return None
        return poging

    def verwijder_verlopen(self, voor: dt.datetime) -> int:
        """Delete the attempts begun before `voor`; returns how many."""
        result = self._session.execute(delete(OidcInlogpogingRow).where(OidcInlogpogingRow.aangemaakt_op < voor))
        return result.rowcount if isinstance(result, CursorResult) else 0

    def aantal(self) -> int:
        """How many attempts are stored (for tests and the FG's view of the table's size)."""
        return self._session.scalar(select(func.count()).select_from(OidcInlogpogingRow)) or 0

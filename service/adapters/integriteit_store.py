"""Stored outcomes of full verifications of the verstrekking log (`Integriteitscontrole`).

Invariants:
- A controle is written once, when its verification has finished, and never changed.
- Only sizes, indexes and the verifier's problem texts are stored (they name indexes and sizes, never a value).
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.adapters.orm import IntegriteitscontroleRow
from service.domain.verantwoording import Integriteitscontrole


class IntegriteitStore:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, controle: Integriteitscontrole) -> None:
        self._session.add(
            IntegriteitscontroleRow(
                id=controle.id,
                begonnen_op=controle.begonnen_op,
                klaar_op=controle.klaar_op,
                bron=controle.bron,
                gebruiker_id=controle.gebruiker,
                grootte=controle.grootte,
                checkpoints=controle.checkpoints,
                problemen=json.dumps(list(controle.problemen)),
                eerste_fout=controle.eerste_fout,
                tabellen_gedekt=controle.tabellen_gedekt,
                tabellen_problemen=json.dumps(list(controle.tabellen_problemen)),
                tabellen_eerste_fout=controle.tabellen_eerste_fout,
            )
        )

    def get(self, controle_id: str) -> Integriteitscontrole | None:
        row = self._session.get(IntegriteitscontroleRow, controle_id)
        return _controle(row) if row is not None else None

    def latest(self, limit: int) -> list[Integriteitscontrole]:
        """The latest `limit` controles, the most recently finished first."""
        rows = self._session.scalars(
            select(IntegriteitscontroleRow)
            .order_by(IntegriteitscontroleRow.klaar_op.desc(), IntegriteitscontroleRow.id)
            .limit(limit)
        )
        return [_controle(row) for row in rows]


def _controle(row: IntegriteitscontroleRow) -> Integriteitscontrole:
    return Integriteitscontrole(
        id=row.id,
        begonnen_op=row.begonnen_op,
        klaar_op=row.klaar_op,
        bron=row.bron,
        gebruiker=row.gebruiker_id,
        grootte=row.grootte,
        checkpoints=row.checkpoints,
        problemen=tuple(json.loads(row.problemen)),
        eerste_fout=row.eerste_fout,
        tabellen_gedekt=row.tabellen_gedekt,
        tabellen_problemen=tuple(json.loads(row.tabellen_problemen)),
        tabellen_eerste_fout=row.tabellen_eerste_fout,
    )

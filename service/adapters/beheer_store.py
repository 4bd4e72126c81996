"""Beheer proposals, partner suspension and the beheer history as stored.

Invariants:
- A proposal's content (`soort`, `versie`, `basisversie`, `partner`, `toelichting`) never changes after it is
  added; only its decision (status, who, when, reden) is set, once.
- Suspending a partner is one UPDATE of `partners.actief`: every token of its gebruikers is refused from the
  next request on (authentication reads it per request), whichever worker serves it.
- The history is read from the verstrekking log itself (records with doel "beheer"), the tamper-evident copy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from service.adapters.orm import BeheervoorstelRow, PartnerRow, VerstrekkingRow
from service.domain.beheer import BEHEER, Soort, Status, Voorstel


class VoorstelRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, voorstel: Voorstel) -> None:
        self._session.add(
            BeheervoorstelRow(
                id=voorstel.id,
                soort=voorstel.soort.value,
                status=voorstel.status.value,
                toelichting=voorstel.toelichting,
                voorgesteld_door=voorstel.voorgesteld_door,
                voorgesteld_op=voorstel.voorgesteld_op,
                basisversie=voorstel.basisversie,
                versie=voorstel.versie,
                partner_id=voorstel.partner,
                convenantbasis=voorstel.convenantbasis,
                convenantversie=voorstel.convenantversie,
                gebruiker_id=voorstel.gebruiker,
                casus_id=voorstel.casus,
            )
        )

    def delete_all(self) -> None:
        """Delete every proposal (the demo region's reinstall; their records stay in the log)."""
        self._session.execute(delete(BeheervoorstelRow))

    def get(self, voorstel_id: str) -> Voorstel | None:
        row = self._session.get(BeheervoorstelRow, voorstel_id)
        return _voorstel(row) if row is not None else None

    def list(self) -> list[Voorstel]:
        rows = self._session.scalars(
            select(BeheervoorstelRow).order_by(BeheervoorstelRow.voorgesteld_op.desc(), BeheervoorstelRow.id)
        )
        return [_voorstel(r) for r in rows]

    def decide(self, voorstel_id: str, status: Status, door: str, op: dt.datetime, reden: str | None) -> bool:
        """Record the decision on an open proposal; False (nothing changed) when it is not open any more."""
        result = self._session.execute(
            update(BeheervoorstelRow)
            .where(BeheervoorstelRow.id == voorstel_id, BeheervoorstelRow.status == Status.OPEN.value)
            .values(status=status.value, beoordeeld_door=door, beoordeeld_op=op, reden=reden)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def open_voor_gebruiker(self, gebruiker_id: str) -> str | None:
        """The id of the open proposal about this gebruiker, if any."""
        return self._session.scalar(
            select(BeheervoorstelRow.id).where(
                BeheervoorstelRow.gebruiker_id == gebruiker_id, BeheervoorstelRow.status == Status.OPEN.value
            )
        )

    def open_voor_casus(self, casus_id: str) -> str | None:
        """The id of the open proposal to destroy this casus, if any."""
        return self._session.scalar(
            select(BeheervoorstelRow.id).where(
                BeheervoorstelRow.casus_id == casus_id, BeheervoorstelRow.status == Status.OPEN.value
            )
        )

    def partner_actief(self, partner_id: str) -> bool | None:
        """Whether the partner is active (not suspended); None when it is not registered."""
        return self._session.scalar(select(PartnerRow.actief).where(PartnerRow.id == partner_id))

    def set_partner_actief(self, partner_id: str, actief: bool) -> None:
        self._session.execute(update(PartnerRow).where(PartnerRow.id == partner_id).values(actief=actief))

    def history(self) -> Iterator[tuple[int, bytes]]:
        """(log index, record bytes) of every beheer record in the log, in log order."""
        rows = self._session.execute(
            select(VerstrekkingRow.log_index, VerstrekkingRow.record)
            .where(VerstrekkingRow.doel == BEHEER)
            .order_by(VerstrekkingRow.log_index)
        )
        for index, record in rows:
            yield int(index), bytes(record)


def _voorstel(row: BeheervoorstelRow) -> Voorstel:
    return Voorstel(
        id=row.id,
        soort=Soort(row.soort),
        status=Status(row.status),
        toelichting=row.toelichting,
        voorgesteld_door=row.voorgesteld_door,
        voorgesteld_op=row.voorgesteld_op,
        basisversie=row.basisversie,
        versie=row.versie,
        partner=row.partner_id,
        beoordeeld_door=row.beoordeeld_door,
        beoordeeld_op=row.beoordeeld_op,
        reden=row.reden,
        convenantbasis=row.convenantbasis,
        convenantversie=row.convenantversie,
        gebruiker=row.gebruiker_id,
        casus=row.casus_id,
    )

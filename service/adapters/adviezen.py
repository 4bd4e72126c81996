"""Adviezen: store, list and count them. Every column is metadata (ids, codes, dates), so nothing is encrypted."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from service.adapters.orm.advies import AdviesRow
from service.domain.advies import Advies, Adviessoort, Antwoord, Telrij


class AdviesRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, advies: Advies) -> None:
        self._session.add(
            AdviesRow(
                id=advies.id,
                soort=advies.soort.value,
                datum=advies.datum,
                vrager=advies.vrager,
                gemeente=advies.gemeente,
                onderwerp=advies.onderwerp,
                antwoorden=" ".join(a.value for a in advies.antwoorden),
                casus_id=advies.casus_id,
                geregistreerd_door=advies.geregistreerd_door,
                geregistreerd_partner=advies.geregistreerd_partner,
                geregistreerd_op=advies.geregistreerd_op,
            )
        )

    def get(self, advies_id: str) -> Advies | None:
        row = self._session.get(AdviesRow, advies_id)
        return _advies(row) if row is not None else None

    def voor_casus(self, casus_id: str) -> Advies | None:
        row = self._session.scalar(select(AdviesRow).where(AdviesRow.casus_id == casus_id))
        return _advies(row) if row is not None else None

    def lijst(
        self,
        van: dt.date,
        tot: dt.date,
        *,
        soort: Adviessoort | None = None,
        gemeente: str | None = None,
        limit: int = 100,
        offset: int = 0,
    ) -> list[Advies]:
        """Adviezen dated from `van` up to (not including) `tot`, newest first."""
        query = select(AdviesRow).where(AdviesRow.datum >= van, AdviesRow.datum < tot)
        if soort is not None:
            query = query.where(AdviesRow.soort == soort.value)
        if gemeente is not None:
            query = query.where(AdviesRow.gemeente == gemeente)
        query = query.order_by(AdviesRow.datum.desc(), AdviesRow.geregistreerd_op.desc(), AdviesRow.id)
        return [_advies(r) for r in self._session.scalars(query.limit(limit).offset(offset))]

    def delete_all(self) -> None:
        """Delete every advies (the demo region's reinstall)."""
        self._session.execute(delete(AdviesRow))

    def tel(self, van: dt.date, tot: dt.date) -> list[Telrij]:
        """The adviezen dated from `van` up to `tot`, counted per combination of the counted attributes."""
        met = AdviesRow.casus_id.is_not(None)
        query = (
            select(AdviesRow.soort, AdviesRow.gemeente, AdviesRow.onderwerp, AdviesRow.vrager, met, func.count())
            .where(AdviesRow.datum >= van, AdviesRow.datum < tot)
            .group_by(AdviesRow.soort, AdviesRow.gemeente, AdviesRow.onderwerp, AdviesRow.vrager, met)
        )
        return [Telrij(Adviessoort(s), g, o, v, bool(m), int(n)) for s, g, o, v, m, n in self._session.execute(query)]


def _advies(row: AdviesRow) -> Advies:
    return Advies(
        id=row.id,
        soort=Adviessoort(row.soort),
        datum=row.datum,
        vrager=row.vrager,
        gemeente=row.gemeente,
        onderwerp=row.onderwerp,
        antwoorden=tuple(Antwoord(a) for a in row.antwoorden.split()),
        casus_id=row.casus_id,
        geregistreerd_door=row.geregistreerd_door,
        geregistreerd_partner=row.geregistreerd_partner,
        geregistreerd_op=row.geregistreerd_op,
    )

"""Overleggen as stored: the overleg with its agenda, invitations, attendance and verklaringen (metadata only)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from service.adapters.orm import AgendapuntRow, OverlegRow, UitnodigingRow, VerklaringRow
from service.domain.convenant import Casustype
from service.domain.overleg import Agendapunt, Overleg, Uitnodiging, Verklaring


class OverlegRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, overleg: Overleg) -> None:
        """Store a new overleg with the agenda, attendance and verklaringen it holds (the use case creates one
        with none; the demo region stores its past overleggen whole)."""
        self._session.add(
            OverlegRow(
                id=overleg.id,
                soort=overleg.soort,
                casustype=overleg.casustype.value,
                datum=overleg.datum,
                voorzitter=overleg.voorzitter,
                voorzitter_partner=overleg.voorzitter_partner,
                aangemaakt_op=overleg.aangemaakt_op,
            )
        )
        for punt in overleg.agenda:
            self._session.add(
                AgendapuntRow(
                    overleg_id=overleg.id,
                    casus_id=punt.casus,
                    toegevoegd_op=punt.toegevoegd_op,
                    verslag_op=punt.verslag_op,
                )
            )
            self._session.add_all(
                UitnodigingRow(
                    overleg_id=overleg.id,
                    casus_id=punt.casus,
                    partner_id=u.partner,
                    uitgenodigd_op=u.uitgenodigd_op,
                    aanwezig=u.aanwezig,
                    incidenteel=u.incidenteel,
                    vastgelegd_op=u.vastgelegd_op,
                    vastgelegd_door=u.vastgelegd_door,
                )
                for u in punt.uitnodigingen
            )
        for verklaring in overleg.verklaringen:
            self.add_verklaring(overleg.id, verklaring)

    def get(self, overleg_id: str) -> Overleg | None:
        """The overleg with its whole agenda, or None."""
        row = self._session.get(OverlegRow, overleg_id)
        return self._volledig([row])[0] if row is not None else None

    def lijst(self, van: dt.date, tot: dt.date, *, partner: str) -> list[Overleg]:
        """The overleggen dated in [van, tot] that `partner` chairs or is invited to, by date (whole agendas)."""
        uitgenodigd = select(UitnodigingRow.overleg_id).where(UitnodigingRow.partner_id == partner)
        rows = self._session.scalars(
            select(OverlegRow)
            .where(OverlegRow.datum >= van, OverlegRow.datum <= tot)
            .where((OverlegRow.voorzitter_partner == partner) | OverlegRow.id.in_(uitgenodigd))
            .order_by(OverlegRow.datum, OverlegRow.aangemaakt_op, OverlegRow.id)
        ).all()
        return self._volledig(rows)

    def add_agendapunt(self, overleg_id: str, casus_id: str, uitgenodigd: Iterable[str], op: dt.datetime) -> None:
        self._session.add(AgendapuntRow(overleg_id=overleg_id, casus_id=casus_id, toegevoegd_op=op))
        for partner in uitgenodigd:
            self._session.add(
                UitnodigingRow(
                    overleg_id=overleg_id, casus_id=casus_id, partner_id=partner, uitgenodigd_op=op, incidenteel=False
                )
            )

    def set_aanwezigheid(
        self,
        overleg_id: str,
        casus_id: str,
        partner: str,
        aanwezig: bool,
        incidenteel: bool,
        door: str,
        op: dt.datetime,
    ) -> None:
        self._session.execute(
            update(UitnodigingRow)
            .where(
                UitnodigingRow.overleg_id == overleg_id,
                UitnodigingRow.casus_id == casus_id,
                UitnodigingRow.partner_id == partner,
            )
            .values(aanwezig=aanwezig, incidenteel=incidenteel, vastgelegd_op=op, vastgelegd_door=door)
        )

    def add_verklaring(self, overleg_id: str, verklaring: Verklaring) -> None:
        self._session.add(
            VerklaringRow(
                overleg_id=overleg_id,
                partner_id=verklaring.partner,
                vastgelegd_op=verklaring.vastgelegd_op,
                vastgelegd_door=verklaring.vastgelegd_door,
            )
        )

    def set_verslag_op(self, overleg_id: str, casus_id: str, op: dt.datetime) -> None:
        self._session.execute(
            update(AgendapuntRow)
            .where(AgendapuntRow.overleg_id == overleg_id, AgendapuntRow.casus_id == casus_id)
            .values(verslag_op=op)
        )

    def telling(self, van: dt.date, tot: dt.date, partner: str) -> list[tuple[str, int, int]]:
        """Per overleg soort of `partner`'s overleggen dated in [van, tot]: (soort, agendapunten, distinct
        casussen), and the distinct casussen over all soorten as soort ""."""
        basis = (
            select(OverlegRow.soort, AgendapuntRow.casus_id)
            .join(AgendapuntRow, AgendapuntRow.overleg_id == OverlegRow.id)
            .where(OverlegRow.datum >= van, OverlegRow.datum <= tot, OverlegRow.voorzitter_partner == partner)
            .subquery()
        )
        per_soort = self._session.execute(
            select(basis.c.soort, func.count(), func.count(basis.c.casus_id.distinct()))
            .group_by(basis.c.soort)
            .order_by(basis.c.soort)
        ).all()
        totaal = self._session.execute(select(func.count(basis.c.casus_id.distinct()))).scalar_one()
        return [(s, int(n), int(c)) for s, n, c in per_soort] + [
            ("", sum(int(n) for _, n, _ in per_soort), int(totaal))
        ]

    def delete_all(self) -> None:
        """Delete every overleg with its agenda, invitations and verklaringen (the demo region's reinstall)."""
        for table in (VerklaringRow, UitnodigingRow, AgendapuntRow, OverlegRow):
            self._session.execute(delete(table))

    def _volledig(self, rows: Sequence[OverlegRow]) -> list[Overleg]:
        ids = [r.id for r in rows]
        if not ids:
            return []
        punten = self._session.scalars(
            select(AgendapuntRow)
            .where(AgendapuntRow.overleg_id.in_(ids))
            .order_by(AgendapuntRow.toegevoegd_op, AgendapuntRow.casus_id)
        ).all()
        uitnodigingen = self._session.scalars(
            select(UitnodigingRow).where(UitnodigingRow.overleg_id.in_(ids)).order_by(UitnodigingRow.partner_id)
        ).all()
        verklaringen = self._session.scalars(
            select(VerklaringRow).where(VerklaringRow.overleg_id.in_(ids)).order_by(VerklaringRow.partner_id)
        ).all()
        per_punt: dict[tuple[str, str], list[Uitnodiging]] = {}
        for u in uitnodigingen:
            per_punt.setdefault((u.overleg_id, u.casus_id), []).append(
                Uitnodiging(
                    u.partner_id, u.uitgenodigd_op, u.aanwezig, u.incidenteel, u.vastgelegd_op, u.vastgelegd_door
                )
            )
        agenda: dict[str, list[Agendapunt]] = {}
        for p in punten:
            agenda.setdefault(p.overleg_id, []).append(
                Agendapunt(
                    p.casus_id, p.toegevoegd_op, tuple(per_punt.get((p.overleg_id, p.casus_id), ())), p.verslag_op
                )
            )
        per_overleg: dict[str, list[Verklaring]] = {}
        for v in verklaringen:
            per_overleg.setdefault(v.overleg_id, []).append(
                Verklaring(v.partner_id, v.vastgelegd_op, v.vastgelegd_door)
            )
        return [
            Overleg(
                id=r.id,
                soort=r.soort,
                casustype=Casustype(r.casustype),
                datum=r.datum,
                voorzitter=r.voorzitter,
                voorzitter_partner=r.voorzitter_partner,
                aangemaakt_op=r.aangemaakt_op,
                agenda=tuple(agenda.get(r.id, ())),
                verklaringen=tuple(per_overleg.get(r.id, ())),
            )
            for r in rows
        ]

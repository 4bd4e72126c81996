"""Repositories: the only place queries are written. They take and return domain objects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.orm import Session

from service.adapters.orm import (
    BetrokkeneRow,
    BijdrageRow,
    CasusNevenonderwerpRow,
    CasusRow,
    CasusSleutelRow,
    DeelnameRow,
    GebeurtenisRow,
    PartnerRow,
    VeldwaardeRow,
)
from service.domain.casus import Betrokkene, BetrokkeneRol, Casus, Deelname
from service.domain.convenant import Casustype, Fase, Partner


@dataclass(frozen=True, slots=True)
class PartnerStand:
    """A partner as registered in the database, with whether it is active (not suspended)."""

    id: str
    oin: str
    naam: str
    type: str
    actief: bool


class PartnerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def list(self) -> list[PartnerStand]:
        rows = self._session.scalars(select(PartnerRow).order_by(PartnerRow.naam))
        return [PartnerStand(r.id, r.oin, r.naam, r.type, r.actief) for r in rows]

    def add(self, partners: Iterable[Partner]) -> None:
        """Register new partners (active)."""
        self._session.add_all(PartnerRow(id=p.id, oin=p.oin, naam=p.naam, type=p.type, actief=True) for p in partners)
        self._session.flush()

    def sync(self, partners: Iterable[Partner]) -> None:
        """Make the table hold exactly the convenant's partners (new ones active; existing keep their state)."""
        existing = {r.id: r for r in self._session.scalars(select(PartnerRow))}
        for partner in partners:
            row = existing.pop(partner.id, None)
            if row is None:
                self._session.add(
                    PartnerRow(id=partner.id, oin=partner.oin, naam=partner.naam, type=partner.type, actief=True)
                )
            else:
                row.oin, row.naam, row.type = partner.oin, partner.naam, partner.type
        for row in existing.values():
            row.actief = False  # no longer in the convenant: keep the row for history, but inactive


class CasusRepository:
    SORTERINGEN = ("prioriteit", "aangemeldOp", "-aangemeldOp")

    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, casus: Casus) -> None:
        self._session.add(
            CasusRow(
                id=casus.id,
                casustype=casus.casustype.value,
                fase=casus.fase.value,
                gemeente=casus.gemeente,
                onderwerp=casus.hoofdonderwerp,
                aanmelder=casus.aanmelder,
                aangemeld_op=casus.aangemeld_op,
                gewijzigd_op=casus.gewijzigd_op,
                afgesloten_op=casus.afgesloten_op,
                prioriteit=casus.prioriteit,
            )
        )
        # Without relationship() the unit of work does not order INSERTs by foreign key: write the casus first.
        self._session.flush()
        self._session.add_all(
            BetrokkeneRow(id=b.id, casus_id=casus.id, rol=b.rol.value, relatie=b.relatie) for b in casus.betrokkenen
        )
        self._session.add_all(
            CasusNevenonderwerpRow(casus_id=casus.id, onderwerp=o, volgorde=i)
            for i, o in enumerate(casus.nevenonderwerpen)
        )
        self._session.add_all(
            DeelnameRow(
                casus_id=casus.id, partner_id=d.partner_id, rol=d.rol, sinds=d.sinds, tot=d.tot, grondslag=d.grondslag
            )
            for d in casus.deelnames
        )

    def get(self, casus_id: str) -> Casus | None:
        """The casus with its nevenonderwerpen, betrokkenen and deelnames (prepared Core queries: this is on every
        request's path, and building statements or ORM objects per call costs more than the queries)."""
        params = {"casus_id": casus_id}
        row = self._session.execute(_CASUS_BY_ID, params).first()
        if row is None:
            return None
        casus = _casus(row)
        casus.nevenonderwerpen = tuple(self._session.scalars(_NEVENONDERWERPEN, params))
        casus.betrokkenen = [
            Betrokkene(i, c, BetrokkeneRol(r), relatie)
            for i, c, r, relatie in self._session.execute(_BETROKKENEN, params)
        ]
        casus.deelnames = [Deelname(*d) for d in self._session.execute(_DEELNAMES, params)]
        return casus

    def list_for_partner(
        self, partner_id: str, op: dt.datetime, fase: Fase | Iterable[Fase] | None = None, sort: str = "-aangemeldOp"
    ) -> Sequence[Casus]:
        """The casussen in which `partner_id` actively takes part at `op` (metadata only), in `sort` order.

        `sort` is one of `SORTERINGEN` (else ValueError): `prioriteit` lists the most urgent first (1 before 5,
        none last), then the oldest aanmelding; `aangemeldOp` oldest first; `-aangemeldOp` newest first.
        """
        participating = (
            select(DeelnameRow.casus_id)
            .where(DeelnameRow.partner_id == partner_id, DeelnameRow.sinds <= op)
            .where((DeelnameRow.tot.is_(None)) | (DeelnameRow.tot > op))
        )
        if sort not in _ORDER:
            raise ValueError("unknown sort order")
        query = select(CasusRow).where(CasusRow.id.in_(participating)).order_by(*_ORDER[sort], CasusRow.id)
        if fase is not None:
            fasen = [fase] if isinstance(fase, Fase) else list(fase)
            query = query.where(CasusRow.fase.in_([f.value for f in fasen]))
        found = [_casus(r) for r in self._session.scalars(query)]
        neven = self._session.execute(
            select(CasusNevenonderwerpRow.casus_id, CasusNevenonderwerpRow.onderwerp)
            .where(CasusNevenonderwerpRow.casus_id.in_(participating))
            .order_by(CasusNevenonderwerpRow.casus_id, CasusNevenonderwerpRow.volgorde)
        )
        per_casus: dict[str, list[str]] = {}
        for casus_id, onderwerp in neven:
            per_casus.setdefault(casus_id, []).append(onderwerp)
        for casus in found:
            casus.nevenonderwerpen = tuple(per_casus.get(casus.id, ()))
        return found

    def ids(self, casustype: Casustype, aangemeld_voor: dt.datetime) -> list[str]:
        """The ids of every casus of `casustype` referred before `aangemeld_voor`, oldest first."""
        query = (
            select(CasusRow.id)
            .where(CasusRow.casustype == casustype.value, CasusRow.aangemeld_op < aangemeld_voor)
            .order_by(CasusRow.aangemeld_op, CasusRow.id)
        )
        return list(self._session.scalars(query))

    def afgesloten_aanmeldingen(self, aanmelder: str, casustype: Casustype) -> Sequence[tuple[str, dt.datetime]]:
        """The casussen of `casustype` that `aanmelder` referred and that were closed: id and when, newest first."""
        query = (
            select(CasusRow.id, CasusRow.afgesloten_op)
            .where(
                CasusRow.aanmelder == aanmelder,
                CasusRow.casustype == casustype.value,
                CasusRow.fase == Fase.AFGESLOTEN.value,
            )
            .order_by(CasusRow.afgesloten_op.desc(), CasusRow.id)
        )
        return [(casus_id, op) for casus_id, op in self._session.execute(query) if op is not None]

    def set_fase(self, casus_id: str, fase: Fase, op: dt.datetime) -> None:
        """Move a casus to `fase`; a final fase (afgesloten, afgewezen) also sets afgesloten_op."""
        values: dict[str, object] = {"fase": fase.value, "gewijzigd_op": op}
        if fase in (Fase.AFGESLOTEN, Fase.AFGEWEZEN):
            values["afgesloten_op"] = op
        self._session.execute(update(CasusRow).where(CasusRow.id == casus_id).values(**values))

    def set_prioriteit(self, casus_id: str, prioriteit: int | None, op: dt.datetime) -> None:
        self._session.execute(
            update(CasusRow).where(CasusRow.id == casus_id).values(prioriteit=prioriteit, gewijzigd_op=op)
        )

    def add_deelname(self, deelname: Deelname) -> None:
        self._session.add(
            DeelnameRow(
                casus_id=deelname.casus_id,
                partner_id=deelname.partner_id,
                rol=deelname.rol,
                sinds=deelname.sinds,
                tot=deelname.tot,
                grondslag=deelname.grondslag,
            )
        )

    def end_deelnames(
        self, casus_id: str, op: dt.datetime, *, partner_id: str | None = None, behalve: Iterable[str] = ()
    ) -> int:
        """End the active deelnames of a casus at `op` (of one partner, or of all but `behalve`); returns how many."""
        query = (
            update(DeelnameRow)
            .where(DeelnameRow.casus_id == casus_id, DeelnameRow.tot.is_(None))
            .values(tot=op)
            .execution_options(synchronize_session=False)
        )
        if partner_id is not None:
            query = query.where(DeelnameRow.partner_id == partner_id)
        kept = list(behalve)
        if kept:
            query = query.where(DeelnameRow.partner_id.not_in(kept))
        result = self._session.execute(query)
        return int(result.rowcount)  # type: ignore[attr-defined]

    def set_bsn_index(self, betrokkene_id: str, index: str) -> None:
        self._session.execute(update(BetrokkeneRow).where(BetrokkeneRow.id == betrokkene_id).values(bsn_index=index))

    def set_bsn_indexes(self, indexes: Mapping[str, str]) -> None:
        """`set_bsn_index` for many betrokkenen in one statement (the demo installs some 1,400 at once)."""
        if indexes:
            self._session.execute(update(BetrokkeneRow), [{"id": b, "bsn_index": i} for b, i in indexes.items()])

    def touch(self, casus_id: str, op: dt.datetime) -> None:
        self._session.execute(update(CasusRow).where(CasusRow.id == casus_id).values(gewijzigd_op=op))

    def closed_not_destroyed(self) -> list[tuple[str, Casustype, dt.datetime]]:
        """Closed or rejected casussen whose data still exists: (id, casustype, closed at)."""
        rows = self._session.execute(
            select(CasusRow.id, CasusRow.casustype, CasusRow.afgesloten_op, CasusRow.gewijzigd_op).where(
                CasusRow.fase.in_([Fase.AFGESLOTEN.value, Fase.AFGEWEZEN.value]), CasusRow.vernietigd_op.is_(None)
            )
        )
        return [(i, Casustype(t), closed or changed) for i, t, closed, changed in rows]

    def destroyed(self) -> list[tuple[str, Casustype]]:
        """Every casus whose data was destroyed: (id, casustype)."""
        rows = self._session.execute(select(CasusRow.id, CasusRow.casustype).where(CasusRow.vernietigd_op.is_not(None)))
        return [(i, Casustype(t)) for i, t in rows]

    def is_destroyed(self, casus_id: str) -> bool:
        """Whether this casus's data was destroyed (False for an unknown id too)."""
        found = self._session.scalar(select(CasusRow.vernietigd_op).where(CasusRow.id == casus_id))
        return found is not None

    def betrokkene_ids(self, casus_id: str) -> list[str]:
        """The ids of the casus's betrokkenen (the pseudonymous ids its log records name)."""
        query = select(BetrokkeneRow.id).where(BetrokkeneRow.casus_id == casus_id).order_by(BetrokkeneRow.id)
        return list(self._session.scalars(query))

    def forget_persons(self, casus_id: str) -> list[str]:
        """Delete the blind index of every betrokkene of the casus (nobody finds them by BSN any more); returns
        their ids. The rows stay: metadata (rol, relatie) that the casus's accountability needs."""
        self._session.execute(update(BetrokkeneRow).where(BetrokkeneRow.casus_id == casus_id).values(bsn_index=None))
        return self.betrokkene_ids(casus_id)

    def count(self) -> int:
        return self._session.scalar(select(func.count()).select_from(CasusRow)) or 0

    def delete_all(self) -> None:
        for table in (VeldwaardeRow, BijdrageRow, CasusSleutelRow, DeelnameRow, GebeurtenisRow, CasusNevenonderwerpRow):
            self._session.execute(delete(table))
        self._session.execute(delete(BetrokkeneRow))
        self._session.execute(delete(CasusRow))


_ORDER = {
    "prioriteit": (CasusRow.prioriteit.is_(None), CasusRow.prioriteit, CasusRow.aangemeld_op),
    "aangemeldOp": (CasusRow.aangemeld_op,),
    "-aangemeldOp": (CasusRow.aangemeld_op.desc(),),
}


_C = CasusRow.__table__.c
_B = BetrokkeneRow.__table__.c
_D = DeelnameRow.__table__.c
_CASUS_COLUMNS = (
    _C.id,
    _C.casustype,
    _C.fase,
    _C.gemeente,
    _C.onderwerp,
    _C.aanmelder,
    _C.aangemeld_op,
    _C.gewijzigd_op,
    _C.prioriteit,
    _C.afgesloten_op,
)
_CASUS_BY_ID = select(*_CASUS_COLUMNS).where(_C.id == bindparam("casus_id"))
_BETROKKENEN = (
    select(_B.id, _B.casus_id, _B.rol, _B.relatie).where(_B.casus_id == bindparam("casus_id")).order_by(_B.id)
)
_N = CasusNevenonderwerpRow.__table__.c
_NEVENONDERWERPEN = select(_N.onderwerp).where(_N.casus_id == bindparam("casus_id")).order_by(_N.volgorde)
_DEELNAMES = (
    select(_D.casus_id, _D.partner_id, _D.rol, _D.sinds, _D.tot, _D.grondslag)
    .where(_D.casus_id == bindparam("casus_id"))
    .order_by(_D.id)
)


def _casus(row: Any) -> Casus:  # a CasusRow, or a Core row with the same column names
    return Casus(
        id=row.id,
        casustype=Casustype(row.casustype),
        fase=Fase(row.fase),
        gemeente=row.gemeente,
        hoofdonderwerp=row.onderwerp,
        aanmelder=row.aanmelder,
        aangemeld_op=row.aangemeld_op,
        gewijzigd_op=row.gewijzigd_op,
        prioriteit=row.prioriteit,
        afgesloten_op=row.afgesloten_op,
    )

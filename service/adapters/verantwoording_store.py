"""Queries for the FG over the verstrekking log, and the derived tables that make some of them fast.

Invariants:
- Read-only over `verstrekkingen`, `logknopen` and `checkpoints`: nothing here changes the log.
- `verstrekking_betrokkenen` and `verstrekking_grondslagen` are derived from the record bytes only, by
  `catch_up`, which holds the single `verantwoording_index` row lock while it fills records beyond `tot`; so
  two workers never index the same record twice and a crash leaves them at a consistent `tot`. They are an
  index, not evidence: `audit verify` checks the records themselves, and `logboek.verifieer_index` that these
  tables hold exactly the rows `afgeleid` makes from them.
- A betrokkene forgotten by a destruction record below `tot` has no rows in `verstrekking_betrokkenen`:
  `catch_up` deletes its earlier rows when it reaches the destruction and never adds later ones
  (`service.adapters.afgeleid`).
- Filters are bound parameters; ordering is by (tijd, log_index), which the composite indexes of migration 0007
  serve for each single-column filter.
- Only verstrekkingen (and the other records about casussen and exchanges: vernietiging, routeeroverleg) are
  found or counted here: a beheer history record (doel "beheer", `service.domain.beheer`) never is, whatever the
  selection, and never enters the derived tables. Row queries exclude it by a condition; counts subtract the
  beheer records matching the same selection within the same statement, so each count is still answered from
  an index alone (the beheer records are few and found through `ix_verstrekkingen_doel_tijd`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Connection, Select, and_, case, delete, func, insert, select, union_all, update
from sqlalchemy.orm import Session

from service.adapters.afgeleid import VERNIETIGING, Afgeleid, afgeleid, laad, vergeten_van
from service.adapters.orm import (
    BetrokkeneRow,
    LoghoofdRow,
    PartnerRow,
    VerantwoordingIndexRow,
    VerstrekkingBetrokkeneRow,
    VerstrekkingGrondslagRow,
    VerstrekkingRow,
)
from service.domain.beheer import BEHEER
from service.domain.verantwoording import Pagina, Selectie

_CHUNK = 5000
_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])


@dataclass(frozen=True, slots=True)
class Gevonden:
    """A log record as the FG list shows it: its place in the log and its parsed (metadata-only) content."""

    log_index: int
    record: dict[str, Any]


@dataclass(frozen=True, slots=True)
class BetrokkeneTreffer:
    betrokkene_id: str
    casus_id: str
    rol: str


class VerantwoordingStore:
    def __init__(self, session: Session | Connection) -> None:
        self._session = session

    # -- derived tables ------------------------------------------------------------------------------------------

    def achterstand(self) -> int:
        """How many log records the derived tables do not cover yet (no lock taken)."""
        size = self._session.scalar(select(LoghoofdRow.grootte).where(LoghoofdRow.id == 1)) or 0
        done = self._session.scalar(select(VerantwoordingIndexRow.tot).where(VerantwoordingIndexRow.id == 1)) or 0
        return max(size - done, 0)

    def catch_up(self) -> int:
        """Fill the derived tables for every record beyond `tot` (the caller commits); returns how many."""
        self._session.execute(
            update(VerantwoordingIndexRow).where(VerantwoordingIndexRow.id == 1).values(tot=VerantwoordingIndexRow.tot)
        )
        done = self._session.scalar(select(VerantwoordingIndexRow.tot).where(VerantwoordingIndexRow.id == 1))
        if done is None:
            raise RuntimeError("the verantwoording_index row is missing (run the migrations)")
        start = done
        vergeten = self.vergeten(done)
        while True:
            rows = self._session.execute(
                select(VerstrekkingRow.log_index, VerstrekkingRow.record, VerstrekkingRow.tijd)
                .where(VerstrekkingRow.log_index >= done)
                .order_by(VerstrekkingRow.log_index)
                .limit(_CHUNK)
            ).all()
            if not rows:
                break
            nieuw: dict[str, str | None] = {}
            for _, data, _ in rows:  # the destructions in this chunk forget their betrokkenen in all of it too
                nieuw.update(vergeten_van(data))
            if nieuw.keys() - vergeten.keys():
                forgotten = sorted(nieuw.keys() - vergeten.keys())
                self._session.execute(
                    delete(VerstrekkingBetrokkeneRow).where(VerstrekkingBetrokkeneRow.betrokkene_id.in_(forgotten))
                )
            vergeten.update(nieuw)
            personen: list[dict[str, object]] = []
            grondslagen: list[dict[str, object]] = []
            for index, data, tijd in rows:
                mensen, gronden = afgeleid(index, data, tijd, vergeten)
                personen.extend({"betrokkene_id": b, "log_index": i, "tijd": t} for b, i, t in mensen)
                grondslagen.extend({"grondslag": g, "log_index": i} for g, i in gronden)
            if personen:
                self._session.execute(insert(VerstrekkingBetrokkeneRow), personen)
            if grondslagen:
                self._session.execute(insert(VerstrekkingGrondslagRow), grondslagen)
            done = rows[-1][0] + 1
        self._session.execute(update(VerantwoordingIndexRow).where(VerantwoordingIndexRow.id == 1).values(tot=done))
        return done - start

    def vergeten(self, end: int) -> dict[str, str | None]:
        """The betrokkenen forgotten by the destruction records below `end`, each with the casus destroyed (read
        through the doel index: destructions are few)."""
        query = select(VerstrekkingRow.record).where(
            VerstrekkingRow.doel == VERNIETIGING, VerstrekkingRow.log_index < end
        )
        found: dict[str, str | None] = {}
        for (data,) in self._session.execute(query.order_by(VerstrekkingRow.log_index)):
            found.update(vergeten_van(bytes(data)))
        return found

    # -- checking the derived tables against the records (`audit verify`) -----------------------------------------

    def tot(self) -> int:
        """Up to which log index (exclusive) the derived tables are filled."""
        done = self._session.scalar(select(VerantwoordingIndexRow.tot).where(VerantwoordingIndexRow.id == 1))
        return int(done or 0)

    def bronnen(self, start: int, end: int) -> list[tuple[int, bytes, dt.datetime]]:
        """(log_index, record, tijd) of the records in [start, end): what the derived rows are made from."""
        v = VerstrekkingRow
        query = select(v.log_index, v.record, v.tijd).where(v.log_index >= start, v.log_index < end)
        return [(int(i), bytes(r), t) for i, r, t in self._session.execute(query.order_by(v.log_index))]

    def opgeslagen(self, start: int, end: int | None) -> Afgeleid:
        """The derived rows stored for the records in [start, end) (`end` None: every record from `start` on)."""
        b, g = VerstrekkingBetrokkeneRow, VerstrekkingGrondslagRow
        personen = select(b.betrokkene_id, b.log_index, b.tijd).where(b.log_index >= start)
        gronden = select(g.grondslag, g.log_index).where(g.log_index >= start)
        if end is not None:
            personen, gronden = personen.where(b.log_index < end), gronden.where(g.log_index < end)
        return (
            {(str(p), int(i), t) for p, i, t in self._session.execute(personen)},
            {(str(n), int(i)) for n, i in self._session.execute(gronden)},
        )

    # -- selections ----------------------------------------------------------------------------------------------

    def zoek(self, selectie: Selectie, pagina: Pagina) -> list[Gevonden]:
        """One page of the records matching `selectie` (one more than the page size, to tell if there is more)."""
        if _alleen_personen(selectie):
            return self._zoek_persoon(selectie, pagina)
        order = (
            (VerstrekkingRow.tijd.desc(), VerstrekkingRow.log_index.desc())
            if pagina.nieuwste_eerst
            else (VerstrekkingRow.tijd, VerstrekkingRow.log_index)
        )
        query = (
            _filtered(select(VerstrekkingRow.log_index, VerstrekkingRow.record), selectie)
            .order_by(*order)
            .offset(pagina.offset)
            .limit(pagina.grootte + 1)
        )
        return [Gevonden(index, laad(data)) for index, data in self._session.execute(query)]

    def _zoek_persoon(self, selectie: Selectie, pagina: Pagina) -> list[Gevonden]:
        """A page of an access request chosen in `verstrekking_betrokkenen` by (betrokkene_id, tijd, log_index),
        so only that page's records are read, however many records name the person (the derived table holds no
        beheer record). Same rows and order as the general query."""
        b = VerstrekkingBetrokkeneRow
        conditions: list[ColumnElement[bool]] = [b.betrokkene_id.in_(list(selectie.betrokkenen or ()))]
        if selectie.van is not None:
            conditions.append(b.tijd >= selectie.van)
        if selectie.tot is not None:
            conditions.append(b.tijd < selectie.tot)
        keuze = select(b.log_index, b.tijd).where(*conditions).distinct()
        paged = keuze.subquery()
        order = (
            (paged.c.tijd.desc(), paged.c.log_index.desc())
            if pagina.nieuwste_eerst
            else (paged.c.tijd, paged.c.log_index)
        )
        pagina_rijen = (
            select(paged.c.log_index, paged.c.tijd).order_by(*order).offset(pagina.offset).limit(pagina.grootte + 1)
        ).subquery()
        outer = (
            (pagina_rijen.c.tijd.desc(), pagina_rijen.c.log_index.desc())
            if pagina.nieuwste_eerst
            else (pagina_rijen.c.tijd, pagina_rijen.c.log_index)
        )
        query = (
            select(VerstrekkingRow.log_index, VerstrekkingRow.record)
            .join(pagina_rijen, pagina_rijen.c.log_index == VerstrekkingRow.log_index)
            .order_by(*outer)
        )
        return [Gevonden(index, laad(data)) for index, data in self._session.execute(query)]

    def alle(self, selectie: Selectie, *, limiet: int) -> Iterator[Gevonden]:
        """Every record matching `selectie` in log order, at most `limiet`, read in chunks (for exports)."""
        after = -1
        given = 0
        while given < limiet:
            size = min(_CHUNK, limiet - given)
            query = (
                _filtered(select(VerstrekkingRow.log_index, VerstrekkingRow.record), selectie)
                .where(VerstrekkingRow.log_index > after)
                .order_by(VerstrekkingRow.log_index)
                .limit(size)
            )
            rows = self._session.execute(query).all()
            for index, data in rows:
                yield Gevonden(index, laad(data))
            if len(rows) < size:
                return  # the last chunk: no further query
            given += len(rows)
            after = rows[-1][0]

    def betrokkenen_met_index(self, indexes: Sequence[str]) -> list[BetrokkeneTreffer]:
        """The betrokkenen whose stored BSN blind index is one of `indexes` (every casus, every rol)."""
        rows = self._session.execute(
            select(BetrokkeneRow.id, BetrokkeneRow.casus_id, BetrokkeneRow.rol).where(
                BetrokkeneRow.bsn_index.in_(list(indexes))
            )
        )
        return [BetrokkeneTreffer(i, c, r) for i, c, r in rows]

    # -- figures ---------------------------------------------------------------------------------------------------

    def aantal_per_partner(
        self, van: dt.datetime | None = None, tot: dt.datetime | None = None, uitkomst: str | None = None
    ) -> dict[str, int]:
        """Verstrekkingen per partner (partners without any are left out)."""
        selectie = Selectie(van=van, tot=tot, uitkomst=uitkomst)
        partner = VerstrekkingRow.partner_id
        alle = _criteria(select(partner.label("partner"), func.count().label("n")), selectie).group_by(partner)
        # Grouped by an expression, not the column: SQLite would otherwise scan the whole partner index to group
        # the handful of beheer records (0.5 s at 300,000 records) instead of taking the doel index.
        van_beheer = partner.concat("")
        beheer = _beheer(select(van_beheer.label("partner"), (-_beheer_aantal(selectie)).label("n")))
        beheer = beheer.group_by(van_beheer)
        both = union_all(alle, beheer).subquery()
        total = func.sum(both.c.n)
        query = select(both.c.partner, total).group_by(both.c.partner).having(total > 0)
        return {str(p): int(count) for p, count in self._session.execute(query)}

    def aantal_per_doel(self, selectie: Selectie) -> dict[str, int]:
        """Verstrekkingen per doel within `selectie` (doelen without any are left out; never a beheer record)."""
        doel = VerstrekkingRow.doel
        query = _filtered(select(doel, func.count()), selectie).group_by(doel)
        return {str(d): int(n) for d, n in self._session.execute(query)}

    def aantal_per_grondslag(self, partner: str | None = None) -> dict[str, int]:
        """Records that released at least one veld on each grondslag (of `partner` only, when given): one grouped
        count over the derived table's primary key (grondslag, log_index), so each record counts once per
        grondslag; the derived table must be caught up first (`catch_up`)."""
        g = VerstrekkingGrondslagRow
        query = select(g.grondslag, func.count()).group_by(g.grondslag)
        if partner is not None:
            query = query.join(VerstrekkingRow, VerstrekkingRow.log_index == g.log_index).where(
                VerstrekkingRow.partner_id == partner
            )
        return {str(grondslag): int(n) for grondslag, n in self._session.execute(query)}

    def aantal(self, selectie: Selectie) -> int:
        """How many verstrekkingen match `selectie`."""
        alle = _criteria(select(func.count()).select_from(VerstrekkingRow), selectie).scalar_subquery()
        beheer = _beheer(select(_beheer_aantal(selectie))).scalar_subquery()
        return int(self._session.scalar(select(alle - beheer)) or 0)

    def tijden(self, van: dt.datetime, tot: dt.datetime) -> Iterator[tuple[str, dt.datetime]]:
        """(partner, tijd) of every verstrekking in [van, tot), in time order (for office-hour signals)."""
        query = (
            _filtered(select(VerstrekkingRow.partner_id, VerstrekkingRow.tijd), Selectie(van=van, tot=tot))
            .order_by(VerstrekkingRow.tijd)
            .execution_options(yield_per=_CHUNK)
        )
        for partner, tijd in self._session.execute(query):
            yield str(partner), tijd

    def actieve_partners(self) -> set[str]:
        return set(self._session.scalars(select(PartnerRow.id).where(PartnerRow.actief.is_(True))))


def _alleen_personen(selectie: Selectie) -> bool:
    """An access request filtered at most by period: its page can be chosen in the derived table alone."""
    return selectie.betrokkenen is not None and not any(
        (selectie.partner, selectie.casus, selectie.doel, selectie.grondslag, selectie.uitkomst)
    )


def _filtered(query: _S, selectie: Selectie) -> _S:
    """The rows of `selectie`, never a beheer record (see the module invariants)."""
    return _criteria(query, selectie).where(VerstrekkingRow.doel != BEHEER)


def _criteria(query: _S, selectie: Selectie) -> _S:
    """The rows of `selectie` including any beheer records: only for a count that subtracts `_beheer_aantal`."""
    return query.where(*_voorwaarden(selectie))


def _beheer(query: _S) -> _S:
    """Over the beheer records alone. The doel is the only condition, so the planner takes the doel index even
    without statistics (SQLite keeps none of a value's share) unless a GROUP BY offers another index (see
    `aantal_per_partner`): the selection is counted by `_beheer_aantal`."""
    return query.select_from(VerstrekkingRow).where(VerstrekkingRow.doel == BEHEER)


def _beheer_aantal(selectie: Selectie) -> ColumnElement[int]:
    """Within `_beheer`: how many of its rows `selectie` matches (its conditions inside the aggregate)."""
    voorwaarden = _voorwaarden(selectie)
    return func.count(case((and_(*voorwaarden), 1))) if voorwaarden else func.count()


def _voorwaarden(selectie: Selectie) -> list[ColumnElement[bool]]:
    """The conditions of `selectie` (AND), over `verstrekkingen`."""
    out: list[ColumnElement[bool]] = []
    if selectie.partner is not None:
        out.append(VerstrekkingRow.partner_id == selectie.partner)
    if selectie.casus is not None:
        out.append(VerstrekkingRow.casus_id == selectie.casus)
    if selectie.doel is not None:
        out.append(VerstrekkingRow.doel == selectie.doel)
    if selectie.uitkomst is not None:
        out.append(VerstrekkingRow.uitkomst == selectie.uitkomst)
    if selectie.van is not None:
        out.append(VerstrekkingRow.tijd >= selectie.van)
    if selectie.tot is not None:
        out.append(VerstrekkingRow.tijd < selectie.tot)
    if selectie.grondslag is not None:
        # A correlated EXISTS (a primary-key probe per candidate row in time order), not IN: a grondslag can
        # cover a large share of the log, and materialising that share would cost more than the first page.
        out.append(
            select(VerstrekkingGrondslagRow.log_index)
            .where(
                VerstrekkingGrondslagRow.grondslag == selectie.grondslag,
                VerstrekkingGrondslagRow.log_index == VerstrekkingRow.log_index,
            )
            .exists()
        )
    if selectie.betrokkenen is not None:
        out.append(
            VerstrekkingRow.log_index.in_(
                select(VerstrekkingBetrokkeneRow.log_index).where(
                    VerstrekkingBetrokkeneRow.betrokkene_id.in_(list(selectie.betrokkenen))
                )
            )
        )
    return out

"""The routeeroverleg's repository: signals, matches and their besluit (pseudonyms only, never an identity).

Invariants:
- `lock()` serialises every transaction that adds signals or decides matching (one row, locked first), so
  two signals about the same pseudonym that arrive together cannot both miss each other.
- Queries that answer a participant filter on its own signals in the database: a match it has no signal in
  is never loaded for it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from service.adapters.orm import RouteerMatchRow, RouteerSignaalRow, RouteerSlotRow
from service.domain.routeeroverleg import Besluit, Match, Route, Signaal


class RouteerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def lock(self) -> None:
        """Take the routeeroverleg's matching lock for the rest of the transaction."""
        self._session.execute(update(RouteerSlotRow).where(RouteerSlotRow.id == 1).values(id=RouteerSlotRow.id))

    def add_signaal(self, signaal: Signaal) -> None:
        self._session.add(
            RouteerSignaalRow(
                id=signaal.id,
                partner_id=signaal.partner_id,
                pseudoniem=signaal.pseudoniem,
                risico_indicatie=signaal.risico_indicatie,
                contactpunt=signaal.contactpunt,
                signaaldatum=signaal.signaaldatum,
                ontvangen_op=signaal.ontvangen_op,
                match_id=signaal.match_id,
            )
        )
        self._session.flush()

    def signalen(self, pseudoniem: str) -> list[Signaal]:
        """Every stored signal with this pseudonym (matched or not), oldest first."""
        rows = self._session.scalars(
            select(RouteerSignaalRow)
            .where(RouteerSignaalRow.pseudoniem == pseudoniem)
            .order_by(RouteerSignaalRow.signaaldatum, RouteerSignaalRow.ontvangen_op, RouteerSignaalRow.id)
        )
        return [_signaal(r) for r in rows]

    def open_matches(self, pseudoniem: str) -> list[str]:
        """Ids of the matches about this pseudonym without a besluit."""
        return list(
            self._session.scalars(
                select(RouteerMatchRow.id)
                .where(RouteerMatchRow.pseudoniem == pseudoniem, RouteerMatchRow.besloten_op.is_(None))
                .order_by(RouteerMatchRow.ontstaan_op, RouteerMatchRow.id)
            )
        )

    def add_match(self, match_id: str, pseudoniem: str, ontstaan_op: dt.datetime) -> None:
        self._session.add(RouteerMatchRow(id=match_id, pseudoniem=pseudoniem, ontstaan_op=ontstaan_op))
        self._session.flush()

    def koppel(self, signaal_ids: Iterable[str], match_id: str) -> None:
        ids = list(signaal_ids)
        if ids:
            self._session.execute(
                update(RouteerSignaalRow).where(RouteerSignaalRow.id.in_(ids)).values(match_id=match_id)
            )

    def matches_voor(self, partner_id: str) -> list[Match]:
        """The matches in which `partner_id` has a signal, newest first, with all their signals."""
        own = select(RouteerSignaalRow.match_id).where(
            RouteerSignaalRow.partner_id == partner_id, RouteerSignaalRow.match_id.is_not(None)
        )
        rows = list(
            self._session.scalars(
                select(RouteerMatchRow)
                .where(RouteerMatchRow.id.in_(own))
                .order_by(RouteerMatchRow.ontstaan_op.desc(), RouteerMatchRow.id)
            )
        )
        return self._with_signals(rows)

    def match_voor(self, match_id: str, partner_id: str) -> Match | None:
        """The match, only if `partner_id` has a signal in it (otherwise None, as if it did not exist)."""
        own = select(RouteerSignaalRow.id).where(
            RouteerSignaalRow.partner_id == partner_id, RouteerSignaalRow.match_id == match_id
        )
        row = self._session.scalar(select(RouteerMatchRow).where(RouteerMatchRow.id == match_id, own.exists()))
        if row is None:
            return None
        return self._with_signals([row])[0]

    def leg_besluit_vast(self, match_id: str, besluit: Besluit) -> bool:
        """Store the besluit if the match has none yet; False when one was recorded first."""
        result = self._session.execute(
            update(RouteerMatchRow)
            .where(RouteerMatchRow.id == match_id, RouteerMatchRow.besloten_op.is_(None))
            .values(
                besloten_op=besluit.besloten_op,
                besloten_door=besluit.besloten_door,
                route=besluit.route.value,
                regie=besluit.regie,
                grondslag=besluit.grondslag,
                toelichting=besluit.toelichting,
            )
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def verloop(self, signalen_voor: dt.date, matches_voor: dt.datetime) -> tuple[int, int]:
        """Delete unmatched signals dated before `signalen_voor` and matches decided before `matches_voor`
        (with their signals). Returns (signals deleted, matches deleted). Open matches are kept."""
        closed = list(
            self._session.scalars(
                select(RouteerMatchRow.id).where(
                    RouteerMatchRow.besloten_op.is_not(None), RouteerMatchRow.besloten_op < matches_voor
                )
            )
        )
        removed_signals = 0
        if closed:
            result = self._session.execute(delete(RouteerSignaalRow).where(RouteerSignaalRow.match_id.in_(closed)))
            removed_signals += int(getattr(result, "rowcount", 0))
            self._session.execute(delete(RouteerMatchRow).where(RouteerMatchRow.id.in_(closed)))
        result = self._session.execute(
            delete(RouteerSignaalRow).where(
                RouteerSignaalRow.match_id.is_(None), RouteerSignaalRow.signaaldatum < signalen_voor
            )
        )
        removed_signals += int(getattr(result, "rowcount", 0))
        return removed_signals, len(closed)

    def te_verlopen(self, signalen_voor: dt.date, matches_voor: dt.datetime) -> tuple[int, int]:
        """What `verloop` with the same arguments would delete, counted without deleting: (signals, matches)."""
        closed = select(RouteerMatchRow.id).where(
            RouteerMatchRow.besloten_op.is_not(None), RouteerMatchRow.besloten_op < matches_voor
        )
        matches = self._session.scalar(select(func.count()).select_from(closed.subquery())) or 0
        signalen = self._session.scalar(
            select(func.count())
            .select_from(RouteerSignaalRow)
            .where(
                RouteerSignaalRow.match_id.in_(closed)
                | (RouteerSignaalRow.match_id.is_(None) & (RouteerSignaalRow.signaaldatum < signalen_voor))
            )
        )
        return int(signalen or 0), int(matches)

    def delete_all(self) -> None:
        self._session.execute(delete(RouteerSignaalRow))
        self._session.execute(delete(RouteerMatchRow))

    def _with_signals(self, rows: Sequence[RouteerMatchRow]) -> list[Match]:
        if not rows:
            return []
        signals: dict[str, list[Signaal]] = {r.id: [] for r in rows}
        for s in self._session.scalars(
            select(RouteerSignaalRow)
            .where(RouteerSignaalRow.match_id.in_(list(signals)))
            .order_by(RouteerSignaalRow.signaaldatum, RouteerSignaalRow.ontvangen_op, RouteerSignaalRow.id)
        ):
            signals[s.match_id or ""].append(_signaal(s))
        return [Match(r.id, r.ontstaan_op, tuple(signals[r.id]), _besluit(r)) for r in rows]


def _signaal(row: RouteerSignaalRow) -> Signaal:
    return Signaal(
        id=row.id,
        partner_id=row.partner_id,
        pseudoniem=row.pseudoniem,
        risico_indicatie=row.risico_indicatie,
        contactpunt=row.contactpunt,
        signaaldatum=row.signaaldatum,
        ontvangen_op=row.ontvangen_op,
        match_id=row.match_id,
    )


def _besluit(row: RouteerMatchRow) -> Besluit | None:
    if row.besloten_op is None or row.route is None:
        return None
    return Besluit(
        route=Route(row.route),
        regie=row.regie or "",
        grondslag=row.grondslag or "",
        toelichting=row.toelichting or "",
        besloten_door=row.besloten_door or "",
        besloten_op=row.besloten_op,
    )

"""The repository of the rights of the betrokkene: beperkingen, uitstellen and correctieverzoeken (blind indexes,
codes and ids only).

Invariants:
- A person is found only through the BSN blind index of one regime, and only among betrokkenen of casussen of
  that regime's casustype (the index keys differ per regime, the condition says so as well).
- Lifting a beperking and ending an uitstel are conditional updates (`... WHERE opgeheven_op IS NULL`): of two
  that race, exactly one succeeds. Lifting empties the beperking's blind index (no longer needed).
- `beperkt` answers the verstrekking in one indexed query: the active beperkingen of the casus's betrokkenen.
- Answering a correctieverzoek is a conditional update (`... WHERE status != 'afgehandeld'`): of two answers
  that race, exactly one is recorded.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, bindparam, select, update
from sqlalchemy.orm import Session

from service.adapters.orm import BeperkingRow, BetrokkeneRow, CasusRow, CorrectieverzoekRow, DeelnameRow, UitstelRow
from service.domain.convenant import Regime
from service.domain.correctie import Afwijzingsreden, Correctieverzoek, Resultaat, Status, VerzoekSoort
from service.domain.rechten import Beperking, Grond, Opheffingsreden, Uitstel

# Built once (every verstrekking runs it): the active beperkingen of a casus's betrokkenen, by blind index.
_BEPERKT = (
    select(BetrokkeneRow.id, BeperkingRow.doelen)
    .join(
        BeperkingRow,
        and_(BeperkingRow.bsn_index == BetrokkeneRow.bsn_index, BeperkingRow.regime == bindparam("regime")),
    )
    .where(BetrokkeneRow.casus_id == bindparam("casus_id"), BeperkingRow.opgeheven_op.is_(None))
)


@dataclass(frozen=True, slots=True)
class Persoon:
    """Where a person (one blind index) is a betrokkene: its id, the casus and that casus's casustype."""

    betrokkene_id: str
    casus_id: str
    casustype: str


class RechtenRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- beperkingen -------------------------------------------------------------------------------------------

    def add_beperking(self, beperking: Beperking) -> None:
        self._session.add(
            BeperkingRow(
                id=beperking.id,
                regime=beperking.regime.value,
                bsn_index=beperking.bsn_index,
                doelen=json.dumps(sorted(beperking.doelen)),
                grond=beperking.grond.value,
                ingesteld_op=beperking.ingesteld_op,
                ingesteld_door=beperking.ingesteld_door,
                ingesteld_partner=beperking.ingesteld_partner,
            )
        )
        self._session.flush()

    def beperking(self, beperking_id: str) -> Beperking | None:
        row = self._session.get(BeperkingRow, beperking_id)
        return _beperking(row) if row is not None else None

    def beperkingen(self) -> list[Beperking]:
        """Every beperking, the active ones first, newest first within each."""
        rows = self._session.scalars(
            select(BeperkingRow).order_by(BeperkingRow.opgeheven_op.is_not(None), BeperkingRow.ingesteld_op.desc())
        )
        return [_beperking(row) for row in rows]

    def hef_op(self, beperking_id: str, op: dt.datetime, door: str, reden: Opheffingsreden) -> bool:
        """Lift an active beperking (and forget its blind index); False when it was not active (any more)."""
        result = self._session.execute(
            update(BeperkingRow)
            .where(BeperkingRow.id == beperking_id, BeperkingRow.opgeheven_op.is_(None))
            .values(opgeheven_op=op, opgeheven_door=door, opheffingsreden=reden.value, bsn_index=None)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    def beperkt(self, casus_id: str, regime: Regime) -> dict[str, frozenset[str]]:
        """The casus's restricted betrokkenen, each with the doelen every active beperking of it still allows."""
        out: dict[str, frozenset[str]] = {}
        for betrokkene, doelen in self._session.execute(_BEPERKT, {"casus_id": casus_id, "regime": regime.value}):
            allowed = frozenset(json.loads(doelen))
            out[betrokkene] = out[betrokkene] & allowed if betrokkene in out else allowed
        return out

    # -- uitstellen --------------------------------------------------------------------------------------------

    def add_uitstel(self, uitstel: Uitstel) -> None:
        self._session.add(
            UitstelRow(
                id=uitstel.id,
                regime=uitstel.regime.value,
                bsn_index=uitstel.bsn_index,
                partner_id=uitstel.partner,
                casus_id=uitstel.casus,
                grondslag=uitstel.grondslag,
                einddatum=uitstel.einddatum,
                ingesteld_op=uitstel.ingesteld_op,
                ingesteld_door=uitstel.ingesteld_door,
            )
        )
        self._session.flush()

    def uitstel(self, uitstel_id: str) -> Uitstel | None:
        row = self._session.get(UitstelRow, uitstel_id)
        return _uitstel(row) if row is not None else None

    def uitstellen(self, partner_id: str | None = None) -> list[Uitstel]:
        """Every uitstel (of one partner, when given), newest first."""
        query = select(UitstelRow).order_by(UitstelRow.ingesteld_op.desc())
        if partner_id is not None:
            query = query.where(UitstelRow.partner_id == partner_id)
        return [_uitstel(row) for row in self._session.scalars(query)]

    def uitstellen_met_index(self, indexes: Sequence[str]) -> list[Uitstel]:
        """The uitstellen of a person (its blind index of each regime) not ended early, any einddatum."""
        query = select(UitstelRow).where(UitstelRow.bsn_index.in_(list(indexes)), UitstelRow.beeindigd_op.is_(None))
        return [_uitstel(row) for row in self._session.scalars(query.order_by(UitstelRow.ingesteld_op))]

    def beeindig(self, uitstel_id: str, op: dt.datetime, door: str) -> bool:
        """End an uitstel early; False when it was ended already."""
        result = self._session.execute(
            update(UitstelRow)
            .where(UitstelRow.id == uitstel_id, UitstelRow.beeindigd_op.is_(None))
            .values(beeindigd_op=op, beeindigd_door=door)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    # -- correctieverzoeken (AVG art. 16 and 17) ------------------------------------------------------------------

    def add_correctieverzoek(self, verzoek: Correctieverzoek) -> None:
        self._session.add(
            CorrectieverzoekRow(
                id=verzoek.id,
                aanvraag=verzoek.aanvraag,
                soort=verzoek.soort.value,
                regime=verzoek.regime.value,
                casus_id=verzoek.casus,
                betrokkenen=json.dumps(list(verzoek.betrokkenen)),
                plaatsen=json.dumps([list(p) for p in verzoek.plaatsen]),
                bron=verzoek.bron,
                status=verzoek.status.value,
                ontvangen_op=verzoek.ontvangen_op,
                doorgestuurd_op=verzoek.doorgestuurd_op,
                ingediend_door=verzoek.ingediend_door,
                ingediend_partner=verzoek.ingediend_partner,
            )
        )
        self._session.flush()

    def correctieverzoek(self, verzoek_id: str) -> Correctieverzoek | None:
        row = self._session.get(CorrectieverzoekRow, verzoek_id)
        return _correctieverzoek(row) if row is not None else None

    def correctieverzoeken(self, bron: str | None = None) -> list[Correctieverzoek]:
        """Every correctieverzoek (routed to `bron`, when given): the open ones first, newest first within each."""
        r = CorrectieverzoekRow
        query = select(r).order_by(r.status == Status.AFGEHANDELD.value, r.ontvangen_op.desc(), r.id)
        if bron is not None:
            query = query.where(r.bron == bron)
        return [_correctieverzoek(row) for row in self._session.scalars(query)]

    def handel_af(
        self, verzoek_id: str, op: dt.datetime, door: str, resultaat: Resultaat, reden: Afwijzingsreden | None
    ) -> bool:
        """Record the bron's answer to an open verzoek; False when it was answered already."""
        r = CorrectieverzoekRow
        result = self._session.execute(
            update(r)
            .where(r.id == verzoek_id, r.status != Status.AFGEHANDELD.value)
            .values(
                status=Status.AFGEHANDELD.value,
                afgehandeld_op=op,
                afgehandeld_door=door,
                resultaat=resultaat.value,
                reden=reden.value if reden else None,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    # -- where a person is found --------------------------------------------------------------------------------

    def personen(self, index: str, regime: Regime, *, partner_id: str | None = None) -> list[Persoon]:
        """Where the person with this blind index is a betrokkene in a casus of the regime, sorted; with
        `partner_id`, only in casussen that partner takes or took part in."""
        b, c = BetrokkeneRow, CasusRow
        query = (
            select(b.id, b.casus_id, c.casustype)
            .join(c, c.id == b.casus_id)
            .where(b.bsn_index == index, c.casustype == regime.value)
        )
        if partner_id is not None:
            d = DeelnameRow
            query = query.where(select(d.id).where(d.casus_id == b.casus_id, d.partner_id == partner_id).exists())
        rows = self._session.execute(query.order_by(b.casus_id, b.id))
        return [Persoon(str(i), str(casus), str(casustype)) for i, casus, casustype in rows]


def _beperking(row: BeperkingRow) -> Beperking:
    return Beperking(
        id=row.id,
        regime=Regime(row.regime),
        bsn_index=row.bsn_index,
        doelen=frozenset(json.loads(row.doelen)),
        grond=Grond(row.grond),
        ingesteld_op=row.ingesteld_op,
        ingesteld_door=row.ingesteld_door,
        ingesteld_partner=row.ingesteld_partner,
        opgeheven_op=row.opgeheven_op,
        opgeheven_door=row.opgeheven_door,
        opheffingsreden=Opheffingsreden(row.opheffingsreden) if row.opheffingsreden else None,
    )


def _uitstel(row: UitstelRow) -> Uitstel:
    return Uitstel(
        id=row.id,
        regime=Regime(row.regime),
        bsn_index=row.bsn_index,
        partner=row.partner_id,
        casus=row.casus_id,
        grondslag=row.grondslag,
        einddatum=row.einddatum,
        ingesteld_op=row.ingesteld_op,
        ingesteld_door=row.ingesteld_door,
        beeindigd_op=row.beeindigd_op,
        beeindigd_door=row.beeindigd_door,
    )


def _correctieverzoek(row: CorrectieverzoekRow) -> Correctieverzoek:
    return Correctieverzoek(
        id=row.id,
        aanvraag=row.aanvraag,
        soort=VerzoekSoort(row.soort),
        regime=Regime(row.regime),
        casus=row.casus_id,
        betrokkenen=tuple(json.loads(row.betrokkenen)),
        plaatsen=tuple((str(b), str(v)) for b, v in json.loads(row.plaatsen)),
        bron=row.bron,
        status=Status(row.status),
        ontvangen_op=row.ontvangen_op,
        doorgestuurd_op=row.doorgestuurd_op,
        ingediend_door=row.ingediend_door,
        ingediend_partner=row.ingediend_partner,
        afgehandeld_op=row.afgehandeld_op,
        afgehandeld_door=row.afgehandeld_door,
        resultaat=Resultaat(row.resultaat) if row.resultaat else None,
        reden=Afwijzingsreden(row.reden) if row.reden else None,
    )

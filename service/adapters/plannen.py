"""The plan van aanpak of a casus: its items as metadata, their texts encrypted under the casus's data key.

Invariants:
- A text is stored only as a field cipher token of the casus's own data key, bound to its place
  `plan/<item id>/<kolom>`: moved to another item, column or casus it fails to decrypt. Without the key (a
  destroyed casus) nothing is written (`CasusVernietigdError`) and nothing is read; the shredder also empties
  the text columns (`VeldwaardeRepository.shred`).
- Texts are decrypted only by `VersleuteldPlan.teksten`, for the velden a verstrekking released; the metadata
  reads (`plan`, `acties`) never touch a token.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.adapters.casus_keys import CasusKeys
from service.adapters.orm import (
    AveFaseRow,
    CasusSleutelRow,
    OpschalingRow,
    PlanactieRow,
    PlanafspraakRow,
    PlandoelRow,
)
from service.crypto import FieldCipher
from service.domain.convenant import Regime
from service.domain.errors import CasusVernietigdError
from service.domain.plan import (
    AFSPRAAKTEKST,
    DOELTEKST,
    ESCALATIETEKST,
    LOPEND,
    Actie,
    ActieStatus,
    Afspraak,
    AveFase,
    Doel,
    Leefgebied,
    Niveau,
    Opschaling,
    OpschalingStatus,
    OpschalingUitkomst,
    Plan,
)

# Every encrypted column of the plan's tables, with the veld of the veldcatalogus its text counts as.
TEKSTKOLOMMEN = (
    (PlandoelRow, "tekst", DOELTEKST),
    (PlanactieRow, "omschrijving", AFSPRAAKTEKST),
    (PlanafspraakRow, "tekst", AFSPRAAKTEKST),
    (OpschalingRow, "reden", ESCALATIETEKST),
    (OpschalingRow, "toelichting", ESCALATIETEKST),
)


Plaats = tuple[str | None, str]  # (None: the casus itself; veld id), as in `veldwaarden`


def _bound_name(item_id: str, kolom: str) -> str:
    return f"plan/{item_id}/{kolom}"


class PlanRepository:
    def __init__(self, session: Session, keys: CasusKeys) -> None:
        self._session = session
        self._keys = keys

    def _wrapped(self, casus_id: str) -> bytes | None:
        wrapped: bytes | None = self._session.scalar(
            select(CasusSleutelRow.wrapped).where(CasusSleutelRow.casus_id == casus_id)
        )
        return wrapped

    def _cipher(self, casus_id: str, regime: Regime) -> FieldCipher:
        wrapped = self._wrapped(casus_id)
        if wrapped is None:
            raise CasusVernietigdError(f"the data of casus {casus_id} was destroyed")
        return self._keys.cipher_for(regime, casus_id, wrapped)

    def _token(self, casus_id: str, regime: Regime, item_id: str, kolom: str, tekst: str) -> bytes:
        return self._cipher(casus_id, regime).encrypt(_bound_name(item_id, kolom), tekst.encode("utf-8"))

    def add_doel(self, doel: Doel, tekst: str, regime: Regime) -> None:
        """Raises: CasusVernietigdError: the casus's data key is gone."""
        token = self._token(doel.casus_id, regime, doel.id, "tekst", tekst)
        self._session.add(
            PlandoelRow(
                id=doel.id,
                casus_id=doel.casus_id,
                leefgebied=doel.leefgebied.value,
                tekst=token,
                bron=doel.bron,
                aangemaakt_op=doel.aangemaakt_op,
            )
        )

    def add_actie(self, actie: Actie, omschrijving: str, regime: Regime) -> None:
        """Raises: CasusVernietigdError: the casus's data key is gone."""
        token = self._token(actie.casus_id, regime, actie.id, "omschrijving", omschrijving)
        self._session.add(
            PlanactieRow(
                id=actie.id,
                casus_id=actie.casus_id,
                doel_id=actie.doel_id,
                partner_id=actie.partner_id,
                deadline=actie.deadline,
                status=actie.status.value,
                omschrijving=token,
                bron=actie.bron,
                aangemaakt_op=actie.aangemaakt_op,
                gewijzigd_op=actie.gewijzigd_op,
            )
        )

    def add_afspraak(self, afspraak: Afspraak, tekst: str, regime: Regime) -> None:
        """Raises: CasusVernietigdError: the casus's data key is gone."""
        token = self._token(afspraak.casus_id, regime, afspraak.id, "tekst", tekst)
        self._session.add(
            PlanafspraakRow(
                id=afspraak.id,
                casus_id=afspraak.casus_id,
                datum=afspraak.datum,
                overleg=afspraak.overleg,
                tekst=token,
                bron=afspraak.bron,
                aangemaakt_op=afspraak.aangemaakt_op,
            )
        )

    def add_opschaling(self, opschaling: Opschaling, reden: str, regime: Regime) -> None:
        """Raises: CasusVernietigdError: the casus's data key is gone."""
        token = self._token(opschaling.casus_id, regime, opschaling.id, "reden", reden)
        self._session.add(
            OpschalingRow(
                id=opschaling.id,
                casus_id=opschaling.casus_id,
                niveau=opschaling.niveau.value,
                datum=opschaling.datum,
                status=opschaling.status.value,
                uitkomst=None,
                reden=token,
                bron=opschaling.bron,
                aangemaakt_op=opschaling.aangemaakt_op,
            )
        )

    def actie(self, casus_id: str, actie_id: str) -> Actie | None:
        row = self._session.get(PlanactieRow, actie_id)
        return _actie(row) if row is not None and row.casus_id == casus_id else None

    def wijzig_actie(
        self, actie_id: str, op: dt.datetime, *, status: ActieStatus | None = None, deadline: dt.date | None = None
    ) -> None:
        values: dict[str, object] = {"gewijzigd_op": op}
        if status is not None:
            values["status"] = status.value
        if deadline is not None:
            values["deadline"] = deadline
        self._session.execute(update(PlanactieRow).where(PlanactieRow.id == actie_id).values(**values))

    def opschaling(self, casus_id: str, opschaling_id: str) -> Opschaling | None:
        row = self._session.get(OpschalingRow, opschaling_id)
        return _opschaling(row) if row is not None and row.casus_id == casus_id else None

    def rond_af(
        self,
        opschaling: Opschaling,
        uitkomst: OpschalingUitkomst,
        toelichting: str | None,
        regime: Regime,
        op: dt.datetime,
    ) -> None:
        """Close an opschaling with its uitkomst (and an encrypted toelichting).

        Raises:
            CasusVernietigdError: the casus's data key is gone.
        """
        token = None
        if toelichting:
            token = self._token(opschaling.casus_id, regime, opschaling.id, "toelichting", toelichting)
        self._session.execute(
            update(OpschalingRow)
            .where(OpschalingRow.id == opschaling.id)
            .values(status=OpschalingStatus.AFGEROND.value, uitkomst=uitkomst.value, toelichting=token, afgerond_op=op)
        )

    def plan(self, casus_id: str) -> Plan:
        """The plan's metadata, items oldest first; no token is read."""

        def rows(table: Any) -> list[Any]:
            query = select(table).where(table.casus_id == casus_id).order_by(table.aangemaakt_op, table.id)
            return list(self._session.scalars(query))

        return Plan(
            casus_id,
            tuple(_doel(r) for r in rows(PlandoelRow)),
            tuple(_actie(r) for r in rows(PlanactieRow)),
            tuple(_afspraak(r) for r in rows(PlanafspraakRow)),
            tuple(_opschaling(r) for r in rows(OpschalingRow)),
            self.ave_fase(casus_id),
        )

    def lopende_acties(self, casus_ids: Collection[str], *, verlopen_op: dt.date | None = None) -> list[Actie]:
        """The acties neither afgerond nor vervallen of these casussen (with `verlopen_op`: only those whose
        deadline lies before that day), soonest deadline first."""
        if not casus_ids:
            return []
        query = select(PlanactieRow).where(
            PlanactieRow.status.in_([s.value for s in LOPEND]), PlanactieRow.casus_id.in_(list(casus_ids))
        )
        if verlopen_op is not None:
            query = query.where(PlanactieRow.deadline < verlopen_op)
        query = query.order_by(PlanactieRow.deadline, PlanactieRow.casus_id, PlanactieRow.id)
        return [_actie(r) for r in self._session.scalars(query)]

    def ave_fase(self, casus_id: str) -> AveFase | None:
        row = self._session.get(AveFaseRow, casus_id)
        return AveFase(row.fase, row.sinds) if row is not None else None

    def set_ave_fase(self, casus_id: str, fase: int, op: dt.datetime) -> None:
        row = self._session.get(AveFaseRow, casus_id)
        if row is None:
            self._session.add(AveFaseRow(casus_id=casus_id, fase=fase, sinds=op))
        else:
            row.fase, row.sinds = fase, op

    def versleuteld(self, casus_id: str, regime: Regime) -> VersleuteldPlan | None:
        """The plan's texts as tokens with the casus's wrapped key, not decrypted; None when destroyed."""
        wrapped = self._wrapped(casus_id)
        if wrapped is None:
            return None
        teksten: list[Tekst] = []
        for table, kolom, veld in TEKSTKOLOMMEN:
            column = getattr(table, kolom)
            query = select(table.id, column, table.bron, table.aangemaakt_op).where(
                table.casus_id == casus_id, column.is_not(None)
            )
            teksten.extend(
                Tekst(i, kolom, veld, token, bron, op) for i, token, bron, op in self._session.execute(query)
            )
        return VersleuteldPlan(casus_id, regime, wrapped, teksten, self._keys)


def leeg_teksten(session: Session, casus_id: str) -> None:
    """Empty every text column of a casus's plan (shredding: the key goes in the same transaction)."""
    for table, kolom, _ in TEKSTKOLOMMEN:
        session.execute(update(table).where(table.casus_id == casus_id).values({kolom: None}))


@dataclass(frozen=True, slots=True)
class Tekst:
    item: str
    kolom: str
    veld: str  # the veld of the veldcatalogus it counts as
    token: bytes
    bron: str
    op: dt.datetime


class VersleuteldPlan:
    """A plan's texts as tokens: which velden hold text, and decryption of chosen velden only."""

    def __init__(
        self, casus_id: str, regime: Regime, wrapped: bytes, teksten: Iterable[Tekst], keys: CasusKeys
    ) -> None:
        self._casus_id = casus_id
        self._regime = regime
        self._wrapped = wrapped
        self._teksten = tuple(teksten)
        self._keys = keys

    def plaatsen(self) -> dict[str, list[str | None]]:
        """Per veld holding text, its place: the casus itself (a plan is about the casus as a whole)."""
        return {veld: [None] for veld in sorted({t.veld for t in self._teksten})}

    def bronnen(self) -> dict[Plaats, str]:
        """Per veld whose every text one partner supplied, that partner."""
        per_veld: dict[str, set[str]] = {}
        for t in self._teksten:
            per_veld.setdefault(t.veld, set()).add(t.bron)
        return {(None, veld): next(iter(b)) for veld, b in per_veld.items() if len(b) == 1}

    def teksten(self, velden: Collection[str] | None) -> dict[tuple[str, str], str]:
        """The texts of the given velden (None: all) by (item id, kolom), in plaintext.

        Raises:
            CryptoError: a token or the key does not decrypt.
        """
        gekozen = [t for t in self._teksten if velden is None or t.veld in velden]
        if not gekozen:
            return {}
        cipher = self._keys.cipher_for(self._regime, self._casus_id, self._wrapped)
        return {
            (t.item, t.kolom): cipher.decrypt(_bound_name(t.item, t.kolom), t.token).decode("utf-8") for t in gekozen
        }


def _doel(row: PlandoelRow) -> Doel:
    return Doel(row.id, row.casus_id, Leefgebied(row.leefgebied), row.aangemaakt_op, row.bron)


def _actie(row: PlanactieRow) -> Actie:
    return Actie(
        row.id,
        row.casus_id,
        row.doel_id,
        row.partner_id,
        row.deadline,
        ActieStatus(row.status),
        row.aangemaakt_op,
        row.gewijzigd_op,
        row.bron,
    )


def _afspraak(row: PlanafspraakRow) -> Afspraak:
    return Afspraak(row.id, row.casus_id, row.datum, row.overleg, row.aangemaakt_op, row.bron)


def _opschaling(row: OpschalingRow) -> Opschaling:
    return Opschaling(
        row.id,
        row.casus_id,
        Niveau(row.niveau),
        row.datum,
        OpschalingStatus(row.status),
        OpschalingUitkomst(row.uitkomst) if row.uitkomst else None,
        row.aangemaakt_op,
        row.afgerond_op,
        row.bron,
    )

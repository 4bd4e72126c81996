"""Case field values: the only place they are encrypted and decrypted.

Invariants:
- The database receives only field cipher tokens; use cases receive only plaintext values. Neither sees the
  other form (DESIGN invariant 4).
- Every token is bound to its casus (through the casus's own data key and associated data) and to its place:
  `<betrokkene id>/<veld>` or `casus/<veld>`. Moved to another casus, betrokkene or veld it fails to decrypt.
- Shredding deletes the casus's wrapped data key and its tokens (the plan's texts too) in one transaction;
  afterwards every read raises `CasusVernietigdError`, and a copy of the tokens (a backup) is unreadable without
  the key.
- Rewrapping updates a key only if it is still the one read (compare and swap), so rotation can run beside
  the service and be resumed after an interruption.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from service.adapters.casus_keys import CasusKeys
from service.adapters.orm import BetrokkeneRow, BijdrageRow, CasusRow, CasusSleutelRow, GebeurtenisRow, VeldwaardeRow
from service.adapters.plannen import leeg_teksten
from service.crypto import kek_version_of
from service.domain.convenant import Regime
from service.domain.errors import CasusVernietigdError
from service.domain.veldwaarde import JsonWaarde, decode, encode

Plaats = tuple[str | None, str]  # (betrokkene id or None for the casus itself, veld id)


@dataclass(frozen=True, slots=True)
class OpgeslagenWaarde:
    waarde: JsonWaarde
    bron: str  # the contributing partner
    bijgedragen_op: dt.datetime


_V = VeldwaardeRow.__table__.c
_K = CasusSleutelRow.__table__.c
_WRAPPED = select(_K.wrapped).where(_K.casus_id == bindparam("casus_id"))
# The data key with every value of the casus in one statement (one snapshot, one round trip): one row per value,
# one row of NULL values when there are none, no row at all when the key is gone (destroyed).
_WRAPPED_AND_VALUES = (
    select(_K.wrapped, _V.betrokkene, _V.veld, _V.waarde, _V.bron, _V.bijgedragen_op)
    .select_from(CasusSleutelRow.__table__.outerjoin(VeldwaardeRow.__table__, _V.casus_id == _K.casus_id))
    .where(_K.casus_id == bindparam("casus_id"))
)


def _bound_name(betrokkene: str | None, veld: str) -> str:
    return f"{betrokkene or 'casus'}/{veld}"


class VeldwaardeRepository:
    def __init__(self, session: Session, keys: CasusKeys) -> None:
        self._session = session
        self._keys = keys

    def create_data_key(self, casus_id: str, regime: Regime, op: dt.datetime) -> None:
        wrapped = self._keys.new_data_key(regime, casus_id)
        self._session.add(
            CasusSleutelRow(
                casus_id=casus_id,
                regime=regime.value,
                kek_versie=kek_version_of(wrapped),
                wrapped=wrapped,
                gewijzigd_op=op,
            )
        )

    def _wrapped(self, casus_id: str) -> bytes:
        wrapped: bytes | None = self._session.execute(_WRAPPED, {"casus_id": casus_id}).scalar()
        if wrapped is None:
            raise CasusVernietigdError(f"the data of casus {casus_id} was destroyed")
        return wrapped

    def store(
        self, casus_id: str, regime: Regime, values: Mapping[Plaats, JsonWaarde], bron: str, op: dt.datetime
    ) -> None:
        """Encrypt and store (insert or replace) values, recording `bron` as their source.

        Raises:
            CasusVernietigdError: the casus's data key is gone.
        """
        if not values:
            return
        cipher = self._keys.cipher_for(regime, casus_id, self._wrapped(casus_id))
        existing = {
            (row.betrokkene, row.veld): row
            for row in self._session.scalars(select(VeldwaardeRow).where(VeldwaardeRow.casus_id == casus_id))
        }
        nieuw = []
        for (betrokkene, veld), waarde in values.items():
            token = cipher.encrypt(_bound_name(betrokkene, veld), encode(waarde))
            row = existing.get((betrokkene or "", veld))
            if row is None:
                nieuw.append(
                    {
                        "casus_id": casus_id,
                        "betrokkene": betrokkene or "",
                        "veld": veld,
                        "waarde": token,
                        "bron": bron,
                        "bijgedragen_op": op,
                    }
                )
            else:
                row.waarde, row.bron, row.bijgedragen_op = token, bron, op
        if nieuw:  # one statement for the new rows: no ORM object per value (a casus has dozens)
            self._session.execute(insert(VeldwaardeRow), nieuw)

    def read(self, casus_id: str, regime: Regime) -> dict[Plaats, OpgeslagenWaarde]:
        """Decrypt every value of a casus.

        Raises:
            CasusVernietigdError: the casus's data key is gone.
            CryptoError: a stored token or key does not decrypt (tampering or a key problem).
        """
        versleuteld = self.versleuteld(casus_id, regime)
        if versleuteld is None:
            raise CasusVernietigdError(f"the data of casus {casus_id} was destroyed")
        return versleuteld.ontsleutel(None)

    def versleuteld(self, casus_id: str, regime: Regime) -> Versleuteld | None:
        """The casus's stored tokens and wrapped data key, not decrypted (one statement); None when destroyed.

        A verstrekking loads this, decides which velden it releases from the places alone, and then decrypts
        only those: a withheld value is never turned into plaintext, not even in memory.
        """
        rows = self._session.execute(_WRAPPED_AND_VALUES, {"casus_id": casus_id}).all()
        if not rows:
            return None
        tokens = {
            (betrokkene or None, veld): (token, bron, op) for _, betrokkene, veld, token, bron, op in rows if veld
        }
        return Versleuteld(casus_id, regime, rows[0][0], tokens, self._keys)

    def herkomst(self, casus_id: str) -> dict[Plaats, tuple[str, dt.datetime]]:
        """Per place holding a value, its bron and when it was supplied (metadata only: nothing is decrypted)."""
        query = select(_V.betrokkene, _V.veld, _V.bron, _V.bijgedragen_op).where(_V.casus_id == casus_id)
        return {(b or None, v): (bron, op) for b, v, bron, op in self._session.execute(query)}

    def verwijder(self, casus_id: str, plaatsen: Iterable[Plaats]) -> int:
        """Delete the values at `plaatsen` (an erasure, AVG art. 17); a deleted `bsn` also deletes its
        betrokkene's blind index, so the person is no longer found there. Returns how many values were deleted."""
        deleted = 0
        for betrokkene, veld in plaatsen:
            result = self._session.execute(
                delete(VeldwaardeRow).where(
                    VeldwaardeRow.casus_id == casus_id,
                    VeldwaardeRow.betrokkene == (betrokkene or ""),
                    VeldwaardeRow.veld == veld,
                )
            )
            deleted += result.rowcount  # type: ignore[attr-defined]
            if veld == "bsn" and betrokkene is not None:
                self._session.execute(
                    update(BetrokkeneRow)
                    .where(BetrokkeneRow.id == betrokkene, BetrokkeneRow.casus_id == casus_id)
                    .values(bsn_index=None)
                )
        return deleted

    def record_contribution(
        self, casus_id: str, partner_id: str, gebruiker_id: str, plaatsen: Iterable[Plaats], op: dt.datetime
    ) -> None:
        names = sorted(_bound_name(b, v) for b, v in plaatsen)
        self._session.add(
            BijdrageRow(
                casus_id=casus_id,
                partner_id=partner_id,
                gebruiker_id=gebruiker_id,
                velden=json.dumps(names),
                bijgedragen_op=op,
            )
        )

    def shred(self, casus_id: str, op: dt.datetime) -> None:
        """Delete the casus's data key, its tokens, its history's toelichtingen and its plan's texts; mark it
        destroyed.

        The metadata (ids, dates, fase, the history without toelichting, the plan's codes) stays for
        accountability.
        """
        self._session.execute(delete(VeldwaardeRow).where(VeldwaardeRow.casus_id == casus_id))
        leeg_teksten(self._session, casus_id)
        self._session.execute(
            update(GebeurtenisRow).where(GebeurtenisRow.casus_id == casus_id).values(toelichting=None)
        )
        self._session.execute(delete(CasusSleutelRow).where(CasusSleutelRow.casus_id == casus_id))
        self._session.execute(update(CasusRow).where(CasusRow.id == casus_id).values(vernietigd_op=op))
        self._keys.forget(casus_id)

    def key_versions(self, regime: Regime) -> dict[int, int]:
        """How many data keys each KEK version of `regime` wraps."""
        rows = self._session.execute(
            select(CasusSleutelRow.kek_versie, func.count())
            .where(CasusSleutelRow.regime == regime.value)
            .group_by(CasusSleutelRow.kek_versie)
        )
        return {int(versie): int(count) for versie, count in rows}

    def rewrap_batch(self, regime: Regime, limit: int, op: dt.datetime) -> int:
        """Rewrap up to `limit` data keys not yet under the primary KEK version; returns how many changed.

        Raises:
            CryptoError: a stored wrapped key does not unwrap.
        """
        primary = self._keys.primary_version(regime)
        rows = self._session.execute(
            select(CasusSleutelRow.casus_id, CasusSleutelRow.wrapped)
            .where(CasusSleutelRow.regime == regime.value, CasusSleutelRow.kek_versie != primary)
            .order_by(CasusSleutelRow.casus_id)
            .limit(limit)
        ).all()
        changed = 0
        for casus_id, wrapped in rows:
            rewrapped = self._keys.rewrap(regime, casus_id, wrapped)
            result = self._session.execute(
                update(CasusSleutelRow)
                .where(CasusSleutelRow.casus_id == casus_id, CasusSleutelRow.wrapped == wrapped)
                .values(wrapped=rewrapped, kek_versie=kek_version_of(rewrapped), gewijzigd_op=op)
            )
            changed += result.rowcount  # type: ignore[attr-defined]
        return changed


class Versleuteld:
    """The stored values of one casus as tokens: where values are, and decryption of chosen velden only."""

    def __init__(
        self,
        casus_id: str,
        regime: Regime,
        wrapped: bytes,
        tokens: Mapping[Plaats, tuple[bytes, str, dt.datetime]],
        keys: CasusKeys,
    ) -> None:
        self._casus_id = casus_id
        self._regime = regime
        self._wrapped = wrapped
        self._tokens = tokens
        self._keys = keys

    def plaatsen(self) -> dict[str, list[str | None]]:
        """Per veld with a value, the places holding one (a betrokkene id, or None for the casus itself)."""
        out: dict[str, list[str | None]] = {}
        for betrokkene, veld in self._tokens:
            out.setdefault(veld, []).append(betrokkene)
        return out

    def bronnen(self) -> dict[Plaats, str]:
        """Per place holding a value, the partner that supplied it (its bron)."""
        return {plaats: bron for plaats, (_, bron, _) in self._tokens.items()}

    def ontsleutel(
        self, velden: Collection[str] | None, plaatsen: Collection[Plaats] | None = None
    ) -> dict[Plaats, OpgeslagenWaarde]:
        """Decrypt the values of the given velden (None: all); with `plaatsen`, only the values at those places.

        Raises:
            CryptoError: a stored token or key does not decrypt (tampering or a key problem).
        """
        cipher = self._keys.cipher_for(self._regime, self._casus_id, self._wrapped)
        return {
            (betrokkene, veld): OpgeslagenWaarde(decode(cipher.decrypt(_bound_name(betrokkene, veld), token)), bron, op)
            for (betrokkene, veld), (token, bron, op) in self._tokens.items()
            if (velden is None or veld in velden) and (plaatsen is None or (betrokkene, veld) in plaatsen)
        }

"""The history of a casus: one row per change (who, when, what, why), the toelichting encrypted.

Invariants:
- A toelichting is free text and may name a person, so it is stored only as a field cipher token under the
  casus's own data key, bound to the entry (`historie/<entry id>`): moved to another entry or casus it fails
  to decrypt, and shredding the casus makes it unreadable (the shredder also clears the tokens).
- The other columns are metadata: ids of partners, gebruikers and rollen, fasen, and a JSON object of ids and
  enum values. Nothing there is a value about a person.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.adapters.casus_keys import CasusKeys
from service.adapters.orm import CasusSleutelRow, GebeurtenisRow
from service.crypto import FieldCipher
from service.domain.convenant import Fase, Regime
from service.domain.levensloop import Gebeurtenis, Handeling


def _bound_name(gebeurtenis_id: str) -> str:
    return f"historie/{gebeurtenis_id}"


class GebeurtenisRepository:
    def __init__(self, session: Session, keys: CasusKeys) -> None:
        self._session = session
        self._keys = keys

    def _cipher(self, casus_id: str, regime: Regime) -> FieldCipher | None:
        wrapped = self._session.scalar(select(CasusSleutelRow.wrapped).where(CasusSleutelRow.casus_id == casus_id))
        return None if wrapped is None else self._keys.cipher_for(regime, casus_id, wrapped)

    def add(self, gebeurtenis: Gebeurtenis, regime: Regime) -> None:
        """Record an entry; its toelichting is encrypted (dropped when the casus's data was destroyed).

        Raises:
            CryptoError: the casus's wrapped data key does not unwrap.
        """
        token = None
        if gebeurtenis.toelichting:
            cipher = self._cipher(gebeurtenis.casus_id, regime)
            if cipher is not None:
                token = cipher.encrypt(_bound_name(gebeurtenis.id), gebeurtenis.toelichting.encode("utf-8"))
        self._session.add(
            GebeurtenisRow(
                id=gebeurtenis.id,
                casus_id=gebeurtenis.casus_id,
                tijd=gebeurtenis.tijd,
                partner_id=gebeurtenis.partner_id,
                gebruiker_id=gebeurtenis.gebruiker_id,
                rol=gebeurtenis.rol,
                handeling=gebeurtenis.handeling.value,
                van_fase=gebeurtenis.van_fase.value,
                naar_fase=gebeurtenis.naar_fase.value,
                gegevens=json.dumps(dict(gebeurtenis.gegevens), sort_keys=True),
                toelichting=token,
            )
        )

    def list(self, casus_id: str, regime: Regime) -> list[Gebeurtenis]:
        """Every entry of a casus, oldest first; toelichtingen decrypted (None once the casus was destroyed).

        Raises:
            CryptoError: a stored toelichting or the data key does not decrypt (tampering or a key problem).
        """
        rows = list(
            self._session.scalars(
                select(GebeurtenisRow)
                .where(GebeurtenisRow.casus_id == casus_id)
                .order_by(GebeurtenisRow.tijd, GebeurtenisRow.id)
            )
        )
        cipher = self._cipher(casus_id, regime) if any(r.toelichting for r in rows) else None
        out = []
        for row in rows:
            toelichting = None
            if row.toelichting is not None and cipher is not None:
                toelichting = cipher.decrypt(_bound_name(row.id), row.toelichting).decode("utf-8")
            out.append(
                Gebeurtenis(
                    id=row.id,
                    casus_id=row.casus_id,
                    tijd=row.tijd,
                    partner_id=row.partner_id,
                    gebruiker_id=row.gebruiker_id,
                    rol=row.rol,
                    handeling=Handeling(row.handeling),
                    van_fase=Fase(row.van_fase),
                    naar_fase=Fase(row.naar_fase),
                    toelichting=toelichting,
                    gegevens=json.loads(row.gegevens),
                )
            )
        return out

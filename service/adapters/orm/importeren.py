"""The import's idempotency keys: one row per casus an import stored (keyed hashes, ids and a time only)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class ImportsleutelRow(Base):
    """That an import stored a casus, recognised by the keyed hash of the source system's id of it.

    `sleutel` and `inhoud` are HMAC-SHA256 (hex) under the regime's blind index key (`BlindIndex.extern_id_hex`,
    `inhoud_hex`): the external id, which may identify a person, is never stored. The row outlives the casus's
    data (crypto-shredding leaves it), so a destroyed casus is never imported again from an old file.
    """

    __tablename__ = "importsleutels"

    sleutel: Mapped[str] = mapped_column(String(64), primary_key=True)
    inhoud: Mapped[str] = mapped_column(String(64))
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[str] = mapped_column(String(32))  # the import run's log record id
    geimporteerd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)

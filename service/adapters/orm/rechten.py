"""Tables of the rights of the betrokkene: beperkingen (AVG art. 18), uitstellen of informing the person and
correctieverzoeken (art. 16 and 17).

A person is named only by the BSN blind index of one regime (`bsn_index`), never by a BSN; no free text.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class BeperkingRow(Base):
    """A restriction of processing; `bsn_index` is emptied when it is lifted (then no longer needed)."""

    __tablename__ = "beperkingen"
    __table_args__ = (Index("ix_beperkingen_index_regime", "bsn_index", "regime"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    regime: Mapped[str] = mapped_column(String(16))
    bsn_index: Mapped[str | None] = mapped_column(String(64), nullable=True)
    doelen: Mapped[str] = mapped_column(Text)  # JSON array of doel ids (sorted)
    grond: Mapped[str] = mapped_column(String(32))
    ingesteld_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ingesteld_door: Mapped[str] = mapped_column(String(32))
    ingesteld_partner: Mapped[str] = mapped_column(String(80))
    opgeheven_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    opgeheven_door: Mapped[str | None] = mapped_column(String(32), nullable=True)
    opheffingsreden: Mapped[str | None] = mapped_column(String(32), nullable=True)


class UitstelRow(Base):
    """A deferral of informing the person about one partner's flows, until `einddatum` (or an early end)."""

    __tablename__ = "uitstellen"
    __table_args__ = (Index("ix_uitstellen_index_regime", "bsn_index", "regime"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    regime: Mapped[str] = mapped_column(String(16))
    bsn_index: Mapped[str] = mapped_column(String(64))
    partner_id: Mapped[str] = mapped_column(String(80), index=True)
    casus_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    grondslag: Mapped[str] = mapped_column(String(80))
    einddatum: Mapped[dt.date] = mapped_column(Date)
    ingesteld_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ingesteld_door: Mapped[str] = mapped_column(String(32))
    beeindigd_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    beeindigd_door: Mapped[str | None] = mapped_column(String(32), nullable=True)


class CorrectieverzoekRow(Base):
    """A correctie or verwijdering for one casus, routed to the bron partner; ids, veld names and codes only."""

    __tablename__ = "correctieverzoeken"
    __table_args__ = (Index("ix_correctieverzoeken_bron_status", "bron", "status"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    aanvraag: Mapped[str] = mapped_column(String(32))
    soort: Mapped[str] = mapped_column(String(16))
    regime: Mapped[str] = mapped_column(String(16))
    casus_id: Mapped[str] = mapped_column(String(32))
    betrokkenen: Mapped[str] = mapped_column(Text)  # JSON array of the person's betrokkene ids in the casus
    plaatsen: Mapped[str] = mapped_column(Text)  # JSON array of [betrokkene id or "casus", veld id]
    bron: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))
    ontvangen_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    doorgestuurd_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    ingediend_door: Mapped[str] = mapped_column(String(32))
    ingediend_partner: Mapped[str] = mapped_column(String(80))
    afgehandeld_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    afgehandeld_door: Mapped[str | None] = mapped_column(String(32), nullable=True)
    resultaat: Mapped[str | None] = mapped_column(String(16), nullable=True)
    reden: Mapped[str | None] = mapped_column(String(32), nullable=True)

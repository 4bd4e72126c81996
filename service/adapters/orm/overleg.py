"""Tables of the overleggen: the overleg, its agendapunten, the invitations with attendance, and the
geheimhoudingsverklaringen of incidental participants.

Ids, dates, codes and booleans only: no value about a person and no free text (the verslag is case data, stored
encrypted with the casus's other values).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class OverlegRow(Base):
    __tablename__ = "overleggen"
    __table_args__ = (Index("ix_overleggen_partner_datum", "voorzitter_partner", "datum"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    soort: Mapped[str] = mapped_column(String(80))
    casustype: Mapped[str] = mapped_column(String(16))
    datum: Mapped[dt.date] = mapped_column(Date)
    voorzitter: Mapped[str] = mapped_column(String(32))  # the gebruiker that chairs it
    voorzitter_partner: Mapped[str] = mapped_column(String(80))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class AgendapuntRow(Base):
    __tablename__ = "overlegagendapunten"
    __table_args__ = (Index("ix_overlegagendapunten_casus", "casus_id"),)

    overleg_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casus_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    toegevoegd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    verslag_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class UitnodigingRow(Base):
    """A partner invited for one agendapunt; `aanwezig` is NULL until its attendance is recorded."""

    __tablename__ = "overleguitnodigingen"
    __table_args__ = (Index("ix_overleguitnodigingen_partner", "partner_id"),)

    overleg_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casus_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    uitgenodigd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    aanwezig: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    incidenteel: Mapped[bool] = mapped_column(Boolean)
    vastgelegd_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    vastgelegd_door: Mapped[str | None] = mapped_column(String(32), nullable=True)


class VerklaringRow(Base):
    """That an incidental participant's geheimhoudingsverklaring for an overleg was recorded (when, by whom)."""

    __tablename__ = "geheimhoudingsverklaringen"

    overleg_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    vastgelegd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    vastgelegd_door: Mapped[str] = mapped_column(String(32))

"""The adviezen table: one row per advies, every column an id, a code, a date or a time (no personal data)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class AdviesRow(Base):
    __tablename__ = "adviezen"
    __table_args__ = (Index("ix_adviezen_datum_soort", "datum", "soort"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    soort: Mapped[str] = mapped_column(String(24))
    datum: Mapped[dt.date] = mapped_column(Date)
    vrager: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    gemeente: Mapped[str] = mapped_column(String(80))
    onderwerp: Mapped[str] = mapped_column(String(40))
    antwoorden: Mapped[str] = mapped_column(String(200))  # codes of domain.advies.Antwoord, space-separated
    # An uitgebreid advies with betrokkenen: its casus (at most one advies per casus). No foreign key: casus rows
    # are never deleted in service (destruction shreds their data key), and the link is metadata either way.
    casus_id: Mapped[str | None] = mapped_column(String(32), nullable=True, unique=True)
    geregistreerd_door: Mapped[str] = mapped_column(String(32))
    geregistreerd_partner: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    geregistreerd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)

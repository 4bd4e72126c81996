"""Tables of the routeeroverleg: pseudonymous signals, their matches and the slots that keep a pair unique."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class RouteerMatchRow(Base):
    """A routeeroverleg match: signals of several participants about one pseudonym, and the overleg's besluit."""

    __tablename__ = "routeer_matches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    pseudoniem: Mapped[str] = mapped_column(String(64), index=True)  # the participants' HMAC, never a BSN or name
    ontstaan_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    besloten_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True, index=True)
    besloten_door: Mapped[str | None] = mapped_column(String(80), nullable=True)
    route: Mapped[str | None] = mapped_column(String(40), nullable=True)
    regie: Mapped[str | None] = mapped_column(String(80), nullable=True)
    grondslag: Mapped[str | None] = mapped_column(String(80), nullable=True)
    toelichting: Mapped[str | None] = mapped_column(Text, nullable=True)


class RouteerSignaalRow(Base):
    """A participant's pseudonymous signal: pseudonym, risk indication, contact point, date. Nothing else."""

    __tablename__ = "routeer_signalen"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    pseudoniem: Mapped[str] = mapped_column(String(64), index=True)
    risico_indicatie: Mapped[str] = mapped_column(String(16))
    contactpunt: Mapped[str] = mapped_column(String(200))
    signaaldatum: Mapped[dt.date] = mapped_column(Date, index=True)
    ontvangen_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    match_id: Mapped[str | None] = mapped_column(ForeignKey("routeer_matches.id"), nullable=True, index=True)


class RouteerSlotRow(Base):
    """The single row a signal's transaction locks first: matching sees every earlier signal (no lost match)."""

    __tablename__ = "routeer_slot"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)

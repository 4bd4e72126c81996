"""Tables of the plan van aanpak: doelen, acties, afspraken, opschalingen and the AVE-fase of a casus.

Every text column is a field cipher token under the casus's data key (bound to `plan/<id>/<kolom>`), emptied
when the casus is destroyed; every other column is a code, an id or a date.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class PlandoelRow(Base):
    __tablename__ = "plan_doelen"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    leefgebied: Mapped[str] = mapped_column(String(40))
    tekst: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    bron: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PlanactieRow(Base):
    __tablename__ = "plan_acties"
    # The werkvoorraad: overdue acties of the casussen one regie holds (status first: most rows are done).
    __table_args__ = (Index("ix_plan_acties_status_deadline", "status", "deadline"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    doel_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    omschrijving: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    bron: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    gewijzigd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class PlanafspraakRow(Base):
    __tablename__ = "plan_afspraken"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    datum: Mapped[dt.date] = mapped_column(Date)
    overleg: Mapped[str | None] = mapped_column(String(32), nullable=True)  # an overleg's id; no foreign key yet
    tekst: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    bron: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class OpschalingRow(Base):
    __tablename__ = "plan_opschalingen"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    niveau: Mapped[str] = mapped_column(String(40))
    datum: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    uitkomst: Mapped[str | None] = mapped_column(String(40), nullable=True)
    reden: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    toelichting: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # on the uitkomst
    bron: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    afgerond_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AveFaseRow(Base):
    """The current AVE-fase of a casus about verward gedrag; its changes are in the casus's history."""

    __tablename__ = "ave_fasen"

    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), primary_key=True)
    fase: Mapped[int] = mapped_column(Integer)
    sinds: Mapped[dt.datetime] = mapped_column(UTCDateTime)

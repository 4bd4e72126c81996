"""Tables of partners and casussen (betrokkenen, deelnames, history, data keys, encrypted values)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class PartnerRow(Base):
    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    oin: Mapped[str] = mapped_column(String(20), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(80))
    actief: Mapped[bool] = mapped_column(Boolean, default=True)


class CasusRow(Base):
    __tablename__ = "casussen"
    __table_args__ = (Index("ix_casussen_fase_prioriteit", "fase", "prioriteit"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casustype: Mapped[str] = mapped_column(String(16), index=True)
    fase: Mapped[str] = mapped_column(String(16))
    gemeente: Mapped[str] = mapped_column(String(80))
    onderwerp: Mapped[str] = mapped_column(String(40))  # the hoofdonderwerp (an id of the convenant's onderwerpen)
    aanmelder: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    aangemeld_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    gewijzigd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    afgesloten_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    prioriteit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vernietigd_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CasusNevenonderwerpRow(Base):
    """A nevenonderwerp of a casus (an id of the convenant's onderwerpen; the hoofdonderwerp is on the casus).
    A row per onderwerp, so the annual report counts casussen per onderwerp with one GROUP BY."""

    __tablename__ = "casus_nevenonderwerpen"

    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), primary_key=True)
    onderwerp: Mapped[str] = mapped_column(String(40), primary_key=True)
    volgorde: Mapped[int] = mapped_column(Integer)  # as the aanmelding listed them


class BetrokkeneRow(Base):
    __tablename__ = "betrokkenen"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    rol: Mapped[str] = mapped_column(String(16))
    relatie: Mapped[str | None] = mapped_column(String(40), nullable=True)
    # Keyed HMAC of the BSN under the regime's own blind index key: exact-match lookup, no plaintext.
    bsn_index: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)


class DeelnameRow(Base):
    __tablename__ = "deelnames"
    __table_args__ = (Index("ix_deelnames_partner_casus", "partner_id", "casus_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    rol: Mapped[str] = mapped_column(String(40))
    sinds: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    tot: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    grondslag: Mapped[str | None] = mapped_column(String(80), nullable=True)  # of a CTER invitation


class GebeurtenisRow(Base):
    """One entry of a casus's history (who, when, what, why). The toelichting is a field cipher token."""

    __tablename__ = "casus_gebeurtenissen"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    tijd: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    gebruiker_id: Mapped[str] = mapped_column(String(32))
    rol: Mapped[str] = mapped_column(String(40))
    handeling: Mapped[str] = mapped_column(String(40))
    van_fase: Mapped[str] = mapped_column(String(16))
    naar_fase: Mapped[str] = mapped_column(String(16))
    gegevens: Mapped[str] = mapped_column(Text)  # JSON object of metadata (ids, never a value about a person)
    toelichting: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)  # encrypted with the casus key


class CasusSleutelRow(Base):
    """A casus's data key, only ever stored wrapped by its regime's KEK. Deleting the row shreds the casus."""

    __tablename__ = "casus_sleutels"

    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id"), primary_key=True)
    regime: Mapped[str] = mapped_column(String(16))
    kek_versie: Mapped[int] = mapped_column(Integer, index=True)  # which KEK version wraps it (rotation)
    wrapped: Mapped[bytes] = mapped_column(LargeBinary(128))
    gewijzigd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class VeldwaardeRow(Base):
    """One field value, encrypted. `betrokkene` is a betrokkene id, or '' for a value about the casus itself."""

    __tablename__ = "veldwaarden"
    __table_args__ = (UniqueConstraint("casus_id", "betrokkene", "veld", name="uq_veldwaarden_plaats"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    betrokkene: Mapped[str] = mapped_column(String(32))
    veld: Mapped[str] = mapped_column(String(80))
    waarde: Mapped[bytes] = mapped_column(LargeBinary)  # field cipher token, never plaintext
    bron: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    bijgedragen_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class BijdrageRow(Base):
    """That a partner contributed fields to a casus, and which (names only): the account of the source."""

    __tablename__ = "bijdragen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    casus_id: Mapped[str] = mapped_column(ForeignKey("casussen.id", ondelete="CASCADE"), index=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    gebruiker_id: Mapped[str] = mapped_column(String(32))
    velden: Mapped[str] = mapped_column(Text)  # JSON list of "betrokkene-id.veld" / "casus.veld" names
    bijgedragen_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)

"""Tables of the verstrekking log (records, tree nodes, head, checkpoints), the lookup tables derived from
it, stored verifications, and the witnesses' cosignatures."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class VerstrekkingRow(Base):
    """One leaf of the verstrekking log: the canonical record bytes and their leaf hash.

    `log_index` is the leaf's position (0-based, no gaps). The other columns repeat parts of the record for
    queries; `deelpoort audit verify` checks that they agree with the record, which alone is hashed.
    """

    __tablename__ = "verstrekkingen"
    __table_args__ = (  # the FG's filters, each answered in log order (migration 0007)
        Index("ix_verstrekkingen_partner_tijd", "partner_id", "tijd", "log_index"),
        Index("ix_verstrekkingen_casus_tijd", "casus_id", "tijd", "log_index"),
        Index("ix_verstrekkingen_doel_tijd", "doel", "tijd", "log_index"),
        Index("ix_verstrekkingen_uitkomst_tijd", "uitkomst", "tijd", "log_index"),
    )

    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    id: Mapped[str] = mapped_column(String(32), unique=True)
    record: Mapped[bytes] = mapped_column(LargeBinary)
    blad_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    tijd: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    partner_id: Mapped[str] = mapped_column(String(80))  # indexed as the lead of ix_verstrekkingen_partner_tijd
    casus_id: Mapped[str | None] = mapped_column(String(32), nullable=True)  # ... and of ix_verstrekkingen_casus_tijd
    doel: Mapped[str] = mapped_column(String(80))
    uitkomst: Mapped[str] = mapped_column(String(16))


class LogknoopRow(Base):
    """A complete Merkle subtree of 2**niveau leaves starting at leaf positie * 2**niveau (proofs in O(log n))."""

    __tablename__ = "logknopen"

    niveau: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    positie: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LoghoofdRow(Base):
    """The single row every append locks first: appends are serialised, so the tree has no gaps or forks."""

    __tablename__ = "loghoofd"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    grootte: Mapped[int] = mapped_column(Integer)
    # The latest checkpoint's size and time, written with it under this row's lock: the writer reads them with
    # the lock itself instead of querying `checkpoints` per batch (`audit verify` checks they agree).
    checkpoint_grootte: Mapped[int] = mapped_column(Integer, server_default="0")
    checkpoint_tijd: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CheckpointRow(Base):
    """A signed checkpoint (C2SP signed note) committing to the log's size and root at a time."""

    __tablename__ = "checkpoints"

    grootte: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    wortel: Mapped[bytes] = mapped_column(LargeBinary(32))
    tijd: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    sleutel_id: Mapped[str] = mapped_column(String(120))
    notitie: Mapped[str] = mapped_column(Text)


class VerstrekkingBetrokkeneRow(Base):
    """That log record `log_index` names betrokkene `betrokkene_id` (derived from the record, for access requests)."""

    __tablename__ = "verstrekking_betrokkenen"
    __table_args__ = (Index("ix_verstrekking_betrokkenen_tijd", "betrokkene_id", "tijd", "log_index"),)

    betrokkene_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tijd: Mapped[dt.datetime] = mapped_column(UTCDateTime)  # the record's time: a person's page is chosen here


class VerstrekkingGrondslagRow(Base):
    """That log record `log_index` released a veld on `grondslag` (derived from the record, for the FG filter)."""

    __tablename__ = "verstrekking_grondslagen"

    grondslag: Mapped[str] = mapped_column(String(80), primary_key=True)
    log_index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)


class VerantwoordingIndexRow(Base):
    """The single row saying up to which log size the derived tables are filled (locked while catching up)."""

    __tablename__ = "verantwoording_index"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tot: Mapped[int] = mapped_column(Integer)


class IntegriteitscontroleRow(Base):
    """The outcome of one full verification of the verstrekking log (`Integriteitscontrole`)."""

    __tablename__ = "integriteitscontroles"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    begonnen_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    klaar_op: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    bron: Mapped[str] = mapped_column(String(16))
    gebruiker_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    grootte: Mapped[int] = mapped_column(Integer)
    checkpoints: Mapped[int] = mapped_column(Integer)
    problemen: Mapped[str] = mapped_column(Text)  # JSON array of strings
    eerste_fout: Mapped[int | None] = mapped_column(Integer, nullable=True)
    tabellen_gedekt: Mapped[int] = mapped_column(Integer)
    tabellen_problemen: Mapped[str] = mapped_column(Text)  # JSON array of strings
    tabellen_eerste_fout: Mapped[int | None] = mapped_column(Integer, nullable=True)


class CosignatuurRow(Base):
    """A witness's cosignature of a checkpoint (its note signature line), as the witness returned it."""

    __tablename__ = "cosignaturen"

    checkpoint_grootte: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    getuige: Mapped[str] = mapped_column(String(200), primary_key=True)
    regel: Mapped[str] = mapped_column(Text)
    tijdstempel: Mapped[int] = mapped_column(BigInteger)


class GetuigeStaatRow(Base):
    """What the log knows of one witness (bookkeeping, not evidence): the size it last cosigned, the latest
    attempt and success, the latest failure, and until when one worker holds the right to send to it."""

    __tablename__ = "getuigen_staat"

    getuige: Mapped[str] = mapped_column(String(200), primary_key=True)
    grootte: Mapped[int] = mapped_column(Integer)
    laatste_poging: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    gelukt_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    fout: Mapped[str | None] = mapped_column(String(300), nullable=True)
    bezet_tot: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

"""The tables, as typed SQLAlchemy 2 declarative rows. Alembic migrations mirror these exactly (tested)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC datetime on every database (SQLite drops the zone; this puts it back)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store timezone-aware UTC times only")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        moment: dt.datetime = value
        return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PartnerRow(Base):
    __tablename__ = "partners"

    id: Mapped[str] = mapped_column(String(80), primary_key=True)
    oin: Mapped[str] = mapped_column(String(20), unique=True)
    naam: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(80))
    actief: Mapped[bool] = mapped_column(Boolean, default=True)


class GebruikerRow(Base):
    __tablename__ = "gebruikers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    rol: Mapped[str] = mapped_column(String(40))
    naam: Mapped[str] = mapped_column(String(120))
    token_id: Mapped[str] = mapped_column(String(32), unique=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    actief: Mapped[bool] = mapped_column(Boolean, default=True)
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class CasusRow(Base):
    __tablename__ = "casussen"
    __table_args__ = (Index("ix_casussen_fase_prioriteit", "fase", "prioriteit"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    casustype: Mapped[str] = mapped_column(String(16), index=True)
    fase: Mapped[str] = mapped_column(String(16))
    gemeente: Mapped[str] = mapped_column(String(80))
    onderwerp: Mapped[str] = mapped_column(String(40))
    aanmelder: Mapped[str] = mapped_column(ForeignKey("partners.id"))
    aangemeld_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    gewijzigd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    afgesloten_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    prioriteit: Mapped[int | None] = mapped_column(Integer, nullable=True)
    vernietigd_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


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


class BeleidsversieRow(Base):
    """One version of the field policy, kept forever. `versie` is the policy's SHA-256 (see access.policy)."""

    __tablename__ = "beleidsversies"

    versie: Mapped[str] = mapped_column(String(64), primary_key=True)
    model: Mapped[str] = mapped_column(Text)  # the Casbin model text of this version
    herkomst: Mapped[str] = mapped_column(String(200))  # e.g. "policies/ (installatie)" or "voorstel <id>"
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class BeleidsregelRow(Base):
    """One `p` line of a policy version, in the shape sqlalchemy-adapter reads (id, ptype, v0..) plus v6.

    The default CasbinRule of sqlalchemy-adapter has v0..v5 only; our lines have seven values (sub, rol,
    casustype, doel, obj, grondslag, eft), so this table adds v6 and is owned by an Alembic migration
    (the adapter is told never to create tables). `bron` keeps the file and line the rule came from.
    """

    __tablename__ = "beleidsregels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    versie: Mapped[str] = mapped_column(ForeignKey("beleidsversies.versie"), index=True)
    bron: Mapped[str] = mapped_column(String(200))
    ptype: Mapped[str] = mapped_column(String(8))
    v0: Mapped[str] = mapped_column(String(255))
    v1: Mapped[str] = mapped_column(String(255))
    v2: Mapped[str] = mapped_column(String(255))
    v3: Mapped[str] = mapped_column(String(255))
    v4: Mapped[str] = mapped_column(String(255))
    v5: Mapped[str] = mapped_column(String(255))
    v6: Mapped[str] = mapped_column(String(255))

    def values(self) -> tuple[str, ...]:
        return (self.v0, self.v1, self.v2, self.v3, self.v4, self.v5, self.v6)

    def __str__(self) -> str:  # the CSV line sqlalchemy-adapter hands to casbin's load_policy_line
        return ", ".join((self.ptype, *self.values()))


class BeleidsactiveringRow(Base):
    """That a version became the active policy. The active version is the one of the highest id."""

    __tablename__ = "beleidsactiveringen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    versie: Mapped[str] = mapped_column(ForeignKey("beleidsversies.versie"))
    geactiveerd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    door: Mapped[str] = mapped_column(String(120))  # a gebruiker id, or "installatie"
    toelichting: Mapped[str] = mapped_column(Text)


class BeheervoorstelRow(Base):
    """A proposal to change the field policy or the convenant; in effect only once a second beheerder approved it.

    `versie` is the proposed policy version (stored in `beleidsversies` when proposed), `basisversie` the
    version active when it was proposed (approval needs it still active), `partner_id` the partner a
    convenant change concerns.
    """

    __tablename__ = "beheervoorstellen"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    soort: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16), index=True)
    toelichting: Mapped[str] = mapped_column(Text)
    voorgesteld_door: Mapped[str] = mapped_column(String(32))
    voorgesteld_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    basisversie: Mapped[str | None] = mapped_column(String(64), nullable=True)
    versie: Mapped[str | None] = mapped_column(ForeignKey("beleidsversies.versie"), nullable=True)
    partner_id: Mapped[str | None] = mapped_column(ForeignKey("partners.id"), nullable=True)
    beoordeeld_door: Mapped[str | None] = mapped_column(String(32), nullable=True)
    beoordeeld_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reden: Mapped[str | None] = mapped_column(Text, nullable=True)
    # soort "convenant": the convenant version active when proposed, and the proposed one
    convenantbasis: Mapped[str | None] = mapped_column(String(64), nullable=True)
    convenantversie: Mapped[str | None] = mapped_column(ForeignKey("convenantversies.versie"), nullable=True)


class ConvenantversieRow(Base):
    """One version of the convenant registry, kept forever: every convenant file's name and YAML text.

    `versie` is the SHA-256 of the documents (see `service.convenant.versie`), checked whenever it is loaded.
    """

    __tablename__ = "convenantversies"

    versie: Mapped[str] = mapped_column(String(64), primary_key=True)
    documenten: Mapped[str] = mapped_column(Text)  # JSON: {file name: YAML text}
    herkomst: Mapped[str] = mapped_column(String(200))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ConvenantactiveringRow(Base):
    """That a convenant version came into force. The one in force is the version of the highest id."""

    __tablename__ = "convenantactiveringen"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    versie: Mapped[str] = mapped_column(ForeignKey("convenantversies.versie"))
    geactiveerd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    door: Mapped[str] = mapped_column(String(120))
    toelichting: Mapped[str] = mapped_column(Text)


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


class WebsessieRow(Base):
    """A web session: `id` is SHA-256 of the cookie's secret (the secret itself is never stored)."""

    __tablename__ = "websessies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    gebruiker_id: Mapped[str] = mapped_column(String(32), index=True)
    token_id: Mapped[str] = mapped_column(String(32))
    csrf: Mapped[str] = mapped_column(String(64))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    laatst_gebruikt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


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

"""Tables of the field policy versions, the convenant versions, which of each is in force, and beheer proposals."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


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
    # soorten gebruiker-*: the gebruiker the proposal concerns (a beheerder or FG: four eyes)
    gebruiker_id: Mapped[str | None] = mapped_column(ForeignKey("gebruikers.id"), nullable=True)
    # soort casus-vernietiging: the casus to destroy (no foreign key: a casus row is metadata that outlives it)
    casus_id: Mapped[str | None] = mapped_column(String(32), nullable=True)


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

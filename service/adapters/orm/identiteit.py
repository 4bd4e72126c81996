"""Tables of who may act: gebruikers, their bearer tokens, failed attempts per token, web sessions, OpenID
Connect logins in progress, and counters of security signals for the FG."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from service.adapters.orm.base import Base, UTCDateTime


class GebruikerRow(Base):
    """A gebruiker (domain.identiteit): a person or system of one partner in one rol. Never deleted: a removed
    gebruiker keeps its row (status `verwijderd`), so names in the log stay resolvable."""

    __tablename__ = "gebruikers"
    __table_args__ = (UniqueConstraint("oidc_issuer", "oidc_subject", name="uq_gebruikers_oidc"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    partner_id: Mapped[str] = mapped_column(ForeignKey("partners.id"), index=True)
    rol: Mapped[str] = mapped_column(String(40))
    naam: Mapped[str] = mapped_column(String(120))
    soort: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    gewijzigd_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    oidc_issuer: Mapped[str | None] = mapped_column(String(300), nullable=True)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), nullable=True)


class TokenRow(Base):
    """A bearer token `dp_<id>_<secret>`: only SHA-256(secret) is stored, with its life."""

    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    gebruiker_id: Mapped[str] = mapped_column(ForeignKey("gebruikers.id"), index=True)
    token_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    uitgegeven_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    verloopt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ingetrokken_op: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    opvolger: Mapped[str | None] = mapped_column(String(32), nullable=True)


class TokenpogingRow(Base):
    """Failed presentations of one token id (a wrong secret): throttled across workers and hosts."""

    __tablename__ = "tokenpogingen"

    token_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    fouten: Mapped[int] = mapped_column(Integer)
    sinds: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    geblokkeerd_tot: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebsessieRow(Base):
    """A web session: `id` is SHA-256 of the cookie's secret (the secret itself is never stored).

    Opened with a bearer token (`token_id` set, development) or through OpenID Connect (`token_id` empty).
    """

    __tablename__ = "websessies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    gebruiker_id: Mapped[str] = mapped_column(String(32), index=True)
    token_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    csrf: Mapped[str] = mapped_column(String(64))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    laatst_gebruikt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class OidcInlogpogingRow(Base):
    """An OpenID Connect login in progress: keyed by SHA-256 of its `state`, used once, then deleted."""

    __tablename__ = "oidc_inlogpogingen"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    partner_id: Mapped[str] = mapped_column(String(80))
    code_verifier: Mapped[str] = mapped_column(String(128))
    nonce: Mapped[str] = mapped_column(String(64))
    volgende: Mapped[str] = mapped_column(String(300))
    aangemaakt_op: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)


class BeveiligingssignaalRow(Base):
    """How often a security signal occurred in one hour (e.g. a client certificate header from an untrusted
    peer). Counted per hour, so an attacker cannot grow the table per request; the FG sees the counts."""

    __tablename__ = "beveiligingssignalen"
    __table_args__ = (UniqueConstraint("soort", "uur", name="uq_beveiligingssignalen_soort_uur"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    soort: Mapped[str] = mapped_column(String(40))
    uur: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    aantal: Mapped[int] = mapped_column(Integer)

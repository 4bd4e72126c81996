"""Gebruikers, their tokens and failed token attempts: the queries behind `service_layer.identiteit`.

Invariants:
- A token is stored as its id and SHA-256 of its secret; nothing here ever sees or returns a whole token.
- `credential` reads the gebruiker, its status, the token's life and the partner's state in one statement, so
  every request sees the state committed before it (suspension and revocation act on the next request in every
  worker and host).
- Failed attempts are counted with one atomic UPDATE (or an INSERT for the first), so concurrent workers never
  lose a count; rows of finished windows are removed as new failures arrive, so the table stays small.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from service.adapters.orm import GebruikerRow, PartnerRow, TokenpogingRow, TokenRow
from service.domain.casus import Gebruiker
from service.domain.identiteit import (
    Filter,
    Gebruikersgegevens,
    GebruikerStatus,
    OidcIdentiteit,
    SoortGebruiker,
    Token,
)


@dataclass(frozen=True, slots=True)
class Credential:
    """What token verification needs: the user (`actief` only when its status is actief), the stored token and
    its hash, and whether the partner is active."""

    gebruiker: Gebruiker
    token: Token
    token_hash: bytes
    partner_actief: bool


class GebruikerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # --- gebruikers ---------------------------------------------------------------------------------------
    def add(self, gegevens: Gebruikersgegevens) -> None:
        self._session.add(
            GebruikerRow(
                id=gegevens.id,
                partner_id=gegevens.partner_id,
                rol=gegevens.rol,
                naam=gegevens.naam,
                soort=gegevens.soort.value,
                status=gegevens.status.value,
                aangemaakt_op=gegevens.aangemaakt_op,
                gewijzigd_op=gegevens.aangemaakt_op,
                oidc_issuer=gegevens.oidc.issuer if gegevens.oidc else None,
                oidc_subject=gegevens.oidc.subject if gegevens.oidc else None,
            )
        )
        self._session.flush()

    def get(self, gebruiker_id: str) -> Gebruikersgegevens | None:
        row = self._session.get(GebruikerRow, gebruiker_id)
        return None if row is None else _gegevens(row)

    def lijst(self, filter: Filter, *, limit: int, offset: int) -> tuple[list[Gebruikersgegevens], int]:
        """One page of gebruikers (by partner, rol, naam, id) and the total matching `filter`."""
        where = _where(filter)
        total = self._session.scalar(select(func.count()).select_from(GebruikerRow).where(*where)) or 0
        rows = self._session.scalars(
            select(GebruikerRow)
            .where(*where)
            .order_by(GebruikerRow.partner_id, GebruikerRow.rol, GebruikerRow.naam, GebruikerRow.id)
            .limit(limit)
            .offset(offset)
        )
        return [_gegevens(r) for r in rows], int(total)

    def set_status(self, gebruiker_id: str, status: GebruikerStatus, op: dt.datetime) -> None:
        self._session.execute(
            update(GebruikerRow).where(GebruikerRow.id == gebruiker_id).values(status=status.value, gewijzigd_op=op)
        )

    def with_oidc(self, identiteit: OidcIdentiteit) -> Gebruikersgegevens | None:
        row = self._session.scalar(
            select(GebruikerRow).where(
                GebruikerRow.oidc_issuer == identiteit.issuer, GebruikerRow.oidc_subject == identiteit.subject
            )
        )
        return None if row is None else _gegevens(row)

    def partner_actief(self, partner_id: str) -> bool:
        return bool(self._session.scalar(select(PartnerRow.actief).where(PartnerRow.id == partner_id)))

    def aantal(self, *, rol: str, statussen: Iterable[GebruikerStatus]) -> int:
        wanted = [s.value for s in statussen]
        return int(
            self._session.scalar(select(func.count()).where(GebruikerRow.rol == rol, GebruikerRow.status.in_(wanted)))
            or 0
        )

    def namen(self, ids: Iterable[str]) -> dict[str, tuple[str, str]]:
        """(naam, partner id) of each known gebruiker among `ids` (unknown ids are left out)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        rows = self._session.execute(
            select(GebruikerRow.id, GebruikerRow.naam, GebruikerRow.partner_id).where(GebruikerRow.id.in_(wanted))
        )
        return {ident: (naam, partner_id) for ident, naam, partner_id in rows}

    def delete_all(self) -> None:
        """Remove every gebruiker and token (the demo's fresh start only)."""
        self._session.execute(delete(TokenRow))
        self._session.execute(delete(TokenpogingRow))
        self._session.execute(delete(GebruikerRow))

    # --- tokens -------------------------------------------------------------------------------------------
    def add_token(self, token: Token, token_hash: bytes) -> None:
        self._session.add(
            TokenRow(
                id=token.id,
                gebruiker_id=token.gebruiker_id,
                token_hash=token_hash,
                uitgegeven_op=token.uitgegeven_op,
                verloopt_op=token.verloopt_op,
                ingetrokken_op=token.ingetrokken_op,
                opvolger=token.opvolger,
            )
        )
        self._session.flush()

    def credential(self, token_id: str) -> Credential | None:
        row = self._session.execute(_CREDENTIAL, {"token_id": token_id}).first()
        return None if row is None else _credential(token_id, tuple(row))

    def aanmelding(self, token_id: str, now: dt.datetime) -> tuple[Credential | None, dt.datetime | None]:
        """What checking a presented token needs: its credential (None: unknown id) and until when the id is
        throttled (None: it is not). One statement for a known id (every honest request); a second only for
        an unknown one."""
        row = self._session.execute(_CREDENTIAL_EN_BLOKKADE, {"token_id": token_id}).first()
        if row is None:
            until = self._session.execute(_BLOKKADE_ALLEEN, {"token_id": token_id}).scalar()
            return None, until if until is not None and until > now else None
        until = row[-1]
        return _credential(token_id, tuple(row[:-1])), until if until is not None and until > now else None

    def tokens(self, gebruiker_id: str) -> list[Token]:
        rows = self._session.scalars(
            select(TokenRow).where(TokenRow.gebruiker_id == gebruiker_id).order_by(TokenRow.uitgegeven_op)
        )
        return [_token(r) for r in rows]

    def token(self, token_id: str) -> Token | None:
        row = self._session.get(TokenRow, token_id)
        return None if row is None else _token(row)

    def trek_in(self, op: dt.datetime, *, token_id: str | None = None, gebruiker_id: str | None = None) -> int:
        """Revoke one token, or every not yet revoked token of a gebruiker; the number revoked."""
        query = update(TokenRow).where(TokenRow.ingetrokken_op.is_(None))
        if token_id is not None:
            query = query.where(TokenRow.id == token_id)
        if gebruiker_id is not None:
            query = query.where(TokenRow.gebruiker_id == gebruiker_id)
        result = self._session.execute(query.values(ingetrokken_op=op))
        return int(getattr(result, "rowcount", 0))

    def vervang(self, token_id: str, opvolger: str, verloopt_op: dt.datetime) -> None:
        self._session.execute(
            update(TokenRow).where(TokenRow.id == token_id).values(opvolger=opvolger, verloopt_op=verloopt_op)
        )

    # --- failed attempts ----------------------------------------------------------------------------------
    def fout(
        self, token_id: str, now: dt.datetime, *, venster: dt.timedelta, drempel: int, blokkade: dt.timedelta
    ) -> None:
        """Count one failed attempt; from the `drempel`-th within `venster` on, block the id for `blokkade`."""
        self._session.execute(
            delete(TokenpogingRow).where(
                TokenpogingRow.sinds < now - venster,
                or_(TokenpogingRow.geblokkeerd_tot.is_(None), TokenpogingRow.geblokkeerd_tot < now),
            )
        )
        counted = self._session.execute(
            update(TokenpogingRow).where(TokenpogingRow.token_id == token_id).values(fouten=TokenpogingRow.fouten + 1)
        )
        if not getattr(counted, "rowcount", 0):
            try:
                with self._session.begin_nested():
                    self._session.add(TokenpogingRow(token_id=token_id, fouten=1, sinds=now, geblokkeerd_tot=None))
            except IntegrityError:  # a concurrent worker inserted it first
                self._session.execute(
                    update(TokenpogingRow)
                    .where(TokenpogingRow.token_id == token_id)
                    .values(fouten=TokenpogingRow.fouten + 1)
                )
        self._session.execute(
            update(TokenpogingRow)
            .where(TokenpogingRow.token_id == token_id, TokenpogingRow.fouten >= drempel)
            .values(geblokkeerd_tot=now + blokkade, fouten=0, sinds=now)
        )

    def wis_fouten(self, token_id: str) -> None:
        self._session.execute(delete(TokenpogingRow).where(TokenpogingRow.token_id == token_id))


_G = GebruikerRow.__table__.c
_T = TokenRow.__table__.c
_P = PartnerRow.__table__.c
_CREDENTIAL = (
    select(
        *(_G.id, _G.partner_id, _G.rol, _G.naam, _G.status, _G.soort),
        *(_T.token_hash, _T.uitgegeven_op, _T.verloopt_op, _T.ingetrokken_op, _T.opvolger),
        _P.actief,
    )
    .select_from(TokenRow.__table__)
    .join(GebruikerRow.__table__, _G.id == _T.gebruiker_id)
    .join(PartnerRow.__table__, _P.id == _G.partner_id)
    .where(_T.id == bindparam("token_id"))
)


_BLOKKADE_ALLEEN = select(TokenpogingRow.geblokkeerd_tot).where(TokenpogingRow.token_id == bindparam("token_id"))
_CREDENTIAL_EN_BLOKKADE = _CREDENTIAL.add_columns(_BLOKKADE_ALLEEN.scalar_subquery())


def _credential(token_id: str, row: tuple[Any, ...]) -> Credential:
    """A row of `_CREDENTIAL` (gebruiker, token, partner's state) as a `Credential`."""
    ident, partner_id, rol, naam, status, soort, token_hash, uitgegeven, verloopt, ingetrokken = row[:10]
    opvolger, partner_actief = row[10:]
    gebruiker = Gebruiker(ident, partner_id, rol, naam, status == GebruikerStatus.ACTIEF.value, soort)
    token = Token(token_id, ident, uitgegeven, verloopt, ingetrokken, opvolger)
    return Credential(gebruiker, token, bytes(token_hash), bool(partner_actief))


def _where(filter: Filter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if filter.partner is not None:
        where.append(GebruikerRow.partner_id == filter.partner)
    if filter.rol is not None:
        where.append(GebruikerRow.rol == filter.rol)
    if filter.soort is not None:
        where.append(GebruikerRow.soort == filter.soort.value)
    if filter.status is not None:
        where.append(GebruikerRow.status == filter.status.value)
    return [and_(*where)] if where else []


def _gegevens(row: GebruikerRow) -> Gebruikersgegevens:
    oidc = OidcIdentiteit(row.oidc_issuer, row.oidc_subject) if row.oidc_issuer and row.oidc_subject else None
    return Gebruikersgegevens(
        row.id,
        row.partner_id,
        row.rol,
        SoortGebruiker(row.soort),
        row.naam,
        GebruikerStatus(row.status),
        row.aangemaakt_op,
        oidc,
    )


def _token(row: TokenRow) -> Token:
    return Token(row.id, row.gebruiker_id, row.uitgegeven_op, row.verloopt_op, row.ingetrokken_op, row.opvolger)

"""Server-side web sessions: stored by the hash of the cookie's secret, so a database reader cannot log in.

Invariants:
- Only SHA-256(secret) is stored as the key; the secret lives only in the user's cookie.
- A session row names the gebruiker and the token id it was opened with, so revoking the user, its partner or
  its token also ends the web session (the service layer re-checks the credential on every request).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from service.adapters.orm import WebsessieRow


@dataclass(frozen=True, slots=True)
class OpgeslagenSessie:
    id: str
    gebruiker_id: str
    token_id: str | None  # None: opened through OpenID Connect
    csrf: str
    aangemaakt_op: dt.datetime
    laatst_gebruikt_op: dt.datetime


class WebsessieRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, sessie: OpgeslagenSessie) -> None:
        self._session.add(
            WebsessieRow(
                id=sessie.id,
                gebruiker_id=sessie.gebruiker_id,
                token_id=sessie.token_id,
                csrf=sessie.csrf,
                aangemaakt_op=sessie.aangemaakt_op,
                laatst_gebruikt_op=sessie.laatst_gebruikt_op,
            )
        )

    def get(self, sessie_id: str) -> OpgeslagenSessie | None:
        row = self._session.get(WebsessieRow, sessie_id)
        if row is None:
            return None
        return OpgeslagenSessie(
            row.id, row.gebruiker_id, row.token_id, row.csrf, row.aangemaakt_op, row.laatst_gebruikt_op
        )

    def touch(self, sessie_id: str, op: dt.datetime) -> None:
        self._session.execute(update(WebsessieRow).where(WebsessieRow.id == sessie_id).values(laatst_gebruikt_op=op))

    def delete(self, sessie_id: str) -> None:
        self._session.execute(delete(WebsessieRow).where(WebsessieRow.id == sessie_id))

    def delete_expired(self, idle_before: dt.datetime, created_before: dt.datetime) -> None:
        self._session.execute(
            delete(WebsessieRow).where(
                (WebsessieRow.laatst_gebruikt_op < idle_before) | (WebsessieRow.aangemaakt_op < created_before)
            )
        )

"""Gebruikers for tests: registered directly in the database, each with a fresh bearer token."""

from __future__ import annotations

from typing import Protocol

from service.domain.casus import Gebruiker, new_id, utcnow
from service.service_layer.identiteit.authentication import issue_token
from service.service_layer.services import Services


class TokenFor(Protocol):
    """The `token_for` fixture: a new gebruiker of `partner` in `rol`; returns its bearer token."""

    def __call__(self, partner: str, rol: str, *, actief: bool = True) -> str: ...


def add_gebruiker(services: Services, partner_id: str, rol: str, *, actief: bool = True) -> str:
    """Create a gebruiker and return its bearer token (a new gebruiker on every call, never a shared one)."""
    issued = issue_token()
    with services.uow() as uow:
        uow.gebruikers.add(
            Gebruiker(new_id(), partner_id, rol, f"{rol} test", actief),
            issued.token_id,
            issued.token_hash,
            utcnow(),
        )
        uow.commit()
    return issued.token

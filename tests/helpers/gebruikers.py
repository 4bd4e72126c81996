"""Gebruikers for tests: registered directly in the database, each with a fresh bearer token."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from flask.testing import FlaskClient
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.test import TestResponse

from service import create_app
from service.domain.casus import new_id, utcnow
from service.domain.identiteit import Gebruikersgegevens, GebruikerStatus, SoortGebruiker
from service.service_layer.identiteit.authentication import nieuw_token
from service.service_layer.services import Services
from service.settings import Settings


class TokenFor(Protocol):
    """The `token_for` fixture: a new gebruiker of `partner` in `rol`; returns its bearer token."""

    def __call__(self, partner: str, rol: str, *, actief: bool = True) -> str: ...


def add_gebruiker(services: Services, partner_id: str, rol: str, *, actief: bool = True) -> str:
    """Create a gebruiker and return its bearer token (a new gebruiker on every call, never a shared one)."""
    now = utcnow()
    ident = new_id()
    status = GebruikerStatus.ACTIEF if actief else GebruikerStatus.GESCHORST
    soort = SoortGebruiker.PERSOON if rol in ("beheerder", "fg") else SoortGebruiker.SYSTEEM
    issued, token = nieuw_token(ident, now, dt.timedelta(days=1))
    with services.uow() as uow:
        uow.gebruikers.add(Gebruikersgegevens(ident, partner_id, rol, soort, f"{rol} test", status, now))
        uow.gebruikers.add_token(token, issued.token_hash)
        uow.commit()
    return issued.token


def challenge(response: TestResponse) -> dict[str, str]:
    """The parameters of a 401's `WWW-Authenticate: Bearer` challenge (RFC 6750), parsed as a client would."""
    parsed = WWWAuthenticate.from_header(response.headers.get("WWW-Authenticate"))
    assert parsed is not None and parsed.type == "bearer"
    return dict(parsed.parameters)


@contextmanager
def tweede_app(settings: Settings) -> Iterator[FlaskClient]:
    """A test client of another app on the same database (another worker or host: its own engine), disposed after."""
    app = create_app(settings)
    try:
        yield app.test_client()
    finally:
        app.extensions["deelpoort"].engine.dispose()

"""A database fault on the pages is the Dutch 503 page with Retry-After, shown without a session and without
the fault's text; the next page works again (on PostgreSQL: the connection terminated at the session's read; on
SQLite: the worker reopens its connections while the file cannot be written)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.gebruikers import TokenFor
from tests.helpers.storingen import Afbreker, Valstrik, onbeschrijfbaar
from tests.helpers.web import html, login
from tests.storingen.controle import ONTHULLEND


@contextlib.contextmanager
def storing(services: Services) -> Iterator[None]:
    """A real fault at the next read of the pages' session."""
    if services.engine.dialect.name == "postgresql":
        afbreker = Afbreker(services.engine.url.render_as_string(hide_password=False))
        try:
            with Valstrik(services.engine, afbreker, "FROM websessies") as valstrik:
                yield
            assert valstrik.gesprongen, "the session was not read"
        finally:
            afbreker.close()
        return
    services.engine.dispose()
    with onbeschrijfbaar(Path(services.engine.url.database or "")):
        yield


@pytest.mark.parametrize(
    ("partner", "rol", "pagina"),
    [
        ("bureau-zvh-drenthe", "fg", "/fg/"),
        ("bureau-zvh-drenthe", "beheerder", "/beheer/"),  # its pages name partners from the convenant in force
        ("bureau-zvh-drenthe", "procesregisseur", "/bureau/"),
    ],
    ids=["fg", "beheer", "bureau"],
)
def test_a_database_fault_on_the_pages_is_the_dutch_503_page_and_heals(
    client: FlaskClient, services: Services, token_for: TokenFor, partner: str, rol: str, pagina: str
) -> None:
    login(client, token_for(partner, rol))
    assert client.get(pagina).status_code == 200
    with storing(services):
        response = client.get(pagina)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")  # still a page of ours
    page = html(response)
    assert "Tijdelijk niet beschikbaar" in page and "database op dit moment niet bereiken" in page
    assert 'href="/inloggen"' in page  # rendered without a session: it lives in the database
    assert not [word for word in ONTHULLEND if word in page.lower()]
    assert client.get(pagina).status_code == 200  # the same session, on a new connection

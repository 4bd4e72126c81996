"""Shared fixtures: an isolated database per test on SQLite always, and on PostgreSQL when configured.

PostgreSQL runs when `DEELPOORT_TEST_DATABASE_URL` is set (each test gets its own database or schema, dropped
afterwards, under a random name so parallel runs don't collide). A migrated database is a copy of a template
built once per session (`tests.helpers.databases`). When `DEELPOORT_TEST_REQUIRE_POSTGRESQL=1` (CI sets it),
a missing or unreachable PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import bootstrap, create_app
from service.convenant import load_convenanten, versies
from service.crypto import write_development_keys
from service.domain.convenant import Convenant
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import aanmelding, bearer, zorgbijdrage
from tests.helpers.databases import Demo, Inhoud, Templates, postgres_or_skip
from tests.helpers.gebruikers import TokenFor, add_gebruiker
from tests.helpers.projectdata import CONVENANTEN

PG_URL = os.environ.get("DEELPOORT_TEST_DATABASE_URL", "")

# The browser fixtures (headless Chromium, a real HTTP server), for every test module that asks for them.
pytest_plugins = ["tests.helpers.browser"]


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory, keys_dir: Path) -> Iterator[Templates]:
    """The session's template databases (built on first use; PostgreSQL's dropped at the end)."""
    store = Templates(tmp_path_factory.mktemp("templates"), keys_dir, PG_URL)
    yield store
    store.close()


@pytest.fixture
def migrated_database() -> None:
    """Requested (by a test or a fixture): `database_url` is a migrated database without rows."""


@pytest.fixture
def seeded_database() -> None:
    """Requested (by a test or a fixture): `database_url` holds what the `app` fixture's does (migrated, the
    partners synced, the policy installed), for a fixture that builds its app with other settings."""


def _inhoud(request: pytest.FixtureRequest) -> Inhoud:
    """What the test's database must hold, from the fixtures the test uses (see `database_url`)."""
    if "demo" in request.fixturenames:
        return Inhoud.DEMO
    if "app" in request.fixturenames or "seeded_database" in request.fixturenames:
        return Inhoud.INGERICHT
    if "migrated_database" in request.fixturenames:
        return Inhoud.GEMIGREERD
    return Inhoud.LEEG


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path, templates: Templates) -> Iterator[str]:
    """A database of this test's own: a SQLite file, or on PostgreSQL a database or schema of its own.

    Empty, unless the test uses the `app` or `seeded_database` fixture (then migrated, holding the partners and
    the installed policy), `migrated_database` (then migrated, without rows) or `demo` (then also the demo
    region): those are copies of a template built once per session, holding exactly what building them per test
    would have left.
    """
    inhoud = _inhoud(request)
    if request.param == "sqlite":
        yield templates.sqlite(inhoud, tmp_path / "test.sqlite3")
        return
    postgres_or_skip()
    with templates.postgresql(inhoud) as url:
        yield url


@pytest.fixture(scope="session")
def convenant() -> Convenant:
    return load_convenanten(CONVENANTEN)


@pytest.fixture(scope="session", autouse=True)
def _convenant_parsed_once_per_text() -> Iterator[None]:
    """`create_app` parses the convenant files on every call (about 60 ms); the suite creates thousands of apps
    over the same files. Memoised on the documents' exact text: a `Convenant` is immutable, other files (a test's
    own directory) are still parsed, and invalid files still raise on every call (errors are never cached)."""
    cache: dict[tuple[tuple[str, str], ...], Convenant] = {}

    def laad(documenten: Mapping[str, str]) -> Convenant:
        key = tuple(sorted(documenten.items()))
        found = cache.get(key)
        if found is None:
            found = cache[key] = versies.laad(documenten)
        return found

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(bootstrap, "laad", laad)
        yield


@pytest.fixture(scope="session")
def keys_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Development key material shared by the tests of one run (generated, never committed)."""
    directory = tmp_path_factory.mktemp("keys")
    write_development_keys(directory)
    return directory


@pytest.fixture
def settings(tmp_path: Path, database_url: str, keys_dir: Path) -> Settings:
    return Settings(instance_path=tmp_path / "instance", database_url=database_url, keys_dir=keys_dir)


@pytest.fixture
def cli_settings(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """`settings`, also as the environment the `deelpoort` command reads (for CliRunner tests)."""
    monkeypatch.setenv("DEELPOORT_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DEELPOORT_KEYS_DIR", str(settings.keys_dir))
    monkeypatch.setenv("DEELPOORT_INSTANCE_PATH", str(settings.instance_path))
    return settings


@pytest.fixture
def app(settings: Settings, templates: Templates) -> Iterator[Flask]:
    """The application on a migrated database holding the convenant's partners and the installed policy.

    The database is a copy of the session's template (see `database_url`), so it needs the default settings.
    """
    templates.check_settings(settings)
    application = create_app(settings)
    services = application.extensions["deelpoort"]
    yield application
    services.engine.dispose()


@pytest.fixture
def demo(app: Flask, database_url: str, templates: Templates) -> Demo:
    """The demo region as `deelpoort demo` installs it (a year of work and beheer, seed 2023), in this test's own
    copy of a template installed once per session per database: a test may change it freely. For tests that read
    the demo; a test of the install itself installs it."""
    return templates.demo(database_url)


@pytest.fixture
def services(app: Flask) -> Services:
    result: Services = app.extensions["deelpoort"]
    return result


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


# --- gebruikers: `token_for(partner, rol)` makes any; the named ones are those many tests use ----------------


@pytest.fixture
def token_for(services: Services) -> TokenFor:
    """A factory: `token_for(partner, rol)` registers a new gebruiker and returns its bearer token."""

    def make(partner: str, rol: str, *, actief: bool = True) -> str:
        return add_gebruiker(services, partner, rol, actief=actief)

    return make


@pytest.fixture
def token(token_for: TokenFor) -> str:
    """A deelnemer at the police."""
    return token_for("politie-noord-nederland", "deelnemer")


@pytest.fixture
def politie(token_for: TokenFor) -> str:
    """A casusregisseur at the police: refers casussen of both regimes (weegploeg partner)."""
    return token_for("politie-noord-nederland", "casusregisseur")


@pytest.fixture
def procesregisseur(token_for: TokenFor) -> str:
    """The procesregisseur of Bureau ZVH: takes part in every regular casus from the aanmelding on, holds its regie."""
    return token_for("bureau-zvh-drenthe", "procesregisseur")


@pytest.fixture
def fg(token_for: TokenFor) -> str:
    """A functionaris gegevensbescherming of Bureau ZVH."""
    return token_for("bureau-zvh-drenthe", "fg")


@pytest.fixture
def beheerder_a(token_for: TokenFor) -> str:
    """A beheerder of Bureau ZVH (four eyes: `beheerder_b` is the other)."""
    return token_for("bureau-zvh-drenthe", "beheerder")


@pytest.fixture
def beheerder_b(token_for: TokenFor) -> str:
    return token_for("bureau-zvh-drenthe", "beheerder")


@pytest.fixture
def casus(client: FlaskClient, services: Services, politie: str, procesregisseur: str) -> dict[str, Any]:
    """A regular casus referred by the police; the GGD (a care partner, added as deelnemer) supplied a health
    field of its hoofdpersoon (psychischeGezondheid) as a bijdrage."""
    response = client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie))
    assert response.status_code == 201, response.get_json()
    created: dict[str, Any] = response.get_json()
    zorgbijdrage(client, services, created, procesregisseur, {"psychischeGezondheid": "signalen"})
    return created

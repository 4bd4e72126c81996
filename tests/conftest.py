"""Shared fixtures: an isolated database per test on SQLite always, and on PostgreSQL when configured.

PostgreSQL runs when `DEELPOORT_TEST_DATABASE_URL` is set (each test gets its own schema, dropped afterwards,
so parallel runs don't collide). When `DEELPOORT_TEST_REQUIRE_POSTGRESQL=1` (CI sets it), a missing or
unreachable PostgreSQL is a failure, not a skip.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import create_app
from service.adapters.migrate import upgrade
from service.convenant import load_convenanten
from service.crypto import write_development_keys
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.convenant import Convenant
from service.service_layer.beleid import actief as beleid
from service.service_layer.identiteit.authentication import issue_token
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT, Settings

PG_URL = os.environ.get("DEELPOORT_TEST_DATABASE_URL", "")
PG_REQUIRED = os.environ.get("DEELPOORT_TEST_REQUIRE_POSTGRESQL") == "1"
CONVENANTEN = PROJECT_ROOT / "convenants"


def _postgres_or_skip() -> str:
    if not PG_URL:
        if PG_REQUIRED:
            pytest.fail("DEELPOORT_TEST_REQUIRE_POSTGRESQL=1 but DEELPOORT_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need DEELPOORT_TEST_DATABASE_URL (CI sets it)")
    return PG_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database per test: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    base = _postgres_or_skip()
    schema = f"dp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def convenant() -> Convenant:
    return load_convenanten(CONVENANTEN)


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
def app(settings: Settings) -> Iterator[Flask]:
    """The application on a migrated database holding the convenant's partners."""
    application = create_app(settings)
    services = application.extensions["deelpoort"]
    upgrade(services.engine)
    with services.uow() as uow:
        uow.partners.sync(services.convenant.partners)
        uow.commit()
    beleid.installeer(services, PROJECT_ROOT / "policies")
    yield application
    services.engine.dispose()


@pytest.fixture
def services(app: Flask) -> Services:
    result: Services = app.extensions["deelpoort"]
    return result


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def add_gebruiker(services: Services, partner_id: str, rol: str, *, actief: bool = True) -> str:
    """Create a gebruiker and return its bearer token."""
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


@pytest.fixture
def token(services: Services) -> str:
    """A token of a deelnemer at the police."""
    return add_gebruiker(services, "politie-noord-nederland", "deelnemer")

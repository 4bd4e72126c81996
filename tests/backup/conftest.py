"""Fixtures for backups and restore: a service with a destruction journal, on SQLite and PostgreSQL.

The `app` fixture's database is a template copy that needs the default settings, so these fixtures build their
own application on the same seeded database (`seeded_database`), with `DEELPOORT_VERNIETIGINGSJOURNAAL` set.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import create_app
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.gebruikers import add_gebruiker


@pytest.fixture
def journaal_pad(tmp_path: Path) -> Path:
    """Where the destruction journal lives (a directory of its own, as on other storage in production)."""
    map_ = tmp_path / "journaal"
    map_.mkdir()
    return map_ / "vernietigingen.jsonl"


@pytest.fixture
def herstel_settings(seeded_database: None, settings: Settings, journaal_pad: Path) -> Settings:
    return dataclasses.replace(settings, vernietigingsjournaal=journaal_pad)


@pytest.fixture
def dienst(herstel_settings: Settings) -> Iterator[Flask]:
    """The application on the seeded database, with the destruction journal."""
    application = create_app(herstel_settings)
    yield application
    application.extensions["deelpoort"].engine.dispose()


@pytest.fixture
def diensten(dienst: Flask) -> Services:
    result: Services = dienst.extensions["deelpoort"]
    return result


@pytest.fixture
def web(dienst: Flask) -> FlaskClient:
    return dienst.test_client()


@pytest.fixture
def regisseur(diensten: Services) -> str:
    """A casusregisseur at the police (refers casussen)."""
    return add_gebruiker(diensten, "politie-noord-nederland", "casusregisseur")


@pytest.fixture
def procesregie(diensten: Services) -> str:
    """The Bureau's procesregisseur (asks verstrekkingen for triage)."""
    return add_gebruiker(diensten, "bureau-zvh-drenthe", "procesregisseur")


@pytest.fixture
def lege_database(database_url: str, tmp_path: Path) -> Iterator[str]:
    """The URL of another, new and empty database of the test's kind (a restore target)."""
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'leeg' / 'deelpoort.sqlite3'}"
        return
    naam = f"dp_herstel_{uuid.uuid4().hex[:16]}"
    beheer = create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with beheer.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{naam}"'))
        yield make_url(database_url).set(database=naam).render_as_string(hide_password=False)
        with beheer.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{naam}" WITH (FORCE)'))
    finally:
        beheer.dispose()

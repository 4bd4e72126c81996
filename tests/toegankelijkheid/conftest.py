"""Fixtures of the accessibility tests: the demo region served once per test session, people of every rol that
uses the pages, and axe-core (Deque's WCAG checker, pinned in `package.json` and `package-lock.json` here,
installed with `npm ci` once per run).

The demo is installed by the real `deelpoort demo` command on SQLite: what a page looks like does not depend on
the database, and the demo fills every list, chart and table as a real region would. Node.js and npm are
required wherever Chromium is (`DEELPOORT_TEST_REQUIRE_CHROMIUM=1` in CI turns their absence into a failure).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from service import create_app
from service.cli import main
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers import npm
from tests.helpers.browser import serveer, unavailable

AXE_DIR = Path(__file__).resolve().parent
BUREAU = "bureau-zvh-drenthe"


@dataclass(frozen=True)
class Demoregio:
    """The demo region on a running server: its URL, its services and the demo people's tokens."""

    url: str
    app: Flask
    services: Services
    tokens: dict[tuple[str, str], list[str]]  # (partner, rol) -> the tokens of the demo's gebruikers, in order

    def token(self, partner: str, rol: str, nummer: int = 0) -> str:
        return self.tokens[(partner, rol)][nummer]


@pytest.fixture(scope="session")
def axe_bron() -> str:
    """The source of axe-core (axe.min.js) in the pinned version."""
    return (npm.npm_ci(AXE_DIR, "axe-core", unavailable) / "axe.min.js").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def demoregio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demoregio]:
    folder = tmp_path_factory.mktemp("demoregio")
    instance, keys = folder / "instance", folder / "keys"
    database_url = f"sqlite:///{instance / 'deelpoort.sqlite3'}"
    env = {
        "DEELPOORT_INSTANCE_PATH": str(instance),
        "DEELPOORT_DATABASE_URL": database_url,
        "DEELPOORT_KEYS_DIR": str(keys),
    }
    result = CliRunner().invoke(main, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 0, result.output
    tokens: dict[tuple[str, str], list[str]] = {}
    for user in json.loads((instance / "demo-credentials.json").read_text(encoding="utf-8"))["gebruikers"]:
        tokens.setdefault((user["partner"], user["rol"]), []).append(user["token"])
    app = create_app(Settings(instance_path=instance, database_url=database_url, keys_dir=keys))
    services: Services = app.extensions["deelpoort"]
    try:
        with serveer(app) as url:
            yield Demoregio(url, app, services, tokens)
    finally:
        services.engine.dispose()


@pytest.fixture
def server(demoregio: Demoregio) -> str:
    """Here the browser fixtures' server (so `pagina`) is the demo region's."""
    return demoregio.url

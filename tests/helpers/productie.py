"""What the production tests share: a fresh PostgreSQL database, and the service as the systemd unit starts it.

`tests/productie/test_in_productie.py` (the README's walk-through) and `tests/productie/test_hosts.py` (several
hosts) run the shipped files with only their site-specific values replaced; this is where those values are.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from service.settings import PROJECT_ROOT

UNIT = PROJECT_ROOT / "deploy" / "systemd" / "deelpoort.service"
BIN = Path(sys.executable).parent


def libpq(url: str) -> str:
    """A SQLAlchemy URL as psycopg (libpq) takes it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def nieuwe_database(voorvoegsel: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server (named `voorvoegsel` and a random part), dropped
    afterwards. Fails or skips as the conftest does when `DEELPOORT_TEST_DATABASE_URL` is not set."""
    base = os.environ.get("DEELPOORT_TEST_DATABASE_URL")
    if not base:
        if os.environ.get("DEELPOORT_TEST_REQUIRE_POSTGRESQL") == "1":
            pytest.fail("DEELPOORT_TEST_REQUIRE_POSTGRESQL=1 but DEELPOORT_TEST_DATABASE_URL is not set")
        pytest.skip("the production tests need PostgreSQL: set DEELPOORT_TEST_DATABASE_URL (CI sets it)")
    name = f"{voorvoegsel}_{secrets.token_hex(6)}"
    with psycopg.connect(libpq(base), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(libpq(base), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def unit() -> tuple[str, str]:
    """The unit's EnvironmentFile and ExecStart, as written."""
    text = UNIT.read_text(encoding="utf-8")
    omgeving = re.search(r"^EnvironmentFile=(.+)$", text, flags=re.M)
    start = re.search(r"^ExecStart=(.+)$", text, flags=re.M)
    assert omgeving and start, "deploy/systemd/deelpoort.service lost its EnvironmentFile or ExecStart"
    return omgeving.group(1), start.group(1)


def start_commando(*, port: int, host: str = "127.0.0.1") -> str:
    """The unit's ExecStart with the checkout's `deelpoort`, listening on `host`:`port` (its site values)."""
    commando = unit()[1]
    for oud in ("/usr/local/bin/deelpoort", "--host 127.0.0.1", "--port 8000"):
        assert oud in commando, f"deploy/systemd/deelpoort.service's ExecStart no longer has {oud!r}"
    commando = commando.replace("/usr/local/bin/deelpoort", str(BIN / "deelpoort"))
    return commando.replace("--host 127.0.0.1", f"--host {host}").replace("--port 8000", f"--port {port}")

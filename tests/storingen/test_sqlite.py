"""SQLite's faults: a worker that opens its connections while the file cannot be written, a database locked
beyond the busy timeout, a full disk. Each is answered 503 problem+json with Retry-After, nothing is disclosed
or half-written, and the worker heals by itself once the fault is gone (issue 25 point 5: before, a read-only
connection stayed in the pool and refused verstrekkingen until the worker was restarted)."""

from __future__ import annotations

import resource
import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import event

from service.cli import main
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import BSN_HOOFDPERSOON, aanmelding, bearer, vraag
from tests.helpers.storingen import onbeschrijfbaar
from tests.storingen.controle import aantal_records, geen_waarde, niet_beschikbaar

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # SQLite's own faults
BUSY_MS = 200  # the busy timeout in these tests: the service's own (30 s) would only make them slow


@pytest.fixture
def bestand(database_url: str) -> Path:
    return Path(database_url.removeprefix("sqlite:///"))


@pytest.fixture
def korte_busy_timeout(services: Services) -> Iterator[None]:
    """Every new connection waits BUSY_MS for a lock instead of 30 s (set after the engine's own pragmas)."""

    def kort(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA busy_timeout={BUSY_MS}")

    event.listen(services.engine, "connect", kort)
    services.engine.dispose()
    yield
    event.remove(services.engine, "connect", kort)


def test_a_worker_that_opens_connections_while_the_file_cannot_be_written_heals_without_restart(
    bestand: Path, client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201
    voor = aantal_records(services)
    services.engine.dispose()  # the worker (re)opens its connections: now, while the file cannot be written
    with onbeschrijfbaar(bestand):
        for _ in range(3):
            response = vraag(client, procesregisseur, casus["id"], doel="triage")
            niet_beschikbaar(response)
            geen_waarde(response)
    for _ in range(3):  # writable again: the same worker, no restart
        healed = vraag(client, procesregisseur, casus["id"], doel="triage")
        assert healed.status_code == 201, healed.get_json()
        assert BSN_HOOFDPERSOON in healed.get_data(as_text=True)
    assert aantal_records(services) == voor + 3


def test_a_connection_that_became_read_only_is_discarded(
    bestand: Path, client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    """A connection made read-only after it was opened (here by SQLite's query_only, as a read-only remount
    would) fails its write with SQLITE_READONLY: 503, and the pool gives the next request a new connection."""
    assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201
    voor = aantal_records(services)
    with services.engine.connect() as connection:  # the pool's one connection, made read-only from now on
        connection.exec_driver_sql("PRAGMA query_only = 1")
    niet_beschikbaar(vraag(client, procesregisseur, casus["id"], doel="triage"))
    healed = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert healed.status_code == 201, healed.get_json()
    assert aantal_records(services) == voor + 1


def test_a_database_locked_beyond_the_busy_timeout_is_503_and_changes_nothing(
    bestand: Path, client: FlaskClient, services: Services, politie: str, korte_busy_timeout: None
) -> None:
    voor = aantal_records(services)
    houder = sqlite3.connect(bestand, isolation_level=None)
    try:
        houder.execute("BEGIN IMMEDIATE")  # another process writing, for longer than the busy timeout
        response = client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie))
        niet_beschikbaar(response)
        geen_waarde(response)
    finally:
        houder.execute("ROLLBACK")
        houder.close()
    assert aantal_records(services) == voor
    assert client.get("/v1/casussen", headers=bearer(politie)).get_json()["casussen"] == []  # nothing half-written
    assert client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie)).status_code == 201


def test_a_full_disk_in_a_unit_of_work_is_503_and_changes_nothing(
    bestand: Path, client: FlaskClient, services: Services, politie: str
) -> None:
    """The process may write no byte more (RLIMIT_FSIZE = 0, SIGXFSZ ignored), as on a full disk."""
    assert client.get("/v1/casussen", headers=bearer(politie)).status_code == 200  # connections and pages warm
    voor = aantal_records(services)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        response = client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)
    niet_beschikbaar(response)
    assert aantal_records(services) == voor
    assert client.get("/v1/casussen", headers=bearer(politie)).get_json()["casussen"] == []
    assert client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie)).status_code == 201


def test_a_command_on_an_unwritable_file_ends_with_a_clear_message_and_a_read_only_copy_verifies(
    bestand: Path, services: Services, cli_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`audit verify` where the file cannot be written: a clear message and exit status 2, no traceback; asked
    for read-only (`mode=ro`, README "Database faults"), the same file verifies."""
    services.engine.dispose()
    with onbeschrijfbaar(bestand):
        geweigerd = CliRunner().invoke(main, ["audit", "verify"])
        assert geweigerd.exit_code == 2, geweigerd.output
        assert "de database is nu niet beschikbaar" in geweigerd.output
        assert "Traceback" not in geweigerd.output
        monkeypatch.setenv("DEELPOORT_DATABASE_URL", f"sqlite:///file:{bestand}?mode=ro&uri=true")
        gelezen = CliRunner().invoke(main, ["audit", "verify"])
    assert gelezen.exit_code == 0, gelezen.output
    assert "OK:" in gelezen.output

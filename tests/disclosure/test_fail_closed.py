"""Log before release, fail closed (DESIGN invariant 2): when the log cannot record, the request fails with 503
and not one field value leaves the service. Each failure is real: a database trigger, a read-only database, a
full disk (SQLite's page limit), an exception in the store."""

from __future__ import annotations

import resource
import signal
from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, event

from service.adapters.log_store import LogStore
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, vraag
from tests.helpers.logboek import log_weigert

VALUES = (BSN_HOOFDPERSOON, BSN_SYSTEEMLID, "Testpersoon-Synthetisch", "Synthetisch signaal")
VOORAF = 2  # the records of the `casus` fixture: its aanmelding and the GGD's bijdrage (aanleveringen)


def _assert_nothing_disclosed(response: Any, services: Services) -> None:
    assert response.status_code == 503, response.get_json()
    assert response.mimetype == "application/problem+json"
    body = response.get_data(as_text=True)
    for value in VALUES:
        assert value not in body
    assert "nothing was disclosed" in response.get_json()["detail"]
    with services.uow() as uow:
        assert uow.log.size() == VOORAF and uow.log.record_count() == VOORAF


def _assert_works_again(client: FlaskClient, services: Services, token: str, casus_id: str) -> None:
    """The positive control: without the fault the same request releases values and is logged."""
    response = vraag(client, token, casus_id, doel="triage")
    assert response.status_code == 201
    assert BSN_HOOFDPERSOON in response.get_data(as_text=True)
    with services.uow() as uow:
        assert uow.log.size() == VOORAF + 1


@pytest.fixture
def fault(services: Services) -> Iterator[list[str]]:
    """SQL run on every new connection of the service's engine while the list is non-empty."""
    statements: list[str] = []

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()
        if statements and services.engine.dialect.name == "postgresql":
            dbapi_connection.commit()

    event.listen(services.engine, "connect", on_connect)
    yield statements
    event.remove(services.engine, "connect", on_connect)


def _reconnect(engine: Engine) -> None:
    engine.dispose()


def test_a_trigger_that_refuses_log_inserts_fails_closed(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    with log_weigert(services.engine):
        _assert_nothing_disclosed(vraag(client, procesregisseur, casus["id"], doel="triage"), services)
    _assert_works_again(client, services, procesregisseur, casus["id"])


def test_a_read_only_database_fails_closed(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str, fault: list[str]
) -> None:
    postgres = services.engine.dialect.name == "postgresql"
    fault.append("SET default_transaction_read_only = on" if postgres else "PRAGMA query_only = 1")
    _reconnect(services.engine)
    _assert_nothing_disclosed(vraag(client, procesregisseur, casus["id"], doel="triage"), services)
    fault.clear()
    _reconnect(services.engine)
    _assert_works_again(client, services, procesregisseur, casus["id"])


def test_a_full_disk_fails_closed(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    """The process may write no byte more to any file (RLIMIT_FSIZE = 0, SIGXFSZ ignored): every write fails
    as on a full disk, for SQLite's WAL and journal alike. PostgreSQL writes in its own server process, which
    this cannot limit; there the trigger and read-only tests make the same INSERT fail."""
    if services.engine.dialect.name == "postgresql":
        pytest.skip("a full disk of the PostgreSQL server cannot be simulated from the test process")
    vraag(client, procesregisseur, casus["id"], doel="aanmelding")  # warm up: connections and pages in memory
    with services.uow() as uow:
        before = uow.log.size()
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        response = vraag(client, procesregisseur, casus["id"], doel="triage")
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous_handler)
    assert response.status_code == 503, response.get_json()
    for value in VALUES:
        assert value not in response.get_data(as_text=True)
    services.engine.dispose()
    with services.uow() as uow:
        assert uow.log.size() == before
    response = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert response.status_code == 201 and BSN_HOOFDPERSOON in response.get_data(as_text=True)


def test_an_exception_in_the_store_fails_closed(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = LogStore.append

    def broken(self: LogStore, size: int, records: Any, nodes: Any) -> Any:
        original(self, size, records, nodes)
        raise OSError("injected after the rows were added")

    monkeypatch.setattr(LogStore, "append", broken)
    _assert_nothing_disclosed(vraag(client, procesregisseur, casus["id"], doel="triage"), services)
    monkeypatch.setattr(LogStore, "append", original)
    _assert_works_again(client, services, procesregisseur, casus["id"])


def test_a_refusal_is_not_answered_as_such_when_it_cannot_be_logged(
    client: FlaskClient, services: Services, casus: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.helpers.gebruikers import add_gebruiker

    outsider = add_gebruiker(services, "ggz-drenthe", "deelnemer")
    monkeypatch.setattr(LogStore, "claim", lambda self, advance: (_ for _ in ()).throw(OSError("injected")))
    response = vraag(client, outsider, casus["id"], doel="triage")
    assert response.status_code == 503

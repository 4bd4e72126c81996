"""PostgreSQL terminates the app's connection (`pg_terminate_backend`, as a failover, a restart or an operator
does) exactly at one step of a verstrekking: each step is answered 503 problem+json with Retry-After, no value
leaves the service, no record is written without an answer, and the next request succeeds on a fresh connection
(issue 25 point 5: before, the reads before the log write and the unit of work's exit were answered 500).
Then under load: connections terminated over and over while verstrekkingen run in threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.audit.record import parse
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, bearer, vraag
from tests.helpers.storingen import Afbreker, Valstrik
from tests.storingen.controle import aantal_records, geen_waarde, niet_beschikbaar

pytestmark = pytest.mark.parametrize(  # PostgreSQL's own faults (SQLite's: test_sqlite.py)
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True
)

# (the step, a fragment of the statement the connection is terminated before, or at the next rollback instead)
STAPPEN = [
    ("the convenant in force", "FROM convenantactiveringen", False),
    ("the credential", "tokens.token_hash", False),
    ("the casus", "FROM casussen", False),
    ("the active policy", "FROM beleidsactiveringen", False),
    ("the values", "FROM casus_sleutels", False),
    ("the unit of work's exit", "FROM casus_sleutels", True),
    ("the log's head", "UPDATE loghoofd", False),
    ("the log's insert", "INSERT INTO verstrekkingen", False),
]
THREADS = 6
PER_THREAD = 20


@pytest.fixture
def afbreker(database_url: str) -> Iterator[Afbreker]:
    found = Afbreker(database_url)
    yield found
    found.close()


def test_a_connection_terminated_at_each_step_is_503_and_heals(
    afbreker: Afbreker, client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201  # the pool is warm
    for stap, fragment, bij_rollback in STAPPEN:
        voor = aantal_records(services)
        with Valstrik(services.engine, afbreker, fragment, bij_rollback=bij_rollback) as valstrik:
            response = vraag(client, procesregisseur, casus["id"], doel="triage")
        assert valstrik.gesprongen, f"{stap}: no statement with {fragment!r}, the step was not reached"
        try:
            niet_beschikbaar(response)
            geen_waarde(response)
        except AssertionError as exc:
            raise AssertionError(f"{stap}: {exc}") from None
        assert aantal_records(services) == voor, f"{stap}: a record without its answer"
        healed = vraag(client, procesregisseur, casus["id"], doel="triage")
        assert healed.status_code == 201, (stap, healed.get_json())
        assert BSN_HOOFDPERSOON in healed.get_data(as_text=True)
        assert aantal_records(services) == voor + 1, f"{stap}: the healed answer has no record"


def test_connections_terminated_while_idle_are_replaced_unnoticed(
    afbreker: Afbreker, client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201
    assert afbreker.beeindig_alle() >= 1
    response = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert response.status_code == 201, response.get_json()


@pytest.mark.slow
def test_under_load_with_connections_terminated_every_answer_is_201_with_its_record_or_503_without(
    afbreker: Afbreker, app: Flask, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    """THREADS clients ask PER_THREAD verstrekkingen each, each with its own trace id, while every connection to
    the database is terminated again and again. Every answer is 201 whose record (found by trace id) is in the
    log, or 503 with Retry-After and no record; never a 500; the log verifies."""
    uitkomsten: list[tuple[str, int]] = []
    fouten: list[BaseException] = []
    klaar = threading.Event()

    def vrager(slot: int) -> None:
        client = app.test_client()
        try:
            for n in range(PER_THREAD):
                trace = f"{slot + 1:016x}{n + 1:016x}"
                response = client.post(
                    f"/v1/casussen/{casus['id']}/verstrekkingen",
                    json={"doel": "triage"},
                    headers={**bearer(procesregisseur), "traceparent": f"00-{trace}-00f067aa0ba902b7-01"},
                )
                if response.status_code == 503:
                    niet_beschikbaar(response)
                    geen_waarde(response)
                uitkomsten.append((trace, response.status_code))
        except BaseException as exc:  # reported below
            fouten.append(exc)

    beeindigd = 0

    def afbreken() -> None:
        nonlocal beeindigd
        while not klaar.wait(0.03):
            beeindigd += afbreker.beeindig_alle()

    voor = aantal_records(services)
    vragers = [threading.Thread(target=vrager, args=(slot,)) for slot in range(THREADS)]
    stoorzender = threading.Thread(target=afbreken)
    stoorzender.start()
    begin = time.monotonic()
    for thread in vragers:
        thread.start()
    for thread in vragers:
        thread.join()
    klaar.set()
    stoorzender.join()
    assert not fouten, fouten[0]
    statussen = [status for _, status in uitkomsten]
    telling = {status: statussen.count(status) for status in set(statussen)}
    assert set(telling) <= {201, 503}, telling  # never a 500
    assert telling.get(201, 0) >= 1 and telling.get(503, 0) >= 1, (telling, beeindigd, time.monotonic() - begin)
    with services.uow() as uow:
        traces = {parse(r.record)["traceId"] for r in uow.log.records() if r.log_index >= voor}
    assert traces == {trace for trace, status in uitkomsten if status == 201}  # each 201 has its record, no 503 has
    assert aantal_records(services) == voor + telling[201]
    assert logboek.verifieer(services).ok

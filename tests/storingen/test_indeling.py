"""Which errors are database faults (503) and which are bugs (500): decided by the error's class and code, on
errors the real databases raise."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

from service.adapters.database import make_engine
from service.adapters.repository import CasusRepository
from service.adapters.storingen import is_storing
from service.service_layer.services import Services
from tests.helpers.casus import vraag
from tests.storingen.controle import geen_waarde


def _fout(engine: Any, *statements: str) -> DBAPIError:
    """The error the last of `statements` raises, run in one transaction."""
    with engine.begin() as connection:
        for statement in statements[:-1]:
            connection.execute(text(statement))
        with pytest.raises(DBAPIError) as raised:
            connection.execute(text(statements[-1]))
        connection.rollback()
    return raised.value


def test_sqlite_faults_and_bugs_are_told_apart(tmp_path: Path) -> None:
    bestand = tmp_path / "t.sqlite3"
    engine = make_engine(f"sqlite:///{bestand}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE t (x INTEGER PRIMARY KEY)"))
        connection.execute(text("INSERT INTO t VALUES (1)"))
    assert not is_storing(_fout(engine, "SELECT * FROM bestaat_niet"))  # a bug
    assert not is_storing(_fout(engine, "SELEKT 1"))
    assert isinstance(integrity := _fout(engine, "INSERT INTO t VALUES (1)"), IntegrityError)
    assert not is_storing(integrity)
    houder = sqlite3.connect(bestand, isolation_level=None)
    houder.execute("BEGIN IMMEDIATE")
    kort = create_engine(f"sqlite:///{bestand}", connect_args={"timeout": 0.05})
    try:
        assert is_storing(locked := _fout(kort, "INSERT INTO t VALUES (2)"))
        assert "locked" in str(locked.orig)
    finally:
        houder.execute("ROLLBACK")
        houder.close()
        kort.dispose()
    engine.dispose()


def test_no_free_connection_in_the_pool_is_a_fault() -> None:
    assert is_storing(PoolTimeoutError("QueuePool limit reached"))
    assert not is_storing(ValueError("a bug"))


@pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgresql)], indirect=True)
def test_postgresql_faults_and_bugs_are_told_apart(database_url: str) -> None:
    engine = make_engine(database_url)
    assert not is_storing(_fout(engine, "SELECT * FROM bestaat_niet"))
    assert is_storing(_fout(engine, "SET LOCAL statement_timeout = 10", "SELECT pg_sleep(1)"))
    assert is_storing(_fout(engine, "SET LOCAL transaction_read_only = on", "CREATE TABLE t (x int)"))
    engine.dispose()
    dicht = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/test")  # nothing listens: refused
    with pytest.raises(DBAPIError) as refused:
        dicht.connect()
    assert is_storing(refused.value)


def test_a_programming_error_is_still_500(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The control: a statement the database refuses as wrong (an undefined table) is a bug, not a fault."""

    def kapot(self: CasusRepository, _casus_id: str) -> None:
        self._session.execute(text("SELECT * FROM bestaat_niet"))

    monkeypatch.setattr(CasusRepository, "get", kapot)
    response = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert response.status_code == 500 and "Retry-After" not in response.headers
    geen_waarde(response)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the document does not depend on it
def test_the_openapi_document_gives_every_operation_on_the_database_a_503_with_retry_after(
    client: FlaskClient,
) -> None:
    document = client.get("/v1/openapi.json").get_json()
    components = document["components"]
    assert components["headers"]["Retry-After"]["schema"]["type"] == "integer"
    zonder = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if path in ("/openapi.json", "/status") or method not in ("get", "post", "put", "patch", "delete"):
                continue
            answer = operation["responses"].get("503", {})
            answer = components["responses"][answer["$ref"].rsplit("/", 1)[1]] if "$ref" in answer else answer
            if "Retry-After" not in answer.get("headers", {}):
                zonder.append(f"{method.upper()} {path}")
    assert not zonder

"""`GET /v1/status` as readiness (issue 25 point 4): 200 only when the database, the keys, the active policy and
the log's checkpoints are fine; else 503 problem+json with Retry-After. Which check failed is told only to the
monitoring addresses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.adapters.casus_keys import CasusKeys
from service.api.base import PROBLEM_JSON
from service.service_layer.services import Services
from service.service_layer.waarneming import gereedheid
from service.settings import Settings

PUBLIEK = {"REMOTE_ADDR": "198.51.100.7"}


@pytest.fixture(autouse=True)
def _elke_keer_gemeten(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every check runs on every request here (the reuse has its own test below)."""
    monkeypatch.setattr(gereedheid, "GELDIG", 0.0)


CONTROLES = ("database", "sleutels", "beleid", "checkpoint", "herstel")


def _niet_gereed(client: FlaskClient, *verstoord: str) -> None:
    """503 with Retry-After; the monitoring address hears exactly which checks failed, the public nothing."""
    response = client.get("/v1/status")
    assert response.status_code == 503 and response.mimetype == PROBLEM_JSON
    assert int(response.headers["Retry-After"]) > 0
    controles = response.get_json()["controles"]
    assert controles == {c: "verstoord" if c in verstoord else "ok" for c in CONTROLES}
    publiek = client.get("/v1/status", environ_base=PUBLIEK)
    assert publiek.status_code == 503 and "Retry-After" in publiek.headers
    body = publiek.get_json()
    assert set(body) == {"type", "title", "status", "detail"}
    assert not any(c in publiek.get_data(as_text=True) for c in CONTROLES)


def test_ready_tells_the_public_only_that(client: FlaskClient) -> None:
    response = client.get("/v1/status", environ_base=PUBLIEK)
    assert response.status_code == 200
    assert set(response.get_json()) == {"status", "apiVersie"} and response.get_json()["status"] == "ok"


def test_without_an_active_policy_it_is_not_ready(migrated_database: None, settings: Settings) -> None:
    app = create_app(settings)  # migrated, but no policy installed
    try:
        _niet_gereed(app.test_client(), "beleid")
    finally:
        app.extensions["deelpoort"].engine.dispose()


def test_a_stale_unsigned_tail_is_not_ready_until_it_is_signed(
    client: FlaskClient, services: Services, casus: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The casus's aanlevering records wait behind the first checkpoint (the rule allows T seconds); an hour
    later nobody signed them (no background sender in a test app): that is what the check is for."""
    stand = gereedheid.checkpointstand(services)
    assert stand is not None and stand[1] > 0, "the fixture should leave an unsigned tail"
    assert client.get("/v1/status").status_code == 200
    later = dt.datetime.now(dt.UTC) + gereedheid.drempel(services) + dt.timedelta(seconds=5)
    monkeypatch.setattr(gereedheid, "utcnow", lambda: later)
    _niet_gereed(client, "checkpoint")
    services.log.checkpoint_now()
    assert client.get("/v1/status").status_code == 200  # an old checkpoint of the whole log is fine


@pytest.fixture
def onbereikbaar(tmp_path: Path, keys_dir: Path) -> Iterator[Flask]:
    """An app whose PostgreSQL does not listen (nothing is on port 1)."""
    settings = Settings(
        instance_path=tmp_path / "instance",
        database_url="postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2",
        keys_dir=keys_dir,
    )
    app = create_app(settings)
    yield app
    app.extensions["deelpoort"].engine.dispose()


def test_a_database_that_does_not_answer_is_not_ready(onbereikbaar: Flask) -> None:
    _niet_gereed(onbereikbaar.test_client(), "database", "beleid", "checkpoint", "herstel")


def test_key_material_that_cannot_be_used_is_not_ready(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def kapot(_self: CasusKeys) -> Any:
        raise RuntimeError("the key material cannot be read")

    monkeypatch.setattr(CasusKeys, "material", property(kapot))
    _niet_gereed(client, "sleutels")


def test_the_threshold_follows_the_checkpoint_rule(services: Services) -> None:
    beleid = services.log.beleid
    assert gereedheid.drempel(services) == dt.timedelta(seconds=2 * beleid.seconds) + gereedheid.MARGE


def test_passed_slow_checks_are_reused_briefly_and_the_database_never(
    services: Services, casus: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    klok = [100.0]
    meting = gereedheid.Gereedheidsmeting(geldig=2.0, klok=lambda: klok[0])
    assert meting.gereedheid(services).gereed
    monkeypatch.setattr(gereedheid, "utcnow", lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    klok[0] += 1.5
    assert meting.gereedheid(services).gereed  # the checkpoint check of 1.5 s ago is reused
    monkeypatch.setattr(Services, "database_ok", lambda _self: False)
    assert not meting.gereedheid(services).gereed  # the database is asked every time
    monkeypatch.undo()
    monkeypatch.setattr(gereedheid, "utcnow", lambda: dt.datetime.now(dt.UTC) + dt.timedelta(hours=1))
    assert not meting.gereedheid(services).gereed  # after a failure nothing is reused: the stale tail shows
    klok[0] += 5
    services.log.checkpoint_now()
    assert meting.gereedheid(services).gereed

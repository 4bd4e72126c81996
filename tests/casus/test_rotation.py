"""Rotation rewraps data keys under a new KEK version: nothing lost under concurrent reads, resumable,
and an old version cannot be retired while a data key still uses it."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient

from service.adapters.veldwaarden import VeldwaardeRepository
from service.bootstrap import build_services
from service.cli import main
from service.crypto import add_kek_version, write_key_file
from service.domain.convenant import Regime
from service.domain.errors import ConflictError
from service.service_layer.services import Services
from service.service_layer.sleutelbeheer import check_retirable, key_versions, rewrap_all
from service.settings import Settings
from tests.helpers.casus import aanmelding, bearer


@pytest.fixture
def own_keys(tmp_path: Path, settings: Settings, services: Services) -> Settings:
    """Settings with a key file of this test's own (rotation writes to it)."""
    key_file = tmp_path / "keys.json"
    shared = settings.keys_dir / "development-keys.json"
    key_file.write_bytes(shared.read_bytes())
    key_file.chmod(0o600)
    return Settings(instance_path=settings.instance_path, database_url=settings.database_url, keys_file=key_file)


@pytest.fixture
def built() -> Iterator[Callable[[Settings], Services]]:
    """Build services like another worker would; every engine is disposed at the end of the test."""
    made: list[Services] = []

    def build(settings: Settings) -> Services:
        made.append(build_services(settings))
        return made[-1]

    yield build
    for services in made:
        services.engine.dispose()


def _add_version(settings: Settings, regime: Regime) -> None:
    assert settings.keys_file is not None
    document = json.loads(settings.keys_file.read_text())
    write_key_file(settings.keys_file, add_kek_version(document, regime), overwrite=True)


def _refer(client: FlaskClient, token: str, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        response = client.post("/v1/casussen", json=aanmelding(), headers=bearer(token))
        assert response.status_code == 201
        ids.append(response.get_json()["id"])
    return ids


def _read_all(services: Services, ids: list[str]) -> dict[str, Any]:
    out = {}
    with services.uow() as uow:
        for casus_id in ids:
            out[casus_id] = {k: v.waarde for k, v in uow.veldwaarden.read(casus_id, Regime.REGULIER).items()}
    return out


def test_rotation_under_concurrent_reads_loses_nothing(
    client: FlaskClient, politie: str, own_keys: Settings, built: Callable[[Settings], Services]
) -> None:
    writer = built(own_keys)
    ids = _refer(client, politie, 12)
    before = _read_all(writer, ids)
    _add_version(own_keys, Regime.REGULIER)
    reader = built(own_keys)  # another worker, started before the rotation ran
    errors: list[BaseException] = []
    stop = threading.Event()

    def keep_reading() -> None:
        try:
            while not stop.is_set():
                assert _read_all(reader, ids) == before
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=keep_reading) for _ in range(2)]
    for thread in threads:
        thread.start()
    rotator = built(own_keys)
    rewrapped = rewrap_all(rotator, Regime.REGULIER, batch_size=3)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert rewrapped == 12
    assert key_versions(rotator, Regime.REGULIER) == {2: 12}
    assert _read_all(built(own_keys), ids) == before


def test_an_interrupted_rotation_resumes(
    client: FlaskClient,
    politie: str,
    own_keys: Settings,
    monkeypatch: pytest.MonkeyPatch,
    built: Callable[[Settings], Services],
) -> None:
    ids = _refer(client, politie, 7)
    _add_version(own_keys, Regime.REGULIER)
    rotator = built(own_keys)
    original = VeldwaardeRepository.rewrap_batch
    calls = {"n": 0}

    def crash_on_second_batch(self: VeldwaardeRepository, regime: Regime, limit: int, op: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt  # the operator pressed ^C, or the machine went down
        return original(self, regime, limit, op)

    monkeypatch.setattr(VeldwaardeRepository, "rewrap_batch", crash_on_second_batch)
    with pytest.raises(KeyboardInterrupt):
        rewrap_all(rotator, Regime.REGULIER, batch_size=3)
    assert key_versions(rotator, Regime.REGULIER) == {1: 4, 2: 3}  # the first batch committed
    monkeypatch.setattr(VeldwaardeRepository, "rewrap_batch", original)
    assert rewrap_all(rotator, Regime.REGULIER, batch_size=3) == 4
    assert key_versions(rotator, Regime.REGULIER) == {2: 7}
    assert set(_read_all(rotator, ids)) == set(ids)


def test_retire_is_refused_while_a_data_key_uses_the_version(
    client: FlaskClient, politie: str, own_keys: Settings, built: Callable[[Settings], Services]
) -> None:
    _refer(client, politie, 2)
    _add_version(own_keys, Regime.REGULIER)
    services = built(own_keys)
    with pytest.raises(ConflictError, match="still wrapped under KEK version 1"):
        check_retirable(services, Regime.REGULIER, 1)
    with pytest.raises(ConflictError, match="primary"):
        check_retirable(services, Regime.REGULIER, 2)
    rewrap_all(services, Regime.REGULIER)
    check_retirable(services, Regime.REGULIER, 1)  # now allowed


def test_cli_rotate_then_retire(
    client: FlaskClient, politie: str, own_keys: Settings, built: Callable[[Settings], Services]
) -> None:
    ids = _refer(client, politie, 3)
    env = {
        "DEELPOORT_DATABASE_URL": own_keys.database_url,
        "DEELPOORT_KEYS_FILE": str(own_keys.keys_file),
        "DEELPOORT_INSTANCE_PATH": str(own_keys.instance_path),
    }
    runner = CliRunner()
    refused = runner.invoke(main, ["keys", "retire", "--regime", "regulier", "--version", "1"], env=env)
    assert refused.exit_code == 2 and "primaire versie" in refused.output
    rotated = runner.invoke(main, ["keys", "rotate", "--regime", "regulier"], env=env)
    assert rotated.exit_code == 0, rotated.output
    assert "3 datasleutel(s) opnieuw verpakt" in rotated.output
    retired = runner.invoke(main, ["keys", "retire", "--regime", "regulier", "--version", "1"], env=env)
    assert retired.exit_code == 0, retired.output
    assert set(_read_all(built(own_keys), ids)) == set(ids)
    document = json.loads(Path(str(own_keys.keys_file)).read_text())
    assert list(document["kek"]["regulier"]["versions"]) == ["2"]

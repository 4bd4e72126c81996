"""`deelpoort demo`: a whole synthetic region, installed all or nothing, with working demo tokens."""

from __future__ import annotations

import datetime as dt
import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from service import create_app
from service.adapters.repository import CasusRepository
from service.bootstrap import build_services
from service.cli import main
from service.demo.installatie import install_region
from service.demo.regio import generate_region
from service.service_layer.logboek import controle as logboek
from service.settings import Settings


def _run_demo(instance: Path, database_url: str, seed: int = 2023) -> dict[str, object]:
    env = {
        "DEELPOORT_INSTANCE_PATH": str(instance),
        "DEELPOORT_DATABASE_URL": database_url,
        "DEELPOORT_KEYS_DIR": str(instance.parent / "keys"),
    }
    result = CliRunner().invoke(main, ["demo", "--no-serve", "--seed", str(seed)], env=env)
    assert result.exit_code == 0, result.output
    credentials: dict[str, object] = json.loads((instance / "demo-credentials.json").read_text())
    return credentials


def _status_with(settings: Settings, token: str) -> int:
    app = create_app(settings)
    try:
        return app.test_client().get("/v1/partners", headers={"Authorization": f"Bearer {token}"}).status_code
    finally:
        app.extensions["deelpoort"].engine.dispose()


def _log_uitkomsten(settings: Settings) -> dict[str, int]:
    services = build_services(settings)
    try:
        assert logboek.verifieer(services).ok
        counts: dict[str, int] = {}
        with services.uow() as uow:
            for stored in uow.log.records():
                if stored.columns[3] != "routeeroverleg":
                    counts[stored.columns[4]] = counts.get(stored.columns[4], 0) + 1
        return counts
    finally:
        services.engine.dispose()


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _count_casussen(settings: Settings) -> int:
    services = build_services(settings)
    try:
        with services.uow() as uow:
            return uow.casussen.count()
    finally:
        services.engine.dispose()


def test_demo_creates_a_region_whose_tokens_work(tmp_path: Path, database_url: str) -> None:
    instance = tmp_path / "instance"
    credentials = _run_demo(instance, database_url)
    users = credentials["gebruikers"]
    assert isinstance(users, list)
    assert {u["rol"] for u in users} >= {"procesregisseur", "casusregisseur", "deelnemer", "fg", "beheerder"}
    assert all(u["oin"].startswith("00000099") and u["token"].startswith("dp_") for u in users)
    assert stat.S_IMODE((instance / "demo-credentials.json").stat().st_mode) == 0o600
    settings = Settings(instance_path=instance, database_url=database_url, keys_dir=instance.parent / "keys")
    assert _status_with(settings, users[0]["token"]) == 200
    assert 450 <= _count_casussen(settings) <= 560  # about 260 of today and 246 of 2023 (demo/verslagjaar.py)
    # The FG pages have something to show: synthetic verstrekkingen of every kind, logged and verifying.
    uitkomsten = _log_uitkomsten(settings)
    assert {"gedeeltelijk", "leeg", "geweigerd"} <= set(uitkomsten), uitkomsten
    assert sum(uitkomsten.values()) >= 100


def test_running_demo_twice_recreates_cleanly(tmp_path: Path, database_url: str) -> None:
    instance = tmp_path / "instance"
    first = _run_demo(instance, database_url)
    settings = Settings(instance_path=instance, database_url=database_url, keys_dir=instance.parent / "keys")
    count = _count_casussen(settings)
    second = _run_demo(instance, database_url)
    assert _count_casussen(settings) == count
    # Over the first demo's log, nothing is dated before what it holds: the log still runs forward and verifies.
    services = build_services(settings)
    try:
        assert logboek.verifieer(services).ok
        with services.uow() as uow:
            tijden = [_utc(stored.columns[5]) for stored in uow.log.records()]
        assert tijden == sorted(tijden)
        assert max(tijden) < dt.datetime.now(dt.UTC) + dt.timedelta(days=1)  # none in the future (some hours at most)
    finally:
        services.engine.dispose()
    old_token = first["gebruikers"][0]["token"]  # type: ignore[index]
    new_token = second["gebruikers"][0]["token"]  # type: ignore[index]
    assert _status_with(settings, old_token) == 401
    assert _status_with(settings, new_token) == 200


def test_a_failing_install_leaves_the_previous_demo_intact(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    instance = tmp_path / "instance"
    first = _run_demo(instance, database_url)
    settings = Settings(instance_path=instance, database_url=database_url, keys_dir=instance.parent / "keys")
    count = _count_casussen(settings)
    original_add = CasusRepository.add
    calls = {"n": 0}

    def failing_add(self: CasusRepository, casus: object) -> None:
        calls["n"] += 1
        if calls["n"] == 50:
            raise OSError("disk full (simulated)")
        original_add(self, casus)  # type: ignore[arg-type]

    monkeypatch.setattr(CasusRepository, "add", failing_add)
    services = build_services(settings)
    region = generate_region(services.convenant, seed=7, today=__import__("datetime").date(2026, 11, 1))
    with pytest.raises(OSError, match="simulated"):
        install_region(services, region)
    services.engine.dispose()
    assert _count_casussen(settings) == count
    assert _status_with(settings, first["gebruikers"][0]["token"]) == 200  # type: ignore[index]


def test_demo_is_refused_in_production(tmp_path: Path) -> None:
    env = {
        "DEELPOORT_ENV": "production",
        "DEELPOORT_KEYS_FILE": str(tmp_path / "secrets.json"),
        "DEELPOORT_SECRET_KEY": "p" * 40,
        "DEELPOORT_INSTANCE_PATH": str(tmp_path / "instance"),
        "DEELPOORT_VERTROUWDE_PROXIES": "127.0.0.1",
        "DEELPOORT_VERNIETIGINGSJOURNAAL": str(tmp_path / "vernietigingsjournaal.jsonl"),
    }
    result = CliRunner().invoke(main, ["demo", "--no-serve"], env=env)
    assert result.exit_code == 2
    assert "de demo is alleen voor ontwikkeling; geweigerd in productie (DEELPOORT_ENV=production)" in result.output
    assert not (tmp_path / "instance").exists()

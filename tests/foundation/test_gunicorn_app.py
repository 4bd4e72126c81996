"""Serving: gunicorn workers freeze what they built at start, so the garbage collector stops walking it."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service import create_app, gunicorn_app
from service.service_layer.logboek.getuigen import GetuigenBode
from service.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_freezing_moves_the_live_objects_out_of_the_collectors_reach(unfrozen: None) -> None:
    assert gc.get_freeze_count() == 0
    gunicorn_app.freeze_startup_objects()
    assert gc.get_freeze_count() > 1000  # the test process's modules, app objects and fixtures at least


def test_every_served_worker_freezes_after_building_its_app(
    unfrozen: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, keys_dir: Path
) -> None:
    started: list[dict[str, Any]] = []

    class Captured:
        def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
            started.append(options)

        def run(self) -> None:
            pass

    monkeypatch.setattr(gunicorn_app, "_Application", Captured)
    gunicorn_app.run(Settings(instance_path=tmp_path), host="127.0.0.1", port=0, workers=2)
    [options] = started
    assert options["preload_app"] is False  # each worker builds (and so freezes) its own app
    worker = types.SimpleNamespace(wsgi=create_app(Settings(instance_path=tmp_path, keys_dir=keys_dir)))
    options["post_worker_init"](worker)
    assert gc.get_freeze_count() > 1000
    bode = worker.wsgi.extensions["deelpoort.getuigenbode"]  # the worker's background sender runs too
    assert isinstance(bode, GetuigenBode) and bode.loopt
    bode.stop()
    assert not bode.loopt


def test_the_wsgi_entry_point_freezes_too(seeded_database: None, settings: Settings) -> None:
    """`gunicorn wsgi:app` imports wsgi.py in each worker: the import itself leaves the startup objects frozen (on a
    migrated database: a serving process refuses one whose schema is not the release's)."""
    root = Path(__file__).parents[2]
    env = {
        **os.environ,
        "DEELPOORT_DATABASE_URL": settings.database_url,
        "DEELPOORT_KEYS_DIR": str(settings.keys_dir),
        "DEELPOORT_INSTANCE_PATH": str(settings.instance_path),
    }
    probe = "import gc, wsgi; print(gc.get_freeze_count(), type(wsgi.app).__name__)"
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=root, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    count, kind = done.stdout.split()
    assert kind == "Flask" and int(count) > 1000

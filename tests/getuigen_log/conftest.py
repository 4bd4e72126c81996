"""Two real witness processes for the log's tests, started once per session (and xdist worker), and a log of its
own per test: every test takes a fresh origin from a pool both witnesses are configured for, so what one test
made the witnesses cosign never meets another test's log."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from service import create_app
from service.crypto import load_key_material
from service.crypto.material import DEVELOPMENT_KEYS_FILENAME
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.getuige import Getuigen, Getuigeproces, getuigen  # noqa: F401 - the session fixture

POOL = 64
ORIGINS = [f"deelpoort.test/log-{i}/verstrekkingen" for i in range(POOL)]
EVERY = 8  # checkpoints at sizes 1, 9, 17, ... (the writer signs when 8 records were added since the latest)


@pytest.fixture(scope="session")
def log_vkey(keys_dir: Path) -> str:
    """The test log's checkpoint verifier key (the development key material's), which both witnesses trust."""
    return load_key_material(keys_dir / DEVELOPMENT_KEYS_FILENAME).signer.verifier.verifier_key


@pytest.fixture(scope="session")
def _origins() -> Iterator[str]:
    return itertools.chain(ORIGINS, _exhausted())


def _exhausted() -> Iterator[str]:
    raise RuntimeError(f"more than {POOL} witnessed logs in one session: enlarge POOL in this conftest")
    yield ""  # pragma: no cover


@pytest.fixture
def origin(_origins: Iterator[str]) -> str:
    return next(_origins)


@pytest.fixture
def twee_getuigen(getuigen: Getuigen, log_vkey: str) -> tuple[Getuigeproces, Getuigeproces]:  # noqa: F811
    logs = [(origin, log_vkey) for origin in ORIGINS]
    return getuigen("getuige.test/een", logs), getuigen("getuige.test/twee", logs)


def getuigen_bestand(
    path: Path, processen: tuple[Getuigeproces, ...], *, quorum: int = 2, achterstand: float = 300, interval: float = 1
) -> Path:
    """Write a `DEELPOORT_GETUIGEN_BESTAND` naming `processen`; returns its path."""
    document = {
        "quorum": quorum,
        "max_achterstand_seconden": achterstand,
        "interval_seconden": interval,
        "getuigen": [{"url": p.url, "vkey": p.vkey} for p in processen],
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


def witnessed_services(settings: Settings, origin: str, bestand: Path | None, **changes: object) -> Services:
    """An app of its own on the test's database, logging as `origin`, with the witnesses `bestand` names."""
    app = create_app(
        dataclasses.replace(
            settings,
            log_origin=origin,
            checkpoint_records=EVERY,
            checkpoint_seconds=3600,
            getuigen_bestand=bestand,
            **changes,  # type: ignore[arg-type]
        )
    )
    services: Services = app.extensions["deelpoort"]
    return services


@pytest.fixture
def log_services(
    settings: Settings,
    migrated_database: None,
    origin: str,
    twee_getuigen: tuple[Getuigeproces, Getuigeproces],
    tmp_path: Path,
) -> Iterator[Services]:
    """A log witnessed by both witnesses (quorum 2), empty."""
    services = witnessed_services(settings, origin, getuigen_bestand(tmp_path / "getuigen.yaml", twee_getuigen))
    yield services
    services.engine.dispose()

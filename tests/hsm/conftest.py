"""Fixtures for the PKCS#11 tests: a real SoftHSM2 (once per session), fresh tokens, settings and an app whose
KEKs are in a token (`DEELPOORT_SLEUTELS=pkcs11`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from service import create_app
from service.bootstrap import load_key_file, open_token_keyring
from service.crypto.hsm_token import Pkcs11Token
from service.service_layer.sleutelbeheer_hsm import eerste_keks
from service.settings import Settings, Sleutelopslag
from tests.helpers import softhsm
from tests.helpers.softhsm import PIN, SoftHsm


@pytest.fixture(scope="session")
def hsm(tmp_path_factory: pytest.TempPathFactory) -> SoftHsm:
    """SoftHSM2 with its own token folder and a pool of fresh tokens (see tests/helpers/softhsm.py)."""
    return softhsm.start(tmp_path_factory.mktemp("softhsm"))


@pytest.fixture
def leeg_token(hsm: SoftHsm) -> str:
    """The label of a fresh token without any key object."""
    return hsm.neem()


@pytest.fixture
def token(hsm: SoftHsm, leeg_token: str) -> Pkcs11Token:
    """A fresh token, opened in this process (no KEKs yet)."""
    return Pkcs11Token(str(hsm.module), leeg_token, PIN)


def pkcs11_settings(settings: Settings, label: str, **overrides: object) -> Settings:
    """`settings` with the KEKs in token `label` (the development module: Debian's SoftHSM2)."""
    values: dict[str, object] = {
        "sleutels": Sleutelopslag.PKCS11,
        "pkcs11_token": label,
        "pkcs11_pin": PIN,
        **overrides,
    }
    return dataclasses.replace(settings, **values)  # type: ignore[arg-type]


@pytest.fixture
def hsm_settings(settings: Settings, leeg_token: str) -> Settings:
    """Settings whose KEKs are in a fresh token, made there as `deelpoort keys pkcs11-init` does: one per regime,
    numbered after the development key file's KEKs (which stay readable for format-1 data keys)."""
    chosen = pkcs11_settings(settings, leeg_token)
    eerste_keks(open_token_keyring(chosen, load_key_file(chosen), volledig=False))
    return chosen


@pytest.fixture
def app(hsm_settings: Settings, seeded_database: None) -> Iterator[Flask]:
    """The application with its KEKs in the token, on a migrated and seeded database (overrides the suite's)."""
    application = create_app(hsm_settings)
    yield application
    application.extensions["deelpoort"].engine.dispose()


@pytest.fixture
def key_file(tmp_path: Path, settings: Settings) -> Path:
    """A copy of the session's development key file that a test may change (mode 0600)."""
    target = tmp_path / "keys.json"
    target.write_bytes((settings.keys_dir / "development-keys.json").read_bytes())
    target.chmod(0o600)
    return target

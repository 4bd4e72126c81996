"""Fixtures for the crypto tests: freshly generated key material, never the development key file."""

from __future__ import annotations

from typing import Any

import pytest

from service.crypto import KeyMaterial, Keyring, generate_key_material, parse_key_material


@pytest.fixture
def document() -> dict[str, Any]:
    return generate_key_material(development=True)


@pytest.fixture
def material(document: dict[str, Any]) -> KeyMaterial:
    return parse_key_material(document)


@pytest.fixture
def keyring(material: KeyMaterial) -> Keyring:
    return material.keyring

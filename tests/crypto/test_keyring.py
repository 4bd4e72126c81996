"""The keyring: wrapped data key vectors, rotation, and one negative case per kind of malformed wrapping."""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.crypto import (
    CryptoError,
    DataKey,
    FieldCipher,
    KeyMaterialError,
    Keyring,
    add_kek_version,
    generate_key_material,
    kek_version_of,
    parse_key_material,
    retire_kek_version,
)
from service.crypto.keyring import WRAPPED_SIZE
from service.domain.convenant import Regime

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "vectors" / "wrapped_dek.json").read_text(encoding="utf-8")
)["vectors"]
VECTOR_IDS = [vector["name"] for vector in VECTORS]

CASUS = "c0ffee00c0ffee00c0ffee00c0ffee00"
OTHER_CASUS = "deadbeefdeadbeefdeadbeefdeadbeef"


def _other(regime: Regime) -> Regime:
    return Regime.CTER if regime is Regime.REGULIER else Regime.REGULIER


def _keyring_for(vector: dict[str, Any]) -> Keyring:
    regime = Regime(vector["regime"])
    version = vector["kek_version"]
    keks = {regime: {version: bytes.fromhex(vector["kek"])}, _other(regime): {1: bytes(range(32))}}
    return Keyring(keks, {regime: version, _other(regime): 1})


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_vector_unwraps_to_its_data_key(vector: dict[str, Any]) -> None:
    keyring = _keyring_for(vector)

    data_key = keyring.unwrap(Regime(vector["regime"]), vector["casus_id"], bytes.fromhex(vector["wrapped"]))

    expected = DataKey(Regime(vector["regime"]), vector["casus_id"], bytes.fromhex(vector["data_key"]))
    assert data_key.key_id == expected.key_id
    assert data_key.casus_id == vector["casus_id"]


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_vector_rewraps_identically_with_its_nonce(vector: dict[str, Any]) -> None:
    keyring = _keyring_for(vector)
    data_key = DataKey(Regime(vector["regime"]), vector["casus_id"], bytes.fromhex(vector["data_key"]))

    wrapped = keyring._wrap_with_nonce(data_key, vector["kek_version"], bytes.fromhex(vector["nonce"]))

    assert wrapped.hex() == vector["wrapped"]


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_vector_follows_the_documented_layout(vector: dict[str, Any]) -> None:
    nonce = bytes.fromhex(vector["nonce"])
    regime, casus = vector["regime"].encode(), vector["casus_id"].encode()
    header = b"\x01" + struct.pack(">I", vector["kek_version"])
    associated_data = header + struct.pack(">I", len(regime)) + regime + struct.pack(">I", len(casus)) + casus

    body = AESGCM(bytes.fromhex(vector["kek"])).encrypt(nonce, bytes.fromhex(vector["data_key"]), associated_data)

    assert associated_data.hex() == vector["associated_data"]
    assert (header + nonce + body).hex() == vector["wrapped"]
    assert kek_version_of(bytes.fromhex(vector["wrapped"])) == vector["kek_version"]


@pytest.mark.parametrize("regime", list(Regime), ids=str)
def test_new_data_key_unwraps_to_the_same_key(keyring: Keyring, regime: Regime) -> None:
    data_key, wrapped = keyring.new_data_key(regime, CASUS)

    unwrapped = keyring.unwrap(regime, CASUS, wrapped)

    token = FieldCipher(data_key).encrypt("naam", b"Jan")
    assert FieldCipher(unwrapped).decrypt("naam", token) == b"Jan"
    assert len(wrapped) == WRAPPED_SIZE
    assert kek_version_of(wrapped) == keyring.primary_version(regime)


def _flip(position: int) -> Callable[[bytes], bytes]:
    def flip(wrapped: bytes) -> bytes:
        changed = bytearray(wrapped)
        changed[position] ^= 0x01
        return bytes(changed)

    return flip


def _with_kek_version(version: int) -> Callable[[bytes], bytes]:
    return lambda wrapped: wrapped[:1] + struct.pack(">I", version) + wrapped[5:]


def _same(wrapped: bytes) -> bytes:
    return wrapped


# (id, how the wrapping is changed, the regime and casus it is unwrapped for)
MALFORMED: list[tuple[str, Callable[[bytes], bytes], Regime, str]] = [
    ("moved to another casus", _same, Regime.REGULIER, OTHER_CASUS),
    ("moved to the other regime", _same, Regime.CTER, CASUS),
    ("names an older KEK version", _with_kek_version(1), Regime.REGULIER, CASUS),
    ("names a KEK version that does not exist", _with_kek_version(99), Regime.REGULIER, CASUS),
    ("flipped bit in format version", _flip(0), Regime.REGULIER, CASUS),
    ("flipped bit in KEK version", _flip(4), Regime.REGULIER, CASUS),
    ("flipped bit in nonce", _flip(5), Regime.REGULIER, CASUS),
    ("flipped bit in ciphertext", _flip(17), Regime.REGULIER, CASUS),
    ("flipped bit in tag", _flip(-1), Regime.REGULIER, CASUS),
    ("truncated", lambda wrapped: wrapped[:-1], Regime.REGULIER, CASUS),
    ("empty", lambda wrapped: b"", Regime.REGULIER, CASUS),
    ("byte appended", lambda wrapped: wrapped + b"\x00", Regime.REGULIER, CASUS),
    ("unknown format version", lambda wrapped: b"\x02" + wrapped[1:], Regime.REGULIER, CASUS),
    ("casus id not encodable", _same, Regime.REGULIER, "\udc80"),
]


@pytest.fixture
def rotated_keyring(document: dict[str, Any]) -> Keyring:
    # Two KEK versions for regulier, version 2 primary, so "an older version" exists and unwraps nothing of v2.
    return parse_key_material(add_kek_version(document, Regime.REGULIER)).keyring


@pytest.mark.parametrize(
    ("change", "regime", "casus_id"), [row[1:] for row in MALFORMED], ids=[row[0] for row in MALFORMED]
)
def test_malformed_wrapping_raises_the_one_opaque_error(
    rotated_keyring: Keyring, change: Callable[[bytes], bytes], regime: Regime, casus_id: str
) -> None:
    _, wrapped = rotated_keyring.new_data_key(Regime.REGULIER, CASUS)
    assert kek_version_of(wrapped) == 2

    with pytest.raises(CryptoError) as raised:
        rotated_keyring.unwrap(regime, casus_id, change(wrapped))

    assert str(raised.value) == str(CryptoError())
    assert raised.value.__cause__ is None


def test_another_installation_cannot_unwrap(keyring: Keyring) -> None:
    _, wrapped = keyring.new_data_key(Regime.REGULIER, CASUS)
    stranger = parse_key_material(generate_key_material(development=True)).keyring

    with pytest.raises(CryptoError):
        stranger.unwrap(Regime.REGULIER, CASUS, wrapped)


def test_rotation_rewraps_to_the_new_primary_and_keeps_the_data_key(document: dict[str, Any]) -> None:
    old = parse_key_material(document).keyring
    data_key, wrapped = old.new_data_key(Regime.CTER, CASUS)
    token = FieldCipher(data_key).encrypt("bsn", b"999900110")
    rotated = add_kek_version(document, Regime.CTER)
    new = parse_key_material(rotated).keyring

    rewrapped = new.rewrap(Regime.CTER, CASUS, wrapped)

    assert kek_version_of(rewrapped) == 2 == new.primary_version(Regime.CTER)
    assert FieldCipher(new.unwrap(Regime.CTER, CASUS, rewrapped)).decrypt("bsn", token) == b"999900110"
    retired = parse_key_material(retire_kek_version(rotated, Regime.CTER, 1)).keyring
    assert FieldCipher(retired.unwrap(Regime.CTER, CASUS, rewrapped)).decrypt("bsn", token) == b"999900110"
    with pytest.raises(CryptoError):
        retired.unwrap(Regime.CTER, CASUS, wrapped)


def test_rewrap_is_idempotent_when_already_primary(keyring: Keyring) -> None:
    _, wrapped = keyring.new_data_key(Regime.REGULIER, CASUS)

    assert keyring.rewrap(Regime.REGULIER, CASUS, wrapped) == wrapped


def test_rewrap_verifies_even_when_already_primary(keyring: Keyring) -> None:
    _, wrapped = keyring.new_data_key(Regime.REGULIER, CASUS)

    with pytest.raises(CryptoError):
        keyring.rewrap(Regime.REGULIER, OTHER_CASUS, wrapped)


def test_rotation_of_one_regime_leaves_the_other_alone(document: dict[str, Any]) -> None:
    keyring = parse_key_material(add_kek_version(document, Regime.REGULIER)).keyring

    assert keyring.versions(Regime.REGULIER) == (1, 2)
    assert keyring.versions(Regime.CTER) == (1,)
    assert keyring.primary_version(Regime.CTER) == 1


def test_needs_rewrap_names_old_wrappings(document: dict[str, Any]) -> None:
    old = parse_key_material(document).keyring
    _, wrapped = old.new_data_key(Regime.REGULIER, CASUS)
    new = parse_key_material(add_kek_version(document, Regime.REGULIER)).keyring

    assert not old.needs_rewrap(Regime.REGULIER, wrapped)
    assert new.needs_rewrap(Regime.REGULIER, wrapped)
    assert not new.needs_rewrap(Regime.REGULIER, new.rewrap(Regime.REGULIER, CASUS, wrapped))


def test_kek_version_of_a_malformed_wrapping_is_the_opaque_error() -> None:
    with pytest.raises(CryptoError):
        kek_version_of(b"\x01\x00\x00")


KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))

INVALID_KEYRINGS: list[tuple[str, dict[Regime, dict[int, bytes]], dict[Regime, int], str]] = [
    ("cter missing", {Regime.REGULIER: {1: KEY}}, {Regime.REGULIER: 1}, "kek.cter"),
    ("cter without versions", {Regime.REGULIER: {1: KEY}, Regime.CTER: {}}, {Regime.REGULIER: 1}, "kek.cter"),
    (
        "short key",
        {Regime.REGULIER: {1: KEY}, Regime.CTER: {1: KEY[:16]}},
        {Regime.REGULIER: 1, Regime.CTER: 1},
        "kek.cter.versions.1",
    ),
    (
        "version zero",
        {Regime.REGULIER: {0: KEY}, Regime.CTER: {1: OTHER_KEY}},
        {Regime.REGULIER: 0, Regime.CTER: 1},
        "kek.regulier",
    ),
    (
        "primary missing",
        {Regime.REGULIER: {1: KEY}, Regime.CTER: {1: OTHER_KEY}},
        {Regime.REGULIER: 1},
        "kek.cter.primary",
    ),
    (
        "primary unknown",
        {Regime.REGULIER: {1: KEY}, Regime.CTER: {1: OTHER_KEY}},
        {Regime.REGULIER: 2, Regime.CTER: 1},
        "kek.regulier.primary",
    ),
]


@pytest.mark.parametrize(
    ("keks", "primary", "named"), [row[1:] for row in INVALID_KEYRINGS], ids=[row[0] for row in INVALID_KEYRINGS]
)
def test_invalid_keyring_names_the_key(
    keks: dict[Regime, dict[int, bytes]], primary: dict[Regime, int], named: str
) -> None:
    with pytest.raises(KeyMaterialError, match=re.escape(named)):
        Keyring(keks, primary)


def test_repr_never_shows_a_key() -> None:
    keyring = Keyring({Regime.REGULIER: {1: KEY}, Regime.CTER: {1: OTHER_KEY}}, {Regime.REGULIER: 1, Regime.CTER: 1})

    assert KEY.hex() not in repr(keyring)
    assert str(KEY) not in repr(keyring)
    assert "primary=1" in repr(keyring)

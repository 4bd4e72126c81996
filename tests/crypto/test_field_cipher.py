"""The field cipher: format vectors, round trips, and one negative case per kind of malformed token."""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from hypothesis import given
from hypothesis import strategies as st

from service.crypto import CryptoError, DataKey, FieldCipher, key_id_of_token
from service.crypto.field_cipher import MIN_TOKEN_SIZE
from service.domain.convenant import Regime

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "vectors" / "field_cipher.json").read_text(encoding="utf-8")
)["vectors"]
VECTOR_IDS = [vector["name"] for vector in VECTORS]

CASUS = "c0ffee00c0ffee00c0ffee00c0ffee00"
OTHER_CASUS = "deadbeefdeadbeefdeadbeefdeadbeef"
KEY = bytes(range(32))
CIPHER = FieldCipher(DataKey(Regime.REGULIER, CASUS, KEY))


def _cipher_for(vector: dict[str, Any]) -> FieldCipher:
    return FieldCipher(DataKey(Regime.REGULIER, vector["casus_id"], bytes.fromhex(vector["data_key"])))


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_vector_decrypts_to_its_plaintext(vector: dict[str, Any]) -> None:
    cipher = _cipher_for(vector)

    assert cipher.decrypt(vector["veld"], bytes.fromhex(vector["token"])) == bytes.fromhex(vector["plaintext"])


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_vector_reencrypts_identically_with_its_nonce(vector: dict[str, Any]) -> None:
    cipher = _cipher_for(vector)

    token = cipher._encrypt_with_nonce(
        vector["veld"], bytes.fromhex(vector["plaintext"]), bytes.fromhex(vector["nonce"])
    )

    assert token.hex() == vector["token"]


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_vector_follows_the_documented_layout(vector: dict[str, Any]) -> None:
    # Rebuilt from the module docstring with the bare primitive, independently of FieldCipher.
    key = bytes.fromhex(vector["data_key"])
    nonce = bytes.fromhex(vector["nonce"])
    key_id = hmac.digest(key, b"deelpoort/data-key-id/v1", hashlib.sha256)[:8]
    casus, veld = vector["casus_id"].encode(), vector["veld"].encode()
    header = b"\x01" + key_id
    associated_data = header + struct.pack(">I", len(casus)) + casus + struct.pack(">I", len(veld)) + veld

    body = AESGCM(key).encrypt(nonce, bytes.fromhex(vector["plaintext"]), associated_data)

    assert key_id.hex() == vector["key_id"]
    assert associated_data.hex() == vector["associated_data"]
    assert (header + nonce + body).hex() == vector["token"]


@given(plaintext=st.binary(max_size=2048), casus_id=st.text(max_size=64), veld=st.text(max_size=64))
def test_any_value_round_trips_in_any_casus_and_veld(plaintext: bytes, casus_id: str, veld: str) -> None:
    cipher = FieldCipher(DataKey(Regime.CTER, casus_id, KEY))

    token = cipher.encrypt(veld, plaintext)

    assert cipher.decrypt(veld, token) == plaintext
    assert len(token) == MIN_TOKEN_SIZE + len(plaintext)


def test_encryptions_of_the_same_value_differ() -> None:
    tokens = {CIPHER.encrypt("naam", b"Jan Jansen") for _ in range(50)}

    assert len(tokens) == 50


def test_token_names_its_data_key() -> None:
    token = CIPHER.encrypt("naam", b"Jan Jansen")

    assert key_id_of_token(token) == CIPHER.data_key.key_id


def test_another_process_with_the_same_key_decrypts() -> None:
    token = CIPHER.encrypt("naam", b"Jan Jansen")

    assert FieldCipher(DataKey(Regime.REGULIER, CASUS, KEY)).decrypt("naam", token) == b"Jan Jansen"


def _flip(position: int) -> Callable[[bytes], bytes]:
    def flip(token: bytes) -> bytes:
        changed = bytearray(token)
        changed[position] ^= 0x01
        return bytes(changed)

    return flip


def _with_version(version: int) -> Callable[[bytes], bytes]:
    return lambda token: bytes([version]) + token[1:]


_SAME = CIPHER
_SAME_KEY_OTHER_CASUS = FieldCipher(DataKey(Regime.REGULIER, OTHER_CASUS, KEY))
_OTHER_CASUS_OWN_KEY = FieldCipher(DataKey.generate(Regime.REGULIER, OTHER_CASUS))
_OTHER_KEY_SAME_CASUS = FieldCipher(DataKey.generate(Regime.REGULIER, CASUS))

# (id, how the token is changed, the cipher that decrypts it, the veld it is decrypted under)
MALFORMED: list[tuple[str, Callable[[bytes], bytes], FieldCipher, str]] = [
    ("copied to another casus (same key)", lambda token: token, _SAME_KEY_OTHER_CASUS, "naam"),
    ("copied to another casus (its own key)", lambda token: token, _OTHER_CASUS_OWN_KEY, "naam"),
    ("copied to another veld", lambda token: token, _SAME, "adres"),
    ("veld differs only in case", lambda token: token, _SAME, "Naam"),
    ("another data key for the casus", lambda token: token, _OTHER_KEY_SAME_CASUS, "naam"),
    ("flipped bit in version byte", _flip(0), _SAME, "naam"),
    ("flipped bit in key id (first byte)", _flip(1), _SAME, "naam"),
    ("flipped bit in key id (last byte)", _flip(8), _SAME, "naam"),
    ("flipped bit in nonce (first byte)", _flip(9), _SAME, "naam"),
    ("flipped bit in nonce (last byte)", _flip(20), _SAME, "naam"),
    ("flipped bit in ciphertext body", _flip(21), _SAME, "naam"),
    ("flipped bit in tag (first byte)", _flip(-16), _SAME, "naam"),
    ("flipped bit in tag (last byte)", _flip(-1), _SAME, "naam"),
    ("truncated to nothing", lambda token: b"", _SAME, "naam"),
    ("truncated to the header", lambda token: token[:9], _SAME, "naam"),
    ("truncated below the minimum", lambda token: token[: MIN_TOKEN_SIZE - 1], _SAME, "naam"),
    ("last byte cut off", lambda token: token[:-1], _SAME, "naam"),
    ("tag cut off", lambda token: token[:-16], _SAME, "naam"),
    ("byte appended", lambda token: token + b"\x00", _SAME, "naam"),
    ("unknown format version 0", _with_version(0), _SAME, "naam"),
    ("unknown format version 2", _with_version(2), _SAME, "naam"),
    ("unknown format version 255", _with_version(255), _SAME, "naam"),
    ("veld not encodable", lambda token: token, _SAME, "\ud800"),
]


@pytest.mark.parametrize(
    ("change", "cipher", "veld"), [row[1:] for row in MALFORMED], ids=[row[0] for row in MALFORMED]
)
def test_malformed_token_raises_the_one_opaque_error(
    change: Callable[[bytes], bytes], cipher: FieldCipher, veld: str
) -> None:
    token = change(CIPHER.encrypt("naam", b"Jan Jansen, geboren 1 april 1970"))

    with pytest.raises(CryptoError) as raised:
        cipher.decrypt(veld, token)

    assert str(raised.value) == str(CryptoError())
    assert raised.value.__cause__ is None
    assert raised.value.__suppress_context__ or raised.value.__context__ is None


def test_crypto_error_carries_no_detail() -> None:
    assert CryptoError().args == ("cryptographic check failed",)


@pytest.mark.parametrize(
    "value", ["text", bytearray(b"x"), memoryview(b"x"), None], ids=["'text'", "bytearray(b'x')", "memoryview", "None"]
)
def test_plaintext_must_be_bytes(value: Any) -> None:
    with pytest.raises(TypeError):
        CIPHER.encrypt("naam", value)


@pytest.mark.parametrize("value", ["text", bytearray(b"x"), None], ids=repr)
def test_token_must_be_bytes(value: Any) -> None:
    with pytest.raises(TypeError):
        CIPHER.decrypt("naam", value)


def test_key_id_of_a_malformed_token_is_the_opaque_error() -> None:
    with pytest.raises(CryptoError):
        key_id_of_token(b"\x02" + bytes(40))


def test_repr_never_shows_the_key() -> None:
    assert KEY.hex() not in repr(CIPHER)
    assert str(KEY) not in repr(CIPHER.data_key)
    assert CASUS in repr(CIPHER)


def test_data_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        DataKey(Regime.REGULIER, CASUS, bytes(16))

"""Checkpoint signing: Ed25519 signatures and signed-note key ids, checked against the Go reference vector."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from service.crypto import CheckpointSigner, CheckpointVerifier, CryptoError, KeyMaterialError, note_key_hash

VECTORS: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "vectors" / "signed_note.json").read_text(encoding="utf-8")
)["vectors"]
VECTOR_IDS = [vector["name"] for vector in VECTORS]

SIGNER = CheckpointSigner("deelpoort.example/log", CheckpointSigner.generate_private_key())
MESSAGE = b"deelpoort.example/log\n42\nq4Jv1vU1hM0p1n6C1oJgYF6TxHk8GQz8sH1Fz2uQm4E=\n"


def _signer_for(vector: dict[str, Any]) -> CheckpointSigner:
    encoded = vector["private_key"].split("+", 4)[4]  # PRIVATE+KEY+name+hash+base64, base64 may hold "+"
    raw = base64.b64decode(encoded)
    assert raw[0] == 0x01
    return CheckpointSigner(vector["key_name"], raw[1:])


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_signer_reproduces_the_reference_note_signature(vector: dict[str, Any]) -> None:
    signer = _signer_for(vector)
    text = vector["text"].encode("utf-8")

    assert signer.key_id == vector["key_hash"]
    assert signer.verifier.verifier_key == vector["verifier_key"]
    assert base64.b64encode(signer.note_signature(text)).decode() == vector["signature"]
    assert signer.note_signature_line(text) == f"\u2014 {vector['key_name']} {vector['signature']}\n"


@pytest.mark.parametrize("vector", VECTORS, ids=VECTOR_IDS)
def test_verifier_key_parses_and_verifies_the_reference_signature(vector: dict[str, Any]) -> None:
    verifier = CheckpointVerifier.from_verifier_key(vector["verifier_key"])

    verifier.verify_note_signature(vector["text"].encode("utf-8"), base64.b64decode(vector["signature"]))


def test_key_hash_is_the_signed_note_formula() -> None:
    name = SIGNER.name.encode()
    expected = hashlib.sha256(name + b"\n" + b"\x01" + SIGNER.public_key).digest()[:4]

    assert note_key_hash(SIGNER.name, SIGNER.public_key) == expected == SIGNER.key_hash
    assert SIGNER.key_id == expected.hex()


def test_key_id_is_stable_for_the_same_key() -> None:
    private_key = CheckpointSigner.generate_private_key()

    assert CheckpointSigner("log", private_key).key_id == CheckpointSigner("log", private_key).key_id


def test_signature_verifies_with_the_public_key_alone() -> None:
    verifier = CheckpointVerifier(SIGNER.name, SIGNER.public_key)

    verifier.verify(MESSAGE, SIGNER.sign(MESSAGE))


def _flipped(data: bytes, position: int) -> bytes:
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


SIGNATURE = SIGNER.sign(MESSAGE)
OTHER = CheckpointSigner(SIGNER.name, CheckpointSigner.generate_private_key())

BAD_SIGNATURES: list[tuple[str, bytes, bytes, CheckpointVerifier]] = [
    ("message changed", _flipped(MESSAGE, 22), SIGNATURE, SIGNER.verifier),
    ("message truncated", MESSAGE[:-1], SIGNATURE, SIGNER.verifier),
    ("signature bit flipped (R)", MESSAGE, _flipped(SIGNATURE, 0), SIGNER.verifier),
    ("signature bit flipped (S)", MESSAGE, _flipped(SIGNATURE, 63), SIGNER.verifier),
    ("signature truncated", MESSAGE, SIGNATURE[:-1], SIGNER.verifier),
    ("signature empty", MESSAGE, b"", SIGNER.verifier),
    ("another key with the same name", MESSAGE, SIGNATURE, OTHER.verifier),
]


@pytest.mark.parametrize(
    ("message", "signature", "verifier"), [row[1:] for row in BAD_SIGNATURES], ids=[row[0] for row in BAD_SIGNATURES]
)
def test_bad_signature_raises_the_one_opaque_error(
    message: bytes, signature: bytes, verifier: CheckpointVerifier
) -> None:
    with pytest.raises(CryptoError) as raised:
        verifier.verify(message, signature)

    assert str(raised.value) == str(CryptoError())


def test_note_signature_of_another_key_hash_is_refused() -> None:
    with pytest.raises(CryptoError):
        OTHER.verifier.verify_note_signature(MESSAGE, SIGNER.note_signature(MESSAGE))


@pytest.mark.parametrize("name", ["", "with space", "with+plus", "tab\there"], ids=repr)
def test_invalid_key_names_are_refused(name: str) -> None:
    with pytest.raises(KeyMaterialError, match=r"checkpoint_signing\.name"):
        CheckpointSigner(name, CheckpointSigner.generate_private_key())


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhpcHZQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+zz+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10",
    ],
    ids=["no key", "wrong hash", "not ed25519", "hash not hex", "key too short"],
)
def test_malformed_verifier_keys_are_refused(vkey: str) -> None:
    with pytest.raises(KeyMaterialError, match="verifier key"):
        CheckpointVerifier.from_verifier_key(vkey)


def test_private_key_must_be_32_bytes() -> None:
    with pytest.raises(KeyMaterialError, match="private_key"):
        CheckpointSigner("log", bytes(31))


def test_repr_never_shows_the_private_key() -> None:
    private_key = CheckpointSigner.generate_private_key()
    signer = CheckpointSigner("log", private_key)

    assert private_key.hex() not in repr(signer)
    assert base64.b64encode(private_key).decode() not in repr(signer)
    assert signer.key_id in repr(signer)

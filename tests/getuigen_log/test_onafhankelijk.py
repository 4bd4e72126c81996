"""A partner checks a witness's cosignature as `docs/proofs.md` (d) describes, with its own code: the standard
library, and Ed25519 from `cryptography` directly, none of Deelpoort's. If the docs and the witness disagree on
a byte, this fails."""

from __future__ import annotations

import base64
import hashlib

import pytest
import requests
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from service.service_layer.logboek import getuigen
from service.service_layer.services import Services
from tests.helpers.getuige import Getuigeproces
from tests.helpers.logboek import synthetic


def _verify_cosignature(note: str, vkey: str) -> int:
    """The procedure of docs/proofs.md (d), step 2 (the witness's line): returns the timestamp, raises on failure."""
    name, key_id_hex, key_b64 = vkey.split("+", 2)
    key = base64.b64decode(key_b64, validate=True)
    assert len(key) == 33 and key[0] == 0x04
    public = key[1:]
    key_id = hashlib.sha256(name.encode() + b"\n" + b"\x04" + public).digest()[:4]
    assert key_id.hex() == key_id_hex
    separator = note.rindex("\n\n")
    text, block = note[: separator + 1], note[separator + 2 :]
    for line in block.splitlines():
        dash, line_name, encoded = line.split(" ")
        assert dash == "\u2014"
        signature = base64.b64decode(encoded, validate=True)
        if line_name != name or signature[:4] != key_id:
            continue
        assert len(signature) == 4 + 8 + 64
        timestamp = int.from_bytes(signature[4:12], "big")
        message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
        Ed25519PublicKey.from_public_bytes(public).verify(signature[12:], message)
        return timestamp
    raise AssertionError("no line of this witness")


def test_a_cosigned_checkpoint_fetched_from_the_witness_verifies_by_the_documented_procedure(
    log_services: Services, twee_getuigen: tuple[Getuigeproces, Getuigeproces]
) -> None:
    for n in range(3):
        log_services.log.append(synthetic(n))
    getuigen.ronde(log_services)
    een = twee_getuigen[0]
    note = requests.get(f"{een.url}/checkpoint", params={"origin": log_services.log.beleid.origin}, timeout=5).text
    assert note.splitlines()[0] == log_services.log.beleid.origin
    assert _verify_cosignature(note, een.vkey) > 1_700_000_000

    # One bit of the size changed: the witness's signature no longer holds.
    size_line = note.split("\n")[1]
    forged = note.replace(f"\n{size_line}\n", f"\n{int(size_line) ^ 1}\n", 1)
    with pytest.raises(InvalidSignature):
        _verify_cosignature(forged, een.vkey)
    # Witness een's answer carries only een's cosignature: twee's vkey finds no line of its own in it.
    with pytest.raises(AssertionError, match="no line of this witness"):
        _verify_cosignature(note, twee_getuigen[1].vkey)

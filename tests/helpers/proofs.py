"""An independent verifier of receipts, proofs and checkpoints, written from `docs/proofs.md` alone.

It uses only hashlib, base64 and `cryptography`'s Ed25519 public key, as a partner or FG would; it imports nothing
from `service`. If the service's output drifts from the documented procedure, the tests using it fail.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class RejectedError(Exception):
    """The verifier refuses the input."""


def sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def b64hash(text: Any) -> bytes:
    """Standard base64 of exactly 32 bytes."""
    if not isinstance(text, str):
        raise RejectedError("hash is not a string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise RejectedError("hash is not base64") from None
    if len(raw) != 32:
        raise RejectedError("hash is not 32 bytes")
    return raw


@dataclass(frozen=True)
class VerifierKey:
    name: str
    key_hash: bytes
    public_key: bytes


def parse_vkey(vkey: str) -> VerifierKey:
    name, hash_hex, key_b64 = vkey.split("+", 2)
    key = base64.b64decode(key_b64, validate=True)
    if len(key) != 33 or key[0] != 0x01:
        raise RejectedError("not an Ed25519 vkey")
    public_key = key[1:]
    key_hash = sha256(name.encode() + b"\n" + b"\x01" + public_key)[:4]
    if key_hash.hex() != hash_hex:
        raise RejectedError("vkey hash mismatch")
    return VerifierKey(name, key_hash, public_key)


@dataclass(frozen=True)
class VerifiedCheckpoint:
    size: int
    root: bytes
    time: str


def open_note(note: str, vkey: VerifierKey, origin: str) -> VerifiedCheckpoint:
    """Procedure (c): verify a checkpoint note with a vkey and read its four lines."""
    try:
        note.encode("utf-8")
    except UnicodeEncodeError:
        raise RejectedError("not UTF-8") from None
    if any(ord(c) < 0x20 and c != "\n" for c in note):
        raise RejectedError("control character")
    split = note.rfind("\n\n")
    if split < 0:
        raise RejectedError("no blank line")
    signed_text, block = note[: split + 1], note[split + 2 :]
    if not block.endswith("\n"):
        raise RejectedError("no signature block")
    public = Ed25519PublicKey.from_public_bytes(vkey.public_key)
    verified = 0
    for line in block[:-1].split("\n"):
        if not line.startswith("\u2014 "):
            raise RejectedError("malformed signature line")
        name, _, encoded = line[2:].partition(" ")
        try:
            signature = base64.b64decode(encoded, validate=True)
        except (binascii.Error, ValueError):
            raise RejectedError("signature not base64") from None
        if name != vkey.name or signature[:4] != vkey.key_hash:
            continue
        try:
            public.verify(signature[4:], signed_text.encode("utf-8"))
        except InvalidSignature:
            raise RejectedError("bad signature") from None
        verified += 1
    if verified == 0:
        raise RejectedError("no signature of this key")
    lines = signed_text[:-1].split("\n")
    if len(lines) != 4:
        raise RejectedError("not four lines")
    if lines[0] != origin:
        raise RejectedError("other origin")
    if not re.fullmatch(r"0|[1-9][0-9]*", lines[1]):
        raise RejectedError("bad size")
    if not re.fullmatch(r"time [0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", lines[3]):
        raise RejectedError("bad time")
    return VerifiedCheckpoint(int(lines[1]), b64hash(lines[2]), lines[3][5:])


def lsb(x: int) -> int:
    return x & 1


def verify_inclusion(index: int, size: int, leaf: bytes, path: list[bytes], root: bytes) -> bool:
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return False
        if lsb(fn) == 1 or fn == sn:
            r = sha256(b"\x01" + p + r)
            while lsb(fn) == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = sha256(b"\x01" + r + p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(first: int, second: int, first_hash: bytes, second_hash: bytes, proof: list[bytes]) -> bool:
    if first > second:
        return False
    if first == second:
        return not proof and first_hash == second_hash
    if first == 0:
        return not proof and first_hash == sha256(b"")
    if not proof:
        return False
    path = [first_hash, *proof] if first & (first - 1) == 0 else list(proof)
    fn, sn = first - 1, second - 1
    while lsb(fn) == 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if lsb(fn) == 1 or fn == sn:
            fr = sha256(b"\x01" + c + fr)
            sr = sha256(b"\x01" + c + sr)
            while lsb(fn) == 0 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = sha256(b"\x01" + sr + c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == first_hash and sr == second_hash


def check_receipt(receipt: dict[str, Any], response: dict[str, Any], checkpoint: VerifiedCheckpoint) -> None:
    """Procedure (a): the receipt's leaf is in the log of the verified checkpoint."""
    if response["index"] != receipt["index"] or b64hash(response["bladHash"]) != b64hash(receipt["bladHash"]):
        raise RejectedError("proof is for another receipt")
    if response["boomgrootte"] != checkpoint.size or b64hash(response["wortel"]) != checkpoint.root:
        raise RejectedError("proof is not for this checkpoint")
    path = [b64hash(p) for p in response["pad"]]
    if not verify_inclusion(receipt["index"], checkpoint.size, b64hash(receipt["bladHash"]), path, checkpoint.root):
        raise RejectedError("inclusion proof fails")


def check_consistency(response: dict[str, Any], older: VerifiedCheckpoint, newer: VerifiedCheckpoint) -> None:
    """Procedure (b): the newer checkpoint's log extends the older one's."""
    if response["van"] != older.size or response["tot"] != newer.size:
        raise RejectedError("proof is for other sizes")
    if b64hash(response["wortelVan"]) != older.root or b64hash(response["wortelTot"]) != newer.root:
        raise RejectedError("proof is for other roots")
    proof = [b64hash(p) for p in response["bewijs"]]
    if not verify_consistency(older.size, newer.size, older.root, newer.root, proof):
        raise RejectedError("consistency proof fails")

"""An independent verifier, written from `docs/proofs.md` alone, accepts what Deelpoort produces and nothing else.

The verifier (`tests.helpers.proofs`) uses only hashlib, base64 and `cryptography`'s Ed25519 public key, as a
partner or FG would. `service` is imported only on the service side here: to build a tree, produce proofs in the
API's JSON shape and sign checkpoints. If the service's output drifts from the documented procedure, these tests fail.
"""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from service.audit import merkle, proofs
from service.audit.checkpoint import Checkpoint, sign_checkpoint
from service.crypto import CheckpointSigner
from tests.helpers.proofs import (
    RejectedError,
    VerifiedCheckpoint,
    b64hash,
    check_consistency,
    check_receipt,
    open_note,
    parse_vkey,
    sha256,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "proofs.md"

# ================================= The service side ================================================================

ORIGIN = "deelpoort.example/verstrekkingen"
SIGNER = CheckpointSigner("deelpoort.example/checkpoint", CheckpointSigner.generate_private_key())
VKEY = parse_vkey(SIGNER.verifier.verifier_key)
RECORDS = [f'{{"verstrekking": {i}, "doel": "casusoverleg"}}'.encode() for i in range(64)]
TREE = merkle.MemoryTree()
for _record in RECORDS:
    TREE.append(merkle.leaf_hash(_record))
TIME = datetime(2026, 11, 23, 10, 15, tzinfo=UTC)


def enc(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def receipt_for(index: int) -> dict[str, Any]:
    return {"index": index, "bladHash": enc(TREE.node(0, index))}


def note_for(size: int, signer: CheckpointSigner = SIGNER) -> str:
    return sign_checkpoint(signer, Checkpoint(ORIGIN, size, TREE.root(size), TIME))


def inclusion_response(index: int, size: int) -> dict[str, Any]:
    proof = proofs.inclusion_proof(TREE, index, size)
    return {
        "index": index,
        "boomgrootte": size,
        "bladHash": enc(TREE.node(0, index)),
        "pad": [enc(p) for p in proof],
        "wortel": enc(TREE.root(size)),
    }


def consistency_response(old: int, new: int) -> dict[str, Any]:
    proof = proofs.consistency_proof(TREE, old, new)
    return {
        "van": old,
        "tot": new,
        "bewijs": [enc(p) for p in proof],
        "wortelVan": enc(TREE.root(old)),
        "wortelTot": enc(TREE.root(new)),
    }


# ================================= The tests =======================================================================


def test_leaf_hash_in_receipts_is_the_documented_one() -> None:
    for index, record in enumerate(RECORDS):
        assert b64hash(receipt_for(index)["bladHash"]) == sha256(b"\x00" + record)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 8, 9, 33, 64], ids=lambda size: f"size{size}")
def test_every_receipt_verifies_against_a_signed_checkpoint(size: int) -> None:
    checkpoint = open_note(note_for(size), VKEY, ORIGIN)

    assert checkpoint.size == size and checkpoint.time == "2026-11-23T10:15:00Z"
    for index in range(size):
        check_receipt(receipt_for(index), inclusion_response(index, size), checkpoint)


def test_every_pair_of_checkpoints_is_consistent() -> None:
    checkpoints = [open_note(note_for(size), VKEY, ORIGIN) for size in range(len(RECORDS) + 1)]
    for old in range(len(checkpoints)):
        for new in range(old, len(checkpoints)):
            check_consistency(consistency_response(old, new), checkpoints[old], checkpoints[new])


def test_a_note_cosigned_by_a_witness_still_verifies() -> None:
    witness = CheckpointSigner("witness.example/w1", CheckpointSigner.generate_private_key())
    note = note_for(5)
    cosigned = note + witness.note_signature_line(note.split("\n\n")[0].encode() + b"\n")

    assert open_note(cosigned, VKEY, ORIGIN).size == 5


def _doc_examples() -> list[dict[str, Any]]:
    blocks = re.findall(r"\n    (\{\n(?:    .*\n)*?    \})\n", DOC.read_text(encoding="utf-8"))
    return [json.loads(block.replace("\n    ", "\n")) for block in blocks]


def test_the_documented_examples_are_the_rfc_6962_test_tree() -> None:
    inclusion, consistency = _doc_examples()
    leaves = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657")]
    leaves.append(bytes.fromhex("606162636465666768696a6b6c6d6e6f"))
    kat = merkle.MemoryTree()
    for leaf in leaves:
        kat.append(merkle.leaf_hash(leaf))
    size8 = VerifiedCheckpoint(8, b64hash(inclusion["wortel"]), "")
    size6 = VerifiedCheckpoint(6, b64hash(consistency["wortelVan"]), "")

    assert size8.root.hex() == "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
    assert size6.root.hex() == "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"
    assert b64hash(inclusion["bladHash"]) == sha256(b"\x00" + leaves[5])
    check_receipt({"index": 5, "bladHash": inclusion["bladHash"]}, inclusion, size8)
    check_consistency(consistency, size6, size8)
    assert [b64hash(p) for p in inclusion["pad"]] == proofs.inclusion_proof(kat, 5, 8)
    assert [b64hash(p) for p in consistency["bewijs"]] == proofs.consistency_proof(kat, 6, 8)
    assert sha256(b"") == base64.b64decode("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=")


# --- Negative cases ---------------------------------------------------------------------------------------------------

CHECKPOINT_20 = open_note(note_for(20), VKEY, ORIGIN)
CHECKPOINT_13 = open_note(note_for(13), VKEY, ORIGIN)


def _flip_first(items: list[str]) -> list[str]:
    raw = bytearray(base64.b64decode(items[0]))
    raw[0] ^= 1
    return [enc(bytes(raw)), *items[1:]]


def _with(base: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**base, **changes}


def _bad_receipts() -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """(receipt, proof response) pairs that must fail against the verified checkpoint of size 20."""
    good, receipt = inclusion_response(7, 20), receipt_for(7)
    forged = enc(sha256(b"forged"))
    urlsafe = [p.replace("+", "-").replace("/", "_") for p in good["pad"]]
    return {
        "flipped-path": (receipt, _with(good, pad=_flip_first(good["pad"]))),
        "truncated-path": (receipt, _with(good, pad=good["pad"][:-1])),
        "extended-path": (receipt, _with(good, pad=[*good["pad"], enc(bytes(32))])),
        "reordered-path": (receipt, _with(good, pad=good["pad"][::-1])),
        "other-receipt": (receipt_for(8), good),
        "forged-receipt-leaf": ({"index": 7, "bladHash": forged}, _with(good, bladHash=forged)),
        "proof-for-another-size": (receipt, inclusion_response(7, 13)),
        "size-relabelled": (receipt, _with(inclusion_response(7, 13), boomgrootte=20, wortel=good["wortel"])),
        "short-path-element": (receipt, _with(good, pad=[enc(bytes(31))])),
        "urlsafe-base64": (receipt, _with(good, pad=urlsafe)) if urlsafe != good["pad"] else (receipt_for(8), good),
    }


BAD_RECEIPTS = _bad_receipts()


@pytest.mark.parametrize(("receipt", "response"), BAD_RECEIPTS.values(), ids=BAD_RECEIPTS.keys())
def test_bad_inclusion_evidence_is_rejected(receipt: dict[str, Any], response: dict[str, Any]) -> None:
    check_receipt(receipt_for(7), inclusion_response(7, 20), CHECKPOINT_20)  # the control: the good pair passes
    with pytest.raises(RejectedError):
        check_receipt(receipt, response, CHECKPOINT_20)


def _bad_consistency() -> dict[str, tuple[dict[str, Any], VerifiedCheckpoint, VerifiedCheckpoint]]:
    """(proof response, older, newer checkpoint) triples that must fail."""
    good, old, new = consistency_response(13, 20), CHECKPOINT_13, CHECKPOINT_20
    swapped = _with(good, van=20, tot=13, wortelVan=good["wortelTot"], wortelTot=good["wortelVan"])
    relabelled = _with(consistency_response(12, 20), van=13, wortelVan=good["wortelVan"])
    forked = VerifiedCheckpoint(20, sha256(b"a rewritten log"), "")
    return {
        "flipped-proof": (_with(good, bewijs=_flip_first(good["bewijs"])), old, new),
        "truncated-proof": (_with(good, bewijs=good["bewijs"][:-1]), old, new),
        "empty-proof": (_with(good, bewijs=[]), old, new),
        "checkpoints-swapped": (swapped, new, old),
        "other-old-checkpoint": (consistency_response(12, 20), old, new),
        "relabelled-old-size": (relabelled, old, new),
        "forked-log": (_with(good, wortelTot=enc(forked.root)), old, forked),
    }


BAD_CONSISTENCY = _bad_consistency()


@pytest.mark.parametrize(("response", "older", "newer"), BAD_CONSISTENCY.values(), ids=BAD_CONSISTENCY.keys())
def test_bad_consistency_evidence_is_rejected(
    response: dict[str, Any], older: VerifiedCheckpoint, newer: VerifiedCheckpoint
) -> None:
    check_consistency(consistency_response(13, 20), CHECKPOINT_13, CHECKPOINT_20)  # the control
    with pytest.raises(RejectedError):
        check_consistency(response, older, newer)


def _tamper_line(note: str, position: int, value: str) -> str:
    lines = note.split("\n")
    lines[position] = value
    return "\n".join(lines)


OTHER_KEY = CheckpointSigner("deelpoort.example/checkpoint", CheckpointSigner.generate_private_key())
BAD_NOTES: list[tuple[str, str, str]] = [
    ("tampered-size", _tamper_line(note_for(20), 1, "21"), ORIGIN),
    ("tampered-root", _tamper_line(note_for(20), 2, enc(TREE.root(19))), ORIGIN),
    ("tampered-time", _tamper_line(note_for(20), 3, "time 2020-01-01T00:00:00Z"), ORIGIN),
    ("truncation-presented-as-current", _tamper_line(note_for(20), 1, "13"), ORIGIN),
    ("signed-by-another-key", note_for(20, OTHER_KEY), ORIGIN),
    ("signature-line-removed", note_for(20).split("\n\n")[0] + "\n\n", ORIGIN),
    ("another-origin", note_for(20), "deelpoort.example/elders"),
    ("carriage-returns", note_for(20).replace("\n", "\r\n"), ORIGIN),
]


@pytest.mark.parametrize(("note", "origin"), [row[1:] for row in BAD_NOTES], ids=[row[0] for row in BAD_NOTES])
def test_bad_checkpoint_notes_are_rejected(note: str, origin: str) -> None:
    with pytest.raises(RejectedError):
        open_note(note, VKEY, origin)

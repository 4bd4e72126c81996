"""Checkpoints: C2SP tlog-checkpoint notes that round-trip, and every tampered or malformed note is refused."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone

import pytest

from service.audit.checkpoint import Checkpoint, CheckpointError, checkpoint_body, open_checkpoint, sign_checkpoint
from service.crypto import CheckpointSigner, CheckpointVerifier

ORIGIN = "deelpoort.example/verstrekkingen"
SIGNER = CheckpointSigner("deelpoort.example/checkpoint", CheckpointSigner.generate_private_key())
OTHER = CheckpointSigner("deelpoort.example/checkpoint", CheckpointSigner.generate_private_key())
WITNESS = CheckpointSigner("witness.example/w1", CheckpointSigner.generate_private_key())
ROOT = hashlib.sha256(b"a root").digest()
TIME = datetime(2026, 11, 23, 10, 15, 0, tzinfo=UTC)
CHECKPOINT = Checkpoint(ORIGIN, 1048576, ROOT, TIME)
NOTE = sign_checkpoint(SIGNER, CHECKPOINT)


def _resign(body: str, signer: CheckpointSigner = SIGNER) -> str:
    """A note over an arbitrary body, properly signed: isolates body parsing from signature checking."""
    return body + "\n" + signer.note_signature_line(body.encode("utf-8"))


def test_note_has_the_tlog_checkpoint_layout() -> None:
    encoded_root = base64.b64encode(ROOT).decode()
    body = f"{ORIGIN}\n1048576\n{encoded_root}\ntime 2026-11-23T10:15:00Z\n"

    assert checkpoint_body(CHECKPOINT) == body
    assert sign_checkpoint(SIGNER, CHECKPOINT) == body + "\n" + SIGNER.note_signature_line(body.encode())
    assert NOTE.endswith("\n") and NOTE.count("\n\n") == 1
    signature_line = NOTE.split("\n\n")[1]
    assert signature_line.startswith(f"\u2014 {SIGNER.name} ")
    assert base64.b64decode(signature_line.split(" ")[2])[:4] == SIGNER.key_hash


def test_round_trip_returns_the_checkpoint_with_the_key_id() -> None:
    opened = open_checkpoint(NOTE, SIGNER.verifier)

    assert opened == Checkpoint(ORIGIN, 1048576, ROOT, TIME, key_id=SIGNER.key_id)
    assert opened.time.tzinfo is UTC


def test_round_trip_through_the_published_verifier_key() -> None:
    verifier = CheckpointVerifier.from_verifier_key(SIGNER.verifier.verifier_key)

    assert open_checkpoint(NOTE, verifier).root == ROOT


@pytest.mark.parametrize("size", [0, 1, 9, 10, 2**63], ids=lambda size: f"size{size}")
def test_round_trip_of_edge_sizes(size: int) -> None:
    checkpoint = Checkpoint(ORIGIN, size, ROOT, TIME)

    assert open_checkpoint(sign_checkpoint(SIGNER, checkpoint), SIGNER.verifier).size == size


def test_time_is_normalised_to_utc_whole_seconds() -> None:
    local = datetime(2026, 11, 23, 11, 15, 0, 999_999, tzinfo=timezone(timedelta(hours=1)))
    checkpoint = Checkpoint(ORIGIN, 1, ROOT, local)

    assert checkpoint.time == TIME and checkpoint.time.tzinfo is UTC
    assert open_checkpoint(sign_checkpoint(SIGNER, checkpoint), SIGNER.verifier).time == TIME


def test_signature_lines_of_other_keys_are_ignored() -> None:
    body = checkpoint_body(CHECKPOINT).encode()
    cosigned = NOTE + WITNESS.note_signature_line(body)
    witness_first = checkpoint_body(CHECKPOINT) + "\n" + WITNESS.note_signature_line(body) + NOTE.split("\n\n")[1]

    assert open_checkpoint(cosigned, SIGNER.verifier).size == CHECKPOINT.size
    assert open_checkpoint(witness_first, SIGNER.verifier).size == CHECKPOINT.size
    assert open_checkpoint(cosigned, WITNESS.verifier).key_id == WITNESS.key_id


def test_expected_origin_is_enforced_when_given() -> None:
    assert open_checkpoint(NOTE, SIGNER.verifier, origin=ORIGIN).origin == ORIGIN
    with pytest.raises(CheckpointError, match="another log"):
        open_checkpoint(NOTE, SIGNER.verifier, origin="deelpoort.example/elders")


def _replace_body_line(position: int, value: str) -> str:
    """The original signature over a changed body line: what an attacker editing the log's statement gets."""
    body, signatures = NOTE.split("\n\n")
    lines = body.split("\n")
    lines[position] = value
    return "\n".join(lines) + "\n\n" + signatures


def _flip_signature_bit() -> str:
    body, line = NOTE.split("\n\n")
    prefix, encoded = line[:-1].rsplit(" ", 1)
    raw = bytearray(base64.b64decode(encoded))
    raw[-1] ^= 0x01
    return f"{body}\n\n{prefix} {base64.b64encode(bytes(raw)).decode()}\n"


ENCODED_ROOT = base64.b64encode(ROOT).decode()
BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


def _non_canonical_root() -> str:
    """The same 32 bytes in base64 with a padding bit set: decoders accept it, a canonical parser must not."""
    last = BASE64_ALPHABET.index(ENCODED_ROOT[42])
    encoded = ENCODED_ROOT[:42] + BASE64_ALPHABET[last | 0b01] + "="  # the last 2 bits of 32 bytes are padding
    assert encoded != ENCODED_ROOT and base64.b64decode(encoded) == ROOT
    return encoded


GOOD_BODY = checkpoint_body(CHECKPOINT)

REJECTED: list[tuple[str, Callable[[], str], str]] = [  # (id, make the note, the reason it must give)
    # Tampered statements under the original signature.
    ("tampered-size", lambda: _replace_body_line(1, "1048575"), "not valid"),
    ("tampered-root", lambda: _replace_body_line(2, base64.b64encode(bytes(32)).decode()), "not valid"),
    ("tampered-origin", lambda: _replace_body_line(0, "deelpoort.example/elders"), "not valid"),
    ("tampered-time", lambda: _replace_body_line(3, "time 2026-11-24T10:15:00Z"), "not valid"),
    ("tampered-signature", _flip_signature_bit, "not valid"),
    ("signed-by-another-key-same-name", lambda: sign_checkpoint(OTHER, CHECKPOINT), "expected key"),
    ("signed-only-by-a-witness", lambda: sign_checkpoint(WITNESS, CHECKPOINT), "expected key"),
    ("valid-and-invalid-line", lambda: NOTE + _flip_signature_bit().split("\n\n")[1], "not valid"),
    # Broken note structure.
    ("missing-signature-line", lambda: GOOD_BODY + "\n", "no signature"),
    ("no-blank-line", lambda: GOOD_BODY + NOTE.split("\n\n")[1], "no blank line"),
    ("extra-blank-line-before-signatures", lambda: NOTE.replace("\n\n", "\n\n\n"), "not valid"),
    ("extra-blank-line-at-the-end", lambda: NOTE + "\n", "no signature"),
    ("blank-line-inside-the-body", lambda: NOTE.replace("\n", "\n\n", 1), "not valid"),
    ("no-final-newline", lambda: NOTE[:-1], "no signature"),
    ("carriage-returns", lambda: NOTE.replace("\n", "\r\n"), "control"),
    ("hyphen-instead-of-em-dash", lambda: NOTE.replace("\u2014", "-"), "malformed"),
    ("signature-not-base64", lambda: NOTE[:-3] + "!!\n", "malformed"),
    ("empty-note", lambda: "", "no blank line"),
    ("oversized-note", lambda: "x" * 200_000 + NOTE, "too long"),
    # Properly signed bodies that are not canonical Deelpoort checkpoints.
    ("non-canonical-size", lambda: _resign(GOOD_BODY.replace("\n1048576\n", "\n01048576\n")), "size"),
    ("size-012", lambda: _resign(GOOD_BODY.replace("\n1048576\n", "\n012\n")), "size"),
    ("size-with-plus", lambda: _resign(GOOD_BODY.replace("\n1048576\n", "\n+12\n")), "size"),
    ("size-negative", lambda: _resign(GOOD_BODY.replace("\n1048576\n", "\n-1\n")), "size"),
    ("size-arabic-digits", lambda: _resign(GOOD_BODY.replace("\n1048576\n", "\n\u0661\u0662\n")), "size"),
    (
        "short-root",
        lambda: _resign(GOOD_BODY.replace(ENCODED_ROOT, base64.b64encode(ROOT[:31]).decode())),
        "root",
    ),
    (
        "long-root",
        lambda: _resign(GOOD_BODY.replace(ENCODED_ROOT, base64.b64encode(ROOT + b"\x00").decode())),
        "root",
    ),
    ("root-not-base64", lambda: _resign(GOOD_BODY.replace(ENCODED_ROOT, "*" * 44)), "root"),
    (
        "root-non-canonical-base64",
        lambda: _resign(GOOD_BODY.replace(ENCODED_ROOT, _non_canonical_root())),
        "not canonical",
    ),
    ("empty-origin", lambda: _resign(GOOD_BODY.replace(ORIGIN, "")), "origin"),
    ("missing-time-line", lambda: _resign(GOOD_BODY.rsplit("time", 1)[0]), "four lines"),
    ("extra-extension-line", lambda: _resign(GOOD_BODY + "other extension\n"), "four lines"),
    ("time-with-offset", lambda: _resign(GOOD_BODY.replace("Z\n", "+00:00\n")), "time"),
    ("time-with-fraction", lambda: _resign(GOOD_BODY.replace(":00Z", ":00.5Z")), "time"),
    ("time-impossible-date", lambda: _resign(GOOD_BODY.replace("11-23T", "02-30T")), "time"),
    ("time-lowercase-z", lambda: _resign(GOOD_BODY.replace("Z\n", "z\n")), "time"),
]


@pytest.mark.parametrize(("make_note", "reason"), [row[1:] for row in REJECTED], ids=[row[0] for row in REJECTED])
def test_bad_notes_are_rejected(make_note: Callable[[], str], reason: str) -> None:
    with pytest.raises(CheckpointError, match=reason):
        open_checkpoint(make_note(), SIGNER.verifier)


def test_a_validly_signed_canonical_body_opens() -> None:
    # The control for the "properly signed but not canonical" rows above: re-signing itself is not what fails.
    assert open_checkpoint(_resign(GOOD_BODY), SIGNER.verifier) == open_checkpoint(NOTE, SIGNER.verifier)


def test_errors_name_no_key_material() -> None:
    with pytest.raises(CheckpointError) as raised:
        open_checkpoint(_flip_signature_bit(), SIGNER.verifier)

    message = str(raised.value)
    assert SIGNER.key_id not in message and base64.b64encode(SIGNER.public_key).decode() not in message
    assert raised.value.__cause__ is None


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [
        (("", 1, ROOT, TIME), "origin"),
        (("a\nb", 1, ROOT, TIME), "origin"),
        ((ORIGIN, -1, ROOT, TIME), "size"),
        ((ORIGIN, True, ROOT, TIME), "size"),
        ((ORIGIN, 1, ROOT[:31], TIME), "root"),
        ((ORIGIN, 1, ROOT.hex(), TIME), "root"),
        ((ORIGIN, 1, ROOT, datetime(2026, 11, 23, 10, 15)), "timezone"),
    ],
    ids=["empty-origin", "multi-line-origin", "negative-size", "bool-size", "short-root", "hex-root", "naive-time"],
)
def test_checkpoint_values_are_validated(arguments: tuple[object, ...], reason: str) -> None:
    with pytest.raises(CheckpointError, match=reason):
        Checkpoint(*arguments)  # type: ignore[arg-type]

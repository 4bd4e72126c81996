"""Checkpoints of the verstrekking log: C2SP tlog-checkpoint bodies in C2SP signed notes.

A checkpoint commits to the log's state: its origin (the log's identity), tree size and RFC 9162 root hash,
and the time it was made. As a signed note (https://c2sp.org/signed-note) it reads:

    deelpoort.example/verstrekkingen           origin
    1048576                                    tree size, decimal, no leading zeros
    pYwE0f2p8eJ3gZ...=                         root hash, standard base64 of 32 bytes
    time 2026-11-23T10:15:00Z                  extension line: the time, RFC 3339 UTC, whole seconds
                                               blank line
    — deelpoort.example/checkpoint AbCd...==   signature line(s): "— " key name " " base64(key hash || sig)

The first three lines are tlog-checkpoint's mandatory note text (https://c2sp.org/tlog-checkpoint). That
specification allows any number of opaque, non-empty extension lines after them (and notes that log monitors
cannot audit them); we use exactly one, carrying the time, because DESIGN requires checkpoints to commit to
the time and a standard verifier simply ignores it. The signature covers the note text up to and including
its last newline, not the blank separator line.

Invariants:
- `open_checkpoint` returns a `Checkpoint` only if a signature line of the verifier's key (name and key hash)
  verifies over the exact note text, no line of that key fails to verify, and the body is canonical: the
  same bytes `checkpoint_body` would produce for the returned value (so a checkpoint has one encoding).
- Signature lines of other keys (witnesses, a rotated key) are ignored, as signed-note requires.
- Every failure raises `CheckpointError` with a short reason that names no key material.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from service.crypto import CheckpointSigner, CheckpointVerifier, CryptoError

ROOT_HASH_SIZE = 32
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
KEY_HASH_SIZE = 4
# signed-note: verifiers must accept at least 16 signatures (post-quantum ones up to ~5 kB each).
MAX_NOTE_LENGTH = 128 * 1024
MAX_SIGNATURES = 100

_SIZE_PATTERN = re.compile(r"0|[1-9][0-9]*")
_TIME_PATTERN = re.compile(r"time ([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})Z")
_BASE64_ROOT_LENGTH = 44


class CheckpointError(ValueError):
    """A checkpoint is malformed, not canonical, or not signed by the expected key."""


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed statement of the log's state.

    Attributes:
        origin: The log's identity (first line); non-empty, one line, no control characters.
        size: The number of leaves in the tree (>= 0).
        root: The RFC 9162 root hash of the tree of that size (32 bytes).
        time: When the checkpoint was made: timezone-aware, normalised to UTC and whole seconds (the note
            carries seconds only, so the value round-trips exactly).
        key_id: The signing key's id (8 hex characters) once verified by `open_checkpoint`; None before.

    Raises:
        CheckpointError: A field is out of range (see above).
    """

    origin: str
    size: int
    root: bytes
    time: datetime
    key_id: str | None = None

    def __post_init__(self) -> None:
        _check_origin(self.origin)
        if not isinstance(self.size, int) or isinstance(self.size, bool) or self.size < 0:
            raise CheckpointError("checkpoint size must be an integer >= 0")
        if not isinstance(self.root, bytes) or len(self.root) != ROOT_HASH_SIZE:
            raise CheckpointError("checkpoint root must be 32 bytes")
        if not isinstance(self.time, datetime) or self.time.utcoffset() is None:
            raise CheckpointError("checkpoint time must be timezone-aware")
        try:
            moment = self.time.astimezone(UTC).replace(microsecond=0)
        except (OverflowError, ValueError):
            raise CheckpointError("checkpoint time is out of range") from None
        object.__setattr__(self, "time", moment)


def _check_origin(origin: object) -> None:
    if not isinstance(origin, str) or not origin:
        raise CheckpointError("checkpoint origin must be a non-empty string")
    if any(ord(character) < 0x20 for character in origin):
        raise CheckpointError("checkpoint origin must be one line without control characters")
    try:
        origin.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointError("checkpoint origin is not valid UTF-8") from None


def _format_time(moment: datetime) -> str:
    return (
        f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        f"T{moment.hour:02d}:{moment.minute:02d}:{moment.second:02d}Z"
    )


def checkpoint_body(checkpoint: Checkpoint) -> str:
    """The note text of a checkpoint: origin, size, base64 root, ``time`` extension line, each ending in LF."""
    encoded_root = base64.b64encode(checkpoint.root).decode("ascii")
    return f"{checkpoint.origin}\n{checkpoint.size}\n{encoded_root}\ntime {_format_time(checkpoint.time)}\n"


def sign_checkpoint(signer: CheckpointSigner, checkpoint: Checkpoint) -> str:
    """The signed note of a checkpoint: its body, a blank line, and the signer's signature line.

    `checkpoint.key_id` is not part of the note; the signature line names the key.
    """
    body = checkpoint_body(checkpoint)
    return body + "\n" + signer.note_signature_line(body.encode("utf-8"))


def open_checkpoint(note: str, verifier: CheckpointVerifier, origin: str | None = None) -> Checkpoint:
    """Verify a signed checkpoint note with `verifier` and return its checkpoint, `key_id` set.

    Args:
        note: The signed note text, exactly as received.
        verifier: The log's published checkpoint key.
        origin: If given, the origin the checkpoint must carry (the log the caller expects).

    Raises:
        CheckpointError: The note is malformed, carries no valid signature of `verifier`'s key, carries an
            invalid one, or its body is not a canonical Deelpoort checkpoint (or not of `origin`).
    """
    text = verified_text(note, verifier)
    checkpoint = _parse_body(text, verifier.key_id)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError("checkpoint is of another log")
    return checkpoint


def verified_text(note: str, verifier: CheckpointVerifier) -> str:
    """The text of a signed note that carries a valid signature of `verifier`'s key and no invalid one.

    Raises:
        CheckpointError: The note is malformed, or not (or not validly) signed by that key.
    """
    text, signatures = split_note(note)
    _verify_signatures(text, signatures, verifier)
    return text


def tree_head(text: str) -> tuple[str, int, bytes]:
    """The origin, tree size and root hash of a tlog-checkpoint note text, of any log: the three mandatory lines,
    canonical, followed by any number of non-empty extension lines (which a witness cosigns but does not read).

    Raises:
        CheckpointError: Fewer than three lines, an empty line, or a size or root that is not canonical.
    """
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "":
        raise CheckpointError("checkpoint body must have at least three lines")
    origin, size_text, root_text = lines[:3]
    _check_origin(origin)
    if any(not line for line in lines[3:-1]):
        raise CheckpointError("checkpoint extension lines must not be empty")
    if not _SIZE_PATTERN.fullmatch(size_text):
        raise CheckpointError("checkpoint size is not a canonical decimal")
    if len(root_text) != _BASE64_ROOT_LENGTH:
        raise CheckpointError("checkpoint root is not 32 bytes of base64")
    try:
        root_hash = base64.b64decode(root_text, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError("checkpoint root is not base64") from None
    return origin, int(size_text), root_hash


def split_note(note: str) -> tuple[str, list[tuple[str, bytes]]]:
    """Split a signed note into its text and its (key name, decoded signature) lines."""
    if not isinstance(note, str) or len(note) > MAX_NOTE_LENGTH:
        raise CheckpointError("note missing or too long")
    try:
        note.encode("utf-8")
    except UnicodeEncodeError:
        raise CheckpointError("note is not valid UTF-8") from None
    if any(ord(character) < 0x20 and character != "\n" for character in note):
        raise CheckpointError("note contains control characters")
    separator = note.rfind("\n\n")
    if separator < 0:
        raise CheckpointError("note has no blank line before its signatures")
    text, block = note[: separator + 1], note[separator + 2 :]
    if not block or not block.endswith("\n"):
        raise CheckpointError("note has no signature lines")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise CheckpointError("note has too many signatures")
    return text, [parse_signature_line(line) for line in lines]


def parse_signature_line(line: str) -> tuple[str, bytes]:
    if not line.startswith(SIGNATURE_PREFIX):
        raise CheckpointError("malformed signature line")
    name, space, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not name or not space or not encoded or " " in encoded or "+" in name:
        raise CheckpointError("malformed signature line")
    try:
        signature = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise CheckpointError("malformed signature line") from None
    if len(signature) <= KEY_HASH_SIZE:
        raise CheckpointError("malformed signature line")
    return name, signature


def _verify_signatures(text: str, signatures: list[tuple[str, bytes]], verifier: CheckpointVerifier) -> None:
    """Require a valid signature of `verifier`'s key and no invalid one; ignore other keys' lines."""
    message = text.encode("utf-8")
    verified = False
    for name, signature in signatures:
        if name != verifier.name or signature[:KEY_HASH_SIZE] != verifier.key_hash:
            continue  # another key (a witness, a rotated key): not ours to judge
        try:
            verifier.verify_note_signature(message, signature)
        except CryptoError:
            raise CheckpointError("checkpoint signature is not valid") from None
        verified = True
    if not verified:
        raise CheckpointError("checkpoint is not signed by the expected key")


def _parse_body(text: str, key_id: str) -> Checkpoint:
    """Parse a verified note text strictly into a checkpoint (exactly four canonical lines)."""
    lines = text.split("\n")
    if len(lines) != 5 or lines[4] != "":
        raise CheckpointError("checkpoint body must have exactly four lines")
    origin, size, root_hash = tree_head(text)
    checkpoint = Checkpoint(origin, size, root_hash, _parse_time(lines[3]), key_id)
    if checkpoint_body(checkpoint) != text:
        raise CheckpointError("checkpoint body is not canonical")
    return checkpoint


def _parse_time(line: str) -> datetime:
    match = _TIME_PATTERN.fullmatch(line)
    if match is None:
        raise CheckpointError("checkpoint time line missing or malformed")
    year, month, day, hour, minute, second = (int(part) for part in match.groups())
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        raise CheckpointError("checkpoint time is not a valid time") from None

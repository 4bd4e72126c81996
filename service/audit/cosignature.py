"""Cosignatures of checkpoints (C2SP tlog-cosignature, Ed25519) and the witness protocol's request body
(C2SP tlog-witness `add-checkpoint`): pure formats, no I/O.

A witness (getuige) cosigns a checkpoint by signing, with its own key, the message

    cosignature/v1
    time <POSIX seconds>
    <the checkpoint's note text: origin, size, root, extension lines, each ending in LF>

and returns a note signature line ``— <witness name> base64(key id || u64 timestamp || signature)``, which the
log appends to the checkpoint's signed note. Standard verifiers of the log's key ignore such lines.

The `add-checkpoint` request body is an ``old <size>`` line, the consistency proof from that size (one base64
hash per line, at most 63), an empty line, and the signed checkpoint note.

Invariants:
- `cosignature_message` is exactly the tlog-cosignature v1 message; `cosign_note` and `cosignatures` agree on
  it, so what one witness signs another party verifies without Deelpoort's code.
- `cosignatures` returns a witness's timestamps only for lines that name the witness and carry its key id and
  verify; a line of the witness's key that does not verify raises (as signed-note requires), lines of other
  keys are ignored.
- `parse_add_checkpoint` accepts exactly the grammar of tlog-witness and raises `WitnessProtocolError` otherwise.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.audit.checkpoint import SIGNATURE_PREFIX, CheckpointError, parse_signature_line, split_note
from service.crypto import CryptoError
from service.crypto.cosigning import CosignatureVerifier, Cosigner

MAX_PROOF_LINES = 63
_SIZE = re.compile(r"0|[1-9][0-9]*")
_HASH_LENGTH = 44  # base64 of 32 bytes


class CosignatureError(ValueError):
    """A cosignature line is malformed or does not verify."""


class WitnessProtocolError(ValueError):
    """An `add-checkpoint` request body does not follow the tlog-witness grammar."""


def cosignature_message(text: str, timestamp: int) -> bytes:
    """The tlog-cosignature v1 message for a checkpoint's note text (ending in LF) at POSIX `timestamp`."""
    return f"cosignature/v1\ntime {timestamp}\n{text}".encode()


def cosignature_line(cosigner: Cosigner, text: str, timestamp: int) -> str:
    """The note signature line with which `cosigner` cosigns a checkpoint's note `text` at `timestamp`."""
    signature = cosigner.cosign(timestamp, cosignature_message(text, timestamp))
    return f"{SIGNATURE_PREFIX}{cosigner.name} {base64.b64encode(signature).decode('ascii')}\n"


def cosignatures(note: str, witness: CosignatureVerifier) -> list[int]:
    """The timestamps of `witness`'s valid cosignatures on the signed `note` (empty when it carries none).

    Raises:
        CosignatureError: The note is malformed, or a line with the witness's name and key id does not verify.
    """
    try:
        text, signatures = split_note(note)
    except CheckpointError as exc:
        raise CosignatureError(str(exc)) from None
    found: list[int] = []
    for name, signature in signatures:
        if name != witness.name or signature[:4] != witness.key_hash:
            continue
        try:
            found.append(witness.verify_cosignature(signature, lambda moment: cosignature_message(text, moment)))
        except CryptoError:
            raise CosignatureError("a cosignature of this witness does not verify") from None
    return found


def signature_lines(body: str) -> list[str]:
    """The note signature lines of a witness's response body (each ``— name base64`` ending in LF).

    Raises:
        CosignatureError: The body is empty, does not end in LF, or holds a line that is no signature line.
    """
    if not body or not body.endswith("\n") or len(body) > 64 * 1024:
        raise CosignatureError("a cosignature response is one or more signature lines, each ending in LF")
    lines = body[:-1].split("\n")
    for line in lines:
        try:
            parse_signature_line(line)
        except CheckpointError:
            raise CosignatureError("a cosignature response holds a line that is not a signature line") from None
    return [line + "\n" for line in lines]


@dataclass(frozen=True, slots=True)
class AddCheckpoint:
    """An `add-checkpoint` request: the size the submitter believes the witness holds, the consistency proof
    from it, and the signed checkpoint note."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str

    def body(self) -> bytes:
        """The request body, as tlog-witness specifies it."""
        lines = [f"old {self.old_size}"] + [base64.b64encode(node).decode("ascii") for node in self.proof]
        return ("\n".join(lines) + "\n\n" + self.note).encode("utf-8")


def add_checkpoint(old_size: int, proof: Sequence[bytes], note: str) -> AddCheckpoint:
    """An `add-checkpoint` request (raises `WitnessProtocolError` for what the protocol does not allow)."""
    if old_size < 0 or len(proof) > MAX_PROOF_LINES or any(len(node) != 32 for node in proof):
        raise WitnessProtocolError("old size is >= 0, and the proof at most 63 hashes of 32 bytes")
    return AddCheckpoint(old_size, tuple(proof), note)


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Read an `add-checkpoint` request body (the checkpoint's signatures are the caller's to verify).

    Raises:
        WitnessProtocolError: Not UTF-8, no ``old`` line, a non-canonical size, a proof line that is not base64
            of 32 bytes, more than 63 of them, or no empty line before the checkpoint.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise WitnessProtocolError("the request body is not UTF-8") from None
    head, separator, note = text.partition("\n\n")
    if not separator:
        raise WitnessProtocolError("the request body has no empty line before the checkpoint")
    lines = head.split("\n")
    first = lines[0]
    if not first.startswith("old ") or not _SIZE.fullmatch(first[4:]):
        raise WitnessProtocolError("the first line must be 'old <size>' in decimal without leading zeros")
    if len(lines) - 1 > MAX_PROOF_LINES:
        raise WitnessProtocolError("more than 63 consistency proof lines")
    proof: list[bytes] = []
    for line in lines[1:]:
        try:
            node = base64.b64decode(line, validate=True) if len(line) == _HASH_LENGTH else b""
        except (binascii.Error, ValueError):
            node = b""
        if len(node) != 32:
            raise WitnessProtocolError("a consistency proof line is not base64 of a 32-byte hash")
        proof.append(node)
    return AddCheckpoint(int(first[4:]), tuple(proof), note)

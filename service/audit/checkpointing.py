"""When the verstrekking log signs a checkpoint, and what a checkpoint it signs commits to.

The writer of the log (`service.service_layer.logboek.schrijver`) asks `CheckpointBeleid.due` after each batch
it appends, under the log's append lock, and signs with `sign_tree` in the same transaction when the answer is
yes. Both are pure: the time is a parameter, the tree's nodes come from a `NodeSource`, and signing is the given
signer's (`service.crypto`); storing the checkpoint is the caller's.

Invariants:
- A checkpoint is due when none exists yet, when `records` or more records were added since the latest one, or
  when `seconds` or more have passed since it (DESIGN: "at least every N records or T seconds").
- A receipt's promise (`promised_size`): a checkpoint covering record `index` is signed at the latest when the
  tree reaches `records` records beyond the latest checkpoint, and never at a size that excludes the record.
- A signed checkpoint commits to the log's origin, the tree size, the RFC 9162 root of exactly that many leaves
  and the time (`sign_tree`); its note is `checkpoint.sign_checkpoint`'s, so `open_checkpoint` verifies it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.audit.checkpoint import Checkpoint, sign_checkpoint
from service.audit.merkle import NodeSource, root
from service.crypto import CheckpointSigner


@dataclass(frozen=True)
class CheckpointBeleid:
    """How often the log signs: at least every `records` records or `seconds` seconds, as log `origin`."""

    origin: str
    records: int = 256  # sign at least every N records ...
    seconds: float = 60.0  # ... or when T seconds have passed since the latest checkpoint

    def due(self, latest: tuple[int, dt.datetime] | None, size: int, now: dt.datetime) -> bool:
        """Whether a checkpoint of the tree of `size` records is due at `now`.

        Args:
            latest: The latest checkpoint's size and time, None when none was signed yet.
            size: The tree size a checkpoint would be signed at (after the batch just appended).
            now: The current time (timezone-aware, like `latest`'s).
        """
        if latest is None:
            return True
        grootte, tijd = latest
        return size - grootte >= self.records or (now - tijd).total_seconds() >= self.seconds

    def promised_size(self, latest: int, index: int) -> int:
        """The tree size at which a checkpoint covering record `index` is signed at the latest, given that the
        latest checkpoint (after the batch holding the record) has size `latest` (0: none)."""
        return max(latest + self.records, index + 1)


@dataclass(frozen=True, slots=True)
class SignedCheckpoint:
    """A checkpoint, the id of the key that signed it and its signed note (what the log stores)."""

    checkpoint: Checkpoint
    key_id: str
    note: str


def sign_tree(
    signer: CheckpointSigner, origin: str, source: NodeSource, size: int, now: dt.datetime
) -> SignedCheckpoint:
    """Sign a checkpoint of the first `size` leaves of the tree `source` holds, made at `now`.

    Raises:
        LookupError: `source` lacks a node of the tree of that size.
        CheckpointError: `origin`, `size` or `now` cannot be a checkpoint's (see `Checkpoint`).
    """
    checkpoint = Checkpoint(origin, size, root(source, size), now)
    return SignedCheckpoint(checkpoint, signer.key_id, sign_checkpoint(signer, checkpoint))

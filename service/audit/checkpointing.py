"""When the verstrekking log signs a checkpoint, and what a checkpoint it signs commits to.

The writer of the log (`service.service_layer.logboek.schrijver`) asks `CheckpointBeleid.due` after each record
it appends, under the log's append lock, and signs with `sign_tree` in the same transaction when the answer is
yes. Both are pure: the time is a parameter, the tree's nodes come from a `NodeSource`, and signing is the given
signer's (`service.crypto`); storing the checkpoint is the caller's.

Invariants:
- A checkpoint is due when none exists yet, when `records` or more records were added since the latest one, or
  when `seconds` or more have passed since it (DESIGN: "at least every N records or T seconds"). The writer
  asks after every record it appends (also inside a batch, and for beheer transactions), with as "now" the later
  of its clock and the record's own `tijd`, and signs at exactly that size. So, with A the latest checkpoint
  before record i (the signing rule `audit verify` checks, `verification.SigningRuleCheck`):
  - the first checkpoint has size 1; the next after A has a size of at most `A.size + records`; the head is
    less than `records` past the newest checkpoint;
  - if `tijd(i) - A.time >= seconds`, a checkpoint of size at most `i + 1` exists: only the last record before
    the next checkpoint, or none after the newest, may be that late.
  These hold whatever the hosts' clocks say (they compare stored times only), and `deelpoort audit checkpoint`
  (signing at any size) only splits an interval. They hold for the settings the log was written under.
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
            size: The tree size a checkpoint would be signed at (after the record just appended).
            now: The current time (timezone-aware, like `latest`'s); the writer passes the record's own time
                when that is later, so the rule holds over stored times alone.
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

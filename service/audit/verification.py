"""Checking a stored verstrekking log against what is recomputed from it: pure, over what a store hands in.

`service.service_layer.logboek.controle` reads the records, nodes, checkpoints and head from the database and
hands them to the checks here; they recompute and compare, and note every problem in a `Verificatie`.

Invariants (DESIGN invariant 6):
- Nothing stored is trusted but the checkpoint key: a leaf is the hash of the stored record bytes, the tree is
  recomputed from those leaves (`TreeCheck`), a checkpoint counts only when its note verifies under the key and
  names the log's origin, and its root is compared with the recomputed (or, for the quick check, the stored
  nodes') root at its size. Every checkpoint's root being the root recomputed from the same records at its size
  makes every checkpoint consistent with every other; the quick check proves the latest two consistent with a
  consistency proof over the stored nodes (`check_consistent`).
- The checkpoints' sizes and times, the head and the records' times keep the signing rule the writer keeps
  (`SigningRuleCheck`, derived in `service.audit.checkpointing`): so a removed checkpoint, or one held back,
  is noticed whenever the rule required it. A tail shorter than the rule allows can still be rewritten unseen
  once its checkpoint is removed (witnesses, issue 20, see that); the rule is that of the settings the log was
  written under (when they were lowered since, check against the earlier, larger ones).
- Checks never raise over bad stored data: every finding is a problem in the `Verificatie`, with the first
  record index it can name. Problem texts name indexes, sizes and levels, never a record's content.
- No I/O: rows, node runs, counts and a `NodeSource` are handed in; the time is never read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from service.audit.checkpoint import CheckpointError, open_checkpoint
from service.audit.merkle import LEAF_PREFIX, NodeSource, root
from service.audit.proofs import consistency_proof, verify_consistency
from service.audit.recompute import DEFAULT_BLOCK_LEVEL, BlockRecomputation, NodeRun
from service.crypto import CheckpointVerifier
from service.domain.verstrekking import record_tijd


@dataclass
class Verificatie:
    """The outcome of a check: never raises, collects every problem found (`ok` when there is none)."""

    grootte: int = 0
    checkpoints: int = 0
    problemen: list[str] = field(default_factory=list)
    eerste_fout: int | None = None
    wortels: dict[int, bytes] = field(default_factory=dict)  # recomputed roots at sizes asked for (witnesses)

    @property
    def ok(self) -> bool:
        return not self.problemen

    def fout(self, index: int | None, probleem: str) -> None:
        """Note a problem, with the record index it concerns (None: it names none)."""
        self.problemen.append(probleem)
        if index is not None and (self.eerste_fout is None or index < self.eerste_fout):
            self.eerste_fout = index


def check_head(
    result: Verificatie, named: tuple[int, dt.datetime] | None, latest: tuple[int, dt.datetime] | None
) -> None:
    """The head's copy of the latest checkpoint's size and time (`named`: what decides when the next one is signed)
    must be the latest stored checkpoint's (`latest`): else checkpoints were removed, or signing is held off."""
    if named != latest:
        said = f"size {named[0]}" if named else "none"
        found = f"size {latest[0]}" if latest else "none"
        result.fout(None, f"the log head names the latest checkpoint as {said}, the latest stored is {found}")


def check_checkpoint(
    result: Verificatie,
    stored: tuple[int, bytes, dt.datetime, str, str],
    recomputed: bytes,
    key: CheckpointVerifier,
    origin: str,
) -> None:
    """A stored checkpoint (size, root, time and key id columns, signed note) against the root recomputed at its
    size: the note must verify under `key` and be of `origin`, every column must say what the note says (a
    changed time or key id is as much tampering as a changed root), and the note must commit to the recomputed
    root."""
    grootte, wortel, tijd, sleutel_id, notitie = stored
    try:
        opened = open_checkpoint(notitie, key, origin)
    except CheckpointError as exc:
        result.fout(grootte - 1, f"checkpoint of size {grootte}: {exc}")
        return
    differing = [
        name
        for name, column, signed in (
            ("size", grootte, opened.size),
            ("root", wortel, opened.root),
            ("time", tijd, opened.time),
            ("key id", sleutel_id, opened.key_id),
        )
        if column != signed
    ]
    if differing:
        result.fout(grootte - 1, f"checkpoint of size {grootte}: columns differ from its note ({', '.join(differing)})")
    if opened.root != recomputed:
        result.fout(
            grootte - 1, f"checkpoint of size {grootte}: the log's root differs (a record before it was changed)"
        )


def check_consistent(
    result: Verificatie, older: tuple[int, bytes], newer: tuple[int, bytes], source: NodeSource
) -> None:
    """The tree of the `newer` checkpoint (size, root) extends that of the `older`: a consistency proof made from the
    nodes `source` holds verifies between their roots (RFC 9162), as a partner holding both would check."""
    (old_size, old_root), (new_size, new_root) = older, newer
    try:
        proof = consistency_proof(source, old_size, new_size)
    except (LookupError, ValueError):
        result.fout(None, f"the stored nodes give no consistency proof from size {old_size} to {new_size}")
        return
    if not verify_consistency(old_size, new_size, old_root, new_root, proof):
        result.fout(None, f"the checkpoints of sizes {old_size} and {new_size} are not consistent")


@dataclass(frozen=True)
class SigningRuleCheck:
    """The signing rule over the stored checkpoints (size and time, oldest first), the head's size and the
    records' times, with the writer's `records` and `seconds` (`service.audit.checkpointing` derives it).

    `windows` names, per checkpoint, the indexes whose records must be dated less than `seconds` after it; the
    caller reads the latest record time in each and hands them to `check`, with `from_start` False when the
    checkpoints handed in are only the latest ones (the quick check)."""

    records: int
    seconds: float

    def windows(self, checkpoints: Sequence[tuple[int, dt.datetime]], head: int) -> list[tuple[int, int]]:
        """Per checkpoint, the indexes [start, stop) from its size up to the last record before the next
        checkpoint (which may be that late: it made the next one due), or up to the head after the newest."""
        ends = [size - 1 for size, _ in checkpoints[1:]] + [head] if checkpoints else []
        return [(size, max(size, end)) for (size, _), end in zip(checkpoints, ends, strict=True)]

    def check(
        self,
        result: Verificatie,
        checkpoints: Sequence[tuple[int, dt.datetime]],
        head: int,
        newest: Sequence[dt.datetime | None],
        *,
        from_start: bool = True,
    ) -> None:
        """Note every place the rule is broken: `newest` holds the latest record time in each of `windows`."""
        rule = f"(signing rule: every {self.records} records or {self.seconds:g} s)"
        if from_start and not checkpoints and head > 0:
            result.fout(0, f"the log holds {head} records and no checkpoint: the first record is signed at once {rule}")
        if from_start and checkpoints and checkpoints[0][0] > 1:
            result.fout(
                0, f"the first checkpoint has size {checkpoints[0][0]}: the first record is signed at once {rule}"
            )
        for (earlier, _), (later, _) in itertools.pairwise(checkpoints):
            if later - earlier > self.records:
                result.fout(earlier, f"no checkpoint between sizes {earlier} and {later}: one was removed {rule}")
        if checkpoints and head - checkpoints[-1][0] >= self.records:
            size = checkpoints[-1][0]
            past = f"{head - size} records past the newest checkpoint (size {size}): its checkpoint was removed"
            result.fout(size, f"the head is {past} {rule}")
        for n, ((size, tijd), latest) in enumerate(zip(checkpoints, newest, strict=True)):
            if latest is None or (latest - tijd).total_seconds() < self.seconds:
                continue
            late = f"{(latest - tijd).total_seconds():g} s"
            if n + 1 < len(checkpoints):
                where = f"not followed by one at once (the next is of size {checkpoints[n + 1][0]}): one was removed"
                result.fout(size, f"a record dated {late} after the checkpoint of size {size} is {where} {rule}")
            else:
                where = f"after the newest checkpoint (size {size}) is unsigned: its checkpoint was removed"
                result.fout(size, f"a record dated {late} {where} {rule}")


def stored_root(result: Verificatie, source: NodeSource, size: int) -> bytes | None:
    """The root at `size` from the nodes `source` holds; None (and a problem) when they do not give it."""
    try:
        return root(source, size)
    except LookupError:
        result.fout(None, f"the stored nodes do not give the root at size {size}")
        return None


def columns_agree(record: Mapping[str, object], columns: tuple[object, ...]) -> bool:
    """Whether a record's query columns (id, partner, casus, doel, uitkomst, tijd) say what the record says."""
    ident, partner, casus, doel, uitkomst, tijd = columns
    stamp = record_tijd(tijd) if isinstance(tijd, dt.datetime) else None
    return (record.get("id"), record.get("partner"), record.get("casus"), record.get("doel")) == (
        ident,
        partner,
        casus,
        doel,
    ) and (record.get("uitkomst"), record.get("tijd")) == (uitkomst, stamp)


class TreeCheck:
    """The tree pass of a full verification: fed the stored records a block at a time (`add_block`), it checks
    that indexes run on without a gap and each stored leaf hash is its record's, recomputes the block's complete
    nodes (`BlockRecomputation`), and compares them with the stored ones the caller reads for it (`compare`)."""

    def __init__(self, result: Verificatie, block_level: int = DEFAULT_BLOCK_LEVEL) -> None:
        self.result = result
        self.tree = BlockRecomputation(block_level)
        self.done = False  # the end of the records, or a gap, was reached
        self.node_problem: tuple[int, str] | None = None  # the node problem with the lowest first leaf

    def add_block(self, rows: Sequence[tuple[int, bytes, bytes]]) -> list[NodeRun] | None:
        """Check the next block: stored (log_index, record, blad_hash) rows from index `tree.size` on, at most
        `tree.block_size`, in log order. Returns the recomputed nodes above the leaves for the caller to compare
        with the stored ones (level 0 is the stored leaf hashes, checked here), or None when there were no
        leaves (the end, or a gap at the block's start)."""
        start, wanted = self.tree.size, self.tree.block_size
        leaves: list[bytes] = []
        sha256 = hashlib.sha256
        for index, record, blad in rows:
            expected = start + len(leaves)
            if index != expected:
                self.result.fout(expected, f"index {expected}: record missing (next stored index is {index})")
                self.done = True
                break
            leaf = sha256(LEAF_PREFIX + record).digest()
            if leaf != blad:
                self.result.fout(index, f"index {index}: stored leaf hash does not match the record")
            leaves.append(leaf)
        if len(rows) < wanted:
            self.done = True
        if not leaves:
            return None
        return [run for run in self.tree.add_block(leaves) if run.level > 0]

    def compare(self, run: NodeRun, stored: Sequence[tuple[int, bytes]]) -> None:
        """Compare recomputed nodes with the stored (positie, hash) of the same level and positions."""
        if len(stored) == len(run.hashes) and b"".join(h for _, h in stored) == b"".join(run.hashes):
            return
        for offset, value in enumerate(run.hashes):
            position = run.first + offset
            if offset >= len(stored) or stored[offset] != (position, value):
                self.node_at(run.level, position)
                return

    def node_at(self, level: int, position: int) -> None:
        """Note a wrong or missing stored node (kept if its first leaf is the lowest so far)."""
        first_leaf = position << level
        if self.node_problem is None or first_leaf < self.node_problem[0]:
            problem = f"stored log node at level {level}, position {position} is wrong or missing"
            self.node_problem = (first_leaf, problem)

    def report_node_problem(self) -> bool:
        """Report the node problem noted with the lowest first leaf, if any; True when there was one."""
        if self.node_problem is None:
            return False
        first_leaf, problem = self.node_problem
        self.result.fout(min(first_leaf, max(self.tree.size - 1, 0)), problem)
        return True

    def check_node_counts(self, counts: Mapping[int, int]) -> None:
        """Report the first level holding another number of stored nodes (`counts`: per level) than the tree."""
        size = self.tree.size
        for level, count in sorted(counts.items()):
            if count != size >> level:
                self.result.fout(
                    max(size - 1, 0), f"level {level} holds {count} stored log nodes, the tree has {size >> level}"
                )
                return

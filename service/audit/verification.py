"""Checking a stored verstrekking log against what is recomputed from it: pure, over what a store hands in.

`service.service_layer.logboek.controle` reads the records, nodes, checkpoints and head from the database and
hands them to the checks here; they recompute and compare, and note every problem in a `Verificatie`.

Invariants (DESIGN invariant 6):
- Nothing stored is trusted but the checkpoint key: a leaf is the hash of the stored record bytes, the tree is
  recomputed from those leaves (`TreeCheck`), a checkpoint counts only when its note verifies under the key and
  names the log's origin, and its root is compared with the recomputed (or, for the quick check, the stored
  nodes') root at its size.
- Checks never raise over bad stored data: every finding is a problem in the `Verificatie`, with the first
  record index it can name. Problem texts name indexes, sizes and levels, never a record's content.
- No I/O: rows, node runs, counts and a `NodeSource` are handed in; the time is never read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from service.audit.checkpoint import CheckpointError, open_checkpoint
from service.audit.merkle import LEAF_PREFIX, NodeSource, root
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

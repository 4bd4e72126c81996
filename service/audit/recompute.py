"""Recomputing an RFC 9162 tree from its leaf hashes in aligned blocks, for `audit verify`.

`verify` must recompute every complete node of the log (to compare with the stored ones) and the root at every
checkpointed size. Done leaf by leaf (`RootAccumulator`, `completed_nodes`) that is a Python loop step and a
lookup per node; done per block of 2**`block_level` leaves, every level of the block is one list
comprehension over the level below, and the stored nodes of a level can be compared as one byte string. The
blocks' own roots (level `block_level`) are combined further as they complete, like `completed_nodes` does.

Invariants:
- Blocks are added in order: block b holds leaves [b * 2**block_level, ...), every block full except the last.
- `add_block` returns every complete node of the tree that the block completes, grouped per level as runs of
  consecutive positions, each exactly once over all calls; together they are all complete nodes of the tree.
- `root(size)` equals `merkle.root` of the first `size` leaves for every size from the start of the latest
  block up to the leaves added so far: the nodes it needs are the latest block's and the blocks' roots.
- Pure: no I/O; the hashing is `merkle.node_hash`'s (SHA-256 with the 0x01 prefix).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from service.audit.merkle import NODE_PREFIX, root

DEFAULT_BLOCK_LEVEL = 13  # 8,192 leaves: ~0.5 MB of hashes per block, a query per level per block

_sha256 = hashlib.sha256


@dataclass(frozen=True, slots=True)
class NodeRun:
    """Recomputed complete nodes (level, first, first + 1, ...): what the store should hold at those places."""

    level: int
    first: int
    hashes: list[bytes]


class BlockRecomputation:
    """The complete nodes and roots of a tree recomputed block by block (see the module invariants)."""

    def __init__(self, block_level: int = DEFAULT_BLOCK_LEVEL) -> None:
        if block_level < 0:
            raise ValueError("block_level must be >= 0")
        self.block_level = block_level
        self.block_size = 1 << block_level
        self._size = 0
        self._levels: list[list[bytes]] = []  # the latest block's levels 0..block_level (complete nodes only)
        self._upper: dict[tuple[int, int], bytes] = {}  # nodes at block_level and above

    @property
    def size(self) -> int:
        """The number of leaves added."""
        return self._size

    def add_block(self, leaves: list[bytes]) -> list[NodeRun]:
        """Add the next block of leaf hashes; returns the complete nodes it completes, level 0 first.

        Raises:
            ValueError: a block after a partial one, an empty block, or one larger than the block size.
        """
        if self._size % self.block_size or not 0 < len(leaves) <= self.block_size:
            raise ValueError("blocks are added in order, each full except the last")
        start = self._size
        runs: list[NodeRun] = []
        levels: list[list[bytes]] = []
        level_hashes = leaves
        for level in range(self.block_level + 1):
            if not level_hashes:
                break
            levels.append(level_hashes)
            if level < self.block_level:
                runs.append(NodeRun(level, start >> level, level_hashes))
                pairs = range(0, len(level_hashes) - 1, 2)
                level_hashes = [_sha256(NODE_PREFIX + level_hashes[i] + level_hashes[i + 1]).digest() for i in pairs]
        self._levels = levels
        self._size += len(leaves)
        if len(leaves) == self.block_size:  # the block's root completes, and perhaps nodes above it
            runs.extend(NodeRun(level, position, [value]) for level, position, value in self._complete_upper(levels))
        return runs

    def _complete_upper(self, levels: list[list[bytes]]) -> list[tuple[int, int, bytes]]:
        level = self.block_level
        position = (self._size >> level) - 1
        current = levels[level][0]
        done = [(level, position, current)]
        self._upper[(level, position)] = current
        while position & 1:
            current = _sha256(NODE_PREFIX + self._upper[(level, position - 1)] + current).digest()
            level += 1
            position >>= 1
            self._upper[(level, position)] = current
            done.append((level, position, current))
        return done

    def node(self, level: int, index: int) -> bytes:
        """A complete node of the latest block, or one at block level and above (a `NodeSource`)."""
        if level >= self.block_level and (level, index) in self._upper:
            return self._upper[(level, index)]
        offset = index - ((self._size - 1) >> self.block_level << self.block_level >> level)
        if level < len(self._levels) and 0 <= offset < len(self._levels[level]):
            return self._levels[level][offset]
        raise LookupError(f"node ({level}, {index}) is not held")

    def root(self, size: int) -> bytes:
        """MTH of the first `size` leaves, for a size within the latest block (see the module invariants).

        Raises:
            LookupError: `size` lies before the latest block or beyond the leaves added.
        """
        if size > self._size:
            raise LookupError("size is beyond the leaves added")
        return root(self, size)

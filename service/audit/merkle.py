"""The RFC 9162 (Certificate Transparency v2) Merkle tree over the verstrekking log, section 2.1.

Hashing (RFC 9162 2.1.1), with SHA-256:

    MTH({})        = SHA-256()                                  (`EMPTY_ROOT`)
    leaf hash      = SHA-256(0x00 || leaf data)                 (`leaf_hash`)
    node hash      = SHA-256(0x01 || left || right)             (`node_hash`)
    MTH(D[n]), n>1 = node hash(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two smaller than n

Storage model: a tree is held as its *complete* subtree nodes only. Node (level, index) is the hash of the
complete subtree of 2**level leaves covering leaves [index * 2**level, (index + 1) * 2**level); level 0 holds
the leaf hashes. A node never changes once it exists, so a store can write it once (append-only), and every
root, inclusion proof and consistency proof of any tree size up to the current one is computed from O(log n)
node lookups (`NodeSource`). `completed_nodes` says which nodes a new leaf completes (1 + the number of
trailing one bits of its index: two on average). A database store should not query node by node: the nodes a
root or proof reads depend only on the sizes and indexes, and `nodes_for_root`, `nodes_for_inclusion_proof` and
`nodes_for_consistency_proof` list them (at most ~2 log2 n) so they can be fetched in one query first.

Proofs and their verifiers are in `proofs`; appending a batch of leaves to a stored tree is `append_leaves`.

Invariants:
- `root` returns exactly MTH of RFC 9162 2.1.1 for the leaves the source holds; `completed_nodes` and
  `append_leaves` return exactly the complete nodes a stored tree gains (tests compare both with a naive
  recursive reference and the published RFC 6962 test vectors).
- A node never changes once complete: `append_leaves` only adds nodes, never returns one the source holds.
- Nothing here does I/O; the functions are pure over the `NodeSource` they are given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Protocol

HASH_SIZE = 32
LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

_sha256 = hashlib.sha256


def leaf_hash(data: bytes) -> bytes:
    """The RFC 9162 leaf hash of one record's bytes: SHA-256(0x00 || data)."""
    return _sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The RFC 9162 interior node hash: SHA-256(0x01 || left || right)."""
    return _sha256(NODE_PREFIX + left + right).digest()


class NodeSource(Protocol):
    """Where complete subtree nodes come from: memory, a database table, a file."""

    def node(self, level: int, index: int) -> bytes:
        """The hash of the complete subtree of 2**level leaves starting at leaf index * 2**level.

        Raises:
            LookupError: The node is not complete (yet) in this source.
        """
        ...


def completed_nodes(index: int, leaf: bytes, source: NodeSource) -> list[tuple[int, int, bytes]]:
    """The (level, index, hash) of every node that appending leaf number `index` completes, level 0 first.

    `source` must hold every complete node of the tree of size `index` (the leaves before this one). The
    result has 1 + (number of trailing one bits of `index`) entries: 2 per leaf on average.

    Raises:
        ValueError: `index` is negative or `leaf` is not a 32-byte hash.
        LookupError: `source` lacks a node of the tree of size `index`.
    """
    if index < 0:
        raise ValueError("leaf index must be >= 0")
    if len(leaf) != HASH_SIZE:
        raise ValueError("a leaf hash is 32 bytes")
    nodes = [(0, index, leaf)]
    level, position, current = 0, index, leaf
    while position & 1:
        current = node_hash(source.node(level, position - 1), current)
        level += 1
        position >>= 1
        nodes.append((level, position, current))
    return nodes


def append_leaves(source: NodeSource, size: int, leaves: Sequence[bytes]) -> list[tuple[int, int, bytes]]:
    """The (level, index, hash) of every node that appending `leaves` as leaves `size`, `size + 1`, ... completes:
    per leaf in order, level 0 first (what a store writes for the batch).

    `source` must hold every complete node of the tree of size `size`; of those, only the ones `root(source,
    size)` reads are asked for (`nodes_for_root(size)`: a store can fetch exactly them first). Nodes the batch
    itself completes are taken from the batch. `source` is never changed.

    Raises:
        ValueError: `size` is negative or a leaf is not a 32-byte hash.
        LookupError: `source` lacks a node of the tree of size `size`.
    """
    batch = _BatchNodes(source)
    out: list[tuple[int, int, bytes]] = []
    for offset, leaf in enumerate(leaves):
        for node in completed_nodes(size + offset, leaf, batch):
            batch.added[node[0], node[1]] = node[2]
            out.append(node)
    return out


class _BatchNodes:
    """The nodes a batch has completed so far, over the source that holds the tree before the batch."""

    __slots__ = ("_below", "added")

    def __init__(self, below: NodeSource) -> None:
        self._below = below
        self.added: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        found = self.added.get((level, index))
        return found if found is not None else self._below.node(level, index)


def subtree_hash(source: NodeSource, start: int, end: int) -> bytes:
    """MTH of the leaves [start, end), for a range that occurs in an RFC 9162 tree.

    Such a range is `start` aligned to a power of two that is >= end - start; its left part is complete and
    only the right edge may be incomplete. The range is covered left to right by the complete nodes given by
    the binary digits of its size, and those are combined right to left, which is exactly MTH's recursion.
    An empty range is the empty tree, `EMPTY_ROOT`. Costs popcount(end - start) lookups.

    Raises:
        ValueError: The range is not one an RFC 9162 tree uses.
        LookupError: `source` lacks one of the nodes.
    """
    size = end - start
    if start < 0 or size < 0:
        raise ValueError("subtree range must satisfy 0 <= start <= end")
    if size == 0:
        return EMPTY_ROOT
    span = 1 << (size - 1).bit_length()  # the smallest power of two >= size
    if start % span:
        raise ValueError("subtree range start is not aligned to its size")
    parts: list[bytes] = []
    position, remaining = start, size
    while remaining:
        level = remaining.bit_length() - 1
        parts.append(source.node(level, position >> level))
        position += 1 << level
        remaining -= 1 << level
    current = parts.pop()
    while parts:
        current = node_hash(parts.pop(), current)
    return current


def root(source: NodeSource, size: int) -> bytes:
    """MTH of the first `size` leaves: the root hash of the tree of that size (`EMPTY_ROOT` for 0).

    Raises:
        ValueError: `size` is negative.
        LookupError: `source` holds fewer than `size` leaves.
    """
    return subtree_hash(source, 0, size)


class RecordingSource:
    """A `NodeSource` that notes which nodes are asked for and answers with a placeholder hash.

    Which nodes a root or proof reads depends only on sizes and indexes, never on hash values, so running the
    computation over this source lists exactly the nodes it reads (`nodes_for_root`, `proofs.nodes_for_*`).
    """

    def __init__(self) -> None:
        self.requested: list[tuple[int, int]] = []

    def node(self, level: int, index: int) -> bytes:
        self.requested.append((level, index))
        return EMPTY_ROOT


def nodes_for_root(size: int) -> list[tuple[int, int]]:
    """The (level, index) of every node `root(source, size)` reads, so a store can fetch them in one query.

    Which nodes are read depends only on the sizes and indexes, never on hash values, so computing with a
    placeholder source gives the exact list (`RecordingSource`).

    Raises:
        ValueError: As `root`.
    """
    recorder = RecordingSource()
    root(recorder, size)
    return recorder.requested


class MemoryTree:
    """A `NodeSource` in memory that keeps every complete node: one byte array of 32-byte hashes per level.

    Used by tests and benchmarks; the database store keeps the same nodes in a table. About 64 bytes per
    leaf (2 nodes of 32 bytes), with no per-node Python object.
    """

    __slots__ = ("_levels", "_size")

    def __init__(self) -> None:
        self._levels: list[bytearray] = []
        self._size = 0

    @property
    def size(self) -> int:
        """The number of leaves appended."""
        return self._size

    def append(self, leaf: bytes) -> int:
        """Append one leaf hash; returns its index.

        Raises:
            ValueError: `leaf` is not a 32-byte hash.
        """
        index = self._size
        for level, _, digest in completed_nodes(index, leaf, self):
            if level == len(self._levels):
                self._levels.append(bytearray())
            self._levels[level] += digest
        self._size = index + 1
        return index

    def node(self, level: int, index: int) -> bytes:
        """The complete node (level, index).

        Raises:
            LookupError: The node is not complete in this tree.
        """
        if level < 0 or index < 0 or level >= len(self._levels):
            raise IndexError("no such complete node")
        offset = index * HASH_SIZE
        digest = bytes(self._levels[level][offset : offset + HASH_SIZE])
        if len(digest) != HASH_SIZE:
            raise IndexError("no such complete node")
        return digest

    def root(self, size: int | None = None) -> bytes:
        """The root hash at `size` leaves (default: all of them).

        Raises:
            ValueError: `size` is negative or larger than the tree.
        """
        size = self._size if size is None else size
        if not 0 <= size <= self._size:
            raise ValueError("size is outside the tree")
        return root(self, size)


class RootAccumulator:
    """The root of a log computed in one streaming pass: a stack of complete subtree hashes (a compact range).

    After n leaves the stack holds one hash per one bit of n, largest subtree first; adding a leaf merges the
    equal-sized subtrees at the top (amortised one node hash per leaf), and `root()` folds the stack right to
    left, which is MTH of all leaves so far. Memory is O(log n).
    """

    __slots__ = ("_size", "_stack")

    def __init__(self) -> None:
        self._stack: list[bytes] = []
        self._size = 0

    @property
    def size(self) -> int:
        """The number of leaves added."""
        return self._size

    def add(self, leaf_hash: bytes) -> None:
        """Add the next leaf hash (the caller's responsibility: 32 bytes, from `leaf_hash`)."""
        stack = self._stack
        n = self._size
        current = leaf_hash
        while n & 1:
            current = _sha256(NODE_PREFIX + stack.pop() + current).digest()
            n >>= 1
        stack.append(current)
        self._size += 1

    def root(self) -> bytes:
        """MTH of the leaves added so far (`EMPTY_ROOT` before the first)."""
        if not self._stack:
            return EMPTY_ROOT
        current = self._stack[-1]
        for left in reversed(self._stack[:-1]):
            current = node_hash(left, current)
        return current

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

Invariants:
- `root`, `inclusion_proof` and `consistency_proof` return exactly MTH, PATH and PROOF of RFC 9162 2.1.1,
  2.1.3.1 and 2.1.4.1 for the leaves the source holds; tests compare them with a naive recursive reference
  and the published RFC 6962 test vectors.
- The verifiers are the iterative algorithms of RFC 9162 2.1.3.2 and 2.1.4.2. They never raise: anything
  malformed (wrong types, hashes that are not 32 bytes, negative or inconsistent sizes, too long or too short
  proofs) returns False.
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
# Sizes and indexes are uint64 in RFC 9162; a proof for such a tree has at most 64 (inclusion) or 65
# (consistency) hashes, so anything longer is rejected before any hashing.
MAX_TREE_SIZE = 2**64 - 1
_MAX_PROOF_LENGTH = 65

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


def _largest_power_of_two_below(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2): RFC 9162's split point k."""
    return 1 << ((n - 1).bit_length() - 1)


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


def inclusion_proof(source: NodeSource, index: int, size: int) -> list[bytes]:
    """PATH(index, D[size]) of RFC 9162 2.1.3.1: the audit path of leaf `index` in the tree of `size` leaves.

    The path is ordered from the leaf's sibling up to the root's other child. Walking down from the root,
    every sibling on the way is a complete node (one lookup) except at most one right-edge sibling, the first
    time the walk turns left out of an incomplete range (popcount lookups), so the cost is O(log n).

    Raises:
        ValueError: Not 0 <= index < size.
        LookupError: `source` holds fewer than `size` leaves.
    """
    if not 0 <= index < size:
        raise ValueError("inclusion proof needs 0 <= index < size")
    upper: list[bytes] = []  # siblings found above the complete subtree holding the leaf, root first
    low, high = 0, size
    while (high - low) & (high - low - 1):  # [low, high) is not a complete subtree
        k = _largest_power_of_two_below(high - low)
        if index < low + k:
            upper.append(subtree_hash(source, low + k, high))
            high = low + k
        else:
            upper.append(source.node(k.bit_length() - 1, low >> (k.bit_length() - 1)))
            low += k
    height = (high - low).bit_length() - 1
    proof = [source.node(level, (index >> level) ^ 1) for level in range(height)]
    proof.extend(reversed(upper))
    return proof


def consistency_proof(source: NodeSource, old_size: int, new_size: int) -> list[bytes]:
    """PROOF(old_size, D[new_size]) of RFC 9162 2.1.4.1, computed from complete nodes.

    SUBPROOF(m, D[n], b) is unrolled: walking down, each step appends one hash after the deeper part, and
    the walk ends where m equals the range size (adding MTH of that range unless it is the old tree itself).
    Only the first left turn out of an incomplete range needs a right-edge subtree hash; everything else is
    one lookup per step. The proof between equal sizes, and from the empty tree, is empty.

    Raises:
        ValueError: Not 0 <= old_size <= new_size.
        LookupError: `source` holds fewer than `new_size` leaves.
    """
    if not 0 <= old_size <= new_size:
        raise ValueError("consistency proof needs 0 <= old_size <= new_size")
    if old_size in (0, new_size):
        return []
    after: list[bytes] = []  # hashes appended after the recursive part, outermost first
    m, low, high, whole_old_tree = old_size, 0, new_size, True
    while m != high - low:
        k = _largest_power_of_two_below(high - low)
        if m <= k:
            after.append(subtree_hash(source, low + k, high))
            high = low + k
        else:
            after.append(source.node(k.bit_length() - 1, low >> (k.bit_length() - 1)))
            low += k
            m -= k
            whole_old_tree = False
    proof = [] if whole_old_tree else [subtree_hash(source, low, high)]
    proof.extend(reversed(after))
    return proof


class _RecordingSource:
    """A `NodeSource` that notes which nodes are asked for and answers with a placeholder hash."""

    def __init__(self) -> None:
        self.requested: list[tuple[int, int]] = []

    def node(self, level: int, index: int) -> bytes:
        self.requested.append((level, index))
        return EMPTY_ROOT


def nodes_for_root(size: int) -> list[tuple[int, int]]:
    """The (level, index) of every node `root(source, size)` reads, so a store can fetch them in one query.

    Which nodes are read depends only on the sizes and indexes, never on hash values, so computing with a
    placeholder source gives the exact list. The same holds for the two functions below.

    Raises:
        ValueError: As `root`.
    """
    recorder = _RecordingSource()
    root(recorder, size)
    return recorder.requested


def nodes_for_inclusion_proof(index: int, size: int) -> list[tuple[int, int]]:
    """The (level, index) of every node `inclusion_proof(source, index, size)` reads.

    Raises:
        ValueError: As `inclusion_proof`.
    """
    recorder = _RecordingSource()
    inclusion_proof(recorder, index, size)
    return recorder.requested


def nodes_for_consistency_proof(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The (level, index) of every node `consistency_proof(source, old_size, new_size)` reads.

    Raises:
        ValueError: As `consistency_proof`.
    """
    recorder = _RecordingSource()
    consistency_proof(recorder, old_size, new_size)
    return recorder.requested


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_TREE_SIZE


def _is_proof(proof: object) -> bool:
    return (
        isinstance(proof, Sequence)
        and not isinstance(proof, bytes | str)
        and len(proof) <= _MAX_PROOF_LENGTH
        and all(_is_hash(element) for element in proof)
    )


def verify_inclusion(leaf_hash: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """True exactly when `proof` shows leaf `leaf_hash` at `index` in the tree of `size` leaves with `root`.

    RFC 9162 2.1.3.2. Never raises: malformed input returns False.
    """
    if not (_is_hash(leaf_hash) and _is_hash(root) and _is_size(index) and _is_size(size) and _is_proof(proof)):
        return False
    if index >= size:
        return False
    fn, sn, r = index, size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = _sha256(NODE_PREFIX + p + r).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = _sha256(NODE_PREFIX + r + p).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_consistency(old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]) -> bool:
    """True exactly when `proof` shows the tree (`old_size`, `old_root`) is a prefix of (`new_size`, `new_root`).

    RFC 9162 2.1.4.2, with the cases it leaves to the caller made explicit: equal sizes need an empty proof
    and equal roots; the empty tree (size 0) needs an empty proof and `old_root` equal to MTH({}) (stricter
    than implementations that ignore the old root there); a smaller new size is never consistent. Never
    raises: malformed input returns False.
    """
    if not (_is_hash(old_root) and _is_hash(new_root) and _is_size(old_size) and _is_size(new_size)):
        return False
    if not _is_proof(proof) or old_size > new_size:
        return False
    if old_size == new_size:
        return len(proof) == 0 and old_root == new_root
    if old_size == 0:
        return len(proof) == 0 and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = _sha256(NODE_PREFIX + c + fr).digest()
            sr = _sha256(NODE_PREFIX + c + sr).digest()
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = _sha256(NODE_PREFIX + sr + c).digest()
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


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

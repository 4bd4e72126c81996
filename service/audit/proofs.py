"""RFC 9162 inclusion and consistency proofs over complete subtree nodes, and their verifiers (2.1.3, 2.1.4).

Proofs are computed from a `NodeSource` (see `merkle`: a tree held as its complete nodes), reading O(log n)
nodes; `nodes_for_inclusion_proof` and `nodes_for_consistency_proof` list those nodes up front so a store can
fetch them in one query.

Invariants:
- `inclusion_proof` and `consistency_proof` return exactly PATH and PROOF of RFC 9162 2.1.3.1 and 2.1.4.1 for
  the leaves the source holds; tests compare them with a naive recursive reference and the published RFC 6962
  test vectors.
- The verifiers are the iterative algorithms of RFC 9162 2.1.3.2 and 2.1.4.2. They never raise: anything
  malformed (wrong types, hashes that are not 32 bytes, negative or inconsistent sizes, too long or too short
  proofs) returns False.
- Nothing here does I/O; the functions are pure over the `NodeSource` they are given.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from service.audit.merkle import EMPTY_ROOT, HASH_SIZE, NODE_PREFIX, NodeSource, RecordingSource, subtree_hash

# Sizes and indexes are uint64 in RFC 9162; a proof for such a tree has at most 64 (inclusion) or 65
# (consistency) hashes, so anything longer is rejected before any hashing.
MAX_TREE_SIZE = 2**64 - 1
_MAX_PROOF_LENGTH = 65

_sha256 = hashlib.sha256


def _largest_power_of_two_below(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2): RFC 9162's split point k."""
    return 1 << ((n - 1).bit_length() - 1)


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


def nodes_for_inclusion_proof(index: int, size: int) -> list[tuple[int, int]]:
    """The (level, index) of every node `inclusion_proof(source, index, size)` reads.

    Raises:
        ValueError: As `inclusion_proof`.
    """
    recorder = RecordingSource()
    inclusion_proof(recorder, index, size)
    return recorder.requested


def nodes_for_consistency_proof(old_size: int, new_size: int) -> list[tuple[int, int]]:
    """The (level, index) of every node `consistency_proof(source, old_size, new_size)` reads.

    Raises:
        ValueError: As `consistency_proof`.
    """
    recorder = RecordingSource()
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

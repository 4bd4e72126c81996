"""The Merkle tree is RFC 9162's: compared with a naive reference written from the RFC's definitions, with the
published RFC 6962 test vectors, and with tampered proofs that must be rejected."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.audit import (
    EMPTY_ROOT,
    MemoryTree,
    RootAccumulator,
    completed_nodes,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_for_consistency_proof,
    nodes_for_inclusion_proof,
    nodes_for_root,
    root,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

# --- The naive reference, straight from RFC 9162 2.1.1, 2.1.3.1 and 2.1.4.1 -----------------------------------
# It works on the leaf *data* and recomputes every MTH recursively; nothing is shared with service.audit.


def _sha256(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    """The largest power of two smaller than n."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


@cache
def ref_mth(leaves: tuple[bytes, ...]) -> bytes:
    n = len(leaves)
    if n == 0:
        return _sha256(b"")
    if n == 1:
        return _sha256(b"\x00" + leaves[0])
    k = _k(n)
    return _sha256(b"\x01" + ref_mth(leaves[:k]) + ref_mth(leaves[k:]))


def ref_path(m: int, leaves: tuple[bytes, ...]) -> list[bytes]:
    n = len(leaves)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return [*ref_path(m, leaves[:k]), ref_mth(leaves[k:])]
    return [*ref_path(m - k, leaves[k:]), ref_mth(leaves[:k])]


def ref_subproof(m: int, leaves: tuple[bytes, ...], b: bool) -> list[bytes]:
    n = len(leaves)
    if m == n:
        return [] if b else [ref_mth(leaves)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, leaves[:k], b), ref_mth(leaves[k:])]
    return [*ref_subproof(m - k, leaves[k:], False), ref_mth(leaves[:k])]


def ref_proof(m: int, leaves: tuple[bytes, ...]) -> list[bytes]:
    return ref_subproof(m, leaves, True)


# --- Fixtures as module constants (hypothesis reuses them across examples) ------------------------------------

SMALL = 70
LARGE = 3000
DATA = tuple(i.to_bytes(2, "big") + b"deelpoort" * (i % 4) for i in range(LARGE))


def _tree(leaves: Sequence[bytes]) -> MemoryTree:
    tree = MemoryTree()
    for data in leaves:
        tree.append(leaf_hash(data))
    return tree


TREE = _tree(DATA)
ROOTS = [TREE.root(size) for size in range(LARGE + 1)]


def _flip(proof: Sequence[bytes], position: int) -> list[bytes]:
    changed = list(proof)
    changed[position] = bytes([changed[position][0] ^ 0x08]) + changed[position][1:]
    return changed


# --- Known answers: RFC 6962 test vectors ----------------------------------------------------------------------
# The leaves and hashes below are the Certificate Transparency test tree, as published in
# transparency-dev/merkle (testonly/constants.go and proof/verify_test.go; the same values appear in
# certificate-transparency-go and trillian). Before relying on them they were checked to agree with both this
# implementation and the naive reference above. The Go vectors number inclusion leaves from 1; here from 0.

KAT_LEAVES = tuple(
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
)
KAT_ROOTS = (
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
)
KAT_NODES = (
    (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ),
    (
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ),
    (
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ),
    ("5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",),
)
KAT_INCLUSION = (  # (index, size, proof)
    (0, 8, ("96a296d2", "5f083f0a", "6b47aaf2")),
    (5, 8, ("bc1a0643", "ca854ea1", "d37ee418")),
    (2, 3, ("fac54203",)),
    (1, 5, ("6e340b9c", "5f083f0a", "bc1a0643")),
)
KAT_CONSISTENCY = (  # (old size, new size, proof)
    (1, 8, ("96a296d2", "5f083f0a", "6b47aaf2")),
    (6, 8, ("0ebc5d34", "ca854ea1", "d37ee418")),
    (2, 5, ("5f083f0a", "bc1a0643")),
    (6, 7, ("0ebc5d34", "b08693ec", "d37ee418")),
)


def _kat_hash(prefix: str) -> bytes:
    """A full node hash of the test tree from the first hex digits the vectors above abbreviate."""
    matches = {node for level in KAT_NODES for node in level if node.startswith(prefix)}
    assert len(matches) == 1, prefix
    return bytes.fromhex(matches.pop())


KAT_TREE = _tree(KAT_LEAVES)


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    assert EMPTY_ROOT == hashlib.sha256(b"").digest() == MemoryTree().root() == RootAccumulator().root()


def test_hash_prefixes_are_rfc_9162s() -> None:
    assert leaf_hash(b"abc") == hashlib.sha256(b"\x00abc").digest()
    assert node_hash(b"L" * 32, b"R" * 32) == hashlib.sha256(b"\x01" + b"L" * 32 + b"R" * 32).digest()


@pytest.mark.parametrize("size", range(len(KAT_ROOTS)), ids=lambda size: f"size{size}")
def test_roots_match_the_published_rfc_6962_vectors(size: int) -> None:
    assert KAT_TREE.root(size).hex() == KAT_ROOTS[size]
    assert ref_mth(KAT_LEAVES[:size]).hex() == KAT_ROOTS[size]


def test_complete_nodes_match_the_published_vectors() -> None:
    for level, nodes in enumerate(KAT_NODES):
        for index, expected in enumerate(nodes):
            assert KAT_TREE.node(level, index).hex() == expected


@pytest.mark.parametrize(("index", "size", "expected"), KAT_INCLUSION, ids=[f"{i}-in-{n}" for i, n, _ in KAT_INCLUSION])
def test_inclusion_proofs_match_the_published_vectors(index: int, size: int, expected: tuple[str, ...]) -> None:
    proof = inclusion_proof(KAT_TREE, index, size)

    assert proof == [_kat_hash(prefix) for prefix in expected]
    assert verify_inclusion(leaf_hash(KAT_LEAVES[index]), index, size, proof, bytes.fromhex(KAT_ROOTS[size]))


@pytest.mark.parametrize(
    ("old", "new", "expected"), KAT_CONSISTENCY, ids=[f"{m}-to-{n}" for m, n, _ in KAT_CONSISTENCY]
)
def test_consistency_proofs_match_the_published_vectors(old: int, new: int, expected: tuple[str, ...]) -> None:
    proof = consistency_proof(KAT_TREE, old, new)

    assert proof == [_kat_hash(prefix) for prefix in expected]
    assert verify_consistency(old, new, bytes.fromhex(KAT_ROOTS[old]), bytes.fromhex(KAT_ROOTS[new]), proof)


# --- Exhaustive agreement with the reference for small trees ---------------------------------------------------


@pytest.mark.parametrize("size", range(SMALL + 1), ids=lambda size: f"size{size}")
def test_root_equals_mth_for_every_small_size(size: int) -> None:
    expected = ref_mth(DATA[:size])

    assert root(TREE, size) == expected == ROOTS[size]
    assert subtree_hash(TREE, 0, size) == expected


@pytest.mark.parametrize("size", range(1, SMALL + 1), ids=lambda size: f"size{size}")
def test_inclusion_proof_equals_path_for_every_index(size: int) -> None:
    for index in range(size):
        proof = inclusion_proof(TREE, index, size)

        assert proof == ref_path(index, DATA[:size]), index
        assert verify_inclusion(TREE.node(0, index), index, size, proof, ROOTS[size]), index


@pytest.mark.parametrize("size", range(SMALL + 1), ids=lambda size: f"size{size}")
def test_consistency_proof_equals_proof_for_every_old_size(size: int) -> None:
    for old in range(size + 1):
        proof = consistency_proof(TREE, old, size)

        assert proof == ([] if old in (0, size) else ref_proof(old, DATA[:size])), old
        assert verify_consistency(old, size, ROOTS[old], ROOTS[size], proof), old


# --- Larger random trees ------------------------------------------------------------------------------------------


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_proofs_agree_with_the_reference_for_larger_trees(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, LARGE), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(1, size), label="old")
    leaves = DATA[:size]

    assert ROOTS[size] == ref_mth(leaves)
    assert inclusion_proof(TREE, index, size) == ref_path(index, leaves)
    expected = [] if old == size else ref_proof(old, leaves)
    assert consistency_proof(TREE, old, size) == expected
    assert verify_inclusion(TREE.node(0, index), index, size, ref_path(index, leaves), ROOTS[size])
    assert verify_consistency(old, size, ROOTS[old], ROOTS[size], expected)


@settings(max_examples=40, deadline=None)
@given(st.integers(0, LARGE))
def test_subtree_hash_of_any_aligned_range_is_its_mth(size: int) -> None:
    span = 1 << max(size - 1, 0).bit_length()  # the smallest power of two >= size
    starts = list(range(0, LARGE - size + 1, span))
    for start in {*starts[:3], starts[-1]}:
        assert subtree_hash(TREE, start, start + size) == ref_mth(DATA[start : start + size])


# --- Building the tree ------------------------------------------------------------------------------------------


class DictSource:
    """A node store made only from `completed_nodes`' output."""

    def __init__(self) -> None:
        self.nodes: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        return self.nodes[(level, index)]


def test_completed_nodes_build_exactly_the_memory_trees_nodes() -> None:
    source = DictSource()
    for index in range(LARGE):
        new = completed_nodes(index, TREE.node(0, index), source)

        assert len(new) == 1 + (len(bin(index)) - len(bin(index).rstrip("1"))), index
        assert new[0] == (0, index, TREE.node(0, index))
        for level, position, digest in new:
            assert (level, position) not in source.nodes
            source.nodes[(level, position)] = digest

    assert len(source.nodes) <= 2 * LARGE
    for (level, position), digest in source.nodes.items():
        assert TREE.node(level, position) == digest
    assert root(source, LARGE) == ROOTS[LARGE]


def _only(nodes: list[tuple[int, int]]) -> DictSource:
    source = DictSource()
    source.nodes = {node: TREE.node(*node) for node in nodes}
    return source


@settings(max_examples=80, deadline=None)
@given(st.data())
def test_listed_nodes_are_exactly_enough_for_roots_and_proofs(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, LARGE), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(0, size), label="old")

    assert root(_only(nodes_for_root(size)), size) == ROOTS[size]
    needed = nodes_for_inclusion_proof(index, size)
    assert inclusion_proof(_only(needed), index, size) == inclusion_proof(TREE, index, size)
    assert len(needed) <= 2 * size.bit_length()
    needed = nodes_for_consistency_proof(old, size)
    assert consistency_proof(_only(needed), old, size) == consistency_proof(TREE, old, size)
    assert len(needed) <= 2 * size.bit_length()


def test_memory_tree_has_no_incomplete_nodes() -> None:
    tree = _tree(DATA[:5])

    assert tree.node(1, 1) == node_hash(tree.node(0, 2), tree.node(0, 3))
    for level, index in ((0, 5), (1, 2), (2, 1), (3, 0), (-1, 0), (0, -1)):
        with pytest.raises(LookupError):
            tree.node(level, index)


def test_append_rejects_what_is_not_a_hash() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        MemoryTree().append(b"short")


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: inclusion_proof(TREE, 5, 5), ValueError),
        (lambda: inclusion_proof(TREE, -1, 5), ValueError),
        (lambda: consistency_proof(TREE, 6, 5), ValueError),
        (lambda: consistency_proof(TREE, -1, 5), ValueError),
        (lambda: subtree_hash(TREE, 3, 5), ValueError),
        (lambda: root(TREE, LARGE + 1), LookupError),
        (lambda: inclusion_proof(TREE, 0, LARGE + 1), LookupError),
        (lambda: TREE.root(LARGE + 1), ValueError),
    ],
    ids=[
        "index-equals-size",
        "negative-index",
        "old-after-new",
        "negative-old",
        "unaligned-range",
        "root-beyond-the-tree",
        "proof-beyond-the-tree",
        "memory-root-beyond-the-tree",
    ],
)
def test_proof_requests_outside_the_tree_raise(call: Callable[[], object], error: type[Exception]) -> None:
    with pytest.raises(error):
        call()


def test_root_accumulator_equals_the_root_at_every_size() -> None:
    accumulator = RootAccumulator()
    assert accumulator.root() == ROOTS[0]
    for size in range(1, LARGE + 1):
        accumulator.add(TREE.node(0, size - 1))

        assert accumulator.size == size
        assert accumulator.root() == ROOTS[size], size


# --- Tampered proofs are rejected ---------------------------------------------------------------------------------

SOME_HASH = hashlib.sha256(b"some other hash").digest()


def _inclusion_tampers(index: int, size: int, proof: list[bytes]) -> dict[str, tuple[object, ...]]:
    """(leaf, index, size, proof, root) variants that must all fail."""
    leaf, good_root = TREE.node(0, index), ROOTS[size]
    cases: dict[str, tuple[object, ...]] = {
        "index+1": (leaf, index + 1, size, proof, good_root),
        "index-1": (leaf, index - 1, size, proof, good_root),
        "index^2": (leaf, index ^ 2, size, proof, good_root),
        "size*2": (leaf, index, size * 2, proof, good_root),
        "size//2": (leaf, index, size // 2, proof, good_root),
        "wrong-leaf": (SOME_HASH, index, size, proof, good_root),
        "wrong-root": (leaf, index, size, proof, SOME_HASH),
        "empty-root": (leaf, index, size, proof, EMPTY_ROOT),
        "extended": (leaf, index, size, [*proof, SOME_HASH], good_root),
        "extended-with-root": (leaf, index, size, [*proof, good_root], good_root),
        "prepended": (leaf, index, size, [SOME_HASH, *proof], good_root),
        "short-element": (leaf, index, size, [*proof[:-1], proof[-1][:31]] if proof else [b""], good_root),
        "leaf-not-bytes": ("x" * 32, index, size, proof, good_root),
        "proof-is-bytes": (leaf, index, size, b"".join(proof), good_root),
    }
    # A proof does not commit to the tree size by itself: the size and the root must come together from one
    # signed checkpoint. So a neighbouring size is tested with that size's own (authentic) root.
    for other in (size - 1, size + 1):
        if index < other <= LARGE:
            cases[f"size{other - size:+d}-with-its-root"] = (leaf, index, other, proof, ROOTS[other])
    if proof:
        cases["truncated"] = (leaf, index, size, proof[:-1], good_root)
        if len(proof) > 1:
            cases["reversed"] = (leaf, index, size, proof[::-1], good_root)
        for position in range(len(proof)):
            cases[f"flipped-{position}"] = (leaf, index, size, _flip(proof, position), good_root)
    return cases


@pytest.mark.parametrize("size", range(1, 41), ids=lambda size: f"size{size}")
def test_verify_inclusion_rejects_tampered_proofs(size: int) -> None:
    for index in range(size):
        proof = inclusion_proof(TREE, index, size)
        for name, arguments in _inclusion_tampers(index, size, proof).items():
            assert not verify_inclusion(*arguments), (index, name)  # type: ignore[arg-type]


def _consistency_tampers(old: int, new: int, proof: list[bytes]) -> dict[str, tuple[object, ...]]:
    """(old, new, old root, new root, proof) variants that must all fail."""
    old_root, new_root = ROOTS[old], ROOTS[new]
    cases: dict[str, tuple[object, ...]] = {
        "old-1": (old - 1, new, old_root, new_root, proof),
        "old+1": (old + 1, new, old_root, new_root, proof),
        "old^2": (old ^ 2, new, old_root, new_root, proof),
        "new*2": (old, new * 2, old_root, new_root, proof),
        "new//2": (old, new // 2, old_root, new_root, proof),
        "wrong-old-root": (old, new, SOME_HASH, new_root, proof),
        "wrong-new-root": (old, new, old_root, SOME_HASH, proof),
        "swapped-roots": (old, new, new_root, old_root, proof),
        "swapped-sizes": (new, old, new_root, old_root, proof),
        "empty-proof": (old, new, old_root, new_root, []),
        "extended": (old, new, old_root, new_root, [*proof, SOME_HASH]),
        "extended-with-old-root": (old, new, old_root, new_root, [*proof, old_root]),
        "extended-with-new-root": (old, new, old_root, new_root, [*proof, new_root]),
        "prepended": (old, new, old_root, new_root, [SOME_HASH, *proof]),
        "prepended-old-root": (old, new, old_root, new_root, [old_root, *proof]),
        "prepended-first": (old, new, old_root, new_root, [proof[0], *proof]),
        "truncated": (old, new, old_root, new_root, proof[:-1]),
        "short-element": (old, new, old_root, new_root, [*proof[:-1], proof[-1][:31]]),
        "roots-not-bytes": (old, new, old_root.hex(), new_root.hex(), proof),
        "too-long": (old, new, old_root, new_root, proof * 70),
    }
    for position in range(len(proof)):
        cases[f"flipped-{position}"] = (old, new, old_root, new_root, _flip(proof, position))
    return cases


@pytest.mark.parametrize("size", range(2, 41), ids=lambda size: f"size{size}")
def test_verify_consistency_rejects_tampered_proofs(size: int) -> None:
    for old in range(1, size):
        proof = consistency_proof(TREE, old, size)
        for name, arguments in _consistency_tampers(old, size, proof).items():
            assert not verify_consistency(*arguments), (old, name)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("old", "new", "old_root", "new_root", "proof", "expected"),
    [
        (0, 0, EMPTY_ROOT, EMPTY_ROOT, [], True),
        (0, 5, EMPTY_ROOT, ROOTS[5], [], True),
        (5, 5, ROOTS[5], ROOTS[5], [], True),
        (0, 5, SOME_HASH, ROOTS[5], [], False),
        (0, 5, EMPTY_ROOT, ROOTS[5], [EMPTY_ROOT], False),
        (5, 5, ROOTS[5], ROOTS[5], [ROOTS[5]], False),
        (5, 5, ROOTS[5], ROOTS[6], [], False),
        (6, 5, ROOTS[6], ROOTS[5], [], False),
        (-1, 5, EMPTY_ROOT, ROOTS[5], [], False),
        (1, 2, ROOTS[1], ROOTS[2], [], False),
        (1, 2**64, ROOTS[1], ROOTS[2], [TREE.node(0, 1)], False),
    ],
    ids=[
        "empty-to-empty",
        "empty-to-any",
        "equal-sizes",
        "empty-tree-with-another-root",
        "empty-tree-with-a-proof",
        "equal-sizes-with-a-proof",
        "equal-sizes-different-roots",
        "shrinking",
        "negative",
        "missing-proof",
        "size-beyond-uint64",
    ],
)
def test_consistency_edge_cases(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: list[bytes], expected: bool
) -> None:
    assert verify_consistency(old, new, old_root, new_root, proof) is expected


@pytest.mark.parametrize(
    ("index", "size", "leaf", "proof", "root_hash", "expected"),
    [
        (0, 1, TREE.node(0, 0), [], ROOTS[1], True),
        (0, 1, TREE.node(0, 0), [], TREE.node(0, 1), False),
        (0, 0, TREE.node(0, 0), [], EMPTY_ROOT, False),
        (1, 1, TREE.node(0, 0), [], ROOTS[1], False),
        (-1, 1, TREE.node(0, 0), [], ROOTS[1], False),
        (0, 1, b"", [], b"", False),
        (0, 2**64, TREE.node(0, 0), [], ROOTS[1], False),
    ],
    ids=["single-leaf", "single-leaf-wrong-root", "empty-tree", "index-equals-size", "negative", "empty", "huge"],
)
def test_inclusion_edge_cases(
    index: int, size: int, leaf: bytes, proof: list[bytes], root_hash: bytes, expected: bool
) -> None:
    assert verify_inclusion(leaf, index, size, proof, root_hash) is expected

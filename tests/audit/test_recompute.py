"""Block recomputation (`audit.recompute`) against the leaf-by-leaf tree (`MemoryTree`), for every size and block
size that makes a difference: the nodes it reports are exactly the complete nodes, each once, and its roots are
MTH."""

from __future__ import annotations

import hashlib

import pytest

from service.audit import MemoryTree, leaf_hash
from service.audit.recompute import BlockRecomputation


def _leaves(n: int) -> list[bytes]:
    return [leaf_hash(hashlib.sha256(str(i).encode()).digest()) for i in range(n)]


@pytest.mark.parametrize("block_level", [0, 1, 2, 3])
@pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 31, 33, 64, 70])
def test_the_reported_nodes_are_exactly_the_complete_nodes_and_the_roots_are_mth(block_level: int, size: int) -> None:
    leaves = _leaves(size)
    reference = MemoryTree()
    for leaf in leaves:
        reference.append(leaf)
    tree = BlockRecomputation(block_level)
    reported: list[tuple[int, int]] = []
    for start in range(0, size, tree.block_size):
        block = leaves[start : start + tree.block_size]
        for run in tree.add_block(block):
            for offset, value in enumerate(run.hashes):
                reported.append((run.level, run.first + offset))
                assert value == reference.node(run.level, run.first + offset)
        for at in range(start + 1, start + len(block) + 1):  # every size within the latest block
            assert tree.root(at) == reference.root(at)
    complete = [(level, p) for level in range(size.bit_length()) for p in range(size >> level)]
    assert sorted(reported) == sorted(complete)
    assert len(reported) == len(set(reported))
    assert tree.size == size


def test_blocks_must_come_in_order_and_only_the_last_may_be_partial() -> None:
    tree = BlockRecomputation(2)
    with pytest.raises(ValueError, match="in order"):
        tree.add_block([])
    with pytest.raises(ValueError, match="in order"):
        tree.add_block(_leaves(5))
    tree.add_block(_leaves(3))
    with pytest.raises(ValueError, match="in order"):
        tree.add_block(_leaves(4))


def test_a_root_outside_the_latest_block_is_refused_not_guessed() -> None:
    tree = BlockRecomputation(2)
    tree.add_block(_leaves(4))
    tree.add_block(_leaves(4))
    with pytest.raises(LookupError):
        tree.root(9)
    with pytest.raises(LookupError):
        tree.root(3)  # its level-1 node (1, 0) belongs to the first block, which is no longer held
    with pytest.raises(ValueError, match="block_level"):
        BlockRecomputation(-1)

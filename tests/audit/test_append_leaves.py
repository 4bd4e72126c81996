"""Appending a batch of leaves to a stored tree (`append_leaves`): exactly the nodes the tree gains, computed from
the frontier of the tree before the batch (`nodes_for_root`), which is all a store has to fetch first."""

from __future__ import annotations

import pytest

from service.audit import MemoryTree, append_leaves, completed_nodes, leaf_hash, nodes_for_root, root


class FrontierOnly:
    """A source holding only the given nodes; asking for any other fails the test's expectation loudly."""

    def __init__(self, nodes: dict[tuple[int, int], bytes]) -> None:
        self.nodes = dict(nodes)
        self.asked: list[tuple[int, int]] = []

    def node(self, level: int, index: int) -> bytes:
        self.asked.append((level, index))
        return self.nodes[(level, index)]  # KeyError (a LookupError) for a node not handed in


def _leaf(n: int) -> bytes:
    return leaf_hash(f"record {n}".encode())


def _tree(size: int) -> MemoryTree:
    tree = MemoryTree()
    for n in range(size):
        tree.append(_leaf(n))
    return tree


@pytest.mark.parametrize("size", [0, 1, 2, 3, 4, 7, 8, 15, 16, 31, 100], ids=lambda n: f"size-{n}")
@pytest.mark.parametrize("count", [0, 1, 2, 3, 5, 8, 17], ids=lambda n: f"batch-{n}")
def test_a_batch_completes_the_same_nodes_as_appending_leaf_by_leaf(size: int, count: int) -> None:
    before = _tree(size)
    frontier = FrontierOnly({key: before.node(*key) for key in nodes_for_root(size)})
    leaves = [_leaf(size + n) for n in range(count)]

    got = append_leaves(frontier, size, leaves)

    after, expected = _tree(size), []
    for n, leaf in enumerate(leaves):
        expected.extend(completed_nodes(size + n, leaf, after))  # over every node of the tree so far
        after.append(leaf)
    assert got == expected
    assert set(frontier.asked) <= set(nodes_for_root(size))  # the frontier is all a store must fetch first
    assert frontier.nodes == {key: before.node(*key) for key in nodes_for_root(size)}  # the source is unchanged
    # the frontier and the batch's nodes give the new root
    held = FrontierOnly({**frontier.nodes, **{(level, index): value for level, index, value in got}})
    assert root(held, size + count) == _tree(size + count).root()


def test_a_batch_needs_the_frontier() -> None:
    with pytest.raises(LookupError):
        append_leaves(FrontierOnly({}), 3, [_leaf(3)])  # leaf 3 pairs with nodes (0, 2) and (1, 0)


@pytest.mark.parametrize("bad", [b"", b"\x00" * 31, b"\x00" * 33], ids=["empty", "31-bytes", "33-bytes"])
def test_a_leaf_that_is_not_a_hash_is_refused(bad: bytes) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        append_leaves(FrontierOnly({}), 0, [_leaf(0), bad])

"""The signing rule over checkpoints, the head and record times, without a database: honest logs at the exact
bounds pass, one record or one second beyond them is named with the checkpoint it concerns; and the consistency
of two checkpoints over stored nodes."""

from __future__ import annotations

import datetime as dt

import pytest

from service.audit import MemoryTree, leaf_hash
from service.audit.verification import SigningRuleCheck, Verificatie, check_consistent

RULE = SigningRuleCheck(records=4, seconds=60)
T = dt.datetime(2026, 11, 23, 10, 15, tzinfo=dt.UTC)
LIMIT = dt.timedelta(seconds=60)
JUST = dt.timedelta(microseconds=1)

Checkpoints = list[tuple[int, dt.datetime]]


def _check(
    checkpoints: Checkpoints, head: int, late: dict[int, dt.datetime] | None = None, *, from_start: bool = True
) -> Verificatie:
    """The rule over a log whose records are all dated at their checkpoint's time, except `late` (index: time)."""
    windows = RULE.windows(checkpoints, head)
    newest = []
    for (start, stop), (_, tijd) in zip(windows, checkpoints, strict=True):
        times = [late.get(i, tijd) for i in range(start, stop)] if late else [tijd] * (stop - start)
        newest.append(max(times, default=None))
    result = Verificatie()
    RULE.check(result, checkpoints, head, newest, from_start=from_start)
    return result


def test_windows_run_to_the_last_record_before_the_next_checkpoint_and_to_the_head() -> None:
    assert RULE.windows([(1, T), (5, T), (6, T)], 8) == [(1, 4), (5, 5), (6, 8)]
    assert RULE.windows([], 0) == []
    assert RULE.windows([(9, T)], 3) == [(9, 9)]  # a checkpoint beyond the head (reported elsewhere)


HONEST = [
    pytest.param([], 0, None, id="empty"),
    pytest.param([(1, T)], 1, None, id="one-record"),
    pytest.param([(1, T), (5, T), (9, T)], 12, None, id="gaps-and-tail-at-the-bound"),
    pytest.param([(1, T), (3, T), (4, T), (7, T)], 9, None, id="audit-checkpoint-at-odd-sizes"),
    pytest.param([(1, T), (5, T)], 8, {3: T + LIMIT - JUST, 7: T + LIMIT - JUST}, id="just-in-time"),
    pytest.param([(1, T), (3, T + LIMIT)], 4, {2: T + LIMIT}, id="the-late-record-made-the-next-due"),
    pytest.param([(1, T), (2, T)], 3, {0: T + 10 * LIMIT}, id="records-before-the-checkpoint-do-not-count"),
    pytest.param([(1, T)], 3, {1: T - 10 * LIMIT, 2: T - LIMIT}, id="records-dated-before-it"),
]


@pytest.mark.parametrize(("checkpoints", "head", "late"), HONEST)
def test_honest_logs_at_the_exact_bounds_pass(
    checkpoints: Checkpoints, head: int, late: dict[int, dt.datetime] | None
) -> None:
    result = _check(checkpoints, head, late)
    assert result.ok, result.problemen


BROKEN = [
    pytest.param([], 1, None, "the log holds 1 records and no checkpoint", 0, id="no-checkpoint"),
    pytest.param([(2, T)], 2, None, "the first checkpoint has size 2", 0, id="first-removed"),
    pytest.param([(1, T), (6, T)], 6, None, "no checkpoint between sizes 1 and 6: one was removed", 1, id="gap"),
    pytest.param(
        [(1, T), (5, T)], 9, None, "the head is 4 records past the newest checkpoint (size 5)", 5, id="tail-size"
    ),
    pytest.param(
        [(1, T), (4, T)],
        4,
        {2: T + LIMIT},
        "a record dated 60 s after the checkpoint of size 1 is not followed by one at once (the next is of size 4)",
        1,
        id="interval-time",
    ),
    pytest.param(
        [(1, T), (3, T)],
        5,
        {4: T + LIMIT},
        "a record dated 60 s after the newest checkpoint (size 3) is unsigned",
        3,
        id="tail-time",
    ),
]


@pytest.mark.parametrize(("checkpoints", "head", "late", "problem", "first"), BROKEN)
def test_one_beyond_the_bound_is_named_with_the_checkpoint_it_concerns(
    checkpoints: Checkpoints, head: int, late: dict[int, dt.datetime] | None, problem: str, first: int
) -> None:
    result = _check(checkpoints, head, late)
    assert len(result.problemen) == 1 and result.problemen[0].startswith(problem), result.problemen
    assert "(signing rule: every 4 records or 60 s)" in result.problemen[0]
    assert result.eerste_fout == first


def test_the_latest_checkpoints_alone_are_not_held_to_the_start() -> None:
    """The quick check hands in only the latest: a first checkpoint beyond size 1 is no finding there."""
    assert _check([(9, T)], 12, from_start=False).ok
    assert not _check([(9, T)], 13, from_start=False).ok


def _tree(size: int, salt: bytes = b"") -> MemoryTree:
    tree = MemoryTree()
    for n in range(size):
        tree.append(leaf_hash(salt + bytes([n])))
    return tree


@pytest.mark.parametrize(("old", "new"), [(1, 2), (3, 7), (4, 8), (5, 13)])
def test_two_checkpoints_of_one_tree_are_consistent(old: int, new: int) -> None:
    tree = _tree(new)
    result = Verificatie()
    check_consistent(result, (old, tree.root(old)), (new, tree.root(new)), tree)
    assert result.ok, result.problemen


def test_a_rewritten_history_is_not_consistent() -> None:
    """The older checkpoint's tree was another one (a record below it rewritten since): named, no index."""
    tree, other = _tree(13), _tree(5, b"x")
    result = Verificatie()
    check_consistent(result, (5, other.root()), (13, tree.root()), tree)
    assert result.problemen == ["the checkpoints of sizes 5 and 13 are not consistent"]
    assert result.eerste_fout is None


def test_missing_nodes_give_no_consistency_proof() -> None:
    class Empty:
        def node(self, level: int, position: int) -> bytes:
            raise LookupError((level, position))

    result = Verificatie()
    check_consistent(result, (5, bytes(32)), (13, bytes(32)), Empty())  # type: ignore[arg-type]
    assert result.problemen == ["the stored nodes give no consistency proof from size 5 to 13"]

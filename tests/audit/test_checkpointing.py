"""When the log signs a checkpoint (`CheckpointBeleid`), what a receipt promises, and what a signed checkpoint
commits to (`sign_tree`): pure, with the time as a parameter."""

from __future__ import annotations

import datetime as dt

import pytest

from service.audit import (
    CheckpointBeleid,
    CheckpointError,
    MemoryTree,
    leaf_hash,
    open_checkpoint,
    root,
    sign_tree,
)
from service.crypto import CheckpointSigner

BELEID = CheckpointBeleid("deelpoort.example/verstrekkingen", records=4, seconds=60.0)
T = dt.datetime(2026, 11, 23, 10, 15, tzinfo=dt.UTC)
SIGNER = CheckpointSigner("deelpoort.example/checkpoint", CheckpointSigner.generate_private_key())


def _at(seconds: float) -> dt.datetime:
    return T + dt.timedelta(seconds=seconds)


# (latest checkpoint (size, time) or None, tree size after the batch, now, due?)
DUE = [
    pytest.param(None, 1, T, True, id="no-checkpoint-yet"),
    pytest.param(None, 1000, _at(-3600), True, id="no-checkpoint-yet-whatever-the-time"),
    pytest.param((4, T), 5, _at(1), False, id="one-record-added-soon-after"),
    pytest.param((4, T), 7, _at(59), False, id="one-record-short-and-a-second-short"),
    pytest.param((4, T), 8, _at(1), True, id="records-reached-exactly"),
    pytest.param((4, T), 300, _at(0), True, id="records-far-exceeded"),
    pytest.param((4, T), 5, _at(59.999), False, id="seconds-just-short"),
    pytest.param((4, T), 5, _at(60), True, id="seconds-reached-exactly"),
    pytest.param((4, T), 5, _at(86400), True, id="seconds-far-exceeded"),
    pytest.param((4, T), 8, _at(60), True, id="both-reached"),
    pytest.param((4, T), 7, _at(-600), False, id="clock-behind-the-checkpoint-counts-no-time"),
    pytest.param((4, T), 4, _at(61), True, id="time-alone-suffices-when-asked"),
]


@pytest.mark.parametrize(("latest", "size", "now", "due"), DUE)
def test_a_checkpoint_is_due_every_n_records_or_t_seconds(
    latest: tuple[int, dt.datetime] | None, size: int, now: dt.datetime, due: bool
) -> None:
    assert BELEID.due(latest, size, now) is due


def test_the_defaults_are_256_records_or_a_minute() -> None:
    beleid = CheckpointBeleid("o")
    assert (beleid.records, beleid.seconds) == (256, 60.0)
    assert beleid.due((0, T), 255, _at(59.9)) is False
    assert beleid.due((0, T), 256, _at(0)) is True


# (size of the latest checkpoint after the batch, the record's index, the promised tree size)
PROMISED = [
    pytest.param(0, 0, 4, id="no-checkpoint-first-record"),
    pytest.param(0, 3, 4, id="no-checkpoint-last-record-of-the-first-n"),
    pytest.param(8, 9, 12, id="n-records-beyond-the-latest"),
    pytest.param(0, 10, 11, id="never-a-tree-that-excludes-the-record"),
]


@pytest.mark.parametrize(("latest", "index", "promised"), PROMISED)
def test_a_receipt_promises_a_covering_checkpoint_within_n_records(latest: int, index: int, promised: int) -> None:
    assert BELEID.promised_size(latest, index) == promised
    assert BELEID.promised_size(latest, index) > index


def _tree(size: int) -> MemoryTree:
    tree = MemoryTree()
    for n in range(size):
        tree.append(leaf_hash(f"record {n}".encode()))
    return tree


@pytest.mark.parametrize("size", [1, 2, 5, 8, 13], ids=lambda n: f"size-{n}")
def test_a_signed_checkpoint_commits_to_origin_size_root_and_time(size: int) -> None:
    tree = _tree(13)
    signed = sign_tree(SIGNER, BELEID.origin, tree, size, _at(0.75))
    opened = open_checkpoint(signed.note, SIGNER.verifier, BELEID.origin)
    assert (opened.origin, opened.size, opened.root) == (BELEID.origin, size, root(tree, size))
    assert opened.time == T  # whole seconds, UTC
    assert signed.checkpoint == opened.__class__(BELEID.origin, size, root(tree, size), T)
    assert signed.key_id == SIGNER.key_id == opened.key_id


def test_a_checkpoint_of_another_size_does_not_open_as_this_one() -> None:
    tree = _tree(8)
    note = sign_tree(SIGNER, BELEID.origin, tree, 7, T).note
    assert open_checkpoint(note, SIGNER.verifier).size == 7
    with pytest.raises(CheckpointError):
        open_checkpoint(note.replace("\n7\n", "\n8\n", 1), SIGNER.verifier)


def test_signing_a_tree_the_source_does_not_hold_raises_lookup_error() -> None:
    with pytest.raises(LookupError):
        sign_tree(SIGNER, BELEID.origin, _tree(3), 4, T)


def test_an_origin_a_checkpoint_cannot_carry_is_refused() -> None:
    with pytest.raises(CheckpointError):
        sign_tree(SIGNER, "two\nlines", _tree(1), 1, T)

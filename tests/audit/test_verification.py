"""The checks of a stored log, without a database: rows, stored node runs, counts and checkpoints handed in as
values, each tamper case naming the problem and the first index it expects."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from service.audit import Checkpoint, MemoryTree, leaf_hash, sign_checkpoint
from service.audit.verification import TreeCheck, Verificatie, check_checkpoint, check_head, columns_agree
from service.crypto import CheckpointSigner

ORIGIN = "deelpoort.example/verstrekkingen"
SIGNER = CheckpointSigner("deelpoort.example/checkpoint", CheckpointSigner.generate_private_key())
OTHER = CheckpointSigner("deelpoort.example/checkpoint", CheckpointSigner.generate_private_key())
T = dt.datetime(2026, 11, 23, 10, 15, tzinfo=dt.UTC)
SIZE = 11
BLOCK_LEVEL = 2  # blocks of 4 leaves: the 11 records make two full blocks and a partial one

Row = tuple[int, bytes, bytes]
Nodes = dict[tuple[int, int], bytes]


def _records() -> list[Row]:
    return [(n, f'{{"n":{n}}}'.encode(), leaf_hash(f'{{"n":{n}}}'.encode())) for n in range(SIZE)]


def _stored_nodes(rows: list[Row]) -> Nodes:
    tree = MemoryTree()
    for _, _, blad in rows:
        tree.append(blad)
    nodes: Nodes = {}
    for level in range(SIZE.bit_length()):
        for position in range(SIZE >> level):
            nodes[(level, position)] = tree.node(level, position)
    return nodes


def _verify(rows: list[Row], nodes: Nodes) -> tuple[Verificatie, TreeCheck]:
    """The tree pass as `logboek.verifieer` runs it over a store, with the store's reads answered from memory."""
    result = Verificatie()
    check = TreeCheck(result, BLOCK_LEVEL)
    while not check.done:
        start = check.tree.size
        runs = check.add_block([row for row in rows if row[0] >= start][: check.tree.block_size])
        if runs is None:
            break
        for run in runs:
            stored = [(p, nodes[(run.level, p)]) for p in range(run.first, run.first + len(run.hashes))]
            check.compare(run, [(p, h) for p, h in stored if h is not None])
    if not result.problemen and not check.report_node_problem():
        counts: dict[int, int] = {}
        for level, _ in nodes:
            counts[level] = counts.get(level, 0) + 1
        check.check_node_counts(counts)
    return result, check


def test_an_intact_log_has_no_problems_and_its_root() -> None:
    rows = _records()
    result, check = _verify(rows, _stored_nodes(rows))
    assert result.ok and result.eerste_fout is None
    tree = MemoryTree()
    for _, _, blad in rows:
        tree.append(blad)
    assert check.tree.size == SIZE and check.tree.root(SIZE) == tree.root()


def _drop_record(rows: list[Row], nodes: Nodes) -> None:
    del rows[5]


def _change_record(rows: list[Row], nodes: Nodes) -> None:
    rows[2] = (2, b'{"n":99}', rows[2][2])


def _change_node(rows: list[Row], nodes: Nodes) -> None:
    nodes[(1, 3)] = bytes(32)


def _drop_node(rows: list[Row], nodes: Nodes) -> None:
    nodes[(2, 1)] = None  # type: ignore[assignment]  # read as missing by `_verify`


def _extra_node(rows: list[Row], nodes: Nodes) -> None:
    nodes[(1, 9)] = bytes(32)


TAMPER = [
    pytest.param(_drop_record, "index 5: record missing (next stored index is 6)", 5, id="deleted-record"),
    pytest.param(_change_record, "index 2: stored leaf hash does not match the record", 2, id="changed-record"),
    pytest.param(_change_node, "stored log node at level 1, position 3 is wrong or missing", 6, id="changed-node"),
    pytest.param(_drop_node, "stored log node at level 2, position 1 is wrong or missing", 4, id="missing-node"),
    pytest.param(_extra_node, "level 1 holds 6 stored log nodes, the tree has 5", SIZE - 1, id="extra-node"),
]


@pytest.mark.parametrize(("tamper", "problem", "first"), TAMPER)
def test_tampering_is_named_with_its_first_index(
    tamper: Callable[[list[Row], Nodes], None], problem: str, first: int
) -> None:
    rows = _records()
    nodes = _stored_nodes(rows)
    tamper(rows, nodes)
    result, _ = _verify(rows, nodes)
    assert result.problemen[0] == problem
    assert result.eerste_fout == first


def _note(size: int, root: bytes, signer: CheckpointSigner = SIGNER, origin: str = ORIGIN) -> str:
    return sign_checkpoint(signer, Checkpoint(origin, size, root, T))


ROOT, OTHER_ROOT = leaf_hash(b"root"), leaf_hash(b"other")
KEY = SIGNER.key_id
CHECKPOINTS = [
    pytest.param((4, ROOT, T, KEY, _note(4, ROOT)), ROOT, [], id="intact"),
    pytest.param(
        (4, ROOT, T, KEY, _note(4, ROOT)),
        OTHER_ROOT,
        ["the log's root differs (a record before it was changed)"],
        id="root",
    ),
    pytest.param((4, OTHER_ROOT, T, KEY, _note(4, ROOT)), ROOT, ["columns differ from its note (root)"], id="columns"),
    pytest.param(
        (4, ROOT, T - dt.timedelta(hours=1), KEY, _note(4, ROOT)),
        ROOT,
        ["columns differ from its note (time)"],
        id="time",
    ),
    pytest.param(
        (4, ROOT, T, OTHER.key_id, _note(4, ROOT)), ROOT, ["columns differ from its note (key id)"], id="key-id"
    ),
    pytest.param(
        (5, ROOT, T + dt.timedelta(seconds=1), KEY, _note(4, ROOT)),
        ROOT,
        ["columns differ from its note (size, time)"],
        id="size-and-time",
    ),
    pytest.param(
        (4, ROOT, T, KEY, _note(4, ROOT, OTHER)), ROOT, ["checkpoint is not signed by the expected key"], id="other-key"
    ),
    pytest.param(
        (4, ROOT, T, KEY, _note(4, ROOT, origin="elsewhere")),
        ROOT,
        ["checkpoint is of another log"],
        id="other-origin",
    ),
]


@pytest.mark.parametrize(("stored", "recomputed", "problems"), CHECKPOINTS)
def test_a_checkpoint_counts_only_signed_by_the_key_and_committing_to_the_recomputed_root(
    stored: tuple[int, bytes, dt.datetime, str, str], recomputed: bytes, problems: list[str]
) -> None:
    result = Verificatie()
    check_checkpoint(result, stored, recomputed, SIGNER.verifier, ORIGIN)
    assert result.problemen == [f"checkpoint of size {stored[0]}: {p}" for p in problems]
    assert result.eerste_fout == (stored[0] - 1 if problems else None)


HEADS = [
    pytest.param((4, T), (4, T), None, id="agree"),
    pytest.param(None, None, None, id="no-checkpoint-yet"),
    pytest.param((8, T), (4, T), "as size 8, the latest stored is size 4", id="latest-removed"),
    pytest.param(None, (4, T), "as none, the latest stored is size 4", id="head-reset"),
    pytest.param((4, T), None, "as size 4, the latest stored is none", id="all-removed"),
]


@pytest.mark.parametrize(("named", "latest", "problem"), HEADS)
def test_the_head_names_the_latest_stored_checkpoint(
    named: tuple[int, dt.datetime] | None, latest: tuple[int, dt.datetime] | None, problem: str | None
) -> None:
    result = Verificatie()
    check_head(result, named, latest)
    expected = [] if problem is None else [f"the log head names the latest checkpoint {problem}"]
    assert result.problemen == expected and result.eerste_fout is None


def test_query_columns_agree_only_with_their_record() -> None:
    tijd = dt.datetime(2026, 11, 23, 10, 15, 0, 123456, tzinfo=dt.UTC)
    record = {"id": "r1", "partner": "p", "casus": None, "doel": "triage", "uitkomst": "leeg"}
    record["tijd"] = "2026-11-23T10:15:00.123456Z"
    assert columns_agree(record, ("r1", "p", None, "triage", "leeg", tijd))
    assert not columns_agree(record, ("r1", "p", None, "casusoverleg", "leeg", tijd))
    assert not columns_agree(record, ("r1", "p", None, "triage", "leeg", tijd + dt.timedelta(microseconds=1)))

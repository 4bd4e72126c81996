"""Judging the witnesses' answers against this log (`getuigenverslag.beoordeel`): which findings are alarms."""

from __future__ import annotations

import datetime as dt

from service.audit import MemoryTree, leaf_hash
from service.audit.checkpoint import Checkpoint
from service.crypto.cosigning import Cosigner
from service.service_layer.logboek.getuigen_inrichting import Getuige
from service.service_layer.logboek.getuigenverslag import Gecosigneerd, beoordeel

ORIGIN = "deelpoort.test/verstrekkingen"
NU = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)


def _getuige(naam: str) -> Getuige:
    return Getuige(f"https://{naam}", Cosigner(naam, Cosigner.generate_private_key()).verifier)


def _tree(n: int, salt: bytes = b"") -> MemoryTree:
    tree = MemoryTree()
    for i in range(n):
        tree.append(leaf_hash(salt + i.to_bytes(4, "big")))
    return tree


LOG = _tree(20)
A, B, C = _getuige("a.getuige.test"), _getuige("b.getuige.test"), _getuige("c.getuige.test")


def _cosigned(size: int, tree: MemoryTree = LOG) -> Gecosigneerd:
    return Gecosigneerd(Checkpoint(ORIGIN, size, tree.root(size), NU), NU)


def test_witnesses_that_cosigned_a_prefix_of_this_log_are_in_order() -> None:
    oordeel = beoordeel([(A, _cosigned(12)), (B, _cosigned(20))], 20, lambda s: LOG.root(s), quorum=2)
    assert [(v.getuige, v.grootte, v.achterstand, v.problemen, v.alarm) for v in oordeel.verslagen] == [
        ("a.getuige.test", 12, 8, (), False),
        ("b.getuige.test", 20, 0, (), False),
    ]
    assert oordeel.getuigd and not oordeel.alarm


def test_a_witness_that_saw_more_records_than_the_log_holds_is_an_alarm() -> None:
    """A database restored from an older backup, or cut back: the witness remembers the larger tree."""
    oordeel = beoordeel([(A, _cosigned(20)), (B, _cosigned(20))], 15, lambda s: LOG.root(s), quorum=1)
    assert oordeel.alarm and not oordeel.getuigd
    assert all("it cosigned 20 records, this log holds 15" in v.problemen[0] for v in oordeel.verslagen)


def test_a_rewritten_history_is_an_alarm() -> None:
    rewritten = _tree(20, b"x")
    oordeel = beoordeel([(A, _cosigned(10))], 20, lambda s: rewritten.root(s), quorum=1)
    assert oordeel.alarm
    assert oordeel.verslagen[0].problemen == (
        "this log's root at size 10 is not the root it cosigned: the history was rewritten",
    )


def test_a_split_view_is_an_alarm_on_both_witnesses_and_names_the_other() -> None:
    """Two witnesses that cosigned different roots at one size: the log showed them different histories."""
    fork = _tree(20, b"fork")
    oordeel = beoordeel([(A, _cosigned(20)), (B, _cosigned(20, fork))], 20, lambda s: LOG.root(s), quorum=1)
    a, b = oordeel.verslagen
    assert a.alarm and b.alarm
    assert a.problemen == ("split view: b.getuige.test cosigned another root at size 20",)
    assert "split view: a.getuige.test cosigned another root at size 20" in b.problemen


def test_an_unreachable_witness_is_a_problem_but_no_alarm_and_counts_against_the_quorum() -> None:
    antwoorden = [(A, _cosigned(20)), (B, "unreachable: no answer (ConnectionError)"), (C, _cosigned(18))]
    oordeel = beoordeel(antwoorden, 20, lambda s: LOG.root(s), quorum=2)
    assert not oordeel.alarm and oordeel.getuigd
    assert oordeel.verslagen[1].problemen == ("unreachable: no answer (ConnectionError)",)
    assert not oordeel.verslagen[1].in_orde
    assert not beoordeel(antwoorden, 20, lambda s: LOG.root(s), quorum=3).getuigd

"""The witness's pure decision (`service.audit.getuige`): never a rollback, never a fork, whatever is submitted."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.audit import EMPTY_ROOT, root, verify_consistency
from service.audit.cosignature import add_checkpoint
from service.audit.getuige import Cosignering, Inzending, beslis, lees_inzending
from service.crypto.cosigning import Cosigner
from service.domain.getuige import Reden, Stand, Weigering
from tests.getuige.conftest import NU, Log

LOG = Log()
FORK = LOG.fork()
COSIGNER = Cosigner("getuige.example/w1", bytes(range(32)))
LOGS = {LOG.origin: (LOG.signer.verifier,)}


def _inzending(body: bytes) -> Inzending:
    read = lees_inzending(body, LOGS)
    assert isinstance(read, Inzending), read
    return read


def _stand(log: Log, size: int) -> Stand:
    return Stand(size, root(log.tree, size))


@pytest.mark.parametrize(
    ("stored", "body", "reden"),
    [
        (10, add_checkpoint(10, [], LOG.note(5)).body(), Reden.ONGELDIG),  # old > size: a rollback, refused
        (10, LOG.body(5, 8), Reden.ANDERE_OUDE_GROOTTE),  # a smaller checkpoint, honestly proven from 5
        (10, LOG.body(0, 8), Reden.ANDERE_OUDE_GROOTTE),
        (10, LOG.body(0, 10), Reden.ANDERE_OUDE_GROOTTE),
        (10, add_checkpoint(10, [], FORK.note(10)).body(), Reden.ANDERE_WORTEL),
        (10, add_checkpoint(10, FORK.proof(10, 20), FORK.note(20)).body(), Reden.INCONSISTENT),
        (10, add_checkpoint(10, LOG.proof(10, 20), FORK.note(20)).body(), Reden.INCONSISTENT),
        (10, add_checkpoint(10, [], LOG.note(20)).body(), Reden.INCONSISTENT),  # a proof left out
        (10, add_checkpoint(10, LOG.proof(10, 20)[:-1], LOG.note(20)).body(), Reden.INCONSISTENT),
        (10, add_checkpoint(10, [*LOG.proof(10, 20), bytes(32)], LOG.note(20)).body(), Reden.INCONSISTENT),
        (10, add_checkpoint(10, [bytes(32)], LOG.note(10)).body(), Reden.INCONSISTENT),  # equal sizes, a proof
        (None, add_checkpoint(0, LOG.proof(5, 20)[:1], LOG.note(20)).body(), Reden.INCONSISTENT),
    ],
    ids=[
        "old-above-size",
        "smaller-than-stored",
        "from-zero-again",
        "same-size-from-zero",
        "fork-same-size",
        "fork-with-its-own-proof",
        "fork-with-the-logs-proof",
        "proof-missing",
        "proof-short",
        "proof-long",
        "equal-size-with-proof",
        "first-with-proof",
    ],
)
def test_refusals(stored: int | None, body: bytes, reden: Reden):
    read = lees_inzending(body, LOGS)
    outcome = read if isinstance(read, Weigering) else beslis(read, _stand_or_none(stored), COSIGNER, NU)
    assert isinstance(outcome, Weigering)
    assert outcome.reden is reden
    if reden is Reden.ANDERE_OUDE_GROOTTE:
        assert outcome.opgeslagen_grootte == stored


def test_only_contradictions_of_a_cosigned_checkpoint_are_evidence():
    stored = _stand(LOG, 10)
    forked = beslis(_inzending(add_checkpoint(10, [], FORK.note(10)).body()), stored, COSIGNER, NU)
    inconsistent = beslis(_inzending(add_checkpoint(10, [], LOG.note(20)).body()), stored, COSIGNER, NU)
    fork_from_zero = beslis(_inzending(add_checkpoint(0, [], FORK.note(10)).body()), stored, COSIGNER, NU)
    stale = beslis(_inzending(LOG.body(5, 8)), stored, COSIGNER, NU)
    honest_from_zero = beslis(_inzending(LOG.body(0, 10)), stored, COSIGNER, NU)
    first = beslis(_inzending(add_checkpoint(0, [bytes(32)], LOG.note(3)).body()), None, COSIGNER, NU)
    outcomes = (forked, inconsistent, fork_from_zero, stale, honest_from_zero, first)
    assert [isinstance(o, Weigering) and o.bewijs for o in outcomes] == [True, True, True, False, False, False]


def test_accepts_and_returns_the_new_state():
    outcome = beslis(_inzending(LOG.body(10, 20)), _stand(LOG, 10), COSIGNER, NU)
    assert isinstance(outcome, Cosignering)
    assert outcome.stand == _stand(LOG, 20)
    assert outcome.tijdstip == NU
    assert outcome.notitie == LOG.note(20) + outcome.regel


def test_first_checkpoint_from_the_empty_tree():
    outcome = beslis(_inzending(LOG.body(0, 1)), None, COSIGNER, NU)
    assert isinstance(outcome, Cosignering) and outcome.stand == _stand(LOG, 1)
    assert Stand(0, EMPTY_ROOT) == _stand(LOG, 0)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 100), st.integers(0, 100), st.booleans()), max_size=25))
def test_no_sequence_of_requests_rolls_back_or_forks(requests: list[tuple[bool, int, int, bool]]):
    """Whatever is submitted (honest or forked, right or wrong old sizes), every cosigned checkpoint is consistent
    with the one cosigned before it, and the stored size never goes down."""
    stored: Stand | None = None
    for forked, old, size, honest_proof in requests:
        log = FORK if forked else LOG
        proof = log.proof(old, size) if honest_proof and old <= size else []
        read = lees_inzending(add_checkpoint(old, proof, log.note(size)).body(), LOGS)
        if isinstance(read, Weigering):
            continue
        outcome = beslis(read, stored, COSIGNER, NU)
        if isinstance(outcome, Cosignering):
            before = stored or Stand(0, EMPTY_ROOT)
            assert outcome.stand.grootte >= before.grootte
            assert verify_consistency(
                before.grootte,
                outcome.stand.grootte,
                before.wortel,
                outcome.stand.wortel,
                (LOG if outcome.stand.wortel == root(LOG.tree, size) else FORK).proof(before.grootte, size),
            )
            stored = outcome.stand


def _stand_or_none(size: int | None) -> Stand | None:
    return None if size is None else _stand(LOG, size)

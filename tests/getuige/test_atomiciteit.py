"""Checking the old size and storing the new checkpoint is one atomic step (C2SP tlog-witness's rollback race):
concurrent requests with the same old size and different new sizes, from threads and from two witnesses (two
engines, as two processes have) on one storage file. Exactly one wins each round; the others learn its size."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.getuige import create_getuige_app
from service.service_layer.getuige import Getuige
from tests.getuige.conftest import Log, open_witness

THREADS = 8
ROUNDS = 12

Post = Callable[[bytes], tuple[int, str]]


def race(posts: list[Post], log: Log) -> list[tuple[int, int]]:
    """Rounds in which every thread submits, at the same moment, old = the stored size and new = stored + 1 +
    its number; returns the accepted (old, new) pairs. Asserts each round has one winner and every loser was told
    the winner's size."""
    accepted: list[tuple[int, int]] = []
    stored = 0
    barrier = threading.Barrier(len(posts))
    for _ in range(ROUNDS):
        answers: list[tuple[int, int, str]] = []
        lock = threading.Lock()

        def submit(
            number: int, post: Post, old: int = stored, answers: list[tuple[int, int, str]] = answers, lock=lock
        ) -> None:
            body = log.body(old, old + 1 + number)
            barrier.wait()
            status, text = post(body)
            with lock:
                answers.append((old + 1 + number, status, text))

        threads = [threading.Thread(target=submit, args=(n, post)) for n, post in enumerate(posts)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [size for size, status, _ in answers if status == 200]
        assert len(winners) == 1, answers
        losers = sorted((status, text) for _, status, text in answers if status != 200)
        assert losers == [(409, f"{winners[0]}\n")] * (len(posts) - 1), answers
        accepted.append((stored, winners[0]))
        stored = winners[0]
    return accepted


def _client_post(client: FlaskClient) -> Post:
    def post(body: bytes) -> tuple[int, str]:
        answer = client.post("/add-checkpoint", data=body)
        return answer.status_code, answer.get_data(as_text=True)

    return post


def test_threads_on_one_witness(witness: Getuige, log: Log):
    app = create_getuige_app(witness)
    accepted = race([_client_post(app.test_client()) for _ in range(THREADS)], log)

    largest = accepted[-1][1]
    assert [old for old, _ in accepted] == [0] + [new for _, new in accepted[:-1]]  # a chain: never a rollback
    stored = witness.laatste_checkpoint(log.origin)
    assert stored is not None and stored.startswith(f"{log.origin}\n{largest}\n")


def test_two_witnesses_on_one_storage_file(sleutelmap: Path, tmp_path: Path, log: Log):
    first = open_witness(sleutelmap, tmp_path / "gedeeld.sqlite3", log)
    second = open_witness(sleutelmap, tmp_path / "gedeeld.sqlite3", log)
    try:
        apps = [create_getuige_app(first), create_getuige_app(second)]
        accepted = race([_client_post(apps[n % 2].test_client()) for n in range(THREADS)], log)

        largest = accepted[-1][1]
        for witness in (first, second):
            stored = witness.laatste_checkpoint(log.origin)
            assert stored is not None and stored.startswith(f"{log.origin}\n{largest}\n")
    finally:
        first.sluit()
        second.sluit()


@pytest.mark.parametrize("largest_first", [True, False], ids=["larger-first", "smaller-first"])
def test_the_c2sp_race_never_rolls_back(witness: Getuige, log: Log, largest_first: bool):
    """tlog-witness's race: A (old 0, size N) and B (old 0, size N+K); whichever is stored first, the other
    is refused, and the larger is never followed by the smaller."""
    bodies = [log.body(0, 20), log.body(0, 10)] if largest_first else [log.body(0, 10), log.body(0, 20)]
    first, second = (witness.voeg_checkpoint_toe(body) for body in bodies)
    assert type(first).__name__ == "Gecosigneerd"
    assert type(second).__name__ == "Weigering"
    stored = witness.laatste_checkpoint(log.origin)
    assert stored is not None and stored.startswith(f"{log.origin}\n{20 if largest_first else 10}\n")

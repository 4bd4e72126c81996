"""The real witness: `deelpoort getuige serve` (gunicorn, two workers) on a free port, started once for this
module's tests by `tests/helpers/getuige.py`, fed real Deelpoort checkpoints over HTTP."""

from __future__ import annotations

import itertools
import threading

import pytest
import requests

from service.audit.cosignature import cosignatures
from service.crypto.cosigning import CosignatureVerifier
from tests.getuige.conftest import Log
from tests.helpers.getuige import Getuigen, Getuigeproces

NAAM = "getuige.example/proces"


@pytest.fixture
def proces(getuigen: Getuigen, log: Log) -> Getuigeproces:
    """The session's witness of `log`, on fresh storage for this test."""
    started = getuigen(NAAM, [(log.origin, log.vkey)], workers=2)
    started.vers()
    return started


def _add(proces: Getuigeproces, body: bytes, session: requests.Session | None = None) -> requests.Response:
    return (session or requests).post(f"{proces.url}/add-checkpoint", data=body, timeout=10)


def _latest(proces: Getuigeproces, origin: str) -> requests.Response:
    return requests.get(f"{proces.url}/checkpoint", params={"origin": origin}, timeout=10)


def test_cosigns_a_deelpoort_checkpoint_and_publishes_it(proces: Getuigeproces, log: Log):
    witness = CosignatureVerifier.from_verifier_key(proces.vkey)
    assert proces.url.startswith("http://127.0.0.1:") and not proces.url.endswith("/")
    assert requests.get(f"{proces.url}/status", timeout=10).json() == {
        "naam": NAAM,
        "vkey": proces.vkey,
        "origins": [log.origin],
    }
    note = log.note(17)

    answer = _add(proces, log.body(0, 17, note))

    assert (answer.status_code, answer.headers["Content-Type"]) == (200, "text/plain; charset=utf-8")
    [timestamp] = cosignatures(note + answer.text, witness)
    latest = _latest(proces, log.origin)
    assert (latest.status_code, latest.text) == (200, note + answer.text)
    assert cosignatures(latest.text, witness) == [timestamp]


def test_state_persists_across_a_restart_and_vers_forgets_it(proces: Getuigeproces, log: Log):
    assert _add(proces, log.body(0, 30)).status_code == 200
    before = _latest(proces, log.origin).text

    proces.stop()
    proces.start()

    assert _latest(proces, log.origin).text == before
    rollback = _add(proces, log.body(0, 12))
    assert (rollback.status_code, rollback.headers["Content-Type"], rollback.text) == (409, "text/x.tlog.size", "30\n")
    assert _add(proces, log.body(30, 40)).status_code == 200

    proces.vers()
    assert _latest(proces, log.origin).status_code == 404
    assert _add(proces, log.body(0, 12)).status_code == 200


def test_two_workers_never_roll_back(proces: Getuigeproces, log: Log):
    """Threads post, through both gunicorn workers, growing checkpoints from whatever size the witness reports;
    the answers form one chain and the witness ends at the largest size it cosigned."""
    accepted: list[tuple[int, int]] = []
    lock = threading.Lock()

    def submit(offset: int) -> None:
        session = requests.Session()
        old = 0
        for step in range(12):
            size = min(100, old + 1 + (offset + step) % 5)
            answer = _add(proces, log.body(old, size), session)
            if answer.status_code == 200:
                with lock:
                    accepted.append((old, size))
                old = size
            else:
                assert (answer.status_code, answer.headers["Content-Type"]) == (409, "text/x.tlog.size")
                old = int(answer.text)
        session.close()

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    chain = sorted(accepted, key=lambda pair: (pair[1], pair[0]))
    assert all(later[0] == earlier[1] for earlier, later in itertools.pairwise(chain)), chain
    assert chain[0][0] == 0
    assert _latest(proces, log.origin).text.startswith(f"{log.origin}\n{chain[-1][1]}\n")

"""A real `deelpoort serve` (gunicorn) for the tests that put something in front of it (nginx, the production
walk-through), and a witness's `deelpoort getuige serve` (`tests/helpers/getuige.py`): started in its own
session, ready once it answers `GET /v1/status` (or the path given), stopped with everything it started.
(`tests/disclosure/test_crash.py` keeps its own: it kills workers and counts them.)"""

from __future__ import annotations

import contextlib
import http.client
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import pytest

from service.settings import PROJECT_ROOT


@contextlib.contextmanager
def dienst(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    port: int,
    cwd: Path = PROJECT_ROOT,
    limit_s: float = 30.0,
    klaar: str = "/v1/status",
    stderr_pad: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `argv` (a command that ends in serving on 127.0.0.1:`port`) until the block ends; it is ready when
    `GET klaar` answers 200.

    Fails the test with the tail of its standard error when it ends early or does not answer in `limit_s`. Its
    standard error goes to a file, not a pipe: the service logs a line per request, and a pipe nobody reads
    would fill up and stop it. `stderr_pad`: that file instead of a temporary one (for a test that reads it).
    """
    uitvoer = stderr_pad.open("w+b") if stderr_pad is not None else tempfile.TemporaryFile()  # noqa: SIM115
    server = subprocess.Popen(
        list(argv), cwd=cwd, env=dict(env), stdout=subprocess.DEVNULL, stderr=uitvoer, start_new_session=True
    )
    try:
        deadline = time.monotonic() + limit_s
        while not _antwoordt(port, klaar):
            if server.poll() is not None:
                uitvoer.seek(0)
                fout = uitvoer.read().decode(errors="replace")
                pytest.fail(f"{' '.join(argv[-6:])} ended with {server.returncode}:\n{fout[-3000:]}")
            if time.monotonic() > deadline:
                pytest.fail(f"{' '.join(argv[-6:])} did not answer GET {klaar} in time")
            time.sleep(0.1)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGQUIT)  # gunicorn's quick shutdown (TERM waits for idle keep-alives)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
        uitvoer.close()


def _antwoordt(port: int, pad: str) -> bool:
    connectie = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connectie.request("GET", pad)
        return connectie.getresponse().status == 200
    except OSError:
        return False
    finally:
        connectie.close()

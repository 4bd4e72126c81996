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
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO

import pytest

from service.settings import PROJECT_ROOT


@contextlib.contextmanager
def dienst(
    argv: Sequence[str],
    *,
    env: Mapping[str, str],
    port: int,
    host: str = "127.0.0.1",
    cwd: Path = PROJECT_ROOT,
    limit_s: float = 30.0,
    klaar: str = "/v1/status",
    stderr_pad: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run `argv` (a command that ends in serving on `host`:`port`) until the block ends; it is ready when
    `GET klaar` answers 200.

    Fails the test with the tail of its standard error when it ends early or does not answer in `limit_s`. Its
    standard error goes to a file, not a pipe: the service logs a line per request, and a pipe nobody reads
    would fill up and stop it. `stderr_pad`: that file instead of a temporary one (for a test that reads it).
    """
    with diensten([(argv, env, host, port)], cwd=cwd, limit_s=limit_s, klaar=klaar, stderr_paden=[stderr_pad]) as (
        server,
    ):
        yield server


@contextlib.contextmanager
def diensten(
    opdrachten: Sequence[tuple[Sequence[str], Mapping[str, str], str, int]],
    *,
    cwd: Path = PROJECT_ROOT,
    limit_s: float = 30.0,
    klaar: str = "/v1/status",
    intussen: Callable[[], None] = lambda: None,
    stderr_paden: Sequence[Path | None] = (),
) -> Iterator[list[subprocess.Popen[bytes]]]:
    """As `dienst`, for several servers at once, each (argv, env, host, port): all are started before the first
    is waited for, so they start side by side; `intussen` runs while they start (what they need only to answer,
    such as the database's set-up: a server that is not ready yet is asked again). Each server's standard error
    goes to a file (`stderr_paden`, in the same order, or a temporary one), never to an unread pipe."""
    servers: list[subprocess.Popen[bytes]] = []
    uitvoer: list[IO[bytes]] = []
    try:
        for index, (argv, env, _, _) in enumerate(opdrachten):
            pad = stderr_paden[index] if index < len(stderr_paden) else None
            uitvoer.append(pad.open("w+b") if pad is not None else tempfile.TemporaryFile())  # noqa: SIM115
            servers.append(
                subprocess.Popen(
                    list(argv),
                    cwd=cwd,
                    env=dict(env),
                    stdout=subprocess.DEVNULL,
                    stderr=uitvoer[-1],
                    start_new_session=True,
                )
            )
        intussen()
        deadline = time.monotonic() + limit_s
        for server, fouten, (argv, _, host, port) in zip(servers, uitvoer, opdrachten, strict=True):
            while not _antwoordt(host, port, klaar):
                if server.poll() is not None:
                    fouten.seek(0)
                    fout = fouten.read().decode(errors="replace")
                    pytest.fail(f"{' '.join(argv[-6:])} ended with {server.returncode}:\n{fout[-3000:]}")
                if time.monotonic() > deadline:
                    pytest.fail(f"{' '.join(argv[-6:])} did not answer GET {klaar} in time")
                time.sleep(0.1)
        yield servers
    finally:
        for server in servers:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(server.pid, signal.SIGQUIT)  # gunicorn's quick shutdown (TERM waits for idle keep-alives)
        for server in servers:
            _stop(server)
        for bestand in uitvoer:
            bestand.close()


def _stop(server: subprocess.Popen[bytes]) -> None:
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def _antwoordt(host: str, port: int, pad: str) -> bool:
    connectie = http.client.HTTPConnection(host, port, timeout=2)
    try:
        connectie.request("GET", pad)
        return connectie.getresponse().status == 200
    except OSError:
        return False
    finally:
        connectie.close()

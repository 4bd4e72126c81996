"""Crash: kill -9 a gunicorn worker during a stream of verstrekkingen; every answer a client got has its record.

DESIGN invariant 2 (log before release) seen from outside: a real gunicorn (2 gthread workers) serves a stream of
verstrekking requests from several client threads; one worker is killed with SIGKILL while requests are in
flight (mid-batch, mid-commit or mid-response: wherever it lands), gunicorn starts a new one and the stream goes
on. Afterwards, read from the database by a fresh application: every 201 a client received has its record at
the log index of its receipt (same id, same leaf hash), the log verifies and has no gaps, and the records no
client saw an answer for are no more than the requests that were cut.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service import create_app
from service.service_layer.logboek import controle as logboek
from service.settings import PROJECT_ROOT, Settings

pytestmark = pytest.mark.slow

CLIENTS = 6
MIN_BEFORE_KILL = 40  # answers received before the kill
MIN_AFTER_KILL = 30  # answers received after the replacement worker is up
MIN_ANSWERS = 50
STREAM_LIMIT_S = 20.0  # the whole stream, kill included, gives up after this


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.update(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


def _client_connections(pid: int, port: int) -> int:
    """How many established connections to `port` process `pid` holds (its sockets in /proc/net/tcp)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").glob("*"):
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    count = 0
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        columns = line.split()
        local_port = int(columns[1].rsplit(":", 1)[1], 16)
        if local_port == port and columns[3] == "01" and columns[9] in inodes:  # 01: ESTABLISHED
            count += 1
    return count


def _start_server(settings: Settings, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEELPOORT_")}
    env.update(
        DEELPOORT_DATABASE_URL=settings.database_url,
        DEELPOORT_KEYS_DIR=str(settings.keys_dir),
        DEELPOORT_INSTANCE_PATH=str(settings.instance_path),
        DEELPOORT_LOG_LEVEL="WARNING",
    )
    code = (
        "from service.gunicorn_app import run; from service.settings import Settings; "
        f"run(Settings.from_env(), host='127.0.0.1', port={port}, workers=2, threads=8)"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so the finally block can end master and workers
    )


def _wait_until_up(server: subprocess.Popen[bytes], port: int, workers: int, limit_s: float = 20.0) -> None:
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        assert server.poll() is None, f"gunicorn ended with status {server.returncode}"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
        try:
            connection.request("GET", "/v1/status")
            status = connection.getresponse().status
            if status == 200 and len(_children(server.pid)) >= workers:
                return
        except (OSError, http.client.HTTPException):
            pass
        finally:
            connection.close()  # also when the server cut it: a leaked socket fails the run (warnings are errors)
        time.sleep(0.1)
    pytest.fail("gunicorn did not answer GET /v1/status in time")


def _stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        try:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)  # workers that outlived the master, if any
    if server.poll() is None:
        server.wait(timeout=10)


@dataclass
class _Stream:
    """What the clients saw, shared between their threads (guarded by `lock`)."""

    port: int
    token: str
    casus_id: str
    lock: threading.Lock = field(default_factory=threading.Lock)
    stop: threading.Event = field(default_factory=threading.Event)
    answers: list[tuple[str, int, str]] = field(default_factory=list)  # (id, logIndex, bladHash) of every 201
    other_statuses: list[int] = field(default_factory=list)
    cut: int = 0  # requests without a complete answer (connection reset, closed, timed out)
    in_flight: int = 0
    problems: list[str] = field(default_factory=list)

    def client(self) -> None:
        body = json.dumps({"doel": "triage"}).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        path = f"/v1/casussen/{self.casus_id}/verstrekkingen"
        connection: http.client.HTTPConnection | None = None
        try:
            while not self.stop.is_set():
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
                with self.lock:
                    self.in_flight += 1
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    data = response.read()
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = None
                    with self.lock:
                        self.cut += 1
                    time.sleep(0.01)
                    continue
                finally:
                    with self.lock:
                        self.in_flight -= 1
                self._answer(response.status, data)
        except Exception as exc:  # a client thread must report, never die silently
            with self.lock:
                self.problems.append(f"{type(exc).__name__}: {exc}")
        finally:
            if connection is not None:
                connection.close()

    def _answer(self, status: int, data: bytes) -> None:
        if status != 201:
            with self.lock:
                self.other_statuses.append(status)
            return
        body: dict[str, Any] = json.loads(data)
        receipt = body["ontvangstbewijs"]
        with self.lock:
            self.answers.append((body["id"], receipt["logIndex"], receipt["bladHash"]))

    def count(self) -> int:
        with self.lock:
            return len(self.answers)


def _wait_for(condition: Any, deadline: float) -> bool:
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_kill_9_of_a_worker_loses_no_record_of_an_answer_given(
    app: Flask, settings: Settings, casus: dict[str, Any], procesregisseur: str
) -> None:
    app.extensions["deelpoort"].engine.dispose()  # the server owns the database from here on
    port = _free_port()
    server = _start_server(settings, port)
    stream = _Stream(port, procesregisseur, casus["id"])
    threads = [threading.Thread(target=stream.client, name=f"client-{n}", daemon=True) for n in range(CLIENTS)]
    try:
        _wait_until_up(server, port, workers=2)
        workers_before = _children(server.pid)
        assert len(workers_before) == 2, workers_before
        deadline = time.monotonic() + STREAM_LIMIT_S
        for thread in threads:
            thread.start()

        assert _wait_for(lambda: stream.count() >= MIN_BEFORE_KILL, deadline), "the stream did not get going"
        assert _wait_for(lambda: stream.in_flight > 0, deadline)
        with stream.lock:  # kill while requests are in flight; note what had been answered at that moment
            held = {pid: _client_connections(pid, port) for pid in workers_before}
            victim = max(held, key=lambda pid: held[pid])  # the worker serving the most clients
            os.kill(victim, signal.SIGKILL)
            in_flight_at_kill = stream.in_flight
            answered_at_kill = len(stream.answers)
            cut_before_kill = stream.cut

        replaced = _wait_for(lambda: len(_children(server.pid) - workers_before) >= 1, deadline)
        replacement_up = stream.count()
        _wait_for(lambda: stream.count() >= replacement_up + MIN_AFTER_KILL, deadline)
        stream.stop.set()
        for thread in threads:
            thread.join(timeout=15)
        workers_after = _children(server.pid)
    finally:
        stream.stop.set()
        _stop_server(server)
        for thread in threads:
            if thread.is_alive():
                thread.join(timeout=15)

    assert not stream.problems, stream.problems
    assert all(not t.is_alive() for t in threads)
    # Not vacuous: the kill landed mid-stream, a new worker replaced the dead one, answers came on both sides.
    assert in_flight_at_kill > 0 and held[victim] > 0, held
    assert stream.cut > cut_before_kill  # the victim's clients lost their connection (and requests with it)
    assert replaced and victim not in workers_after and len(workers_after - workers_before) >= 1
    assert answered_at_kill >= MIN_BEFORE_KILL
    assert len(stream.answers) >= max(MIN_ANSWERS, answered_at_kill + MIN_AFTER_KILL), (
        len(stream.answers),
        answered_at_kill,
    )
    assert set(stream.other_statuses) <= {503}, stream.other_statuses  # a failed log write is 503, never else

    fresh = create_app(settings)
    services = fresh.extensions["deelpoort"]
    try:
        with services.uow() as uow:
            size = uow.log.size()
            count = uow.log.record_count()
            stored = {index: uow.log.record(index) for _, index, _ in stream.answers}
            leaves = {r.log_index: r.blad_hash for r in uow.log.records()}
        verification = logboek.verifieer(services)
    finally:
        services.engine.dispose()

    # Every answer a client received has its record: at its receipt's index, with its id and its leaf.
    for ident, index, blad in stream.answers:
        record = stored[index]
        assert record is not None, f"answer {ident} at log index {index} has no record"
        assert record.columns[0] == ident
        assert base64.b64encode(record.blad_hash).decode() == blad
    assert len({index for _, index, _ in stream.answers}) == len(stream.answers)
    # The log is whole: it verifies, has no gaps, and every leaf is one that was answered or one whose
    # request was cut before its answer arrived (logged, then the worker died): never more of those.
    assert verification.ok, verification.problemen
    assert verification.grootte == size == count == len(leaves)
    assert sorted(leaves) == list(range(size))
    unanswered = set(leaves) - {index for _, index, _ in stream.answers}
    assert len(unanswered) <= stream.cut, (len(unanswered), stream.cut)

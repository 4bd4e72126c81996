"""A real `deelpoort serve` with two gunicorn workers (started once for the module): the metrics of both workers
add up in every scrape (prometheus-client's multiprocess mode), a killed worker's counts keep counting, the
folder is emptied at start, and everything the server writes is a JSON line."""

from __future__ import annotations

import concurrent.futures
import http.client
import os
import signal
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from prometheus_client.multiprocess import MultiProcessCollector

from service import create_app
from service.settings import Settings
from tests.helpers.databases import Inhoud, Templates
from tests.helpers.dienst import dienst
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.nginx import free_port
from tests.helpers.waarneming import json_regels

pytestmark = pytest.mark.slow

ROUTE = "/v1/partners"


@dataclass(frozen=True)
class Server:
    port: int
    token: str
    metrics: Path
    stderr: Path
    oud_bestand: Path

    def vraag(self, pad: str, token: str | None = None) -> tuple[int, str]:
        connectie = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connectie.request("GET", pad, headers={"Authorization": f"Bearer {token}"} if token else {})
            antwoord = connectie.getresponse()
            return antwoord.status, antwoord.read().decode()
        finally:
            connectie.close()

    def totaal(self) -> float:
        """`deelpoort_http_verzoeken_total` of ROUTE (status 200) in one scrape, answered by whichever worker."""
        status, tekst = self.vraag("/metrics")
        assert status == 200, tekst
        prefix = 'deelpoort_http_verzoeken_total{methode="GET",route="' + ROUTE + '",status="200"} '
        regels = [r for r in tekst.splitlines() if r.startswith(prefix)]
        return float(regels[0].removeprefix(prefix)) if regels else 0.0

    def per_worker(self) -> dict[int, float]:
        """The same count from each worker's own file (what the scrape adds up)."""
        uitkomst: dict[int, float] = {}
        for bestand in self.metrics.glob("counter_*.db"):
            pid = int(bestand.stem.removeprefix("counter_"))
            uitkomst[pid] = 0.0
            for metric in MultiProcessCollector.merge([str(bestand)]):
                for sample in metric.samples:
                    if sample.name == "deelpoort_http_verzoeken_total" and sample.labels.get("route") == ROUTE:
                        uitkomst[pid] += sample.value
        return uitkomst


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, templates: Templates, keys_dir: Path) -> Iterator[Server]:
    map = tmp_path_factory.mktemp("gunicorn-metrics")
    database_url = templates.sqlite(Inhoud.INGERICHT, map / "deelpoort.sqlite3")
    settings = Settings(instance_path=map / "instance", database_url=database_url, keys_dir=keys_dir)
    templates.check_settings(settings)
    app = create_app(settings)
    try:
        token = add_gebruiker(app.extensions["deelpoort"], "politie-noord-nederland", "casusregisseur")
    finally:
        app.extensions["deelpoort"].engine.dispose()
    metrics = map / "metrics"
    metrics.mkdir()
    oud = metrics / "counter_4242.db"
    oud.write_bytes(b"what an earlier server left: not even a valid file")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEELPOORT_")}
    env.update(
        DEELPOORT_DATABASE_URL=database_url,
        DEELPOORT_KEYS_DIR=str(keys_dir),
        DEELPOORT_INSTANCE_PATH=str(settings.instance_path),
        DEELPOORT_LOG_FORMAAT="json",
        PROMETHEUS_MULTIPROC_DIR=str(metrics),
    )
    port = free_port()
    code = "import sys; from service.cli import main; sys.exit(main())"
    argv = [sys.executable, "-c", code, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"]
    stderr = map / "stderr.log"
    with dienst(argv, env=env, port=port, stderr_pad=stderr):
        yield Server(port, token, metrics, stderr, oud)


def _verzoeken_tot_beide_workers_telden(server: Server) -> int:
    """Send requests on fresh connections, 16 at a time, until each worker's file counts some; how many."""
    verstuurd = 0
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for _ in range(40):
            statussen = list(pool.map(lambda _i: server.vraag(ROUTE, server.token)[0], range(32)))
            assert statussen == [200] * 32
            verstuurd += 32
            counts = server.per_worker()
            if len([c for c in counts.values() if c > 0]) >= 2:
                return verstuurd
    pytest.fail(f"one worker served all {verstuurd} requests: {server.per_worker()}")


def test_the_folder_is_emptied_when_the_server_starts(server: Server) -> None:
    assert not server.oud_bestand.exists()


def test_every_scrape_adds_up_both_workers(server: Server) -> None:
    voor = server.totaal()
    verstuurd = _verzoeken_tot_beide_workers_telden(server)
    per_worker = server.per_worker()
    assert len(per_worker) == 2 and all(c > 0 for c in per_worker.values())  # both served
    totalen = {server.totaal() for _ in range(8)}  # scrapes land on both workers
    assert totalen == {voor + verstuurd} == {sum(per_worker.values())}


def test_a_killed_workers_counts_keep_counting(server: Server) -> None:
    voor = server.totaal()
    slachtoffer = next(iter(server.per_worker()))
    os.kill(slachtoffer, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while len(server.per_worker()) < 3:  # gunicorn starts a new worker, which writes its own file
        assert time.monotonic() < deadline, "no new worker"
        time.sleep(0.2)
    assert {server.totaal() for _ in range(6)} == {voor}


def test_the_server_writes_only_json_lines_with_trace_ids_and_never_the_token(server: Server) -> None:
    assert server.vraag("/v1/status")[0] == 200
    time.sleep(0.2)
    tekst = server.stderr.read_text()
    regels = json_regels(tekst)
    assert any(r["logger"] == "gunicorn.error" and "Booting worker" in r["event"] for r in regels)
    verzoeken = [r for r in regels if r["event"] == "verzoek"]
    assert verzoeken and all(len(r["trace_id"]) == 32 for r in verzoeken)
    assert {r["partner"] for r in verzoeken if r["route"] == ROUTE} == {"politie-noord-nederland"}
    assert server.token not in tekst and server.token.split("_", 2)[2] not in tekst

"""Benchmark of a 20-field verstrekking over HTTP, against `GET /v1/status` on the same server in the same run.

Seeds a fresh database (a SQLite file in a temporary folder, or with `--database-url` a PostgreSQL schema of its
own, dropped afterwards), serves it with gunicorn (2 gthread workers of 8 threads: concurrent requests in a
worker share one log transaction) and drives it on loopback with a load generator of processes, threads and
keep-alive `http.client` connections:

(a) peak: `--clients` concurrent closed-loop clients for `GET /v1/status`, then for
    `POST /v1/casussen/{id}/verstrekkingen {"doel": "triage"}` by the procesregisseur of Bureau ZVH (20 released
    velden, checked on every answer): req/s, p50 and p99 of each, and their ratio;
    then `GET /v1/casussen/{id}` by the same user (an authenticated read of the casus: the alternative baseline
    proposed in issue 6's closing note);
(b) half load: open loop at 50% of the measured verstrekking peak rate (requests paced on a fixed schedule;
    latency counted from the scheduled moment, so queueing is not hidden): p50 and p99;
(c) durability: after the server stopped, a fresh application counts the log's records (must equal the 201
    answers) and verifies the whole log; on PostgreSQL also the number of log transactions (distinct `xmin`
    of the records), whose average is the group-commit batch size.

Targets: verstrekking throughput >= 50% of the status endpoint's, p99 <= 20 ms at half of peak load, every
record durable. The load generator shares the machine's cores with the server: ratios are what to compare.

Run: `.venv/bin/python bench/bench_verstrekking.py [--seconds 10] [--database-url postgresql+psycopg://...]`.
Prints JSON only; timing is never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from service import create_app
from service.adapters.migrate import upgrade
from service.crypto import write_development_keys
from service.domain.casus import new_id, utcnow
from service.domain.identiteit import Gebruikersgegevens, GebruikerStatus, SoortGebruiker
from service.service_layer.beleid import actief as beleid
from service.service_layer.identiteit.authentication import nieuw_token
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT, Settings

RELEASED_VELDEN = 20
SEED_RECORDS = 1  # the log records the seed makes: the police's aanmelding (an aanlevering)
# Synthetic values only: BSNs of the 9999xxxxx range (both pass the elfproef), example.org, "Testpersoon".
AANMELDING: dict[str, Any] = {
    "casustype": "regulier",
    "gemeente": "assen",
    "onderwerp": "verward-gedrag",
    "betrokkenen": [
        {
            "rol": "hoofdpersoon",
            "velden": {
                "bsn": "999900122",
                "voornamen": "Testpersoon",
                "achternaam": "Testpersoon-Synthetisch",
                "geboortedatum": "1990-04-01",
                "geslacht": "onbekend",
                "straat": "Voorbeeldstraat",
                "huisnummer": "1",
                "postcode": "9401 AA",
                "woonplaats": "Assen",
                "telefoon": "0612345678",
                "email": "testpersoon@example.org",
                "huisverbod": False,  # what the police may supply (the bronregels): no health data
                "aantalIncidenten": 3,
            },
        },
        {"rol": "systeemlid", "relatie": "kind", "velden": {"bsn": "999900110", "achternaam": "Testkind"}},
    ],
    "velden": {
        "signaalOmschrijving": "Synthetisch signaal: herhaalde overlast en zorgen om veiligheid.",
        "aanmeldvraag": "Synthetische vraag: is een gezamenlijke aanpak nodig?",
        "urgentie": "middel",
        "veiligheidsrisico": "verhoogd",
        "risicoOmschrijving": "Synthetische omschrijving van het risico.",
        "risicoVoorKinderen": True,
        "aantalLeefgebieden": 4,
    },
}


# --- database and server ---------------------------------------------------------------------------------------


@contextmanager
def database(base_url: str | None, folder: Path) -> Iterator[str]:
    """A fresh database: a SQLite file in `folder`, or a PostgreSQL schema of its own (dropped afterwards)."""
    if not base_url:
        yield f"sqlite:///{folder / 'bench.sqlite3'}"
        return
    schema = f"dp_bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base_url)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(base_url).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _token(services: Services, partner_id: str, rol: str) -> str:
    now, ident = utcnow(), new_id()
    issued, token = nieuw_token(ident, now, dt.timedelta(days=1))
    with services.uow() as uow:
        gegevens = Gebruikersgegevens(
            ident, partner_id, rol, SoortGebruiker.SYSTEEM, f"{rol} bench", GebruikerStatus.ACTIEF, now
        )
        uow.gebruikers.add(gegevens)
        uow.gebruikers.add_token(token, issued.token_hash)
        uow.commit()
    return issued.token


def seed(settings: Settings) -> tuple[str, str]:
    """Migrate, install partners and policy, refer one casus with 20 releasable velden; (casus id, token)."""
    app = create_app(settings)
    services: Services = app.extensions["deelpoort"]
    try:
        upgrade(services.engine)
        with services.uow() as uow:
            uow.partners.sync(services.convenant.partners)
            uow.commit()
        beleid.installeer(services, PROJECT_ROOT / "policies")
        politie = _token(services, "politie-noord-nederland", "casusregisseur")
        procesregisseur = _token(services, "bureau-zvh-drenthe", "procesregisseur")
        response = app.test_client().post(
            "/v1/casussen", json=AANMELDING, headers={"Authorization": f"Bearer {politie}"}
        )
        if response.status_code != 201:
            raise SystemExit(f"seeding failed: {response.status_code} {response.get_data(as_text=True)}")
        casus_id: str = response.get_json()["id"]
    finally:
        services.engine.dispose()
    return casus_id, procesregisseur


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found.extend(int(c) for c in (task / "children").read_text().split())
        except OSError:
            continue
    return found


class CpuMeter:
    """CPU seconds used by the gunicorn workers, and how busy the whole machine was, between two readings."""

    def __init__(self, master: int) -> None:
        self._master = master

    def reading(self) -> tuple[float, float, float]:
        ticks = os.sysconf("SC_CLK_TCK")
        workers = 0
        for pid in _children(self._master):
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            workers += int(fields[11]) + int(fields[12])  # utime, stime
        cpu = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        idle = cpu[3] + cpu[4]  # idle, iowait
        return workers / ticks, (sum(cpu) - idle) / ticks, sum(cpu) / ticks

    @staticmethod
    def between(before: tuple[float, float, float], after: tuple[float, float, float], requests: int) -> dict[str, Any]:
        workers, busy, total = (a - b for a, b in zip(after, before, strict=True))
        return {
            "workers_cpu_ms_per_request": round(workers * 1e3 / requests, 3) if requests else None,
            "machine_busy_pct": round(100 * busy / total, 1) if total else None,
        }


@contextmanager
def server(
    settings: Settings, workers: int, threads: int, extra_env: Mapping[str, str] | None = None
) -> Iterator[tuple[int, CpuMeter]]:
    """gunicorn in its own process group on a free loopback port, stopped (and killed if need be) at the end.
    `extra_env`: more `DEELPOORT_*` settings for the server (the caller's own `DEELPOORT_*` are not passed on)."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DEELPOORT_")}
    env.update(
        DEELPOORT_DATABASE_URL=settings.database_url,
        DEELPOORT_KEYS_DIR=str(settings.keys_dir),
        DEELPOORT_INSTANCE_PATH=str(settings.instance_path),
        DEELPOORT_LOG_LEVEL="WARNING",
    )
    env.update(extra_env or {})
    code = (
        "from service.gunicorn_app import run; from service.settings import Settings; "
        f"run(Settings.from_env(), host='127.0.0.1', port={port}, workers={workers}, threads={threads})"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        _wait_until_up(process, port)
        yield port, CpuMeter(process.pid)
    finally:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            pass
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=15)


def _wait_until_up(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn ended with status {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/v1/status")
            ok = connection.getresponse().status == 200
            connection.close()
            if ok:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise SystemExit("gunicorn did not answer GET /v1/status within 30 s")


# --- load generator ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    port: int
    method: str
    path: str
    body: bytes | None = None
    token: str | None = None
    released: int | None = None  # a verstrekking: check this many released velden on every 201


def verstrekking_target(port: int, casus_id: str, token: str) -> Target:
    """The measured request: a verstrekking for doel triage by the seeded procesregisseur, 20 velden checked."""
    body = json.dumps({"doel": "triage"}).encode()
    return Target(port, "POST", f"/v1/casussen/{casus_id}/verstrekkingen", body, token, RELEASED_VELDEN)


@dataclass(frozen=True)
class Phase:
    target: Target
    threads: int  # in this generator process
    start: float  # time.monotonic() (system-wide on Linux) at which every generator process begins
    seconds: float
    rate: float | None = None  # open loop: requests per second of the whole phase; None: closed loop
    first_slot: int = 0  # open loop: this process's first thread's place in the round robin of all threads
    all_threads: int = 1


def _drive(phase: Phase) -> dict[str, Any]:
    """One generator process: `phase.threads` threads, each with its own keep-alive connection."""
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    errors: list[str] = []
    lock = threading.Lock()

    def client(slot: int) -> None:
        target = phase.target
        headers = {"Content-Type": "application/json"}
        if target.token:
            headers["Authorization"] = f"Bearer {target.token}"
        connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
        mine: list[float] = []
        seen: dict[int, int] = {}
        end = phase.start + phase.seconds
        number = 0
        while time.monotonic() < phase.start:
            time.sleep(0.001)
        while True:
            if phase.rate is None:
                began = time.monotonic()
            else:  # open loop: request `number` of this thread is due at its slot in the global schedule
                began = phase.start + (slot + number * phase.all_threads) / phase.rate
                number += 1
                delay = began - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            if began >= end:
                break
            try:
                connection.request(target.method, target.path, body=target.body, headers=headers)
                response = connection.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", target.port, timeout=30)
                with lock:
                    errors.append(type(exc).__name__)
                continue
            mine.append(time.monotonic() - began)
            seen[response.status] = seen.get(response.status, 0) + 1
            if target.released is not None and response.status == 201:
                released = len(json.loads(data)["grondslagen"])
                if released != target.released:
                    with lock:
                        errors.append(f"released {released} velden, expected {target.released}")
        connection.close()
        with lock:
            latencies.extend(mine)
            for status, count in seen.items():
                statuses[status] = statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(phase.first_slot + n,)) for n in range(phase.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"latencies": latencies, "statuses": statuses, "errors": errors}


@dataclass(frozen=True)
class Generator:
    pool: ProcessPoolExecutor
    processes: int
    cpu: CpuMeter


def run_phase(
    generator: Generator, target: Target, clients: int, seconds: float, rate: float | None = None
) -> dict[str, Any]:
    processes = generator.processes
    start = time.monotonic() + 0.5  # time for every generator process to get ready
    per_process = [clients // processes + (1 if p < clients % processes else 0) for p in range(processes)]
    phases = [
        Phase(target, count, start, seconds, rate, sum(per_process[:p]), clients)
        for p, count in enumerate(per_process)
        if count
    ]
    futures = [generator.pool.submit(_drive, phase) for phase in phases]
    time.sleep(max(0.0, start - time.monotonic()))
    before = generator.cpu.reading()
    time.sleep(max(0.0, start + seconds - time.monotonic()))
    after = generator.cpu.reading()
    parts = [future.result() for future in futures]
    latencies = sorted(x for part in parts for x in part["latencies"])
    statuses: dict[int, int] = {}
    for part in parts:
        for status, count in part["statuses"].items():
            statuses[status] = statuses.get(status, 0) + count
    errors = [e for part in parts for e in part["errors"]]
    result: dict[str, Any] = {
        "clients": clients,
        "seconds": seconds,
        "requests": len(latencies),
        "req_per_s": round(len(latencies) / seconds, 1),
        "p50_ms": round(_percentile(latencies, 50) * 1e3, 2),
        "p99_ms": round(_percentile(latencies, 99) * 1e3, 2),
        "max_ms": round(latencies[-1] * 1e3, 2) if latencies else None,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "errors": len(errors),
    }
    result.update(CpuMeter.between(before, after, len(latencies)))
    if rate is not None:
        result["target_req_per_s"] = round(rate, 1)
    if errors:
        result["first_errors"] = sorted(set(errors))[:5]
    return result


def _percentile(ordered: list[float], percent: float) -> float:
    if not ordered:
        return float("nan")
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(percent) - 1]


# --- durability --------------------------------------------------------------------------------------------------


def durability(settings: Settings, answered: int) -> dict[str, Any]:
    app = create_app(settings)
    services: Services = app.extensions["deelpoort"]
    try:
        with services.uow() as uow:
            records = uow.log.record_count()
            size = uow.log.size()
            checkpoints = len(uow.log.checkpoints())
        started = time.perf_counter()
        verification = logboek.verifieer(services)
        verify_s = time.perf_counter() - started
        transactions = None
        if services.engine.dialect.name == "postgresql":  # rows written by one transaction share its xmin
            with services.engine.connect() as connection:
                transactions = connection.execute(
                    text("SELECT count(DISTINCT xmin::text) FROM verstrekkingen")
                ).scalar_one()
    finally:
        services.engine.dispose()
    result: dict[str, Any] = {
        "answers_201": answered,
        "log_records": records,
        "log_size": size,
        # the seed's aanmelding is a record of its own (an aanlevering): one more than the answers
        "every_answer_has_its_record": records == size == answered + SEED_RECORDS,
        "verify_ok": verification.ok,
        "verify_s": round(verify_s, 2),
        "checkpoints": checkpoints,
    }
    if verification.problemen:
        result["verify_problems"] = verification.problemen[:5]
    if transactions:
        result["log_transactions"] = transactions
        result["avg_batch_size"] = round(records / transactions, 2)
    return result


def load_arguments(parser: argparse.ArgumentParser) -> None:
    """The server's and the load generator's options (shared with `bench_getuigen.py`)."""
    parser.add_argument("--seconds", type=float, default=10.0, help="duration of each measured phase")
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients at peak load")
    parser.add_argument("--processes", type=int, default=2, help="load generator processes")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker (gthread)")
    parser.add_argument("--database-url", default="", help="PostgreSQL base URL (default: a SQLite file)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    load_arguments(parser)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="deelpoort-bench-") as temp, database(args.database_url, Path(temp)) as url:
        folder = Path(temp)
        write_development_keys(folder / "keys")
        settings = Settings(instance_path=folder / "instance", database_url=url, keys_dir=folder / "keys")
        casus_id, token = seed(settings)
        with server(settings, args.workers, args.threads) as (port, cpu), ProcessPoolExecutor(args.processes) as pool:
            generator = Generator(pool, args.processes, cpu)
            status = Target(port, "GET", "/v1/status")
            verstrekking = verstrekking_target(port, casus_id, token)
            # The baseline proposed for the planners: an authenticated read of the same casus (token check, casus,
            # betrokkenen and deelnames loaded, participation checked; no decryption, no log record).
            casus_read = Target(port, "GET", f"/v1/casussen/{casus_id}", None, token)
            warmup = min(2.0, args.seconds)
            run_phase(generator, status, args.clients, warmup)
            warm = run_phase(generator, verstrekking, args.clients, warmup)
            peak_status = run_phase(generator, status, args.clients, args.seconds)
            peak = run_phase(generator, verstrekking, args.clients, args.seconds)
            peak_read = run_phase(generator, casus_read, args.clients, args.seconds)
            half_rate = peak["req_per_s"] / 2
            half = run_phase(generator, verstrekking, args.clients, args.seconds, rate=half_rate)
            half_status = run_phase(generator, status, args.clients, args.seconds, rate=peak_status["req_per_s"] / 2)
        answered = sum(phase["statuses"].get("201", 0) for phase in (warm, peak, half))
        kept = durability(settings, answered)

    ratio = peak["req_per_s"] / peak_status["req_per_s"] if peak_status["req_per_s"] else float("nan")
    ratio_read = peak["req_per_s"] / peak_read["req_per_s"] if peak_read["req_per_s"] else float("nan")
    report = {
        "benchmark": "verstrekking",
        "python": platform.python_version(),
        "database": make_url(url).get_backend_name(),
        "server": {"gunicorn_workers": args.workers, "worker_class": "gthread", "threads": args.threads},
        "released_velden": RELEASED_VELDEN,
        "note": (
            f"{os.cpu_count()} cores shared by the server, its database and the load generator "
            f"({args.processes} processes on loopback): absolute figures are low and noisy, compare the ratio"
        ),
        "peak": {"status": peak_status, "verstrekking": peak, "casus_read": peak_read},
        "ratio_verstrekking_over_status_req_per_s": round(ratio, 3),
        "ratio_verstrekking_over_casus_read_req_per_s": round(ratio_read, 3),
        "half_load": {"verstrekking": half, "status": half_status},
        "durability": kept,
        "targets": {
            "ratio_at_least_0_5": ratio >= 0.5,
            "p99_at_half_load_at_most_20_ms": half["p99_ms"] <= 20.0,
            "every_record_durable": kept["every_answer_has_its_record"] and kept["verify_ok"],
        },
    }
    print(json.dumps(report, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

"""Benchmark of witnessing (issue 20, item 4): what a short unsigned tail, signed and cosigned by two real witnesses
every few seconds, costs a verstrekking, and how short the tail and the witnesses' lag really are under load.

Serves the seeded data of `bench_verstrekking.py` with gunicorn in several configurations, one after the other in
one run, each on a fresh database seeded the same way and under the same load:

- `baseline`: no witnesses, `DEELPOORT_CHECKPOINT_SECONDS=60` (a checkpoint every 256 records or 60 s);
- `signing-1s`: no witnesses, `DEELPOORT_CHECKPOINT_SECONDS=1` (the cost of signing often, apart from witnessing);
- `witnessed-Ns`: two real witness processes (`deelpoort getuige serve`, each its own key and SQLite storage),
  quorum 2, `interval_seconden` `--interval`, `DEELPOORT_CHECKPOINT_SECONDS=N` for each N of `--witnessed`.

Per configuration: (a) verstrekking peak throughput (closed loop, `--clients`); (b) p50/p99 at one open-loop rate
for every configuration (`--rate`, or half of the baseline's peak in the first round); (c) during both phases,
every `--sample` seconds, read-only: the log's size minus the latest checkpoint's size, that checkpoint's age and
the age of the oldest record it does not cover (from the database), and each witness's own latest cosigned
checkpoint (`GET <witness>/checkpoint?origin=...`, verified with the log's and the witness's keys): the records it
is behind, its cosignature's age, the age of the oldest record it has not cosigned; (d) after the load, how long
until the whole log is signed and cosigned by the quorum ("drain"); then every 201 has its record, the log
verifies, and for witnessed configurations `integriteit.controleer(services, "cli", getuigen=True)` (what
`deelpoort audit verify --getuigen` runs) finds the log witnessed and no problem.

Ratios are witnessed / baseline of the same run. Checkpoint and cosignature times are whole seconds (as in the
notes), so their ages read up to 1 s high; record times are exact, which is why the oldest-record ages are given.
Configurations run `--rounds` times, in reversed order every other round; the best throughput and the lowest p99
are kept, and the worst tail figures.

Run from the project root: `PYTHONPATH=. .venv/bin/python bench/bench_getuigen.py [--seconds 10] [--rounds 2]
[--witnessed 1 5] [--database-url URL]` (it starts the witnesses with `tests/helpers/getuige.py`).
Prints JSON only; timing is never asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from bench_verstrekking import (
    Generator,
    Target,
    database,
    durability,
    load_arguments,
    run_phase,
    seed,
    server,
    verstrekking_target,
)
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from service import create_app
from service.adapters.log_store.statements import HOOFD, VERSTREKKINGEN
from service.adapters.orm.log import CosignatuurRow
from service.crypto import load_key_material, write_development_keys
from service.crypto.material import DEVELOPMENT_KEYS_FILENAME
from service.domain.casus import utcnow
from service.service_layer.logboek import integriteit
from service.service_layer.logboek.getuigenverslag import Gecosigneerd, vraag_getuigen
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.getuige import Getuigeproces, maak_getuige

QUORUM = 2


@dataclass(frozen=True)
class Opzet:
    """One configuration: the checkpoint period and whether the two witnesses cosign."""

    naam: str
    checkpoint_seconds: int
    getuigen: bool

    def origin(self, ronde: int) -> str:
        """A log identity of its own per configuration and round (each is a new log to the witnesses)."""
        return f"deelpoort.bench/{self.naam}-{ronde}/verstrekkingen"


@dataclass(frozen=True)
class Omgeving:
    """What every configuration shares: the folder, the development keys, the witnesses and the load."""

    folder: Path
    keys: Path
    getuigen: tuple[Getuigeproces, ...]
    args: argparse.Namespace


def _opzetten(witnessed: list[int]) -> list[Opzet]:
    return [
        Opzet("baseline", 60, False),
        Opzet("signing-1s", 1, False),
        *(Opzet(f"witnessed-{n}s", n, True) for n in witnessed),
    ]


def _bestand(path: Path, getuigen: tuple[Getuigeproces, ...], interval: float) -> Path:
    document = {
        "quorum": QUORUM,
        "max_achterstand_seconden": 300,
        "interval_seconden": interval,
        "getuigen": [{"url": g.url, "vkey": g.vkey} for g in getuigen],
    }
    path.write_text(yaml.safe_dump(document), encoding="utf-8")
    return path


# --- the tail, sampled -------------------------------------------------------------------------------------------


class Staartmeter:
    """Samples the unsigned tail (database, read-only) and the witnesses' lag (their own answers) in a thread."""

    def __init__(self, services: Services, interval: float) -> None:
        self._services = services
        self._interval = interval
        self._samples: list[dict[str, float]] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @contextlib.contextmanager
    def meten(self) -> Iterator[list[dict[str, float]]]:
        """Sample until the block ends; the list is filled when it has ended."""
        samples: list[dict[str, float]] = []
        self._samples, self._stop = samples, threading.Event()
        self._thread = threading.Thread(target=self._run, name="staartmeter", daemon=True)
        self._thread.start()
        try:
            yield samples
        finally:
            self._stop.set()
            self._thread.join()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            self._samples.append(self.monster())

    def monster(self) -> dict[str, float]:
        """One sample. The witnesses are asked first, so the log's size read after cannot be behind theirs."""
        dienst = self._services.getuigen
        antwoorden = vraag_getuigen(self._services, dienst) if dienst is not None else []
        gecosigneerd = [a if isinstance(a, Gecosigneerd) else None for _, a in antwoorden]
        sizes = [g.checkpoint.size if g else 0 for g in gecosigneerd]
        with self._services.engine.connect() as connection:
            row = connection.execute(
                select(HOOFD.c.grootte, HOOFD.c.checkpoint_grootte, HOOFD.c.checkpoint_tijd).where(HOOFD.c.id == 1)
            ).one()
            size, signed, signed_at = int(row[0]), int(row[1]), row[2]
            wanted = {signed, *sizes} - {size}
            tijd = dict(
                connection.execute(
                    select(VERSTREKKINGEN.c.log_index, VERSTREKKINGEN.c.tijd).where(
                        VERSTREKKINGEN.c.log_index.in_(wanted)
                    )
                ).all()
            )
        now = utcnow()

        def oldest(covered: int) -> float:  # the age of the oldest record beyond `covered`, 0 when none
            moment = tijd.get(covered)
            return max(0.0, (now - moment).total_seconds()) if covered < size and moment else 0.0

        sample = {
            "unsigned_records": size - signed,
            "checkpoint_age_s": (now - signed_at).total_seconds() if signed_at else 0.0,
            "oldest_unsigned_record_age_s": oldest(signed),
        }
        if dienst is not None:
            quorum = sorted(sizes, reverse=True)[QUORUM - 1]
            sample["quorum_behind_records"] = size - quorum
            sample["quorum_oldest_unwitnessed_record_age_s"] = oldest(quorum)
            for n, (g, behind) in enumerate(zip(gecosigneerd, sizes, strict=True)):
                sample[f"w{n}_behind_records"] = size - behind
                sample[f"w{n}_cosignature_age_s"] = (now - g.op).total_seconds() if g else float("inf")
                sample[f"w{n}_oldest_unwitnessed_record_age_s"] = oldest(behind)
        sample["log_size"] = size
        return sample


def samenvatten(samples: list[dict[str, float]]) -> dict[str, Any]:
    """Max, p99 and p50 of every sampled measure (the log size itself left out)."""
    if not samples:
        return {"samples": 0}
    result: dict[str, Any] = {"samples": len(samples)}
    for key in samples[0]:
        if key == "log_size":
            continue
        values = sorted(s[key] for s in samples)
        p99 = statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) > 1 else values[0]
        result[key] = {"max": round(values[-1], 3), "p99": round(p99, 3), "p50": round(statistics.median(values), 3)}
    return result


def getuigen_cpu(getuigen: tuple[Getuigeproces, ...]) -> float:
    """CPU seconds used so far by the witness processes (every process whose command line names a witness's
    configuration file: gunicorn's master and its workers)."""
    markers = [str(g.config).encode() for g in getuigen]
    ticks = 0
    for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
        try:
            if any(m in cmdline.read_bytes() for m in markers):
                fields = (cmdline.parent / "stat").read_text().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime, stime
        except OSError:
            continue
    return ticks / os.sysconf("SC_CLK_TCK")


def _fase(omgeving: Omgeving, generator: Generator, target: Target, rate: float | None = None) -> dict[str, Any]:
    """`run_phase`, with the witnesses' CPU per request over it (the phase's start-up and stragglers included)."""
    args = omgeving.args
    before = getuigen_cpu(omgeving.getuigen)
    result = run_phase(generator, target, args.clients, args.seconds, rate=rate)
    used = getuigen_cpu(omgeving.getuigen) - before
    result["witnesses_cpu_ms_per_request"] = round(used * 1e3 / result["requests"], 3) if result["requests"] else None
    return result


def _afwachten(meter: Staartmeter, witnessed: bool, limit: float) -> float | None:
    """Seconds until the whole log is signed (and cosigned by the quorum), None when not within `limit`."""
    began = time.monotonic()
    while time.monotonic() - began < limit:
        sample = meter.monster()
        if sample["unsigned_records"] == 0 and (not witnessed or sample["quorum_behind_records"] == 0):
            return round(time.monotonic() - began, 2)
        time.sleep(0.1)
    return None


# --- one configuration --------------------------------------------------------------------------------------------


def meet(opzet: Opzet, ronde: int, omgeving: Omgeving, rate: float | None) -> dict[str, Any]:
    """Seed, serve and load one configuration; `rate` is the half-load rate (None: half of its own peak)."""
    args = omgeving.args
    folder = omgeving.folder / f"{opzet.naam}-{ronde}"
    folder.mkdir()
    origin = opzet.origin(ronde)
    bestand = _bestand(folder / "getuigen.yaml", omgeving.getuigen, args.interval) if opzet.getuigen else None
    extra = {"DEELPOORT_CHECKPOINT_SECONDS": str(opzet.checkpoint_seconds), "DEELPOORT_LOG_ORIGIN": origin}
    if bestand is not None:
        extra["DEELPOORT_GETUIGEN_BESTAND"] = str(bestand)
    with database(args.database_url, folder) as url:
        settings = Settings(
            instance_path=folder / "instance",
            database_url=url,
            keys_dir=omgeving.keys,
            log_origin=origin,
            checkpoint_seconds=opzet.checkpoint_seconds,
            getuigen_bestand=bestand,
        )
        casus_id, token = seed(settings)
        services: Services = create_app(settings).extensions["deelpoort"]  # the sampler's reads; it runs no thread
        meter = Staartmeter(services, args.sample)
        try:
            with server(settings, args.workers, args.threads, extra) as (port, cpu):
                with ProcessPoolExecutor(args.processes) as pool:
                    generator = Generator(pool, args.processes, cpu)
                    target = verstrekking_target(port, casus_id, token)
                    warm = run_phase(generator, target, args.clients, min(2.0, args.seconds))
                    with meter.meten() as peak_samples:
                        peak = _fase(omgeving, generator, target)
                    rate = rate or peak["req_per_s"] / 2
                    with meter.meten() as half_samples:
                        half = _fase(omgeving, generator, target, rate)
                limit = 2.0 * opzet.checkpoint_seconds + 2 * args.interval + 5.0
                drain = _afwachten(meter, opzet.getuigen, limit) if opzet.checkpoint_seconds <= 10 else None
            answered = sum(phase["statuses"].get("201", 0) for phase in (warm, peak, half))
            kept = durability(settings, answered)
            if opzet.getuigen:
                kept.update(_getuigd(services))
        finally:
            services.engine.dispose()
    return {
        "configuration": opzet.naam,
        "round": ronde,
        "checkpoint_seconds": opzet.checkpoint_seconds,
        "witnesses": len(omgeving.getuigen) if opzet.getuigen else 0,
        "peak": peak,
        "half_load": half,
        "tail_at_peak": samenvatten(peak_samples),
        "tail_at_half_load": samenvatten(half_samples),
        "drain_s": drain,
        "durability": kept,
    }


def _getuigd(services: Services) -> dict[str, Any]:
    """`audit verify --getuigen` over the stopped server's log, and how many checkpoints each witness cosigned."""
    controle = integriteit.controleer(services, "cli", getuigen=True)
    with services.engine.connect() as connection:
        rows = connection.execute(select(CosignatuurRow.getuige, func.count()).group_by(CosignatuurRow.getuige)).all()
    result: dict[str, Any] = {
        "verify_getuigen_ok": controle.intact,
        "cosigned_checkpoints": {str(name): int(count) for name, count in rows},
    }
    if not controle.intact:
        result["verify_getuigen_problems"] = [*controle.problemen, *controle.tabellen_problemen][:5]
    return result


# --- the run -----------------------------------------------------------------------------------------------------


def _best(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per configuration over its rounds: the best throughput, the lowest half-load p99 (with its p50), the worst
    tail and drain, and whether every round kept every record and verified."""
    peak = max(runs, key=lambda r: r["peak"]["req_per_s"])["peak"]
    half = min(runs, key=lambda r: r["half_load"]["p99_ms"])["half_load"]
    result: dict[str, Any] = {
        "peak_req_per_s": peak["req_per_s"],
        "peak_p50_p99_ms": [peak["p50_ms"], peak["p99_ms"]],
        "worker_cpu_ms_per_request": min(r["peak"]["workers_cpu_ms_per_request"] or 0 for r in runs),
        "witnesses_cpu_ms_per_request": min(r["peak"]["witnesses_cpu_ms_per_request"] or 0 for r in runs),
        "half_load_p50_p99_ms": [half["p50_ms"], half["p99_ms"]],
        "half_load_req_per_s": half["req_per_s"],
    }
    for phase in ("tail_at_peak", "tail_at_half_load"):
        worst: dict[str, Any] = {}
        for key in runs[0][phase]:
            if key != "samples":
                worst[key] = {s: max(r[phase][key][s] for r in runs) for s in ("max", "p99")}
        result[phase] = worst
    drains = [r["drain_s"] for r in runs]
    result["drain_s_worst"] = None if None in drains else max(drains)
    result["durable_and_verified"] = all(
        r["durability"]["every_answer_has_its_record"]
        and r["durability"]["verify_ok"]
        and r["durability"].get("verify_getuigen_ok", True)
        for r in runs
    )
    return result


def per_ronde(runs: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    """Each configuration against the baseline of the same round (minutes apart rather than a whole run), per
    round and their median: on a shared machine the steadier comparison."""
    result: dict[str, Any] = {}
    for naam in dict.fromkeys(r["configuration"] for r in runs if r["configuration"] != "baseline"):
        peak, p99 = [], []
        for ronde in range(rounds):
            base, run = (
                next(r for r in runs if r["round"] == ronde and r["configuration"] == c) for c in ("baseline", naam)
            )
            peak.append(round(run["peak"]["req_per_s"] / base["peak"]["req_per_s"], 3))
            p99.append(round(run["half_load"]["p99_ms"] / base["half_load"]["p99_ms"], 3))
        result[naam] = {
            "peak_req_per_s": peak,
            "peak_req_per_s_median": statistics.median(peak),
            "half_load_p99": p99,
            "half_load_p99_median": statistics.median(p99),
        }
    return result


def _getuige_map(basis: Path | None, folder: Path, naam: str) -> Path:
    """A witness's own folder: in the run's temporary folder, or (with `--getuigen-map`) in a new one there."""
    return Path(tempfile.mkdtemp(dir=basis)) / naam if basis is not None else folder / f"getuige-{naam}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    load_arguments(parser)
    parser.add_argument("--rounds", type=int, default=2, help="runs of every configuration (order alternates)")
    parser.add_argument("--witnessed", type=int, nargs="+", default=[1, 5], help="DEELPOORT_CHECKPOINT_SECONDS")
    parser.add_argument("--interval", type=float, default=0.5, help="the witness set-up's interval_seconden")
    parser.add_argument("--rate", type=float, help="half-load req/s for all (default: half the first baseline peak)")
    parser.add_argument("--sample", type=float, default=0.1, help="seconds between samples of the tail")
    parser.add_argument(
        "--getuigen-map",
        type=Path,
        help="where the witnesses keep their key and storage (e.g. /dev/shm: their disk syncs off the log's disk)",
    )
    args = parser.parse_args()

    opzetten = _opzetten(args.witnessed)
    load_before = os.getloadavg()
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="deelpoort-bench-getuigen-") as temp, contextlib.ExitStack() as stack:
        folder = Path(temp)
        keys = folder / "keys"
        write_development_keys(keys)
        log_vkey = load_key_material(keys / DEVELOPMENT_KEYS_FILENAME).signer.verifier.verifier_key
        logs = [(o.origin(r), log_vkey) for r in range(args.rounds) for o in opzetten if o.getuigen]
        getuigen = tuple(
            maak_getuige(
                Path(tempfile.mkdtemp(dir=args.getuigen_map)) / naam
                if args.getuigen_map
                else folder / f"getuige-{naam}",
                logs,
                naam=f"getuige.bench/{naam}",
            )
            for naam in ("een", "twee")
        )
        for getuige in getuigen:
            getuige.start()
            stack.callback(getuige.stop)
        omgeving = Omgeving(folder, keys, getuigen, args)
        rate: float | None = args.rate
        for ronde in range(args.rounds):
            for opzet in opzetten if ronde % 2 == 0 else opzetten[::-1]:
                run = meet(opzet, ronde, omgeving, rate)
                if rate is None:  # the first run is the baseline's: its half peak is every configuration's rate
                    rate = run["peak"]["req_per_s"] / 2
                runs.append(run)
                print(f"{opzet.naam} round {ronde}: {run['peak']['req_per_s']} req/s", file=sys.stderr)

    best = {o.naam: _best([r for r in runs if r["configuration"] == o.naam]) for o in opzetten}
    base = best["baseline"]
    ratios = {
        naam: {
            "peak_req_per_s": round(b["peak_req_per_s"] / base["peak_req_per_s"], 3),
            "half_load_p50": round(b["half_load_p50_p99_ms"][0] / base["half_load_p50_p99_ms"][0], 3),
            "half_load_p99": round(b["half_load_p50_p99_ms"][1] / base["half_load_p50_p99_ms"][1], 3),
            "worker_cpu_per_request": round(b["worker_cpu_ms_per_request"] / base["worker_cpu_ms_per_request"], 3),
        }
        for naam, b in best.items()
        if naam != "baseline"
    }
    report = {
        "benchmark": "getuigen",
        "python": platform.python_version(),
        "database": make_url(args.database_url or "sqlite://").get_backend_name(),
        "server": {"gunicorn_workers": args.workers, "worker_class": "gthread", "threads": args.threads},
        "witnesses": {"processes": 2, "quorum": QUORUM, "interval_seconden": args.interval},
        "seconds_per_phase": args.seconds,
        "rounds": args.rounds,
        "half_load_req_per_s": rate,
        "load_average_before_after": [round(x, 2) for x in (*load_before[:1], *os.getloadavg()[:1])],
        "note": (
            f"{os.cpu_count()} cores shared by the server, its database, the witnesses and the load generator: "
            "compare the ratios against the baseline of the same run"
        ),
        "best": best,
        "ratios_over_baseline": ratios,
        "ratios_per_round": per_ronde(runs, args.rounds),
        "runs": runs,
    }
    print(json.dumps(report, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

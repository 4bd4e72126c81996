"""Benchmark of the verstrekking log in the database: `audit verify` end to end and proofs from stored nodes.

(a) `logboek.verifieer` over N stored records (reading every record and stored node from the database,
recomputing every leaf, node and checkpoint root, and comparing the query columns with the records in the
database beside it) vs raw SHA-256 over the same record bytes in the same run (the pure-hashing comparison
without the database is `bench_audit.py`). Best of `--repeat` runs of each, reported with the process CPU time of
the verify (see `note` for what it does and does not include).
(b) An inclusion proof at N records through `logboek.insluitingsbewijs` (one statement for the record, size and
covering checkpoint, one for the nodes), median and p99 over 300 random indexes. Target: <= 1 ms.
(c) The quick check every view of the FG's integrity page runs (`logboek.snelle_controle`: the latest checkpoint
against the stored tree and head), median and p99 over 100 runs, next to the full verify of (a).

The records are appended in large batches straight through `LogStore` with the writer's `append_in` (as a beheer
step does: the records, their nodes and every checkpoint the signing rule makes due, so the log keeps the rule
`audit verify` checks), which is how a log of 1M records is built here in minutes. Each record releases
`--velden` velden (3 by default, ~1 kB; 20, as in `bench_verstrekking.py`, gives ~3.5 kB). Run:
`.venv/bin/python bench/bench_log_store.py [--records N] [--velden V] [--database-url URL]` (default 200,000 on a
temporary SQLite file). Prints JSON only.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy.orm import Session

from service import create_app
from service.adapters.log_store import LogStore
from service.adapters.migrate import upgrade
from service.crypto import write_development_keys
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.verstrekking import Trace, Uitkomst, Verstrekking, VerstrektVeld
from service.service_layer.logboek import controle as logboek
from service.settings import Settings


def record(n: int, velden: int = 3) -> Verstrekking:
    return Verstrekking(
        id=new_id(),
        tijd=utcnow(),
        partner="politie-noord-nederland",
        oin="00000099000000000110",
        gebruiker=new_id(),
        rol="deelnemer",
        casus=new_id(),
        casustype="regulier",
        betrokkenen=(new_id(), new_id()),
        doel="casusoverleg",
        uitkomst=Uitkomst.GEDEELTELIJK,
        verstrekt=tuple(
            VerstrektVeld(f"veld{i}", "avg-6-1-e-wgs", "va-casusoverleg", 1, ("b1", "b2")) for i in range(velden)
        ),
        onthouden=("psychischeGezondheid",),
        beleidsversie="0" * 64,
        trace=Trace(f"{n:032x}", f"{n + 1:016x}"),
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--velden", type=int, default=3, help="released velden per record")
    parser.add_argument("--repeat", type=int, default=3, help="verify and raw hashing runs (the best counts)")
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="deelpoort-bench-") as scratch:
        write_development_keys(Path(scratch))
        url = args.database_url or f"sqlite:///{scratch}/log.sqlite3"
        settings = Settings(instance_path=Path(scratch), database_url=url, keys_dir=Path(scratch))
        app = create_app(dataclasses.replace(settings, checkpoint_records=max(args.records // 50, 1)))
        services = app.extensions["deelpoort"]
        upgrade(services.engine)
        started = time.perf_counter()
        batch = 5000
        for first in range(0, args.records, batch):
            with Session(services.engine) as session, session.begin():
                store = LogStore(session)
                chunk = [record(first + n, args.velden) for n in range(min(batch, args.records - first))]
                services.log.append_in(store, store.lock_head(), chunk)
            if (first // batch) % 10 == 0:
                services.log.checkpoint_now()
        services.log.checkpoint_now()
        fill = time.perf_counter() - started

        with services.uow() as uow:
            raw_bytes = [r.record for r in uow.log.records()]
        raw = verify = verify_cpu = float("inf")
        for _ in range(args.repeat):
            started = time.perf_counter()
            for data in raw_bytes:
                hashlib.sha256(data).digest()
            raw = min(raw, time.perf_counter() - started)
            started, cpu = time.perf_counter(), time.process_time()
            result = logboek.verifieer(services)
            verify = min(verify, time.perf_counter() - started)
            verify_cpu = min(verify_cpu, time.process_time() - cpu)
            assert result.ok, result.problemen[:3]
        total_bytes = sum(len(b) for b in raw_bytes)
        del raw_bytes

        fg = Gebruiker(new_id(), "bureau-zvh-drenthe", "fg", "bench")
        rng = random.Random(1)
        times = []
        for _ in range(300):
            index = rng.randrange(args.records)
            started = time.perf_counter()
            logboek.insluitingsbewijs(services, fg, index, args.records)
            times.append(time.perf_counter() - started)
        times.sort()
        quick = []
        for _ in range(100):
            started = time.perf_counter()
            assert logboek.snelle_controle(services).ok
            quick.append(time.perf_counter() - started)
        quick.sort()
        print(
            json.dumps(
                {
                    "benchmark": "log_store",
                    "database": services.engine.dialect.name,
                    "records": args.records,
                    "velden_per_record": args.velden,
                    "record_bytes_total": total_bytes,
                    "record_bytes_mean": round(total_bytes / max(args.records, 1)),
                    "fill_seconds": round(fill, 2),
                    "verify_seconds": round(verify, 3),
                    "verify_process_cpu_seconds": round(verify_cpu, 3),
                    "raw_sha256_seconds": round(raw, 4),
                    "verify_vs_raw_sha256_throughput": round(raw / verify, 4),
                    "checkpoints": result.checkpoints,
                    "inclusion_proof_ms": {
                        "median": round(statistics.median(times) * 1000, 3),
                        "p99": round(times[int(len(times) * 0.99) - 1] * 1000, 3),
                    },
                    "quick_check_ms": {
                        "median": round(statistics.median(quick) * 1000, 3),
                        "p99": round(quick[98] * 1000, 3),
                    },
                    "note": (
                        "2 shared cores; best of --repeat runs; verify includes reading every record and node from "
                        "the database; its column check runs on a second connection beside the tree pass (SQLite: "
                        "in this process, so in verify_process_cpu_seconds; PostgreSQL: in the server, so not)"
                    ),
                },
                indent=2,
            )
        )
        services.engine.dispose()
    sys.exit(0)


if __name__ == "__main__":
    main()

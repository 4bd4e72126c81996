"""Benchmark of the FG's queries over a large verstrekking log: the first page of filtered selections.

Synthetic records are loaded by `log_loader` (the service's own record, canonical form and leaf hash; COPY on
PostgreSQL, executemany on SQLite), not through the API: the Merkle nodes are not built, because these
queries never read them. Measured through the service layer (`verantwoording.verstrekkingen`, which parses each
record and builds the FG's view), first page of 50, newest first:

(a) partner + period (a random partner, a random 30-day window);
(b) casus (a random casus);
(c) person via the blind index, first page: the BSN's blind index (each regime) to betrokkene ids, then the
    first page of their records (what `inzageverzoek` does before it reads the whole report);
(d) person via the blind index, the whole access request (`verantwoording.inzageverzoek`, random synthetic BSN);
(e) grondslag + period (through the derived table).

Baseline in the same run: fetching one record by its primary key (`log_index`) through the same unit of work.
Target: p95 <= 50 ms for (a)-(e). Also reports load time and the size of every table and index involved; with
`--explain`, the plan (EXPLAIN ANALYZE, PostgreSQL) of each SELECT one sample of each query issues; with
`--overzicht`, the FG overview page's counts (not a target: it counts over the whole log).

Run: `.venv/bin/python bench/bench_verantwoording.py [--records N] [--database-url URL] [--samples S]`
(default 1,000,000 records on a temporary SQLite file). With `--keys-dir DIR --reuse`, a database that already
holds a log of exactly N records (loaded by an earlier run with the same keys) is measured without loading.
Prints JSON only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from log_loader import GRONDSLAGEN, TABLES, LoadReport, Shape, bsn, insert_region, load, synthetic
from sqlalchemy import event, select, text

from service import create_app
from service.adapters.migrate import upgrade
from service.adapters.orm import LoghoofdRow
from service.crypto import write_development_keys
from service.crypto.material import DEVELOPMENT_KEYS_FILENAME
from service.domain.casus import Gebruiker
from service.domain.convenant import Regime
from service.domain.verantwoording import Pagina, Selectie
from service.service_layer.services import Services
from service.service_layer.verantwoording import raadplegen as verantwoording
from service.service_layer.verantwoording import signalering
from service.settings import Settings

FG = Gebruiker("f" * 32, "bureau-zvh-drenthe", "fg", "bench fg")
TARGET_MS = 50


def timed(fn: Callable[[], object], samples: int) -> dict[str, float]:
    fn()  # warm
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()

    def rank(p: float) -> float:  # nearest rank
        return round(times[max(0, -(-len(times) * p // 100) - 1)], 3)

    return {
        "samples": samples,
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": rank(95),
        "p99_ms": rank(99),
        "max_ms": round(times[-1], 3),
    }


def load_figures(report: LoadReport) -> dict[str, Any]:
    figures = dataclasses.asdict(report)
    figures.update(
        rows_s=round(report.rows_s, 1),
        index_s={name: round(seconds, 1) for name, seconds in report.index_s.items()},
        index_total_s=round(sum(report.index_s.values()), 1),
        analyze_s=round(report.analyze_s, 1),
        total_s=round(report.total_s, 1),
    )
    return figures


def sizes(services: Services) -> dict[str, Any]:
    """Bytes per table (heap, all its indexes, total) and per index."""
    tables = (*TABLES, "betrokkenen")
    with services.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            per_table = {
                name: {"heap": int(heap), "indexes": int(indexes), "total": int(total)}
                for name, heap, indexes, total in connection.execute(
                    text(
                        "SELECT relname, pg_relation_size(oid), pg_indexes_size(oid), pg_total_relation_size(oid) "
                        "FROM pg_class WHERE relkind = 'r' AND relnamespace = CAST(current_schema() AS regnamespace) "
                        "AND relname = ANY(:tables)"
                    ),
                    {"tables": list(tables)},
                )
            }
            per_index = {
                name: int(size)
                for name, size in connection.execute(
                    text(
                        "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c "
                        "JOIN pg_index i ON i.indexrelid = c.oid JOIN pg_class t ON t.oid = i.indrelid "
                        "WHERE t.relname = ANY(:tables) AND t.relnamespace = CAST(current_schema() AS regnamespace) "
                        "ORDER BY t.relname, c.relname"
                    ),
                    {"tables": list(tables)},
                )
            }
            return {"tables_bytes": per_table, "index_bytes": per_index}
        try:
            rows = connection.execute(
                text(
                    "SELECT m.tbl_name, m.type, d.name, SUM(d.pgsize) FROM dbstat d JOIN sqlite_master m "
                    "ON m.name = d.name WHERE m.tbl_name IN ('verstrekkingen', 'verstrekking_betrokkenen', "
                    "'verstrekking_grondslagen', 'betrokkenen') GROUP BY d.name"
                )
            ).all()
        except Exception:
            return {"dbstat": None}
        return {
            "tables_bytes": {t: {"heap": int(s)} for t, kind, _, s in rows if kind == "table"},
            "index_bytes": {n: int(s) for _, kind, n, s in rows if kind == "index"},
        }


@contextmanager
def captured(services: Services) -> Iterator[list[tuple[str, Any]]]:
    """The SELECT statements (with parameters) that the engine executes inside the block."""
    statements: list[tuple[str, Any]] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.lstrip().upper().startswith("SELECT") and "verstrekkingen" in statement:
            statements.append((statement, parameters))

    event.listen(services.engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(services.engine, "before_cursor_execute", before)


def explain(services: Services, fn: Callable[[], object]) -> list[list[str]]:
    """EXPLAIN (ANALYZE, BUFFERS) of every SELECT over the log that one call of `fn` issues (PostgreSQL)."""
    with captured(services) as statements:
        fn()
    plans = []
    raw = services.engine.raw_connection()
    try:
        cursor = raw.driver_connection.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            plans.append([row[0] for row in cursor.fetchall()])
        raw.rollback()
    finally:
        raw.close()
    return plans


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--casussen", type=int, default=20_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--samples", type=int, default=200, help="timed calls per query (baseline: 5x)")
    parser.add_argument("--keep-indexes", action="store_true", help="PostgreSQL: COPY with the indexes in place")
    parser.add_argument("--keys-dir", default="", help="key material to keep (default: a temporary directory)")
    parser.add_argument("--reuse", action="store_true", help="measure a database already loaded with N records")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE one sample of each query")
    parser.add_argument("--overzicht", action="store_true", help="also time the FG overview page's counts")
    parser.add_argument("--seed", type=int, default=10, help="of the random query parameters")
    args = parser.parse_args()
    if args.reuse and not args.keys_dir:
        parser.error("--reuse needs the --keys-dir of the run that loaded the database (the blind index keys)")
    rng = random.Random(args.seed)
    shape = Shape(records=args.records, casussen=args.casussen)
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(args.keys_dir) if args.keys_dir else Path(tmp) / "keys"
        if not (keys / DEVELOPMENT_KEYS_FILENAME).exists():
            write_development_keys(keys)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app(Settings(instance_path=Path(tmp) / "instance", database_url=url, keys_dir=keys))
        services: Services = app.extensions["deelpoort"]
        upgrade(services.engine)
        with services.uow() as uow:
            uow.partners.sync(services.convenant.partners)
            uow.commit()
        partners = services.convenant.partners
        with services.engine.connect() as connection:
            size = connection.scalar(select(LoghoofdRow.grootte)) or 0
        if args.reuse:
            if size != args.records:
                raise SystemExit(f"--reuse: the log holds {size} records, not {args.records}")
            report = None
        else:
            insert_region(services.engine, shape, partners[0].id, services.keys.blind_index)
            report = load(services.engine, synthetic(shape, partners), rebuild_indexes=not args.keep_indexes)
        casussen = shape.casus_ids()
        start = shape.start
        days = shape.span.days - 30

        def by_pk() -> object:
            with services.uow() as uow:
                return uow.log.record(rng.randrange(args.records))

        def partner_period() -> object:
            van = start + dt.timedelta(days=rng.randrange(days))
            selectie = Selectie(partner=rng.choice(partners).id, van=van, tot=van + dt.timedelta(days=30))
            return verantwoording.verstrekkingen(services, FG, selectie, Pagina(1, 50))

        def casus() -> object:
            return verantwoording.verstrekkingen(services, FG, Selectie(casus=rng.choice(casussen)), Pagina(1, 50))

        def person_first_page() -> object:
            number = bsn(rng.randrange(shape.bsns))
            indexes = [services.keys.blind_index.bsn_hex(regime, number) for regime in Regime]
            with services.uow() as uow:
                treffers = uow.verantwoording.betrokkenen_met_index(indexes)
            selectie = Selectie(betrokkenen=tuple(sorted(t.betrokkene_id for t in treffers)))
            return verantwoording.verstrekkingen(services, FG, selectie, Pagina(1, 50))

        def person_access_request() -> object:
            return verantwoording.inzageverzoek(services, FG, bsn(rng.randrange(shape.bsns)))

        def grondslag_period() -> object:
            van = start + dt.timedelta(days=rng.randrange(days))
            selectie = Selectie(grondslag=rng.choice(GRONDSLAGEN), van=van, tot=van + dt.timedelta(days=30))
            return verantwoording.verstrekkingen(services, FG, selectie, Pagina(1, 50))

        queries = {
            "partner_period": partner_period,
            "casus": casus,
            "person_first_page": person_first_page,
            "person_access_request": person_access_request,
            "grondslag_period": grondslag_period,
        }
        baseline = timed(by_pk, args.samples * 5)
        results = {name: timed(fn, args.samples) for name, fn in queries.items()}
        for figures in results.values():
            figures["ratio_p95_vs_baseline"] = round(figures["p95_ms"] / max(baseline["p95_ms"], 1e-6), 1)
            figures["target_p95_ms"] = TARGET_MS
            figures["met"] = figures["p95_ms"] <= TARGET_MS
        out: dict[str, Any] = {
            "benchmark": "verantwoording",
            "database": services.engine.dialect.name,
            "records": args.records,
            "casussen": args.casussen,
            "load": None if report is None else load_figures(report),
            "baseline_record_by_primary_key": baseline,
            "first_page_50": results,
        }
        if args.overzicht:
            now = start + shape.span
            out["overzicht_counts"] = timed(lambda: signalering.overzicht(services, FG, now=now), 5)
            # the list page as the FG opens it from the overview: the first page with its total (issue 24.3)
            alles = Selectie()
            out["lijst_met_totaal"] = timed(
                lambda: verantwoording.verstrekkingen(services, FG, alles, Pagina(1, 50), tellen=True), 5
            )
            out["lijst_zonder_totaal"] = timed(
                lambda: verantwoording.verstrekkingen(services, FG, alles, Pagina(1, 50)), 5
            )
        out.update(sizes(services))
        if args.explain and services.engine.dialect.name == "postgresql":
            out["plans"] = {name: explain(services, fn) for name, fn in queries.items()}
        services.engine.dispose()
    json.dump(out, sys.stdout, indent=2, default=str)
    print()


if __name__ == "__main__":
    main()

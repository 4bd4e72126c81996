"""Benchmark of the FG's queries over a large verstrekking log: the first page of filtered selections.

Synthetic records are written straight into `verstrekkingen` (and the derived `verstrekking_betrokkenen` /
`verstrekking_grondslagen`) with executemany, not through the API: the Merkle nodes are not built, because
these queries never read them. Measured through the service layer (`verantwoording.verstrekkingen`, which
parses each record and builds the FG's view), first page of 50, newest first:

(a) partner + period (a random partner, a random 30-day window);
(b) casus (a random casus);
(c) person via the blind index: a whole access request (`verantwoording.inzageverzoek`, random synthetic BSN);
(d) grondslag + period (through the derived table).

Baseline in the same run: fetching one record by its primary key (`log_index`) through the same session
factory. Target: p95 <= 50 ms for (a)-(d). Also reports the size of every index of the tables involved.

Run: `.venv/bin/python bench/bench_verantwoording.py [--records N] [--database-url URL]` (default 1,000,000
records on a temporary SQLite file). Prints JSON only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text, update

from service import create_app
from service.adapters.migrate import upgrade
from service.adapters.orm import (
    BetrokkeneRow,
    CasusRow,
    LoghoofdRow,
    VerantwoordingIndexRow,
    VerstrekkingBetrokkeneRow,
    VerstrekkingGrondslagRow,
    VerstrekkingRow,
)
from service.audit.record import canonical
from service.crypto import write_development_keys
from service.domain.casus import Gebruiker
from service.domain.convenant import Regime
from service.domain.verantwoording import Pagina, Selectie
from service.service_layer import verantwoording
from service.service_layer.services import Services
from service.settings import Settings

CASUSSEN = 20_000
DOELEN = ("triage", "casusoverleg", "advies", "procesregie", "nazorg")
GRONDSLAGEN = ("avg-6-1-e-wgs", "uavg-46-bsn", "avg-9-uavg-30", "avg-10-uavg-33", "wjsg-39f", "wpg-20")
UITKOMSTEN = ("verstrekt", "verstrekt", "gedeeltelijk", "gedeeltelijk", "leeg", "geweigerd")
SPAN = dt.timedelta(days=730)
BATCH = 20_000
SAMPLES = 40
FG = Gebruiker("f" * 32, "bureau-zvh-drenthe", "fg", "bench fg")


def bsn(n: int) -> str:
    return f"9999{n:05d}"  # the synthetic test range (no elfproef needed by the blind index)


def populate(services: Services, records: int, rng: random.Random) -> dict[str, Any]:
    partners = [p.id for p in services.convenant.partners]
    start = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    casus_ids = [f"{i:032x}" for i in range(CASUSSEN)]
    personen = [(f"{i:031x}a", f"{i:031x}b") for i in range(CASUSSEN)]  # hoofdpersoon, systeemlid per casus
    blind = services.keys.blind_index
    with services.engine.begin() as connection:
        connection.execute(
            insert(CasusRow),
            [
                {
                    "id": c,
                    "casustype": "regulier",
                    "fase": "procesregie",
                    "gemeente": "assen",
                    "onderwerp": "overig",
                    "aanmelder": partners[0],
                    "aangemeld_op": start,
                    "gewijzigd_op": start,
                }
                for c in casus_ids
            ],
        )
        rows = []
        for i, (hoofd, systeem) in enumerate(personen):
            rows.append({"id": hoofd, "casus_id": casus_ids[i], "rol": "hoofdpersoon", "bsn_index": None})
            rows.append({"id": systeem, "casus_id": casus_ids[i], "rol": "systeemlid", "bsn_index": None})
        for i in range(4000):  # 4,000 persons (hoofdpersonen and systeemleden) have a BSN on file
            rows[i]["bsn_index"] = blind.bsn_hex(Regime.REGULIER, bsn(i))
        connection.execute(insert(BetrokkeneRow), rows)
    seconds = SPAN.total_seconds()
    begin = time.perf_counter()
    for offset in range(0, records, BATCH):
        leaves, people, grounds = [], [], []
        for index in range(offset, min(offset + BATCH, records)):
            c = rng.randrange(CASUSSEN)
            tijd = start + dt.timedelta(seconds=seconds * index / records)
            uitkomst = rng.choice(UITKOMSTEN)
            velden = [] if uitkomst in ("leeg", "geweigerd") else rng.sample(GRONDSLAGEN, 2)
            record = {
                "formaat": 1,
                "soort": "verstrekking",
                "id": f"{index:032x}",
                "tijd": tijd.isoformat(timespec="microseconds").replace("+00:00", "Z"),
                "partner": rng.choice(partners),
                "oin": "00000099000000000000",
                "gebruiker": "0" * 32,
                "rol": "casusregisseur",
                "casus": casus_ids[c],
                "casustype": "regulier",
                "betrokkenen": list(personen[c]),
                "doel": rng.choice(DOELEN),
                "uitkomst": uitkomst,
                "weigering": "fase" if uitkomst == "geweigerd" else None,
                "verstrekt": [
                    {
                        "veld": f"veld{k}",
                        "grondslag": g,
                        "verwerkingsactiviteit": {"id": "va-casusoverleg", "versie": 1},
                        "plaatsen": [personen[c][0]],
                    }
                    for k, g in enumerate(velden)
                ],
                "onthouden": [],
                "beleidsversie": "0" * 64,
                "traceId": f"{index:032x}",
                "spanId": f"{index:016x}",
            }
            leaves.append(
                {
                    "log_index": index,
                    "id": record["id"],
                    "record": canonical(record),
                    "blad_hash": b"\0" * 32,
                    "tijd": tijd,
                    "partner_id": record["partner"],
                    "casus_id": record["casus"],
                    "doel": record["doel"],
                    "uitkomst": uitkomst,
                }
            )
            people += [{"betrokkene_id": b, "log_index": index} for b in personen[c]]
            grounds += [{"grondslag": g, "log_index": index} for g in velden]
        with services.engine.begin() as connection:
            connection.execute(insert(VerstrekkingRow), leaves)
            connection.execute(insert(VerstrekkingBetrokkeneRow), people)
            if grounds:
                connection.execute(insert(VerstrekkingGrondslagRow), grounds)
    with services.engine.begin() as connection:
        connection.execute(update(LoghoofdRow).values(grootte=records))
        connection.execute(update(VerantwoordingIndexRow).values(tot=records))
        connection.execute(text("ANALYZE"))
    return {"partners": partners, "casussen": casus_ids, "start": start, "load_s": time.perf_counter() - begin}


def timed(fn: Callable[[], object], samples: int) -> dict[str, float]:
    fn()  # warm
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 3),
        "p95_ms": round(times[int(0.95 * (len(times) - 1))], 3),
        "max_ms": round(times[-1], 3),
    }


def index_sizes(services: Services) -> dict[str, int | None]:
    tables = ("verstrekkingen", "verstrekking_betrokkenen", "verstrekking_grondslagen", "betrokkenen")
    with services.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            rows = connection.execute(
                text(
                    "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
                    "JOIN pg_class t ON t.oid = i.indrelid WHERE t.relname = ANY(:tables)"
                ),
                {"tables": list(tables)},
            )
            return {name: int(size) for name, size in rows}
        try:
            rows = connection.execute(
                text(
                    "SELECT name, SUM(pgsize) FROM dbstat WHERE name IN (SELECT name FROM sqlite_master "
                    "WHERE type = 'index' AND tbl_name IN ('verstrekkingen', 'verstrekking_betrokkenen', "
                    "'verstrekking_grondslagen', 'betrokkenen')) GROUP BY name"
                )
            )
            return {name: int(size) for name, size in rows}
        except Exception:
            return {"dbstat": None}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    rng = random.Random(9)
    with tempfile.TemporaryDirectory() as tmp:
        keys = Path(tmp) / "keys"
        write_development_keys(keys)
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        app = create_app(Settings(instance_path=Path(tmp) / "instance", database_url=url, keys_dir=keys))
        services: Services = app.extensions["deelpoort"]
        upgrade(services.engine)
        with services.uow() as uow:
            uow.partners.sync(services.convenant.partners)
            uow.commit()
        data = populate(services, args.records, rng)
        partners, casussen, start = data["partners"], data["casussen"], data["start"]

        def by_pk() -> object:
            with services.uow() as uow:
                return uow.log.record(rng.randrange(args.records))

        def partner_period() -> object:
            van = start + dt.timedelta(days=rng.randrange(700))
            selectie = Selectie(partner=rng.choice(partners), van=van, tot=van + dt.timedelta(days=30))
            return verantwoording.verstrekkingen(services, FG, selectie, Pagina(1, 50))

        def casus() -> object:
            return verantwoording.verstrekkingen(services, FG, Selectie(casus=rng.choice(casussen)), Pagina(1, 50))

        def person() -> object:
            return verantwoording.inzageverzoek(services, FG, bsn(rng.randrange(4000)))

        def grondslag_period() -> object:
            van = start + dt.timedelta(days=rng.randrange(700))
            selectie = Selectie(grondslag=rng.choice(GRONDSLAGEN), van=van, tot=van + dt.timedelta(days=30))
            return verantwoording.verstrekkingen(services, FG, selectie, Pagina(1, 50))

        baseline = timed(by_pk, SAMPLES * 5)
        results = {
            name: timed(fn, SAMPLES)
            for name, fn in (
                ("partner_period", partner_period),
                ("casus", casus),
                ("person_access_request", person),
                ("grondslag_period", grondslag_period),
            )
        }
        for figures in results.values():
            figures["ratio_p95_vs_baseline"] = round(figures["p95_ms"] / max(baseline["p95_ms"], 1e-6), 1)
            figures["target_p95_ms"] = 50
            figures["met"] = figures["p95_ms"] <= 50
        out = {
            "benchmark": "verantwoording",
            "database": services.engine.dialect.name,
            "records": args.records,
            "load_s": round(data["load_s"], 1),
            "baseline_record_by_primary_key": baseline,
            "first_page_50": results,
            "index_bytes": index_sizes(services),
        }
        services.engine.dispose()
    json.dump(out, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()

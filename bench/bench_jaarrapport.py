"""Benchmark of the annual report (issue 23, `docs/managementinformatie.md`) on the demo region, against reading
the same casussen without decrypting anything, in the same run.

A fresh database (a SQLite file in a temporary folder, or with `--database-url` a PostgreSQL schema of its own)
holding the demo region (`generate_region`, `--seed`, today: some 500 casussen, nearly all regular: the year
before today and the calendar year 2023).

(a) baseline: every regular casus read with its history (`uow.casussen.get`, `uow.historie.list`: the metadata the
    report starts from, no value decrypted);
(b) the exact report (`rapporteer`, publicatie=False): the same reads plus the granted values decrypted per casus,
    16 tables counted, one aggregate verstrekking logged;
(c) the published report (the same plus small-cell suppression of every table).

Prints JSON only: seconds of each, per casus, and the ratios report / baseline; timing is never asserted.

Run: `PYTHONPATH=. .venv/bin/python bench/bench_jaarrapport.py [--seed N] [--database-url URL]`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform

from bench_import import timed, verse_installatie

from service.demo.installatie import install_region
from service.demo.regio import generate_region
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.convenant import Casustype, Regime
from service.domain.verstrekking import Trace
from service.service_layer.managementinformatie.rapport import Vraag, rapporteer
from service.service_layer.services import Services

MANAGER = Gebruiker(new_id(), "bureau-zvh-drenthe", "manager", "bench manager")
TRACE = Trace("1" * 32, "2" * 16)


def _lees(services: Services) -> int:
    eind = utcnow() + dt.timedelta(days=1)
    with services.uow() as uow:
        ids = uow.casussen.ids(Casustype.REGULIER, eind)
        for casus_id in ids:
            uow.casussen.get(casus_id)
            uow.historie.list(casus_id, Regime.REGULIER)
    return len(ids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2023, help="seed of the synthetic region")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    jaar = utcnow().year
    with verse_installatie(args.database_url) as services:
        install_region(services, generate_region(services.convenant, seed=args.seed, today=dt.date.today()))
        baseline, n = timed(lambda: _lees(services))
        exact, _ = timed(lambda: rapporteer(services, MANAGER, Vraag(jaar, publicatie=False), TRACE))
        gepubliceerd, _ = timed(lambda: rapporteer(services, MANAGER, Vraag(jaar), TRACE))
    print(
        json.dumps(
            {
                "benchmark": "jaarrapport",
                "python": platform.python_version(),
                "database": "postgresql" if args.database_url else "sqlite",
                "casussen": n,
                "baseline_lezen_s": baseline,
                "rapport_exact_s": exact,
                "rapport_gepubliceerd_s": gepubliceerd,
                "per_casus_ms": round(1000 * exact / max(n, 1), 2),
                "ratio_exact_baseline": round(exact / baseline, 2) if baseline else None,
                "ratio_gepubliceerd_baseline": round(gepubliceerd / baseline, 2) if baseline else None,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

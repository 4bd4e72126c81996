"""Benchmark of `deelpoort import` (docs/import.md): a year of casussen imported, against the same year entered
through the use cases the API calls (`now=` at the same moments) in the same run.

Two fresh databases (SQLite files in a temporary folder, or with `--database-url` PostgreSQL schemas of their
own, dropped afterwards), each migrated with the partners and the policy installed. The synthetic year is
`tests/helpers/importbestand.jaar` (128 casussen by default, as Drenthe's 2023: about half procesregie, half
advies, most closed, a few rejected; each with its values, a care partner's bijdrage and five steps).

(a) baseline: the year entered casus by casus through the use cases (aanmelding, bijdragen, triage, deelnemer,
    prioritering, afsluiting: each its own transaction with its aanlevering logged, as the API would);
(b) the dry run of the file (every line read and judged, nothing written);
(c) the import of the file (judged again, then everything stored in one transaction with its log records);
(d) the second run of the same file (every line recognised by its key and skipped; nothing written).

Prints JSON only: seconds of each, per casus, and the ratio import / baseline; timing is never asserted.

Run: `.venv/bin/python bench/bench_import.py [--casussen 128] [--database-url postgresql+psycopg://...]`.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench_verstrekking import database

from service import create_app
from service.adapters.migrate import upgrade
from service.crypto import write_development_keys
from service.domain.casus import Gebruiker, new_id, utcnow
from service.service_layer.importeren.importeren import importeer
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.databases import seed
from tests.helpers.importbestand import BUREAU, jaar, jsonl, via_use_cases

BEHEERDER = Gebruiker(new_id(), BUREAU, "beheerder", "bench beheerder")


@contextmanager
def installatie(url: str, folder: Path, keys: Path) -> Iterator[Services]:
    """Migrated, the convenant's partners and the policy installed."""
    services: Services = create_app(Settings(instance_path=folder, database_url=url, keys_dir=keys)).extensions[
        "deelpoort"
    ]
    try:
        upgrade(services.engine)
        seed(services)
        yield services
    finally:
        services.engine.dispose()


@contextmanager
def verse_installatie(database_url: str | None) -> Iterator[Services]:
    """A fresh installation in a temporary folder: development keys, a database of its own (`database`), migrated
    with the partners and the policy installed (`installatie`)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        keys = folder / "keys"
        keys.mkdir()
        write_development_keys(keys)
        with database(database_url, folder) as url, installatie(url, folder, keys) as services:
            yield services


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    begin = time.perf_counter()
    result = fn()
    return round(time.perf_counter() - begin, 3), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--casussen", type=int, default=128)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    nu = utcnow().replace(microsecond=0)
    regels = jaar(args.casussen, einde=nu)
    bestand = jsonl(regels)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        keys = folder / "keys"
        keys.mkdir()
        write_development_keys(keys)
        (folder / "api").mkdir()
        (folder / "import").mkdir()
        with (
            database(args.database_url, folder / "api") as api_url,
            database(args.database_url, folder / "import") as import_url,
            installatie(api_url, folder / "api", keys) as api,
            installatie(import_url, folder / "import", keys) as doel,
        ):
            baseline, _ = timed(lambda: [via_use_cases(api, regel) for regel in regels])
            droog, verslag = timed(lambda: importeer(doel, BEHEERDER, bestand, droog=True, now=nu))
            assert len(verslag.nieuw) == args.casussen and not verslag.weigeringen, verslag.weigeringen
            echt, verslag = timed(lambda: importeer(doel, BEHEERDER, bestand, now=nu))
            assert verslag.opgeslagen, verslag.weigeringen
            tweede, verslag = timed(lambda: importeer(doel, BEHEERDER, bestand, now=nu))
            assert len(verslag.overgeslagen) == args.casussen
    n = args.casussen
    print(
        json.dumps(
            {
                "benchmark": "import",
                "python": platform.python_version(),
                "database": "postgresql" if args.database_url else "sqlite",
                "casussen": n,
                "bestand_bytes": len(bestand),
                "waarden": sum(len(b.get("velden", {})) for r in regels for b in [*r["betrokkenen"], r]),
                "stappen": sum(len(r["historie"]) for r in regels),
                "baseline_use_cases_s": baseline,
                "dry_run_s": droog,
                "import_s": echt,
                "second_run_s": tweede,
                "import_ms_per_casus": round(echt * 1000 / n, 2),
                "baseline_ms_per_casus": round(baseline * 1000 / n, 2),
                "ratio_import_to_baseline": round(echt / baseline, 3) if baseline else None,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    sys.exit(main())

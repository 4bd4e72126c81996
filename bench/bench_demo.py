"""Benchmark of installing the demo region (`install_region`, which `deelpoort demo` and many tests run): the
region with its calendar year 2023 (`demo/verslagjaar.py`) against the same region without that year, in the
same run.

A fresh database (a SQLite file in a temporary folder, or with `--database-url` a PostgreSQL schema of its own),
migrated, the partners and the policy installed. The region is `generate_region(--seed, today)`; the baseline is
that region without the 2023 year's casussen, values, overleggen and adviezen (what the seed gives without it,
as `tests/service_layer/test_demo_2023.py` checks). A third install is the region with its year of verstrekkingen
(`install_region(..., verzoeken=150)`, as `deelpoort demo` installs it: about 200 requests decided and every record
dated over the past year, `demo/tijdlijn.py`). The three are installed alternately, `--rondes` times each (each
install replaces the previous one, as `deelpoort demo` run again does; the log grows, so later installs append
after an ever longer log). A fourth is what `deelpoort demo` installs since issue 24: that with its year of beheer
too (`beheer=True`, `demo/beheerjaar.py`: some 670 beheer records, most of them token renewals).

Prints JSON only: the seconds of every install, the median of each, and the ratios; timing is never asserted.

Run: `PYTHONPATH=. .venv/bin/python bench/bench_demo.py [--seed N] [--rondes 3] [--database-url URL]`.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import platform
import statistics

from bench_import import timed, verse_installatie

from service.demo.installatie import install_region
from service.demo.regio import DemoRegion, generate_region


def zonder_2023(region: DemoRegion) -> DemoRegion:
    """The region as the seed gives it without the 2023 year."""
    jaar = region.paden
    return dataclasses.replace(
        region,
        casussen=[c for c in region.casussen if c.id not in jaar],
        veldwaarden={k: v for k, v in region.veldwaarden.items() if k[0] not in jaar},
        overleggen=[o for o in region.overleggen if o.datum.year > 2023],
        adviezen=[a for a in region.adviezen if a.invoer.datum is not None and a.invoer.datum.year > 2023],
        paden={},
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2023, help="seed of the synthetic region")
    parser.add_argument("--rondes", type=int, default=3, help="installs of each, alternately")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with verse_installatie(args.database_url) as services:
        met = generate_region(services.convenant, seed=args.seed, today=dt.date.today())
        zonder = zonder_2023(met)
        tijden: dict[str, list[float]] = {"zonder_2023": [], "met_2023": [], "met_verzoeken": [], "met_beheer": []}
        for _ in range(args.rondes):
            for naam, region, verzoeken, beheer in (
                ("zonder_2023", zonder, 0, False),
                ("met_2023", met, 0, False),
                ("met_verzoeken", met, 150, False),
                ("met_beheer", met, 150, True),
            ):
                seconden, _ = timed(
                    lambda region=region, verzoeken=verzoeken, beheer=beheer: install_region(
                        services, region, verzoeken=verzoeken, seed=args.seed, beheer=beheer
                    )
                )
                tijden[naam].append(seconden)
    mediaan = {naam: statistics.median(t) for naam, t in tijden.items()}
    print(
        json.dumps(
            {
                "benchmark": "demo-installatie",
                "python": platform.python_version(),
                "database": "postgresql" if args.database_url else "sqlite",
                "casussen": {"zonder_2023": len(zonder.casussen), "met_2023": len(met.casussen)},
                "seconden": tijden,
                "mediaan_s": mediaan,
                "ratio_met_zonder": round(mediaan["met_2023"] / mediaan["zonder_2023"], 2),
                "ratio_verzoeken_met": round(mediaan["met_verzoeken"] / mediaan["met_2023"], 2),
                "ratio_beheer_verzoeken": round(mediaan["met_beheer"] / mediaan["met_verzoeken"], 2),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()

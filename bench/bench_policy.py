"""Benchmark of the compiled decision table against plain Casbin `enforce()`, measured in the same run.

For generated policies of 100, 1k, 10k and 100k lines (`--quick`: up to 10k) over a synthetic universe shaped like
a national deployment (partners grouped in types and domeinen, velden in categorieen, ~10% deny lines, some
wildcards): the time of one 20-field decision from the compiled table vs 20 plain `enforce()` calls on the same
policy, the compile time, and the table's size. Targets: decision <= 5 us flat across sizes (ratio >= 10,000 at
10k lines), compile <= 2 s at 100k lines.

Run: `.venv/bin/python bench/bench_policy.py [--quick]`. Prints JSON only; timing is never asserted.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import statistics
import sys
import time
import tracemalloc
from typing import Any

from service.access import DecisionKey, Policy, PolicyLine
from service.access.enforcer import plain_enforcer
from service.access.table import compile_table
from service.settings import PROJECT_ROOT

MODEL_TEXT = (PROJECT_ROOT / "policies" / "model.conf").read_text(encoding="utf-8")
PARTNERS = tuple(f"partner-{i:03d}" for i in range(300))
TYPES = {p: f"type-{i % 30:02d}" for i, p in enumerate(PARTNERS)}
DOMEINEN = {t: ("zorg", "veiligheid", "gemeente")[i % 3] for i, t in enumerate(sorted(set(TYPES.values())))}
VELDEN = tuple(f"veld{i:02d}" for i in range(60))
CATEGORIEEN = {v: f"categorie-{i % 12:02d}" for i, v in enumerate(VELDEN)}
ROLLEN = ("procesregisseur", "procesondersteuner", "casusregisseur", "deelnemer", "fg", "beheerder")
CASUSTYPEN, DOELEN = ("regulier", "cter"), ("triage", "casusoverleg", "plan-van-aanpak", "monitoring", "overdracht")


def generate(size: int, seed: int = 1) -> Policy:
    rng = random.Random(seed)
    lines = []
    for number in range(1, size + 1):
        deny = rng.random() < 0.1
        roll = rng.random()
        sub = rng.choice(PARTNERS) if roll < 0.85 else rng.choice(list(DOMEINEN)) if roll < 0.98 else "*"
        obj = rng.choice(VELDEN) if rng.random() < 0.7 else rng.choice(sorted(set(CATEGORIEEN.values())))
        lines.append(
            PolicyLine(
                f"bench.csv:{number}",
                sub,
                "*" if deny and rng.random() < 0.5 else rng.choice(ROLLEN),
                rng.choice(CASUSTYPEN),
                rng.choice(DOELEN),
                obj,
                "-" if deny else "g1",
                "deny" if deny else "allow",
            )
        )
    return Policy(MODEL_TEXT, tuple(lines), tuple(TYPES.items()) + tuple(DOMEINEN.items()), tuple(CATEGORIEEN.items()))


def measure(size: int, repeats: int) -> dict[str, Any]:
    policy = generate(size)
    universe = {"partners": PARTNERS, "rollen": ROLLEN, "casustypen": CASUSTYPEN, "doelen": DOELEN, "velden": VELDEN}
    started = time.perf_counter()
    table = compile_table(policy, **universe)  # type: ignore[arg-type]
    compile_s = time.perf_counter() - started
    tracemalloc.start()  # a second compile, traced: tracing slows it, so it is not the one timed
    compile_table(policy, **universe)  # type: ignore[arg-type]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rng = random.Random(size)
    keys = [DecisionKey(rng.choice(PARTNERS), rng.choice(ROLLEN), rng.choice(CASUSTYPEN), rng.choice(DOELEN))
            for _ in range(200)]  # fmt: skip
    fields = VELDEN[:20]
    table_times = []
    for _ in range(5):
        started = time.perf_counter()
        for key in keys:
            allowed = table.allowed_fields(key)
            _ = [veld for veld in fields if veld in allowed]
        table_times.append((time.perf_counter() - started) / len(keys))
    enforcer = plain_enforcer(policy)
    casbin_times = []
    for key in keys[:repeats]:
        started = time.perf_counter()
        for veld in fields:
            enforcer.enforce(key.partner, key.rol, key.casustype, key.doel, veld)
        casbin_times.append(time.perf_counter() - started)
    table_s, casbin_s = statistics.median(table_times), statistics.median(casbin_times)
    return {
        "lines": size,
        "decision_20_fields_table_us": round(table_s * 1e6, 3),
        "decision_20_fields_casbin_ms": round(casbin_s * 1e3, 2),
        "ratio_casbin_over_table": round(casbin_s / table_s),
        "compile_s": round(compile_s, 3),
        "compile_peak_memory_mb": round(peak / 1e6, 1),
        "table_keys": len(table.allowed),
        "table_field_grants": sum(len(v) for v in table.allowed.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes up to 10k lines")
    args = parser.parse_args()
    sizes = (100, 1_000, 10_000) if args.quick else (100, 1_000, 10_000, 100_000)
    results = [measure(size, repeats=5 if size <= 10_000 else 2) for size in sizes]
    print(json.dumps({"benchmark": "policy", "python": platform.python_version(), "results": results}, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

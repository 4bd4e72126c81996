"""Benchmark of the verstrekking log's Merkle tree, against raw SHA-256 measured in the same run.

(a) Streaming verification: the root of N synthetic records of ~400 bytes through `RootAccumulator` (leaf hashing
included), as `deelpoort audit verify` does, vs plain `hashlib.sha256` over the same record bytes. Target: the
accumulator reaches >= 30% of raw SHA-256 throughput (ratio >= 0.30).
(b) Proofs: inclusion and consistency proofs at N leaves from a `MemoryTree` holding every complete node (what
the database store keeps), median and p99 over 1,000 random proofs, plus verification time. Target: an
inclusion proof <= 1 ms.

Records are generated in batches outside the timed loops, so memory stays at the tree (~64 bytes per leaf) plus
one batch. Run: `.venv/bin/python bench/bench_audit.py [--records N]` (default 1,000,000). Prints JSON only;
timing is never asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from service.audit import (
    MemoryTree,
    RootAccumulator,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

RECORD_SIZE = 400
BATCH = 20_000
PROOFS = 1_000


def _batch(start: int, count: int, seed: int) -> list[bytes]:
    """`count` distinct records of 392..408 bytes: a counter, then random filler of varying offset and length."""
    rng = random.Random(seed * 1_000_003 + start)
    pool = rng.randbytes(RECORD_SIZE + 64)
    records = []
    for i in range(count):
        offset, length = (i * 7) % 64, RECORD_SIZE - 16 + i % 17
        records.append((start + i).to_bytes(8, "big") + pool[offset : offset + length])
    return records


def streaming_root(total: int) -> dict[str, Any]:
    """Time the accumulator and raw SHA-256 over identical batches; both loops see the same bytes."""
    sha256 = hashlib.sha256
    accumulator = RootAccumulator()
    add = accumulator.add
    raw_s = accumulator_s = 0.0
    total_bytes = 0
    for start in range(0, total, BATCH):
        records = _batch(start, min(BATCH, total - start), seed=1)
        total_bytes += sum(len(record) for record in records)
        started = time.perf_counter()
        for record in records:
            sha256(record).digest()
        raw_s += time.perf_counter() - started
        started = time.perf_counter()
        for record in records:
            add(leaf_hash(record))
        accumulator_s += time.perf_counter() - started
    accumulator.root()
    return {
        "records": total,
        "mean_record_bytes": round(total_bytes / total, 1),
        "accumulator_s": round(accumulator_s, 3),
        "raw_sha256_s": round(raw_s, 3),
        "accumulator_mb_per_s": round(total_bytes / accumulator_s / 1e6, 1),
        "raw_sha256_mb_per_s": round(total_bytes / raw_s / 1e6, 1),
        "ratio_throughput_accumulator_over_raw": round(raw_s / accumulator_s, 3),
        "target_ratio": 0.30,
    }


def _timings_us(calls: list[Callable[[], object]]) -> dict[str, float]:
    durations = []
    for call in calls:
        started = time.perf_counter_ns()
        call()
        durations.append((time.perf_counter_ns() - started) / 1000)
    durations.sort()
    return {
        "median_us": round(statistics.median(durations), 1),
        "p99_us": round(durations[int(len(durations) * 0.99) - 1], 1),
        "max_us": round(durations[-1], 1),
    }


def proofs(total: int) -> dict[str, Any]:
    """Build a MemoryTree of `total` leaves, then time random inclusion and consistency proofs at full size."""
    tree = MemoryTree()
    started = time.perf_counter()
    for index in range(total):
        tree.append(leaf_hash(index.to_bytes(8, "big")))
    build_s = time.perf_counter() - started
    root = tree.root()
    rng = random.Random(total)
    indexes = [rng.randrange(total) for _ in range(PROOFS)]
    old_sizes = [rng.randrange(1, total + 1) for _ in range(PROOFS)]
    inclusion = _timings_us([lambda i=i: inclusion_proof(tree, i, total) for i in indexes])
    consistency = _timings_us([lambda m=m: consistency_proof(tree, m, total) for m in old_sizes])
    inclusion_proofs = [(i, inclusion_proof(tree, i, total)) for i in indexes]
    verify_i = _timings_us(
        [lambda i=i, p=p: verify_inclusion(tree.node(0, i), i, total, p, root) for i, p in inclusion_proofs]
    )
    assert all(verify_inclusion(tree.node(0, i), i, total, p, root) for i, p in inclusion_proofs)
    old_roots = {m: tree.root(m) for m in old_sizes}
    consistency_proofs = [(m, consistency_proof(tree, m, total)) for m in old_sizes]
    verify_c = _timings_us(
        [lambda m=m, p=p: verify_consistency(m, total, old_roots[m], root, p) for m, p in consistency_proofs]
    )
    assert all(verify_consistency(m, total, old_roots[m], root, p) for m, p in consistency_proofs)
    return {
        "leaves": total,
        "tree_build_s": round(build_s, 2),
        "inclusion_proof": {**inclusion, "target_us": 1000},
        "inclusion_verify": verify_i,
        "inclusion_proof_length": len(inclusion_proofs[0][1]),
        "consistency_proof": consistency,
        "consistency_verify": verify_c,
        "root_at_full_size_us": _timings_us([tree.root] * 100)["median_us"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="log size (default 1,000,000)")
    args = parser.parse_args()
    if args.records < 2:
        parser.error("--records must be at least 2")
    results = {
        "benchmark": "audit",
        "python": platform.python_version(),
        "streaming_root": streaming_root(args.records),
        "proofs": proofs(args.records),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(results, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

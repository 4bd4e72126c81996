"""KEKs in a PKCS#11 token (SoftHSM2) against KEKs in the secrets file, measured in the same run.

(a) unwrap: one data key unwrapped through `TokenKeyring` (AES-GCM inside the token, one lock, one session per
    process) against `Keyring` (AES-GCM in process, `cryptography`); median of N calls each; a wrap likewise (a
    rotation's rewrap is an unwrap and a wrap per casus). And a DEK cache hit
    (`CasusKeys.cipher_for` with the key cached: what a request pays per casus when nothing is unwrapped).
(b) a verstrekking in process (Flask test client, SQLite, CPU time as in `bench_verstrekking_cpu.py`: one casus,
    20 released velden), with the DEK cache warm (what nearly every request meets: the cache keeps an unwrapped
    key 300 s) and cold (the casus's key forgotten before each request, so every request unwraps), for each
    backend. Target: warm, the token backend's cost per request within 5% of the file's (ratio <= 1.05).

Run: `.venv/bin/python bench/bench_pkcs11.py [--requests N] [--gelijk]`. Needs Debian's softhsm2; prints JSON
only. `--gelijk` runs the file backend against itself: the spread of its ratios is the machine's noise.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _bench_http() -> Any:
    spec = importlib.util.spec_from_file_location("bench_http", ROOT / "bench" / "bench_verstrekking.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_http"] = module
    spec.loader.exec_module(module)
    return module


def median_us(function: Callable[[], object], count: int) -> float:
    function()
    timings = []
    for _ in range(count):
        start = time.perf_counter()
        function()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1e6


def cpu_ms(request: Callable[[], Any], count: int) -> float:
    start = time.process_time()
    for _ in range(count):
        request()
    return (time.process_time() - start) / count * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--unwraps", type=int, default=3000)
    parser.add_argument("--profiel", action="store_true", help="also print a cProfile of the warm verstrekkingen")
    parser.add_argument(
        "--gelijk", action="store_true", help="A/A run: the second backend is the file too (shows the noise)"
    )
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    folder = Path(tempfile.mkdtemp(prefix="deelpoort-bench-pkcs11-"))

    from tests.helpers import softhsm

    hsm = softhsm.start(folder / "softhsm", pool=1)  # sets SOFTHSM2_CONF before the library loads
    bench_http = _bench_http()

    from service import create_app
    from service.bootstrap import load_key_file, open_token_keyring
    from service.crypto import DataKey, write_development_keys
    from service.domain.convenant import Regime
    from service.service_layer.sleutelbeheer_hsm import eerste_keks
    from service.settings import Settings, Sleutelopslag

    write_development_keys(folder / "keys")
    in_file = Settings(
        instance_path=folder / "instance", database_url=f"sqlite:///{folder}/file.sqlite3", keys_dir=folder / "keys"
    )
    in_token = dataclasses.replace(
        in_file,
        database_url=f"sqlite:///{folder}/token.sqlite3",
        sleutels=Sleutelopslag.PKCS11,
        pkcs11_token=hsm.labels[0],
        pkcs11_pin=softhsm.PIN,
    )
    eerste_keks(open_token_keyring(in_token, load_key_file(in_token), volledig=False))
    if args.gelijk:
        in_token = dataclasses.replace(in_file, database_url=f"sqlite:///{folder}/gelijk.sqlite3")

    result: dict[str, Any] = {
        "benchmark": "pkcs11",
        "module": str(hsm.module),
        "requests": args.requests,
        "gelijk": args.gelijk,
    }
    measures: dict[str, dict[str, Callable[[], Any]]] = {}
    engines = []
    for name, settings in (("bestand", in_file), ("pkcs11", in_token)):
        casus, token = bench_http.seed(settings)
        app = create_app(settings)
        services = app.extensions["deelpoort"]
        engines.append(services.engine)
        client = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}

        def verstrekking(client: Any = client, casus: str = casus, headers: dict[str, str] = headers) -> Any:
            return client.post(f"/v1/casussen/{casus}/verstrekkingen", json={"doel": "triage"}, headers=headers)

        answer = verstrekking()
        assert answer.status_code == 201 and len(answer.get_json()["grondslagen"]) == 20, answer.get_json()
        with services.engine.connect() as connection:
            wrapped = connection.exec_driver_sql(
                "SELECT wrapped FROM casus_sleutels WHERE casus_id = ?", (casus,)
            ).scalar_one()
        assert wrapped[0] == (2 if name == "pkcs11" and not args.gelijk else 1)  # format 2: wrapped in the token
        keyring = services.keys.keyring
        data_key = DataKey.generate(Regime.REGULIER, casus)

        def cold(verstrekking: Callable[[], Any] = verstrekking, services: Any = services, casus: str = casus) -> Any:
            services.keys.forget(casus)  # a cache miss: this request unwraps (through the token for pkcs11)
            return verstrekking()

        measures[name] = {
            "unwrap": lambda k=keyring, c=casus, w=wrapped: k.unwrap(Regime.REGULIER, c, w),
            "wrap": lambda k=keyring, d=data_key: k.wrap(d),
            "hit": lambda k=services.keys, c=casus, w=wrapped: k.cipher_for(Regime.REGULIER, c, w),
            "warm": verstrekking,
            "cold": cold,
        }
    # As a gunicorn worker does after start (`gunicorn_app.freeze_startup_objects`): full collections no longer walk
    # what was built at start, which otherwise lands a 1 ms pause on whichever backend is being measured.
    gc.collect()
    gc.freeze()
    # Interleaved rounds in alternating order, best of each: both backends see the same machine load.
    per_backend: dict[str, dict[str, float]] = {name: {} for name in measures}
    for round_ in range(4):
        for name, measure in sorted(measures.items(), reverse=bool(round_ % 2)):
            found = {
                "unwrap_us": median_us(measure["unwrap"], args.unwraps),
                "wrap_us": median_us(measure["wrap"], args.unwraps),
                "cache_hit_us": median_us(measure["hit"], args.unwraps),
                "verstrekking_warm_cpu_ms": cpu_ms(measure["warm"], args.requests),
                "verstrekking_cold_cpu_ms": cpu_ms(measure["cold"], args.requests),
            }
            for key, value in found.items():
                per_backend[name][key] = min(value, per_backend[name].get(key, value))
    for engine in engines:
        engine.dispose()
    file_, token_ = per_backend["bestand"], per_backend["pkcs11"]
    result |= {
        "bestand": {k: round(v, 3) for k, v in file_.items()},
        "pkcs11": {k: round(v, 3) for k, v in token_.items()},
        "ratio_unwrap_token_over_file": round(token_["unwrap_us"] / file_["unwrap_us"], 2),
        "ratio_wrap_token_over_file": round(token_["wrap_us"] / file_["wrap_us"], 2),
        "ratio_cache_hit_token_over_file": round(token_["cache_hit_us"] / file_["cache_hit_us"], 2),
        "ratio_warm_verstrekking_token_over_file": round(
            token_["verstrekking_warm_cpu_ms"] / file_["verstrekking_warm_cpu_ms"], 3
        ),
        "ratio_cold_verstrekking_token_over_file": round(
            token_["verstrekking_cold_cpu_ms"] / file_["verstrekking_cold_cpu_ms"], 3
        ),
    }
    if args.profiel:
        import cProfile
        import pstats

        for name, measure in measures.items():
            profile = cProfile.Profile()
            profile.runcall(lambda m=measure: [m["warm"]() for _ in range(args.requests)])
            print(f"== {name}: warm verstrekkingen, by own time")
            pstats.Stats(profile).sort_stats("tottime").print_stats(15)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

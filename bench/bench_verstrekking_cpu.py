"""CPU time of one verstrekking in process (Flask test client, SQLite), against `GET /v1/status` in the same run.

No server, no load generator, no network: what one request costs the worker that answers it, so a change to the
use case shows without the noise of the HTTP benchmark (`bench_verstrekking.py`). The seed is that benchmark's
(one casus, 20 released velden, checked). CPU time (`time.process_time`), not wall time: the log's disk sync
waits without using the CPU. Best of three rounds.

Run: `.venv/bin/python bench/bench_verstrekking_cpu.py [--checkout DIR]` (another checkout: compare two commits
in one sitting). Prints JSON only; timing is never asserted.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkout", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--requests", type=int, default=300)
    args = parser.parse_args()
    sys.path.insert(0, str(args.checkout))
    spec = importlib.util.spec_from_file_location("bench_http", args.checkout / "bench" / "bench_verstrekking.py")
    assert spec is not None and spec.loader is not None
    bench_http = importlib.util.module_from_spec(spec)
    sys.modules["bench_http"] = bench_http
    spec.loader.exec_module(bench_http)

    from service import create_app
    from service.crypto import write_development_keys
    from service.settings import Settings

    folder = Path(tempfile.mkdtemp(prefix="deelpoort-bench-"))
    write_development_keys(folder / "keys")
    settings = Settings(
        instance_path=folder / "instance", database_url=f"sqlite:///{folder}/bench.sqlite3", keys_dir=folder / "keys"
    )
    casus, token = bench_http.seed(settings)
    client = create_app(settings).test_client()
    headers = {"Authorization": f"Bearer {token}"}

    def verstrekking() -> Any:
        return client.post(f"/v1/casussen/{casus}/verstrekkingen", json={"doel": "triage"}, headers=headers)

    answer = verstrekking()
    assert answer.status_code == 201 and len(answer.get_json()["grondslagen"]) == 20, answer.get_json()

    def cpu_ms(request: Callable[[], Any], count: int) -> float:
        start = time.process_time()
        for _ in range(count):
            request()
        return (time.process_time() - start) / count * 1000

    status = min(cpu_ms(lambda: client.get("/v1/status"), args.requests) for _ in range(3))
    disclosed = min(cpu_ms(verstrekking, args.requests) for _ in range(3))
    print(
        json.dumps(
            {
                "benchmark": "verstrekking_cpu",
                "checkout": str(args.checkout),
                "status_cpu_ms": round(status, 3),
                "verstrekking_cpu_ms": round(disclosed, 3),
                "ratio_status_over_verstrekking": round(status / disclosed, 3),
            }
        )
    )


if __name__ == "__main__":
    main()

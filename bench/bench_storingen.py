"""Database faults under load (issue 25 point 5): verstrekkingen over HTTP to gunicorn while the database fails,
counted by status. Every answer must be 201 with its record in the log, or 503 with Retry-After and none.

(a) `--fase postgresql` (needs `--database-url`): `--clients` keep-alive clients ask `--requests` verstrekkingen
    in all while a second connection terminates every connection of the server (`pg_terminate_backend`, found by
    the server's own application_name) every `--interval` seconds, as a failover or restart would.
(b) `--fase sqlite`: the server's workers are restarted (SIGHUP) while the database file cannot be written
    (`chattr +i` as root, else chmod 444), so they open their connections then; `--requests` / 10 verstrekkingen
    are asked meanwhile, the file is made writable again, and `--requests` more are asked from the same workers.
    Before the fix a read-only connection stayed in a worker's pool and refused verstrekkingen until restart.

Afterwards a fresh application reads the log: the trace id of every 201 must be in it and of no other answer;
the log must verify. Run against another checkout for a before/after comparison (this script, its code):
`PYTHONPATH=<checkout> .venv/bin/python bench/bench_storingen.py --database-url postgresql+psycopg://...`.
Prints JSON only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
from bench_verstrekking import database, seed, server
from sqlalchemy.engine import make_url

import service
from service import create_app
from service.audit.record import parse
from service.crypto import write_development_keys
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings

WAARDEN = ("999900122", "Testpersoon-Synthetisch")  # values of the seeded casus that must never be in an error


class Clients:
    """`aantal` threads with a keep-alive connection each, asking verstrekkingen with a trace id each."""

    def __init__(self, port: int, casus_id: str, token: str) -> None:
        self._port, self._pad, self._token = port, f"/v1/casussen/{casus_id}/verstrekkingen", token
        self.uitkomsten: list[tuple[str, int, bool]] = []  # trace id, status, a 503 with Retry-After and no value
        self._slot = threading.Lock()

    def vraag(self, aantal: int, clients: int) -> dict[str, int]:
        per_client = [aantal // clients + (1 if i < aantal % clients else 0) for i in range(clients)]
        start = len(self.uitkomsten)
        threads = [threading.Thread(target=self._client, args=(n,)) for n in per_client]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return dict(sorted(Counter(str(s) for _, s, _ in self.uitkomsten[start:]).items()))

    def _client(self, aantal: int) -> None:
        verbinding = http.client.HTTPConnection("127.0.0.1", self._port, timeout=60)
        for _ in range(aantal):
            trace = uuid.uuid4().hex
            headers = {
                "Authorization": f"Bearer {self._token}",
                "Content-Type": "application/json",
                "traceparent": f"00-{trace}-00f067aa0ba902b7-01",
            }
            try:
                verbinding.request("POST", self._pad, body=b'{"doel": "triage"}', headers=headers)
                response = verbinding.getresponse()
                body = response.read().decode(errors="replace")
                status = response.status
            except (OSError, http.client.HTTPException):
                verbinding.close()
                verbinding = http.client.HTTPConnection("127.0.0.1", self._port, timeout=60)
                status, body, response = 0, "", None
            netjes = (
                status == 503
                and response is not None
                and (response.getheader("Retry-After") or "").isdigit()
                and not any(value in body for value in WAARDEN)
            )
            with self._slot:
                self.uitkomsten.append((trace, status, netjes))
        verbinding.close()


def controle(settings: Settings, uitkomsten: list[tuple[str, int, bool]]) -> dict[str, Any]:
    """Every 201's trace id in the log and no other answer's; the log verifies."""
    app = create_app(settings)
    services: Services = app.extensions["deelpoort"]
    try:
        with services.uow() as uow:
            traces = {parse(r.record).get("traceId") for r in uow.log.records()}
        beantwoord = {trace for trace, status, _ in uitkomsten if status == 201}
        anders = {trace for trace, status, _ in uitkomsten if status != 201}
        return {
            "every_201_has_its_record": beantwoord <= traces,
            "no_record_without_its_201": not (anders & traces),
            "every_503_with_retry_after_and_no_value": all(n for _, s, n in uitkomsten if s == 503),
            "log_verifies": logboek.verifieer(services).ok,
        }
    finally:
        services.engine.dispose()


def postgresql(settings: Settings, args: argparse.Namespace, naam: str) -> dict[str, Any]:
    casus_id, token = seed(settings)
    beheer = make_url(args.database_url).set(drivername="postgresql", query={})
    stoppen = threading.Event()
    beeindigd = 0

    def afbreken() -> None:
        nonlocal beeindigd
        with psycopg.connect(beheer.render_as_string(hide_password=False), autocommit=True) as verbinding:
            while not stoppen.wait(args.interval):
                row = verbinding.execute(
                    "SELECT count(pg_terminate_backend(pid, 5000)) FROM pg_stat_activity WHERE application_name = %s",
                    (naam,),
                ).fetchone()
                beeindigd += int(row[0]) if row else 0

    with server(settings, args.workers, args.threads) as (port, _cpu):
        clients = Clients(port, casus_id, token)
        clients.vraag(args.clients, args.clients)  # warm: every client's connection and a pool per worker
        stoorzender = threading.Thread(target=afbreken)
        stoorzender.start()
        try:
            statussen = clients.vraag(args.requests, args.clients)
        finally:
            stoppen.set()
            stoorzender.join()
    return {"statuses": statussen, "connections_terminated": beeindigd, **controle(settings, clients.uitkomsten)}


@contextlib.contextmanager
def onbeschrijfbaar(bestand: Path) -> Iterator[str]:
    """The file cannot be opened for writing (root: the immutable attribute, which binds root too)."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(bestand)], check=True)  # fixed arguments
        try:
            yield "chattr +i"
        finally:
            subprocess.run(["chattr", "-i", str(bestand)], check=True)
        return
    modus = bestand.stat().st_mode
    bestand.chmod(0o444)
    try:
        yield "chmod 444"
    finally:
        bestand.chmod(modus)


def sqlite(settings: Settings, args: argparse.Namespace) -> dict[str, Any]:
    casus_id, token = seed(settings)
    bestand = Path(make_url(settings.database_url).database or "")
    with server(settings, args.workers, args.threads) as (port, cpu):
        clients = Clients(port, casus_id, token)
        clients.vraag(args.clients, args.clients)
        with onbeschrijfbaar(bestand) as methode:
            os.kill(cpu._master, signal.SIGHUP)  # the gunicorn master: restart the workers now
            time.sleep(3)  # the new workers are up (their old ones finish what they were doing)
            tijdens = clients.vraag(max(args.requests // 10, args.clients), args.clients)
        na = clients.vraag(args.requests, args.clients)
    return {
        "method": methode,
        "while_unwritable": tijdens,
        "after_writable_again": na,
        **controle(settings, clients.uitkomsten),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fase", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--database-url", default="", help="PostgreSQL base URL (required for --fase postgresql)")
    parser.add_argument("--requests", type=int, default=852, help="verstrekkingen under the fault")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--interval", type=float, default=0.05, help="seconds between terminations")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=8)
    args = parser.parse_args()
    if args.fase == "postgresql" and not args.database_url:
        parser.error("--fase postgresql needs --database-url")
    naam = f"deelpoort_bench_{uuid.uuid4().hex[:8]}"
    basis = args.database_url if args.fase == "postgresql" else None
    with tempfile.TemporaryDirectory(prefix="deelpoort-bench-") as temp, database(basis, Path(temp)) as url:
        folder = Path(temp)
        write_development_keys(folder / "keys")
        if args.fase == "postgresql":  # the server's connections carry a name of their own: only they are cut
            url = make_url(url).update_query_dict({"application_name": naam}).render_as_string(hide_password=False)
        settings = Settings(instance_path=folder / "instance", database_url=url, keys_dir=folder / "keys")
        uitslag = postgresql(settings, args, naam) if args.fase == "postgresql" else sqlite(settings, args)
    report = {
        "benchmark": "storingen",
        "fase": args.fase,
        "code": str(Path(service.__file__).parent.parent),
        "requests": args.requests,
        "clients": args.clients,
        "server": {"gunicorn_workers": args.workers, "threads": args.threads},
        **uitslag,
    }
    print(json.dumps(report, indent=2))
    sys.stdout.flush()


if __name__ == "__main__":
    main()

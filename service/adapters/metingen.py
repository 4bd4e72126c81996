"""The meter that counts (`service_layer.waarneming.meter.Meter`, structurally) with prometheus-client: the only
importer of it.

Invariants:
- One process (a test, `flask run`): the meter's metrics live in a registry of its own, so apps built side by
  side never share or collide. Several gunicorn workers: `PROMETHEUS_MULTIPROC_DIR` is set (by `deelpoort serve`,
  `gunicorn_app.run`, before any worker starts) and every worker writes its values to files there; a scrape of
  any worker adds up all workers' files, the ended ones' counts included (`multiprocess_map` cleans the folder
  at server start, `proces_beeindigd` drops a dead worker's live gauges).
- Labels are codes only (see `service_layer.waarneming`); a route the app does not know is `onbekend`.
- The age of the newest checkpoint is read from the database when /metrics is scraped, never kept in a worker.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead

MULTIPROC_VARIABELE = "PROMETHEUS_MULTIPROC_DIR"
_DUUR_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256)
# (seconds since the newest checkpoint or None; records after it), as `service_layer.waarneming.meter` reads it
Checkpointstand = tuple[float | None, int]
_LOG_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0)


def multiprocess_map() -> Path | None:
    """The folder of the multi-process values when this process is one of several workers, else None."""
    waarde = os.environ.get(MULTIPROC_VARIABELE)
    return Path(waarde) if waarde else None


def maak_map_leeg(pad: Path) -> None:
    """Prepare `pad` for a server that starts now: create it, and remove what an earlier server left there."""
    pad.mkdir(mode=0o700, parents=True, exist_ok=True)
    for bestand in pad.glob("*.db"):
        bestand.unlink()


def proces_beeindigd(pid: int) -> None:
    """A worker ended: forget its live gauges (its counts stay: they are part of the totals)."""
    pad = multiprocess_map()
    if pad is not None:
        mark_process_dead(pid, str(pad))  # type: ignore[no-untyped-call]


class PrometheusMeter:
    """Counts into prometheus-client metrics (see the module invariants)."""

    def __init__(self) -> None:
        self._map = multiprocess_map()
        registry: CollectorRegistry | None
        if self._map is not None:
            if not getattr(values.ValueClass, "_multiprocess", False):
                # prometheus_client chose its value class at import, before the server named the folder.
                values.ValueClass = values.get_value_class()  # type: ignore[no-untyped-call]
            registry = None
            self._eigen: CollectorRegistry | None = None
        else:
            registry = self._eigen = CollectorRegistry(auto_describe=True)
        self._verzoeken = Counter(
            "deelpoort_http_verzoeken",
            "Requests answered, by route template, method and status",
            ("route", "methode", "status"),
            registry=registry,
        )
        self._duur = Histogram(
            "deelpoort_http_verzoek_duur_seconden",
            "Time from the request's start to its answer, by route template and method",
            ("route", "methode"),
            buckets=_DUUR_BUCKETS,
            registry=registry,
        )
        self._weigeringen = Counter(
            "deelpoort_weigeringen",
            "Refused verstrekkingen and aanleveringen (logged), by soort and reason code",
            ("soort", "reden"),
            registry=registry,
        )
        self._batch = Histogram(
            "deelpoort_log_batch_records",
            "Records per committed transaction of the verstrekking log (group commit)",
            buckets=_BATCH_BUCKETS,
            registry=registry,
        )
        self._batchduur = Histogram(
            "deelpoort_log_batch_duur_seconden",
            "Time to write and commit one batch of the verstrekking log",
            buckets=_LOG_BUCKETS,
            registry=registry,
        )
        self._logfouten = Counter(
            "deelpoort_log_batch_fouten", "Batches of the verstrekking log that failed (503)", registry=registry
        )
        self._checkpoints = Counter(
            "deelpoort_checkpoints_getekend", "Checkpoints signed by the serving processes", registry=registry
        )
        self._dek = Counter(
            "deelpoort_dek_cache",
            "Data keys asked of the cache, by uitkomst (hit, miss)",
            ("uitkomst",),
            registry=registry,
        )
        self._tokens = Counter(
            "deelpoort_token_weigeringen", "Refused bearer tokens, by reason code", ("reden",), registry=registry
        )

    def verzoek(self, route: str, methode: str, status: int, seconden: float) -> None:
        self._verzoeken.labels(route, methode, str(status)).inc()
        self._duur.labels(route, methode).observe(seconden)

    def weigering(self, soort: str, reden: str) -> None:
        self._weigeringen.labels(soort, reden).inc()

    def logbatch(self, records: int, seconden: float) -> None:
        self._batch.observe(records)
        self._batchduur.observe(seconden)

    def logfout(self) -> None:
        self._logfouten.inc()

    def checkpoint(self) -> None:
        self._checkpoints.inc()

    def dek(self, geraakt: bool) -> None:
        self._dek.labels("hit" if geraakt else "miss").inc()

    def tokenfout(self, reden: str) -> None:
        self._tokens.labels(reden).inc()

    def blootstelling(self, stand: Callable[[], Checkpointstand | None]) -> tuple[bytes, str]:
        scrape = CollectorRegistry(auto_describe=False)
        if self._map is not None:
            MultiProcessCollector(scrape, path=str(self._map))  # type: ignore[no-untyped-call]
        elif self._eigen is not None:
            scrape.register(_Doorgeven(self._eigen))
        scrape.register(_Stand(stand))
        return generate_latest(scrape), CONTENT_TYPE_PLAIN_0_0_4


class _Doorgeven:
    """This process's own registry, as one collector of the scrape."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self._registry = registry

    def collect(self) -> Iterator[Metric]:
        yield from self._registry.collect()


class _Stand:
    """The log's checkpoint state, read at scrape time (nothing when the database cannot be read)."""

    def __init__(self, stand: Callable[[], Checkpointstand | None]) -> None:
        self._stand = stand

    def collect(self) -> Iterator[Metric]:
        gelezen = self._stand()
        if gelezen is None:
            return
        leeftijd, staart = gelezen
        if leeftijd is not None:
            yield GaugeMetricFamily(
                "deelpoort_checkpoint_leeftijd_seconden", "Seconds since the newest signed checkpoint", value=leeftijd
            )
        yield GaugeMetricFamily(
            "deelpoort_log_ongetekend_records", "Records of the log after the newest checkpoint", value=staart
        )

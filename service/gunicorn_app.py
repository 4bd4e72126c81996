"""Serving with gunicorn from the CLI: Deelpoort (`run`) and a witness (`run_getuige`). Each worker builds its own
app (no connections shared across fork).

Invariants (Deelpoort's server, issue 25):
- gunicorn's own log lines go through the application's log configuration (`service.logconfig`): one stream,
  one format; gunicorn's access log stays off (every request logs its own line, `api/waarneming.py`).
- The workers' metrics add up (prometheus-client's multi-process mode): before the first worker starts,
  `PROMETHEUS_MULTIPROC_DIR` names a folder (the operator's, else a private temporary one removed when the server
  stops), emptied of what an earlier server left; a worker that ends is marked dead there (`child_exit`).
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from service import logconfig
from service.settings import Settings

if TYPE_CHECKING:
    from service.service_layer.getuige import GetuigeConfig


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, build: Callable[[], Any], options: dict[str, Any]) -> None:
        self._build = build
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._build()


def _deelpoort(settings: Settings) -> Any:
    from service import serving_app

    return serving_app(settings)  # refused while a restore has not finished: the worker fails to boot, gunicorn stops


def _getuige(config: GetuigeConfig) -> Any:
    from service.getuige import create_getuige_app

    return create_getuige_app(config)


def run(settings: Settings, *, host: str, port: int, workers: int, threads: int = 8) -> None:
    """Serve with `workers` processes of `threads` threads each (gthread): concurrent requests in one worker
    share a log transaction (group commit), so throughput is not bound to one disk sync per request."""
    logconfig.configureer(settings.log_level, settings.logformaat)
    options = _options(f"{host}:{port}", workers, threads, _deelpoort_ready)
    options.update(logger_class=_GunicornLogger, child_exit=_worker_beeindigd)
    with _metrics_map():
        _Application(lambda: _deelpoort(settings), options).run()


@contextlib.contextmanager
def _metrics_map() -> Iterator[Path]:
    """The folder of the workers' metrics for this server (see the module invariants), named in the environment
    the workers inherit. Only the process that made it (gunicorn's master) restores the environment and removes
    a temporary folder: a forked worker leaving this block leaves both alone."""
    from service.adapters.metingen import MULTIPROC_VARIABELE

    eigen = os.getpid()
    gegeven = os.environ.get(MULTIPROC_VARIABELE)
    pad = Path(gegeven) if gegeven else Path(tempfile.mkdtemp(prefix="deelpoort-metrics-"))
    os.environ[MULTIPROC_VARIABELE] = str(pad)
    try:
        from service.adapters.metingen import maak_map_leeg

        maak_map_leeg(pad)
        yield pad
    finally:
        if os.getpid() == eigen and gegeven is None:
            os.environ.pop(MULTIPROC_VARIABELE, None)
            shutil.rmtree(pad, ignore_errors=True)


def _worker_beeindigd(_server: Any, worker: Any) -> None:
    """gunicorn's child_exit (in the master): the worker's live gauges are dropped, its counts kept."""
    from service.adapters.metingen import proces_beeindigd

    proces_beeindigd(worker.pid)


class _GunicornLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, writing through the application's handler (`logconfig`)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        handler = logconfig.handler()
        if handler is not None:
            self.error_log.handlers = [handler]
            self.access_log.handlers = [handler]


def run_getuige(config: GetuigeConfig, *, bind: str, workers: int, threads: int = 4) -> None:
    """Serve a witness (`service.getuige`) with `workers` processes of `threads` threads each: they share its
    storage file, whose write transactions take SQLite's lock (``BEGIN IMMEDIATE``)."""
    _Application(lambda: _getuige(config), _options(bind, workers, threads, lambda _w: freeze_startup_objects())).run()


def _options(bind: str, workers: int, threads: int, ready: Callable[[Any], None]) -> dict[str, Any]:
    return {
        "bind": bind,
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "accesslog": None,
        "preload_app": False,
        # gunicorn 27 opens a control socket at one fixed path per user; several servers on one host (demo,
        # tests, benchmarks) would share it. Deelpoort does not use it.
        "control_socket_disable": True,
        "post_worker_init": ready,
    }


def _deelpoort_ready(worker: Any) -> None:
    """After a Deelpoort worker built its app: start its background sender, then freeze what it built."""
    from service import start_getuigenbode

    start_getuigenbode(worker.wsgi)
    freeze_startup_objects()


def freeze_startup_objects() -> None:
    """Move what the worker built at start (the app, SQLAlchemy's metadata, the convenant, the keyring: ~115,000
    objects) out of the cyclic garbage collector's reach. They live as long as the worker, yet every full
    collection walked them all: 60-100 ms with the GIL held, stalling every request in the worker (measured in
    process: 2 full collections per 1,500 verstrekkingen, the longest 105 ms; frozen, 10 ms). The price: a frozen
    object that later becomes cyclic garbage is never freed, and startup objects are not replaced in a worker's
    life. Called per worker after its app is built: by `run` (gunicorn's post_worker_init) and by `wsgi.py`."""
    gc.collect()
    gc.freeze()

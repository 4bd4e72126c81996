"""Serving with gunicorn from the CLI. Each worker builds its own app (no connections shared across fork)."""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from service.settings import Settings


class _Application(BaseApplication):  # type: ignore[misc]
    def __init__(self, settings: Settings, options: dict[str, Any]) -> None:
        self._settings = settings
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from service import create_app

        return create_app(self._settings)


def run(settings: Settings, *, host: str, port: int, workers: int, threads: int = 8) -> None:
    """Serve with `workers` processes of `threads` threads each (gthread): concurrent requests in one worker
    share a log transaction (group commit), so throughput is not bound to one disk sync per request."""
    options = {
        "bind": f"{host}:{port}",
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "accesslog": None,
        "preload_app": False,
        # gunicorn 27 opens a control socket at one fixed path per user; several servers on one host (demo,
        # tests, benchmarks) would share it. Deelpoort does not use it.
        "control_socket_disable": True,
    }
    _Application(settings, options).run()

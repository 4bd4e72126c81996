"""Seeing it run, at the HTTP edge: one log line and the metrics of every request (API and pages), and
`GET /metrics` for the operators' Prometheus.

Invariants:
- Every request, whatever its answer, logs exactly one line `verzoek` with its method, route template (never
  the path, the query string or the body), status, duration, trace id and the partner of the authenticated
  gebruiker (an organisation's code), and nothing else; and is counted by the same labels (`Meter.verzoek`).
  A method outside the standard ones is labelled `ANDERS` and a path the app does not route `onbekend`, so a
  caller cannot create label values.
- Every event logged while a request runs carries its trace id (bound for the request, cleared after it).
- `/metrics` answers only to a client in `DEELPOORT_METRICS_ADRESSEN` (`Settings.metrics_toegestaan`: the TCP
  peer, or what a trusted proxy forwarded); anyone else gets the same 404 problem+json as an unknown path.
"""

from __future__ import annotations

import time
from typing import cast

import structlog
from flask import Flask, Response, current_app, g, request
from werkzeug.exceptions import NotFound

from service.service_layer.services import Services
from service.service_layer.waarneming.gereedheid import checkpointstand
from service.settings import Settings

log = structlog.get_logger("deelpoort.verzoek")

_METHODEN = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
ONBEKENDE_ROUTE = "onbekend"


def register(app: Flask) -> None:
    """Install the hooks (the start first of all, the trace binding after `trace` started it) and `/metrics`.
    Call after `trace.register`."""
    app.before_request_funcs.setdefault(None, []).insert(0, _begin)
    app.before_request(_bind_trace)
    app.after_request(_einde)
    app.teardown_request(_opruimen)
    app.add_url_rule("/metrics", "waarneming.metrics", _metrics, methods=["GET"])


def van_metrics_adres() -> bool:
    """Whether this request's client may read `/metrics` and the detailed status (see the module invariants)."""
    settings = cast(Settings, current_app.extensions["deelpoort.settings"])
    return settings.metrics_toegestaan(request.environ.get("REMOTE_ADDR"), request.headers.get("X-Forwarded-For"))


def _services() -> Services:
    return cast(Services, current_app.extensions["deelpoort"])


def _begin() -> None:
    structlog.contextvars.clear_contextvars()
    g.verzoek_begin = time.perf_counter()


def _bind_trace() -> None:
    trace = g.get("trace")
    if trace is not None:
        structlog.contextvars.bind_contextvars(trace_id=trace.trace_id)


def _einde(response: Response) -> Response:
    begin = g.get("verzoek_begin")
    duur = time.perf_counter() - begin if begin is not None else 0.0
    route = request.url_rule.rule if request.url_rule is not None else ONBEKENDE_ROUTE
    methode = request.method if request.method in _METHODEN else "ANDERS"
    _services().meter.verzoek(route, methode, response.status_code, duur)
    trace = g.get("trace")
    log.info(
        "verzoek",
        methode=methode,
        route=route,
        status=response.status_code,
        duur_ms=round(duur * 1000, 1),
        trace_id=trace.trace_id if trace is not None else None,
        partner=_partner(),
    )
    return response


def _opruimen(_exc: BaseException | None) -> None:
    structlog.contextvars.clear_contextvars()


def _partner() -> str | None:
    """The partner of the authenticated gebruiker (API token or page session), or None."""
    gebruiker = g.get("gebruiker")
    if gebruiker is None:
        sessie = g.get("web_sessie")
        gebruiker = getattr(sessie, "gebruiker", None)
    partner = getattr(gebruiker, "partner_id", None)
    return partner if isinstance(partner, str) else None


def _metrics() -> Response:
    if not van_metrics_adres():
        raise NotFound()
    services = _services()
    body, content_type = services.meter.blootstelling(lambda: checkpointstand(services))
    return Response(body, status=200, content_type=content_type)

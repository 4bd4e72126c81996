"""Errors to HTTP for the API: everything becomes `application/problem+json`, at the status the domain's one
table gives (`service.http_status.HTTP_STATUS`). A request of the pages (outside `/v1`) gets the
pages' Dutch page instead for an HTTP error or an unexpected exception (`web/foutpaginas.py`, found through
`app.extensions`).

Invariants:
- No response body ever carries a stack trace, an exception message from below this layer, or a value the
  client sent (messages name fields, never echo their content).
- Headers that belong to the error (Allow on 405, WWW-Authenticate on 401) are kept; every 503 (a part
  unavailable: the log, the database, the policy) carries `Retry-After` (`service.http_status.retry_after`).
- An unexpected exception is logged by type and location only (its message may hold personal data) and
  answered with a generic 500.
"""

from __future__ import annotations

import traceback
from http import HTTPStatus
from typing import Any

import structlog
from flask import Flask, Response, current_app, json, request
from werkzeug.exceptions import HTTPException

from service.api.base import PROBLEM_JSON
from service.domain.errors import DeelpoortError, OngeldigeInvoerError, OngeldigeOvergangError
from service.http_status import HTTP_STATUS, retry_after

log = structlog.get_logger("deelpoort.api")


def problem(
    status: int, detail: str, *, invalid_params: list[dict[str, str]] | None = None, headers: Any = None
) -> Response:
    body: dict[str, Any] = {
        "type": f"https://deelpoort.nl/problemen/{status}",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)
    for name, value in headers or ():
        response.headers[name] = value
    return response


def register(app: Flask) -> None:
    """Every domain error at its status from `HTTP_STATUS`; invalid input and transitions with their details."""
    for error, status in HTTP_STATUS:
        app.register_error_handler(error, lambda exc, status=status: _domain_error(status, exc))
    app.register_error_handler(OngeldigeInvoerError, _invalid_input)
    app.register_error_handler(OngeldigeOvergangError, _invalid_transition)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected)


def _domain_error(status: int, exc: DeelpoortError) -> Response:
    seconds = retry_after(exc)
    headers = [("Retry-After", str(seconds))] if seconds is not None else []
    return _pagina(status, headers) or problem(status, str(exc), headers=headers)


def _invalid_input(exc: OngeldigeInvoerError) -> Response:
    if (pagina := _pagina(400)) is not None:
        return pagina
    params = [{"name": name, "reason": reason} for name, reason in exc.problemen]
    return problem(400, "the request has invalid parameters", invalid_params=params)


def _invalid_transition(exc: OngeldigeOvergangError) -> Response:
    if (pagina := _pagina(409)) is not None:
        return pagina
    response = problem(409, str(exc))
    body = json.loads(response.get_data())
    body["fase"] = exc.fase
    body["toegestaneOvergangen"] = list(exc.toegestaan)
    body["toegestaneBesluiten"] = list(exc.besluiten)
    response.set_data(json.dumps(body))
    return response


def _pagina(status: int, headers: Any = ()) -> Response | None:
    """The pages' own answer (`web/foutpaginas.py`) when the request is a page's, else None."""
    pages = current_app.extensions.get("deelpoort.foutpagina")
    if pages is None:
        return None
    is_pagina, foutpagina = pages
    return foutpagina(status, headers) if is_pagina(request.path) else None


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    kept = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
    if (pagina := _pagina(status, kept)) is not None:
        return pagina
    messages = (getattr(exc, "data", None) or {}).get("messages")
    if messages is not None:  # webargs validation: every invalid parameter at once
        params = _invalid_params(messages)
        return problem(400, "the request has invalid parameters", invalid_params=params, headers=kept)
    return problem(status, exc.description or HTTPStatus(status).phrase, headers=kept)


def _unexpected(exc: Exception) -> Response:
    frames = [f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}:{f.name}" for f in traceback.extract_tb(exc.__traceback__)]
    log.error("unexpected_error", error_type=type(exc).__name__, frames=frames[-6:])
    return _pagina(500) or problem(500, "an unexpected error occurred; nothing was disclosed")


def _invalid_params(messages: Any) -> list[dict[str, str]]:
    """Flatten webargs' {location: {field: [messages]}} into [{name, reason}], sorted by name."""
    out: list[dict[str, str]] = []

    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}" if path else str(key))
        elif isinstance(node, list) and all(isinstance(m, str) for m in node):
            out.append({"name": path or "body", "reason": " ".join(node)})
        elif isinstance(node, list):
            for item in node:
                walk(item, path)
        else:
            out.append({"name": path or "body", "reason": str(node)})

    for location, fields in messages.items():
        if location in ("json", "query", "path", "headers", "form"):
            walk(fields, "")
        else:
            walk({location: fields}, "")
    return sorted(out, key=lambda p: p["name"])

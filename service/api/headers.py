"""Headers on every response, and the checks every request passes before a view sees it."""

from __future__ import annotations

from flask import Flask, Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

from service.domain.errors import OngeldigeInvoerError
from service.domain.tekens import ongeldige_tekens
from service.settings import API_VERSION

SECURITY_HEADERS = {
    # API Design Rules, /core/transport/security-headers
    "Cache-Control": "no-store",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def register(app: Flask) -> None:
    app.before_request(_require_json_body)
    app.before_request(_storable_text)
    app.after_request(_add_headers)


def _require_json_body() -> None:
    """Refuse an oversized (413) or non-JSON (415) body before authentication or any view reads it.

    The JSON rule is the API's (`/v1`); the web pages (`service.web`) take HTML form posts.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge(f"the request body is larger than {limit} bytes")
    has_body = (request.content_length or 0) > 0 or "chunked" in request.headers.get("Transfer-Encoding", "")
    api = request.path.startswith("/v1/")
    if api and request.method in _BODY_METHODS and has_body and request.mimetype != "application/json":
        raise UnsupportedMediaType("the request body must be application/json")


def _storable_text() -> None:
    """Refuse (400, naming every place) an API request whose path, query or JSON body holds text no field may
    hold (`domain/tekens.py`: NUL, lone surrogates), before any view reads it: such a value reached PostgreSQL as
    a 500, and SQLite stored it."""
    if not request.path.startswith("/v1/"):
        return
    problemen = ongeldige_tekens(request.view_args or {}, "")
    problemen += [p for k, v in request.args.items(multi=True) for p in ongeldige_tekens({k: v}, "")]
    if request.is_json:  # a chunked body has no Content-Length: read it all the same (None when empty or no JSON)
        problemen += ongeldige_tekens(request.get_json(silent=True), "")
    if problemen:
        raise OngeldigeInvoerError(sorted(set(problemen)))


def _add_headers(response: Response) -> Response:
    response.headers["API-Version"] = API_VERSION
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response

"""`GET /v1/openapi.json`: the OpenAPI 3.1 document, shaped for the API Design Rules linter.

The spec flask-smorest builds is post-processed in one place: paths are made relative to the `/v1` server,
every 2xx response documents the `API-Version` header, every operation that takes input documents 400, every
operation with a path parameter documents 404, every operation with a request body documents 413 (larger than
the limit) and 415 (not JSON), every operation behind a bearer token documents 403 (the use cases refuse a rol,
a partner or a gebruiker's part in a casus in many places; a client must expect it everywhere), and every
operation that reads the database (all but the document itself and the status) documents 503 with
`Retry-After` (a database fault, or the log unavailable: `service.http_status.retry_after`).
`tests/foundation/test_api_fuzz.py` holds the document to what the service answers.
"""

from __future__ import annotations

import copy
from typing import Any

from flask import Flask, Response, json

from service.settings import API_VERSION

SPEC_KWARGS: dict[str, Any] = {
    "info": {
        "description": "Deelpoort: sharing case information between the partners of a Zorg- en Veiligheidshuis "
        "under the samenwerkings- en privacyconvenant. Every disclosure is logged with its grondslag.",
        "contact": {
            "name": "Deelpoort",
            "email": "deelpoort@example.org",
            "url": "https://deelpoort.example.org",
        },
    },
    "servers": [{"url": "/v1", "description": "this server"}],
}
_VERSION_HEADER = {
    "description": "The full version of the API (semver)",
    "schema": {"type": "string", "example": API_VERSION},
}
_RETRY_AFTER_HEADER = {
    "description": "Seconds to wait before asking again",
    "schema": {"type": "integer", "minimum": 1, "example": 5},
}
_SERVICE_UNAVAILABLE = {
    "description": "A part the answer depends on (the database, the log) is unavailable now; nothing was disclosed",
    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    "headers": {"Retry-After": {"$ref": "#/components/headers/Retry-After"}},
}
_ZONDER_DATABASE = ("/openapi.json", "/status")


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


# Responses every operation of a kind can give, added where an operation does not document its own.
_ALGEMEEN = {
    "NOT_FOUND": _problem("No such resource for this gebruiker (or a path that names none); nothing was disclosed"),
    "FORBIDDEN": _problem(
        "Not permitted for this gebruiker (its rol, its partner, or its part in the casus; the "
        "detail says which): nothing was disclosed or changed"
    ),
    "CONTENT_TOO_LARGE": _problem("The request body is larger than the service accepts; nothing was changed"),
    "UNSUPPORTED_MEDIA_TYPE": _problem("The request body is not application/json; nothing was changed"),
}


def register(app: Flask, api: Any) -> None:
    def openapi_json() -> Response:
        return Response(json.dumps(shape(api.spec.to_dict())), mimetype="application/json")

    app.add_url_rule("/v1/openapi.json", "openapi_json", openapi_json, methods=["GET"])


def shape(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the document as the ADR wants it (pure: the input is not modified)."""
    spec = copy.deepcopy(spec)
    components = spec.setdefault("components", {})
    components.setdefault("headers", {}).update({"API-Version": _VERSION_HEADER, "Retry-After": _RETRY_AFTER_HEADER})
    components.setdefault("responses", {})["SERVICE_UNAVAILABLE"] = _SERVICE_UNAVAILABLE
    components["responses"].update(_ALGEMEEN)
    paths: dict[str, Any] = {}
    for path, item in spec.get("paths", {}).items():
        relative = path.removeprefix("/v1") or "/"
        for method, operation in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():
                if code.startswith("2") and "$ref" not in response:
                    response.setdefault("headers", {})["API-Version"] = {"$ref": "#/components/headers/API-Version"}
            takes_input = method in ("post", "put", "patch") or operation.get("parameters") or "{" in relative
            if takes_input and "400" not in responses:
                responses["400"] = {"$ref": "#/components/responses/BAD_REQUEST"}
            if operation.get("security"):
                responses.setdefault("403", {"$ref": "#/components/responses/FORBIDDEN"})
            if "{" in relative:  # a path parameter
                responses.setdefault("404", {"$ref": "#/components/responses/NOT_FOUND"})
            if "requestBody" in operation:
                responses.setdefault("413", {"$ref": "#/components/responses/CONTENT_TOO_LARGE"})
                responses.setdefault("415", {"$ref": "#/components/responses/UNSUPPORTED_MEDIA_TYPE"})
            if "503" in responses and "$ref" not in responses["503"]:
                responses["503"].setdefault("headers", {})["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
            elif relative not in _ZONDER_DATABASE:
                responses["503"] = {"$ref": "#/components/responses/SERVICE_UNAVAILABLE"}
        paths[relative] = item
    spec["paths"] = paths
    return spec

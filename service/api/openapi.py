"""`GET /v1/openapi.json`: the OpenAPI 3.1 document, shaped for the API Design Rules linter.

The spec flask-smorest builds is post-processed in one place: paths are made relative to the `/v1` server,
every 2xx response documents the `API-Version` header, every operation that takes input documents 400, and
every operation that reads the database (all but the document itself and the status) documents 503 with
`Retry-After` (a database fault, or the log unavailable: `service.http_status.retry_after`).
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
            takes_input = method in ("post", "put", "patch") or operation.get("parameters")
            if takes_input and "400" not in responses:
                responses["400"] = {"$ref": "#/components/responses/BAD_REQUEST"}
            if "503" in responses and "$ref" not in responses["503"]:
                responses["503"].setdefault("headers", {})["Retry-After"] = {"$ref": "#/components/headers/Retry-After"}
            elif relative not in _ZONDER_DATABASE:
                responses["503"] = {"$ref": "#/components/responses/SERVICE_UNAVAILABLE"}
        paths[relative] = item
    spec["paths"] = paths
    return spec

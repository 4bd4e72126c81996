"""`GET /v1/openapi.json`: the OpenAPI 3.1 document, shaped for the API Design Rules linter.

The spec flask-smorest builds is post-processed in one place: paths are made relative to the `/v1` server,
every 2xx response documents the `API-Version` header, and every operation that takes input documents 400.
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


def register(app: Flask, api: Any) -> None:
    def openapi_json() -> Response:
        return Response(json.dumps(shape(api.spec.to_dict())), mimetype="application/json")

    app.add_url_rule("/v1/openapi.json", "openapi_json", openapi_json, methods=["GET"])


def shape(spec: dict[str, Any]) -> dict[str, Any]:
    """Return the document as the ADR wants it (pure: the input is not modified)."""
    spec = copy.deepcopy(spec)
    spec.setdefault("components", {}).setdefault("headers", {})["API-Version"] = _VERSION_HEADER
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
        paths[relative] = item
    spec["paths"] = paths
    return spec

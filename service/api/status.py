"""`GET /v1/status`: is the service up and does its database answer. No authentication, no data."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from service.api.auth import services
from service.api.base import Blueprint
from service.domain.errors import NietBeschikbaarError
from service.settings import API_VERSION

blp = Blueprint("status", __name__, description="Service status")


class StatusSchema(Schema):
    status = fields.String(required=True, metadata={"description": "'ok' or 'verstoord'"})
    database = fields.String(required=True)
    apiVersie = fields.String(required=True)  # noqa: N815 - JSON camelCase


@blp.route("/status")
class Status(MethodView):
    @blp.response(200, StatusSchema)
    def get(self) -> dict[str, Any]:
        """Service status (the database is checked with a trivial query); 503 while a restore has not finished."""
        database_ok = services().database_ok()
        if database_ok and services().herstel_bezig():
            raise NietBeschikbaarError("herstel bezig: a restore of the database has not finished")
        return {
            "status": "ok" if database_ok else "verstoord",
            "database": "ok" if database_ok else "onbereikbaar",
            "apiVersie": API_VERSION,
        }

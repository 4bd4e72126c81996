"""`/v1/terugkoppelingen`: the closed casussen the caller's partner referred, so it can ask their outcome.

Invariants: metadata only (ids and times); the outcome itself is a verstrekking with doel `terugkoppeling`
(`POST /v1/casussen/{id}/verstrekkingen`), logged like every other.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from service.api.auth import authenticated, gebruiker, services
from service.api.base import Blueprint
from service.service_layer.casus import aanmelding
from service.service_layer.casus.terugkoppeling import afgesloten

blp = Blueprint("terugkoppelingen", __name__, description="Terugkoppeling: closed casussen the caller referred")


class AfgeslotenCasusSchema(Schema):
    casus = fields.String(required=True)
    afgeslotenOp = fields.AwareDateTime(required=True)  # noqa: N815


class TerugkoppelingenSchema(Schema):
    terugkoppelingen = fields.List(fields.Nested(AfgeslotenCasusSchema), required=True)


@blp.route("/terugkoppelingen")
class Terugkoppelingen(MethodView):
    @authenticated(blp, *sorted(aanmelding.AANMELDER_ROLLEN))
    @blp.response(200, TerugkoppelingenSchema)
    def get(self) -> dict[str, Any]:
        """The regular casussen this partner referred that were closed, newest first: ask each one's outcome with
        `POST /v1/casussen/{id}/verstrekkingen {"doel": "terugkoppeling"}`."""
        return {
            "terugkoppelingen": [
                {"casus": casus_id, "afgeslotenOp": op} for casus_id, op in afgesloten(services(), gebruiker())
            ]
        }

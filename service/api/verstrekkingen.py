"""`POST /v1/casussen/{id}/verstrekkingen`: the allowed values of a casus for a doel, with their account.

The only view that returns field values. It answers only after the verstrekking log confirmed the record is
durable (503 otherwise, with nothing disclosed).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, certificaat_oin, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.trace import current_trace
from service.service_layer.verstrekking import verstrekken as verstrekkingen
from service.service_layer.verstrekking.antwoord import antwoord

blp = Blueprint("verstrekkingen", __name__, description="Verstrekkingen: case information for a doel")


class VerzoekSchema(Schema):
    class Meta:
        unknown = RAISE

    doel = fields.String(required=True, validate=validate.Length(min=1, max=80))
    velden = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        validate=validate.Length(max=verstrekkingen.MAX_VELDEN),
        load_default=None,
        metadata={"description": "the velden asked for; absent: everything the convenant allows"},
    )
    overleg = fields.String(
        validate=validate.Length(min=1, max=64),
        load_default=None,
        metadata={"description": "the overleg this is asked in (doel casusoverleg; the partner must attend it)"},
    )


class VerwerkingsactiviteitRefSchema(Schema):
    id = fields.String(required=True)
    versie = fields.Integer(required=True)


class GrondslagPerVeldSchema(Schema):
    grondslag = fields.String(required=True)
    verwerkingsactiviteit = fields.Nested(VerwerkingsactiviteitRefSchema, required=True)


class BetrokkeneVeldenSchema(Schema):
    id = fields.String(required=True)
    rol = fields.String(required=True)
    relatie = fields.String(allow_none=True)
    velden = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


class OntvangstbewijsSchema(Schema):
    logIndex = fields.Integer(required=True)  # noqa: N815
    bladHash = fields.String(required=True, metadata={"description": "base64 RFC 9162 leaf hash"})  # noqa: N815
    checkpoint = fields.String(
        allow_none=True, metadata={"description": "signed note (C2SP tlog-checkpoint) covering this record"}
    )
    checkpointUiterlijkBijGrootte = fields.Integer(  # noqa: N815
        required=True, metadata={"description": "a checkpoint covering this record is signed at this size at latest"}
    )


class VerstrekkingSchema(Schema):
    id = fields.String(required=True)
    casus = fields.String(required=True)
    doel = fields.String(required=True)
    uitkomst = fields.String(required=True, metadata={"description": "verstrekt, gedeeltelijk or leeg"})
    beleidsversie = fields.String(required=True)
    betrokkenen = fields.List(fields.Nested(BetrokkeneVeldenSchema), required=True)
    velden = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)
    grondslagen = fields.Dict(keys=fields.String(), values=fields.Nested(GrondslagPerVeldSchema), required=True)
    onthouden = fields.List(fields.String(), required=True, metadata={"description": "withheld names, no values"})
    ontvangstbewijs = fields.Nested(OntvangstbewijsSchema, required=True)


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


@blp.route("/casussen/<string:casus_id>/verstrekkingen")
class Verstrekkingen(MethodView):
    @authenticated(blp)
    @blp.arguments(VerzoekSchema)
    @blp.response(201, VerstrekkingSchema)
    @_problem(404, "no such casus for this partner (existence is not revealed)")
    @_problem(403, "the doel is not permitted in the casus's fase; in an overleg: not attending, or no verklaring")
    @_problem(410, "the casus's data was destroyed")
    @_problem(503, "the verstrekking log could not record the request: nothing was disclosed")
    def post(self, body: dict[str, Any], casus_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Ask for the case information the convenant allows for a doel; every request is logged first."""
        velden = tuple(body["velden"]) if body.get("velden") is not None else None
        verzoek = verstrekkingen.Verzoek(doel=body["doel"], velden=velden, overleg=body["overleg"])
        uitgifte = verstrekkingen.verstrekken(
            services(), gebruiker(), casus_id[:64], verzoek, current_trace(), certificaat_oin=certificaat_oin()
        )
        location = f"/v1/verantwoording/bewijzen/{uitgifte.bewijs.log_index}"
        return antwoord(uitgifte), 201, {"Location": location}

"""Rights of the betrokkene: `/v1/verantwoording/beperkingen` (AVG art. 18) and `/v1/uitstellen` (deferral).

Invariants:
- The person is named by a BSN in a POST body only; it is never in a URL and never echoed: an answer holds ids,
  codes, dates and the acting gebruiker, never a person.
- Request bodies refuse unknown keys (a `partner` key in particular: a partner defers only its own flows).
- Who may act is decided by the service layer (`rechten.beperking`, `rechten.uitstel`); the rollen listed here
  only document and pre-check it.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.domain.rechten import Beperking, Grond, Opheffingsreden, Uitstel
from service.service_layer.rechten import beperking as beperkingen
from service.service_layer.rechten import uitstel as uitstellen

blp = Blueprint("rechten", __name__, description="Rights of the betrokkene: beperkingen and uitstellen")
_BSN = {"description": "the person's BSN (nine digits; spaces and dots allowed); never stored or returned"}
_REGIME = validate.OneOf(("regulier", "cter"))


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BeperkingInvoerSchema(_Strict):
    bsn = fields.String(required=True, validate=validate.Length(min=9, max=20), metadata=_BSN)
    grond = fields.String(
        required=True,
        validate=validate.OneOf([g.value for g in Grond]),
        metadata={
            "description": "AVG art. 18 lid 1: sub a juistheid-betwist, b onrechtmatig, c rechtsvordering, d bezwaar"
        },
    )
    doelen = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        required=True,
        validate=validate.Length(max=beperkingen.MAX_DOELEN),
        metadata={"description": "the doelen for which the person's data may still be released (may be empty)"},
    )
    regime = fields.String(load_default="regulier", validate=_REGIME)


class OpheffingSchema(_Strict):
    reden = fields.String(required=True, validate=validate.OneOf([r.value for r in Opheffingsreden]))


class BeperkingSchema(Schema):
    id = fields.String(required=True)
    regime = fields.String(required=True)
    grond = fields.String(required=True)
    doelen = fields.List(fields.String(), required=True)
    actief = fields.Boolean(required=True)
    ingesteldOp = fields.DateTime(required=True)  # noqa: N815
    ingesteldDoor = fields.String(required=True)  # noqa: N815
    ingesteldPartner = fields.String(required=True)  # noqa: N815
    opgehevenOp = fields.DateTime(allow_none=True)  # noqa: N815
    opgehevenDoor = fields.String(allow_none=True)  # noqa: N815
    opheffingsreden = fields.String(allow_none=True)


class BeperkingIngesteldSchema(BeperkingSchema):
    aantalCasussen = fields.Integer(  # noqa: N815
        required=True, metadata={"description": "in how many casussen of the regime the person is found now"}
    )


class BeperkingenSchema(Schema):
    beperkingen = fields.List(fields.Nested(BeperkingSchema), required=True)


class UitstelInvoerSchema(_Strict):
    bsn = fields.String(required=True, validate=validate.Length(min=9, max=20), metadata=_BSN)
    grondslag = fields.String(
        required=True, validate=validate.Length(min=1, max=80), metadata={"description": "a convenant grondslag"}
    )
    einddatum = fields.Date(required=True, metadata={"description": "deferred while the day is before this date"})
    casus = fields.String(validate=validate.Length(min=1, max=32), metadata={"description": "only in this casus"})
    regime = fields.String(validate=_REGIME, metadata={"description": "without casus: regulier unless given"})


class UitstelSchema(Schema):
    id = fields.String(required=True)
    regime = fields.String(required=True)
    partner = fields.String(required=True)
    casus = fields.String(allow_none=True)
    grondslag = fields.String(required=True)
    einddatum = fields.Date(required=True)
    ingesteldOp = fields.DateTime(required=True)  # noqa: N815
    ingesteldDoor = fields.String(required=True)  # noqa: N815
    beeindigdOp = fields.DateTime(allow_none=True)  # noqa: N815


class UitstellenSchema(Schema):
    uitstellen = fields.List(fields.Nested(UitstelSchema), required=True)


def beperking_json(b: Beperking) -> dict[str, Any]:
    return {
        "id": b.id,
        "regime": b.regime.value,
        "grond": b.grond.value,
        "doelen": sorted(b.doelen),
        "actief": b.actief,
        "ingesteldOp": b.ingesteld_op,
        "ingesteldDoor": b.ingesteld_door,
        "ingesteldPartner": b.ingesteld_partner,
        "opgehevenOp": b.opgeheven_op,
        "opgehevenDoor": b.opgeheven_door,
        "opheffingsreden": b.opheffingsreden.value if b.opheffingsreden else None,
    }


def uitstel_json(u: Uitstel) -> dict[str, Any]:
    return {
        "id": u.id,
        "regime": u.regime.value,
        "partner": u.partner,
        "casus": u.casus,
        "grondslag": u.grondslag,
        "einddatum": u.einddatum,
        "ingesteldOp": u.ingesteld_op,
        "ingesteldDoor": u.ingesteld_door,
        "beeindigdOp": u.beeindigd_op,
    }


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


@blp.route("/verantwoording/beperkingen")
class Beperkingen(MethodView):
    @authenticated(blp, "fg", "procesregisseur")
    @blp.arguments(BeperkingInvoerSchema)
    @blp.response(201, BeperkingIngesteldSchema)
    @_problem(400, "invalid BSN, grond, doel or regime")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Restrict the processing of a person's data (AVG art. 18) to the doelen listed (FG or procesregisseur of
        the Bureau ZVH); logged."""
        beperking, aantal = beperkingen.stel_in(
            services(), gebruiker(), body["bsn"], body["grond"], body["doelen"], body["regime"]
        )
        return {**beperking_json(beperking), "aantalCasussen": aantal}

    @authenticated(blp, "fg", "procesregisseur")
    @blp.response(200, BeperkingenSchema)
    def get(self) -> dict[str, Any]:
        """Every beperking, active first (codes and dates, never a person)."""
        return {"beperkingen": [beperking_json(b) for b in beperkingen.lijst(services(), gebruiker())]}


@blp.route("/verantwoording/beperkingen/<string:beperking_id>/opheffing")
class Opheffing(MethodView):
    @authenticated(blp, "fg", "procesregisseur")
    @blp.arguments(OpheffingSchema)
    @blp.response(200, BeperkingSchema)
    @_problem(404, "no such beperking")
    @_problem(409, "the beperking was lifted already")
    def post(self, body: dict[str, Any], beperking_id: str) -> dict[str, Any]:
        """Lift a beperking, with the reden as a code; logged."""
        return beperking_json(beperkingen.hef_op(services(), gebruiker(), beperking_id, body["reden"]))


@blp.route("/uitstellen")
class Uitstellen(MethodView):
    @authenticated(blp, "casusregisseur", "procesregisseur")
    @blp.arguments(UitstelInvoerSchema)
    @blp.response(201, UitstelSchema)
    @_problem(404, "no such casus for this partner")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Defer informing the person about the caller's partner's flows until the einddatum; logged."""
        uitstel = uitstellen.stel_in(
            services(),
            gebruiker(),
            body["bsn"],
            body["grondslag"],
            body["einddatum"],
            body.get("casus"),
            body.get("regime"),
        )
        return uitstel_json(uitstel)

    @authenticated(blp, "casusregisseur", "procesregisseur", "fg")
    @blp.response(200, UitstellenSchema)
    def get(self) -> dict[str, Any]:
        """The uitstellen the caller may see: its own partner's (the Bureau ZVH's FG: all)."""
        return {"uitstellen": [uitstel_json(u) for u in uitstellen.lijst(services(), gebruiker())]}


@blp.route("/uitstellen/<string:uitstel_id>/beeindiging")
class Beeindiging(MethodView):
    @authenticated(blp, "casusregisseur", "procesregisseur")
    @blp.response(200, UitstelSchema)
    @_problem(404, "no such uitstel of this partner")
    @_problem(409, "the uitstel has ended already")
    def post(self, uitstel_id: str) -> dict[str, Any]:
        """End an uitstel of the caller's partner before its einddatum; logged."""
        return uitstel_json(uitstellen.beeindig(services(), gebruiker(), uitstel_id))

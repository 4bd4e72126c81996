"""The casus lifecycle over HTTP: one casus's metadata, triage, deelnemers, prioritering, afsluiting, history.

No view here returns a field value about a person; values leave the service only through verstrekkingen. A
toelichting is returned only to partners that actively take part in the casus (it is stored encrypted).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, OvergangsconflictSchema, ProblemSchema
from service.api.casussen import CasusDetailSchema, casus_json
from service.api.trace import current_trace
from service.domain.casus import Casus, utcnow
from service.domain.levensloop import CASUSROLLEN, PRIORITEIT_MAX, PRIORITEIT_MIN, Besluit, Gebeurtenis, Uitkomst
from service.service_layer.casus import levensloop, overdracht

blp = Blueprint("levensloop", __name__, description="Casussen: triage, deelnemers, prioritering, afsluiting, historie")

_TOELICHTING = validate.Length(max=levensloop.MAX_TOELICHTING)
_PARTNER = validate.Length(min=1, max=80)
# Enumerations are checked by the use case, not the schema, so that one 400 names every bad parameter.


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class TriageSchema(_Strict):
    besluit = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={
            "enum": [b.value for b in Besluit],
            "description": "uitgebreid-advies was `advies` before (still accepted, recorded as uitgebreid-advies)",
        },
    )
    toelichting = fields.String(load_default=None, metadata={"description": "required: why"})


class DeelnemerSchema(_Strict):
    partner = fields.String(required=True, validate=_PARTNER)
    rol = fields.String(required=True, validate=validate.Length(max=40), metadata={"enum": list(CASUSROLLEN)})
    grondslag = fields.String(
        validate=validate.Length(min=1, max=80),
        load_default=None,
        metadata={"description": "an invitation to a CTER casus: the grondslag it rests on"},
    )
    toelichting = fields.String(validate=_TOELICHTING, load_default=None)


class DeelnemerIntrekkingSchema(_Strict):
    partner = fields.String(required=True, validate=_PARTNER)
    toelichting = fields.String(validate=_TOELICHTING, load_default=None)


class PrioriteringSchema(_Strict):
    prioriteit = fields.Integer(
        required=True,
        allow_none=True,
        strict=True,
        validate=validate.Range(PRIORITEIT_MIN, PRIORITEIT_MAX),
        metadata={"description": "1 most urgent .. 5 least; null clears it"},
    )
    toelichting = fields.String(validate=_TOELICHTING, load_default=None)


class AfsluitingSchema(_Strict):
    uitkomst = fields.String(
        required=True, validate=validate.Length(max=40), metadata={"enum": [u.value for u in Uitkomst]}
    )
    toelichting = fields.String(validate=_TOELICHTING, load_default=None)
    overdracht = fields.String(
        validate=_PARTNER,
        load_default=None,
        metadata={"description": "the partner or other ZVH region the casus is handed over to"},
    )


class GebeurtenisSchema(Schema):
    id = fields.String(required=True)
    tijd = fields.DateTime(required=True)
    partner = fields.String(required=True)
    gebruiker = fields.String(required=True)
    rol = fields.String(required=True)
    handeling = fields.String(required=True)
    vanFase = fields.String(required=True)  # noqa: N815
    naarFase = fields.String(required=True)  # noqa: N815
    toelichting = fields.String(allow_none=True, metadata={"description": "null once the casus was destroyed"})
    gegevens = fields.Dict(keys=fields.String(), values=fields.Raw(allow_none=True), required=True)


class HistorieSchema(Schema):
    gebeurtenissen = fields.List(fields.Nested(GebeurtenisSchema), required=True)


class DeelnameSchema(Schema):
    partner = fields.String(required=True)
    rol = fields.String(required=True)
    sinds = fields.DateTime(required=True)
    grondslag = fields.String(allow_none=True)


class CasusMetDeelnemersSchema(CasusDetailSchema):
    afgeslotenOp = fields.DateTime(allow_none=True)  # noqa: N815
    deelnemers = fields.List(fields.Nested(DeelnameSchema), required=True)


def gebeurtenis_json(entry: Gebeurtenis) -> dict[str, Any]:
    return {
        "id": entry.id,
        "tijd": entry.tijd,
        "partner": entry.partner_id,
        "gebruiker": entry.gebruiker_id,
        "rol": entry.rol,
        "handeling": entry.handeling.value,
        "vanFase": entry.van_fase.value,
        "naarFase": entry.naar_fase.value,
        "toelichting": entry.toelichting,
        "gegevens": dict(entry.gegevens),
    }


def _with_deelnemers(casus: Casus) -> dict[str, Any]:
    now = utcnow()
    out = casus_json(casus, detail=True)
    out["afgeslotenOp"] = casus.afgesloten_op
    out["deelnemers"] = [
        {"partner": d.partner_id, "rol": d.rol, "sinds": d.sinds, "grondslag": d.grondslag}
        for d in casus.deelnames
        if d.actief(now)
    ]
    return out


def _not_found(view: Any) -> Any:
    return blp.alt_response(
        404, schema=ProblemSchema, description="no such casus for this partner", content_type=PROBLEM_JSON
    )(view)


def _conflict(view: Any) -> Any:
    return blp.alt_response(
        409,
        schema=OvergangsconflictSchema,
        description="not allowed in the current fase (`toegestaneOvergangen` and `toegestaneBesluiten` list what is)",
        content_type=PROBLEM_JSON,
    )(view)


@blp.route("/casussen/<string:casus_id>")
class CasusView(MethodView):
    @authenticated(blp)
    @blp.response(200, CasusMetDeelnemersSchema)
    @blp.alt_response(400, schema=ProblemSchema, description="invalid request", content_type=PROBLEM_JSON)
    @_not_found
    def get(self, casus_id: str) -> dict[str, Any]:
        """One casus the partner takes part in: metadata, betrokkene ids and the active deelnemers."""
        return _with_deelnemers(levensloop.lees(services(), gebruiker(), casus_id))


@blp.route("/casussen/<string:casus_id>/triage")
class Triage(MethodView):
    @authenticated(blp)
    @blp.arguments(TriageSchema)
    @blp.response(201, GebeurtenisSchema)
    @_not_found
    @_conflict
    def post(self, body: dict[str, Any], casus_id: str) -> dict[str, Any]:
        """Triage by the regie: start it (`in-behandeling`) or decide procesregie, advies or afgewezen."""
        entry = levensloop.triage(services(), gebruiker(), casus_id, body["besluit"], body["toelichting"])
        return gebeurtenis_json(entry)


@blp.route("/casussen/<string:casus_id>/deelnemers")
class Deelnemers(MethodView):
    @authenticated(blp)
    @blp.arguments(DeelnemerSchema)
    @blp.response(201, GebeurtenisSchema)
    @_not_found
    @_conflict
    def post(self, body: dict[str, Any], casus_id: str) -> dict[str, Any]:
        """Add a partner with its rol in the casus (CTER: an invitation with grondslag and toelichting)."""
        uitnodiging = levensloop.Uitnodiging(body["partner"], body["rol"], body["toelichting"], body["grondslag"])
        return gebeurtenis_json(levensloop.deelnemer_toevoegen(services(), gebruiker(), casus_id, uitnodiging))

    @authenticated(blp)
    @blp.arguments(DeelnemerIntrekkingSchema)
    @blp.response(200, GebeurtenisSchema)
    @_not_found
    @_conflict
    def delete(self, body: dict[str, Any], casus_id: str) -> dict[str, Any]:
        """End a partner's deelname (withdraw its invitation); its access ends at once."""
        entry = levensloop.deelnemer_verwijderen(
            services(), gebruiker(), casus_id, body["partner"], body["toelichting"]
        )
        return gebeurtenis_json(entry)


@blp.route("/casussen/<string:casus_id>/prioritering")
class Prioritering(MethodView):
    @authenticated(blp)
    @blp.arguments(PrioriteringSchema)
    @blp.response(201, GebeurtenisSchema)
    @_not_found
    @_conflict
    def post(self, body: dict[str, Any], casus_id: str) -> dict[str, Any]:
        """Set the prioriteit of an open casus in the werkvoorraad (the regie only)."""
        entry = levensloop.prioriteren(services(), gebruiker(), casus_id, body["prioriteit"], body["toelichting"])
        return gebeurtenis_json(entry)


@blp.route("/casussen/<string:casus_id>/afsluiting")
class Afsluiting(MethodView):
    @authenticated(blp)
    @blp.arguments(AfsluitingSchema)
    @blp.response(201, GebeurtenisSchema)
    @_not_found
    @_conflict
    def post(self, body: dict[str, Any], casus_id: str) -> dict[str, Any]:
        """Close a casus in procesregie or advies with its uitkomst and an optional overdracht."""
        entry = levensloop.afsluiten(
            services(), gebruiker(), casus_id, body["uitkomst"], body["toelichting"], body["overdracht"]
        )
        return gebeurtenis_json(entry)


@blp.route("/casussen/<string:casus_id>/historie")
class Historie(MethodView):
    @authenticated(blp)
    @blp.response(200, HistorieSchema)
    @blp.alt_response(400, schema=ProblemSchema, description="invalid request", content_type=PROBLEM_JSON)
    @_not_found
    def get(self, casus_id: str) -> dict[str, Any]:
        """Every change of the casus (who, when, what, why), oldest first, for the partners taking part."""
        return {"gebeurtenissen": [gebeurtenis_json(e) for e in levensloop.historie(services(), gebruiker(), casus_id)]}


class OverdrachtSchema(_Strict):
    regio = fields.String(
        required=True, validate=_PARTNER, metadata={"description": "the other ZVH (partner id) receiving the casus"}
    )


class OverdrachtspakketSchema(Schema):
    pakket = fields.String(
        required=True, metadata={"description": "signed note text: 'deelpoort/overdracht/v1', newline, JSON"}
    )
    handtekening = fields.String(required=True, metadata={"description": "the signed-note signature line"})
    sleutel = fields.String(required=True, metadata={"description": "verifier key (signed-note vkey)"})
    verstrekking = fields.String(required=True, metadata={"description": "id of the logged verstrekking"})
    logIndex = fields.Integer(required=True)  # noqa: N815


@blp.route("/casussen/<string:casus_id>/overdrachten")
class Overdrachten(MethodView):
    @authenticated(blp)
    @blp.arguments(OverdrachtSchema)
    @blp.response(201, OverdrachtspakketSchema)
    @_not_found
    @blp.alt_response(
        409, schema=ProblemSchema, description="the region takes no part in the casus", content_type=PROBLEM_JSON
    )
    def post(self, body: dict[str, Any], casus_id: str) -> dict[str, Any]:
        """Export a casus to another ZVH region: a signed package of what its policy allows for doel overdracht.

        The package is logged as a verstrekking to that region before it is returned.
        """
        pakket = overdracht.overdragen(services(), gebruiker(), casus_id, body["regio"], current_trace())
        return {
            "pakket": pakket.tekst,
            "handtekening": pakket.handtekening,
            "sleutel": pakket.sleutel,
            "verstrekking": pakket.uitgifte.verstrekking.id,
            "logIndex": pakket.uitgifte.bewijs.log_index,
        }

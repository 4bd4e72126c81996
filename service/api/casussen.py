"""`/v1/casussen`: aanmelding, the caller's list (metadata only) and bijdragen.

No view here returns a field value; values leave the service only through verstrekkingen.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, certificaat_oin, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.trace import current_trace
from service.domain.casus import BetrokkeneRol, Casus, utcnow
from service.domain.convenant import Casustype, Fase
from service.service_layer.casus import aanmelding as casussen
from service.service_layer.casus.aanlevering import Herkomst

blp = Blueprint("casussen", __name__, description="Casussen: aanmelding, bijdragen")

_ID = validate.Regexp(r"^[0-9a-f]{32}$", error="not a casus id")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BetrokkeneInSchema(_Strict):
    rol = fields.String(  # checked with the other problems of the aanmelding; the enum documents it
        required=True, metadata={"description": "hoofdpersoon or systeemlid", "enum": [r.value for r in BetrokkeneRol]}
    )
    relatie = fields.String(validate=validate.Length(max=40), load_default=None)
    velden = fields.Dict(keys=fields.String(validate=validate.Length(max=80)), values=fields.Raw(), load_default=dict)


class AanmeldingSchema(_Strict):
    casustype = fields.String(  # checked with the other problems of the aanmelding; the enum documents it
        required=True, metadata={"description": "regulier or cter", "enum": [c.value for c in Casustype]}
    )
    gemeente = fields.String(required=True, validate=validate.Length(max=80))
    onderwerp = fields.String(
        required=True,
        validate=validate.Length(max=40),
        metadata={
            "description": "the hoofdonderwerp: an id of the convenant's onderwerpen (`overig` is read as "
            "overige-veiligheid-omgeving)"
        },
    )
    nevenonderwerpen = fields.List(
        fields.String(validate=validate.Length(max=40)),
        load_default=list,
        metadata={"description": "further onderwerpen (ids of the convenant's onderwerpen), distinct, at most 5"},
    )
    betrokkenen = fields.List(fields.Nested(BetrokkeneInSchema), required=True)
    velden = fields.Dict(keys=fields.String(validate=validate.Length(max=80)), values=fields.Raw(), load_default=dict)


class BijdrageBetrokkeneSchema(_Strict):
    id = fields.String(required=True, validate=_ID)
    velden = fields.Dict(keys=fields.String(validate=validate.Length(max=80)), values=fields.Raw(), required=True)


class BijdrageSchema(_Strict):
    betrokkenen = fields.List(fields.Nested(BijdrageBetrokkeneSchema), load_default=list)
    velden = fields.Dict(keys=fields.String(validate=validate.Length(max=80)), values=fields.Raw(), load_default=dict)


class BetrokkeneOutSchema(Schema):
    id = fields.String(required=True)
    rol = fields.String(required=True)
    relatie = fields.String(allow_none=True)


class CasusSchema(Schema):
    id = fields.String(required=True)
    casustype = fields.String(required=True, metadata={"enum": [c.value for c in Casustype]})
    fase = fields.String(required=True, metadata={"enum": [f.value for f in Fase]})
    gemeente = fields.String(required=True)
    onderwerp = fields.String(required=True, metadata={"description": "the hoofdonderwerp"})
    nevenonderwerpen = fields.List(fields.String(), required=True)
    aanmelder = fields.String(required=True)
    aangemeldOp = fields.DateTime(required=True)  # noqa: N815
    gewijzigdOp = fields.DateTime(required=True)  # noqa: N815
    prioriteit = fields.Integer(allow_none=True)


class CasusDetailSchema(CasusSchema):
    betrokkenen = fields.List(fields.Nested(BetrokkeneOutSchema), required=True)


class CasusLijstSchema(Schema):
    casussen = fields.List(fields.Nested(CasusSchema), required=True)


class CasusQuerySchema(_Strict):
    fase = fields.List(
        fields.String(validate=validate.OneOf([f.value for f in Fase])),
        load_default=None,
        metadata={
            "description": "only casussen in these fasen (repeat for several: the werkvoorraad is "
            "fase=aanmelding&fase=triage)"
        },
    )
    sort = fields.String(
        validate=validate.OneOf(casussen.SORTERINGEN),
        load_default="-aangemeldOp",
        metadata={"description": "prioriteit (most urgent first, then oldest), aangemeldOp or -aangemeldOp"},
    )


class BijdrageResultaatSchema(Schema):
    casus = fields.String(required=True)
    opgeslagen = fields.List(fields.String(), required=True, metadata={"description": "stored names, no values"})


def casus_json(casus: Casus, *, detail: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": casus.id,
        "casustype": casus.casustype.value,
        "fase": casus.fase.value,
        "gemeente": casus.gemeente,
        "onderwerp": casus.hoofdonderwerp,
        "nevenonderwerpen": list(casus.nevenonderwerpen),
        "aanmelder": casus.aanmelder,
        "aangemeldOp": casus.aangemeld_op,
        "gewijzigdOp": casus.gewijzigd_op,
        "prioriteit": casus.prioriteit,
    }
    if detail:
        out["betrokkenen"] = [{"id": b.id, "rol": b.rol.value, "relatie": b.relatie} for b in casus.betrokkenen]
    return out


def _betrokkenen(items: list[dict[str, Any]]) -> list[casussen.BetrokkeneInvoer]:
    return [
        casussen.BetrokkeneInvoer(rol=i.get("rol", ""), velden=i["velden"], relatie=i.get("relatie"), id=i.get("id"))
        for i in items
    ]


@blp.route("/casussen")
class Casussen(MethodView):
    @authenticated(blp)
    @blp.arguments(CasusQuerySchema, location="query")
    @blp.response(200, CasusLijstSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The casussen this partner takes part in (the werkvoorraad, filtered and sorted): metadata only."""
        fasen = [Fase(f) for f in query["fase"]] if query.get("fase") else None
        with services().uow() as uow:
            found = uow.casussen.list_for_partner(gebruiker().partner_id, utcnow(), fasen, query["sort"])
        return {"casussen": [casus_json(c) for c in found]}

    @authenticated(blp, *sorted(casussen.AANMELDER_ROLLEN))
    @blp.arguments(AanmeldingSchema)
    @blp.response(201, CasusDetailSchema)
    @blp.alt_response(
        403,
        schema=ProblemSchema,
        description="this partner or rol may not refer, or the bronregels do not allow it to supply a veld (named)",
        content_type=PROBLEM_JSON,
    )
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Aanmelding: refer a casus with its betrokkenen and field values (stored encrypted; logged as the
        aanmelder's aanlevering, each veld on the grondslag the bronregels give this partner)."""
        aanmelding = casussen.Aanmelding(
            casustype=body["casustype"],
            gemeente=body["gemeente"],
            onderwerp=body["onderwerp"],
            betrokkenen=_betrokkenen(body["betrokkenen"]),
            velden=body["velden"],
            nevenonderwerpen=body["nevenonderwerpen"],
        )
        casus = casussen.aanmelden(services(), gebruiker(), aanmelding, herkomst=_herkomst())
        return casus_json(casus, detail=True), 201, {"Location": f"/v1/casussen/{casus.id}"}


@blp.route("/casussen/<string:casus_id>/bijdragen")
class Bijdragen(MethodView):
    @authenticated(blp, *sorted(casussen.BIJDRAGER_ROLLEN))
    @blp.arguments(BijdrageSchema)
    @blp.response(201, BijdrageResultaatSchema)
    @blp.alt_response(
        404, schema=ProblemSchema, description="no such casus for this partner", content_type=PROBLEM_JSON
    )
    @blp.alt_response(
        403,
        schema=ProblemSchema,
        description="the rol may not contribute, or the bronregels do not allow this partner to supply a veld (named)",
        content_type=PROBLEM_JSON,
    )
    @blp.alt_response(409, schema=ProblemSchema, description="the casus is closed", content_type=PROBLEM_JSON)
    @blp.alt_response(
        410, schema=ProblemSchema, description="the casus's data was destroyed", content_type=PROBLEM_JSON
    )
    def post(self, body: dict[str, Any], casus_id: str) -> dict[str, Any]:
        """Contribute or update field values of a casus this partner takes part in (the partner is the bron;
        logged as its aanlevering, each veld on the grondslag the bronregels give this partner)."""
        bijdrage = casussen.Bijdrage(betrokkenen=_betrokkenen(body["betrokkenen"]), velden=body["velden"])
        stored = casussen.bijdragen(services(), gebruiker(), casus_id, bijdrage, herkomst=_herkomst())
        return {"casus": casus_id, "opgeslagen": stored}


def _herkomst() -> Herkomst:
    """This request's trace context and client certificate, as the aanlevering's record names them."""
    return Herkomst(current_trace(), certificaat_oin())

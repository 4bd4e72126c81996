"""`/v1/adviezen`: kort advies, uitgebreid advies and informatieknooppunt contacts, and their counts.

An advies holds no personal data (`service.domain.advies`): the body accepts only codes and ids, and any other
key (a name, a BSN, `betrokkenen`, a free text) is refused as unknown (400, named, nothing stored).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.paginering import LinksSchema, links
from service.domain.advies import ADVIESROLLEN, Advies, Adviessoort, Antwoord
from service.domain.casus import utcnow
from service.service_layer.advies import registratie

blp = Blueprint("adviezen", __name__, description="Adviezen: kort, uitgebreid and informatieknooppunt (no persons)")

_ROLLEN = sorted(ADVIESROLLEN)
_SOORTEN = [s.value for s in Adviessoort]


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class AdviesInSchema(_Strict):
    soort = fields.String(required=True, validate=validate.OneOf(_SOORTEN))
    antwoorden = fields.List(
        fields.String(validate=validate.Length(max=40)),
        required=True,
        metadata={"description": f"codes of what was given: {', '.join(a.value for a in Antwoord)}"},
    )
    vrager = fields.String(
        validate=validate.Length(max=80),
        load_default=None,
        metadata={"description": "the asking partner (a partner id of the convenant); not with a casus"},
    )
    gemeente = fields.String(validate=validate.Length(max=80), load_default=None)
    onderwerp = fields.String(
        validate=validate.Length(max=40),
        load_default=None,
        metadata={"description": "an id of the convenant's onderwerpen; not with a casus"},
    )
    datum = fields.Date(load_default=None, metadata={"description": "when it was answered (default: today)"})
    casus = fields.String(
        validate=validate.Regexp(r"^[0-9a-f]{32}$", error="not a casus id"),
        load_default=None,
        metadata={"description": "only an uitgebreid advies with betrokkenen: its casus, in fase advies"},
    )


class AdviesSchema(Schema):
    id = fields.String(required=True)
    soort = fields.String(required=True)
    datum = fields.Date(required=True)
    vrager = fields.String(required=True)
    gemeente = fields.String(required=True)
    onderwerp = fields.String(required=True)
    antwoorden = fields.List(fields.String(), required=True)
    casus = fields.String(allow_none=True)
    metBetrokkenen = fields.Boolean(required=True)  # noqa: N815
    geregistreerdOp = fields.DateTime(required=True)  # noqa: N815


class AdviesQuerySchema(_Strict):
    jaar = fields.Integer(validate=validate.Range(min=2000, max=2100), load_default=None)
    soort = fields.String(validate=validate.OneOf(_SOORTEN), load_default=None)
    gemeente = fields.String(validate=validate.Length(max=80), load_default=None)
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))


class AdviesLijstSchema(Schema):
    adviezen = fields.List(fields.Nested(AdviesSchema), required=True)
    _links = fields.Nested(LinksSchema, required=True)


class TellingQuerySchema(_Strict):
    jaar = fields.Integer(validate=validate.Range(min=2000, max=2100), load_default=None)


class TellingenSchema(Schema):
    jaar = fields.Integer(required=True)
    totaal = fields.Integer(required=True)
    perSoort = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)  # noqa: N815
    perGemeente = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)  # noqa: N815
    perOnderwerp = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)  # noqa: N815
    perVrager = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)  # noqa: N815
    uitgebreid = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


def advies_json(advies: Advies) -> dict[str, Any]:
    return {
        "id": advies.id,
        "soort": advies.soort.value,
        "datum": advies.datum,
        "vrager": advies.vrager,
        "gemeente": advies.gemeente,
        "onderwerp": advies.onderwerp,
        "antwoorden": [a.value for a in advies.antwoorden],
        "casus": advies.casus_id,
        "metBetrokkenen": advies.met_betrokkenen,
        "geregistreerdOp": advies.geregistreerd_op,
    }


@blp.route("/adviezen")
class Adviezen(MethodView):
    @authenticated(blp, *_ROLLEN)
    @blp.arguments(AdviesQuerySchema, location="query")
    @blp.response(200, AdviesLijstSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The Bureau's adviezen of a year (default: this year), newest first, optionally of one soort or gemeente."""
        found, meer = registratie.lijst(
            services(),
            gebruiker(),
            query["jaar"] or utcnow().year,
            soort=query["soort"],
            gemeente=query["gemeente"],
            pagina=query["page"],
        )
        return {"adviezen": [advies_json(a) for a in found], "_links": links(query["page"], meer=meer)}

    @authenticated(blp, *_ROLLEN)
    @blp.arguments(AdviesInSchema)
    @blp.response(201, AdviesSchema)
    @blp.alt_response(
        403,
        schema=ProblemSchema,
        description="only a procesregisseur or procesondersteuner of the Bureau ZVH",
        content_type=PROBLEM_JSON,
    )
    @blp.alt_response(
        404, schema=ProblemSchema, description="no such casus for this partner", content_type=PROBLEM_JSON
    )
    @blp.alt_response(
        409,
        schema=ProblemSchema,
        description="the casus is not in fase advies or has its advies already",
        content_type=PROBLEM_JSON,
    )
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Register an advies: who asked, gemeente, onderwerp and what was given, as codes (no persons, no free
        text). An uitgebreid advies with betrokkenen names its casus (fase advies) instead."""
        invoer = registratie.AdviesInvoer(
            soort=body["soort"],
            antwoorden=body["antwoorden"],
            vrager=body["vrager"],
            gemeente=body["gemeente"],
            onderwerp=body["onderwerp"],
            datum=body["datum"],
            casus=body["casus"],
        )
        advies = registratie.registreer(services(), gebruiker(), invoer)
        return advies_json(advies), 201, {"Location": f"/v1/adviezen/{advies.id}"}


@blp.route("/adviezen/<string:advies_id>")
class EenAdvies(MethodView):
    @authenticated(blp, *_ROLLEN)
    @blp.response(200, AdviesSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="no such advies", content_type=PROBLEM_JSON)
    def get(self, advies_id: str) -> dict[str, Any]:
        """One advies of the Bureau."""
        return advies_json(registratie.lees(services(), gebruiker(), advies_id))


@blp.route("/adviezen/tellingen")
class Tellingen(MethodView):
    @authenticated(blp, *_ROLLEN)
    @blp.arguments(TellingQuerySchema, location="query")
    @blp.response(200, TellingenSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The adviezen of a year (default: this year) counted per soort, gemeente, onderwerp and asking partner."""
        registratie.vereis_bureau(services().convenant, gebruiker())
        telling = registratie.tellingen(services(), query["jaar"] or utcnow().year)
        return {
            "jaar": telling.jaar,
            "totaal": telling.totaal,
            "perSoort": telling.per("soort"),
            "perGemeente": telling.per("gemeente"),
            "perOnderwerp": telling.per("onderwerp"),
            "perVrager": telling.per("vrager"),
            "uitgebreid": telling.uitgebreid(),
        }

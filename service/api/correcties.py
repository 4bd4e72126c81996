"""Correctie and verwijdering (AVG art. 16, 17): `/v1/verantwoording/correctieverzoeken` for the Bureau ZVH and
`/v1/correctieverzoeken` for the bron partner the verzoek is routed to.

Invariants:
- The person is named by a BSN in a POST body only; it is never in a URL and never echoed: an answer holds ids,
  veld names, codes and dates, never a value or a person.
- Request bodies refuse unknown keys (a free `toelichting` in particular: none is kept).
- Who may act is decided by the service layer (`rechten.correctie`); the rollen listed here only document and
  pre-check it. A partner sees only the verzoeken routed to it, without the recipients.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.domain.correctie import Afwijzingsreden, Correctieverzoek, Resultaat, VerzoekSoort
from service.service_layer.rechten import correctie
from service.service_layer.rechten.ontvangers import Ontvanger, eerdere_ontvangers

blp = Blueprint("correcties", __name__, description="Correctie and verwijdering, routed to the bron of a value")
_BUREAU = ("fg", "procesregisseur")
_BRON = tuple(sorted(correctie.BRONROLLEN))


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class CorrectieverzoekInvoerSchema(_Strict):
    bsn = fields.String(
        required=True,
        validate=validate.Length(min=9, max=20),
        metadata={"description": "the person's BSN (nine digits); never stored or returned"},
    )
    soort = fields.String(required=True, validate=validate.OneOf([s.value for s in VerzoekSoort]))
    velden = fields.List(
        fields.String(validate=validate.Length(min=1, max=80)),
        required=True,
        validate=validate.Length(min=1, max=correctie.MAX_VELDEN),
        metadata={"description": "the velden the person disputes (names from the veldcatalogus)"},
    )
    casus = fields.String(validate=validate.Length(min=1, max=32), metadata={"description": "only in this casus"})
    regime = fields.String(
        validate=validate.OneOf(("regulier", "cter")), metadata={"description": "without casus: regulier unless given"}
    )


class CorrectieafhandelingSchema(_Strict):
    resultaat = fields.String(required=True, validate=validate.OneOf([r.value for r in Resultaat]))
    reden = fields.String(
        validate=validate.OneOf([r.value for r in Afwijzingsreden]), metadata={"description": "only with afgewezen"}
    )


class BetwistePlaatsSchema(Schema):
    betrokkene = fields.String(required=True, metadata={"description": "a betrokkene id, or casus"})
    veld = fields.String(required=True)


class CorrectieverzoekSchema(Schema):
    """A verzoek as the bron partner sees it."""

    id = fields.String(required=True)
    soort = fields.String(required=True)
    casus = fields.String(required=True)
    betrokkenen = fields.List(fields.String(), required=True)
    velden = fields.List(fields.String(), required=True)
    plaatsen = fields.List(fields.Nested(BetwistePlaatsSchema), required=True)
    status = fields.String(required=True)
    ontvangenOp = fields.DateTime(required=True)  # noqa: N815
    doorgestuurdOp = fields.DateTime(allow_none=True)  # noqa: N815
    afgehandeldOp = fields.DateTime(allow_none=True)  # noqa: N815
    resultaat = fields.String(allow_none=True)
    reden = fields.String(allow_none=True)


class EerdereOntvangerSchema(Schema):
    partner = fields.String(required=True)
    naam = fields.String(required=True)
    tijd = fields.String(required=True)
    doel = fields.String(required=True)
    logIndex = fields.Integer(required=True)  # noqa: N815


class CorrectieverzoekBureauSchema(CorrectieverzoekSchema):
    """A verzoek as the Bureau ZVH sees it: with its bron and the earlier recipients of the disputed values."""

    aanvraag = fields.String(required=True)
    regime = fields.String(required=True)
    bron = fields.String(required=True)
    ingediendDoor = fields.String(required=True)  # noqa: N815
    afgehandeldDoor = fields.String(allow_none=True)  # noqa: N815
    eerdereOntvangers = fields.List(  # noqa: N815
        fields.Nested(EerdereOntvangerSchema),
        required=True,
        metadata={"description": "the verstrekkingen of the disputed values before the answer (AVG art. 19)"},
    )


class GeenWaardeSchema(Schema):
    casus = fields.String(allow_none=True)
    velden = fields.List(fields.String(), required=True)


class CorrectieverzoekIngediendSchema(Schema):
    aanvraag = fields.String(required=True)
    aantalCasussen = fields.Integer(required=True)  # noqa: N815
    verzoeken = fields.List(fields.Nested(CorrectieverzoekBureauSchema), required=True)
    geenWaarde = fields.List(  # noqa: N815
        fields.Nested(GeenWaardeSchema),
        required=True,
        metadata={"description": "disputed velden without a value for the person (casus null: found nowhere)"},
    )


class CorrectieverzoekenSchema(Schema):
    correctieverzoeken = fields.List(fields.Nested(CorrectieverzoekSchema), required=True)


class CorrectieverzoekenBureauSchema(Schema):
    correctieverzoeken = fields.List(fields.Nested(CorrectieverzoekBureauSchema), required=True)


def verzoek_json(v: Correctieverzoek) -> dict[str, Any]:
    return {
        "id": v.id,
        "soort": v.soort.value,
        "casus": v.casus,
        "betrokkenen": list(v.betrokkenen),
        "velden": list(v.velden),
        "plaatsen": [{"betrokkene": b, "veld": veld} for b, veld in v.plaatsen],
        "status": v.status.value,
        "ontvangenOp": v.ontvangen_op,
        "doorgestuurdOp": v.doorgestuurd_op,
        "afgehandeldOp": v.afgehandeld_op,
        "resultaat": v.resultaat.value if v.resultaat else None,
        "reden": v.reden.value if v.reden else None,
    }


def bureau_json(v: Correctieverzoek, ontvangers: Mapping[str, tuple[Ontvanger, ...]]) -> dict[str, Any]:
    return {
        **verzoek_json(v),
        "aanvraag": v.aanvraag,
        "regime": v.regime.value,
        "bron": v.bron,
        "ingediendDoor": v.ingediend_door,
        "afgehandeldDoor": v.afgehandeld_door,
        "eerdereOntvangers": [
            {"partner": o.partner, "naam": o.naam, "tijd": o.tijd, "doel": o.doel, "logIndex": o.log_index}
            for o in ontvangers.get(v.id, ())
        ],
    }


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


@blp.route("/verantwoording/correctieverzoeken")
class Correctieverzoeken(MethodView):
    @authenticated(blp, *_BUREAU)
    @blp.arguments(CorrectieverzoekInvoerSchema)
    @blp.response(201, CorrectieverzoekIngediendSchema)
    @_problem(404, "no such casus")
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """Enter a person's correctie (AVG art. 16) or verwijdering (art. 17) of velden (FG or procesregisseur of
        the Bureau ZVH): one verzoek per casus and bron partner, routed at once; logged."""
        gedaan = correctie.dien_in(
            services(), gebruiker(), body["bsn"], body["soort"], body["velden"], body.get("casus"), body.get("regime")
        )
        ontvangers = eerdere_ontvangers(services(), gedaan.verzoeken)
        return {
            "aanvraag": gedaan.aanvraag,
            "aantalCasussen": gedaan.aantal_casussen,
            "verzoeken": [bureau_json(v, ontvangers) for v in gedaan.verzoeken],
            "geenWaarde": [{"casus": g.casus, "velden": list(g.velden)} for g in gedaan.geen_waarde],
        }

    @authenticated(blp, *_BUREAU)
    @blp.response(200, CorrectieverzoekenBureauSchema)
    def get(self) -> dict[str, Any]:
        """Every correctieverzoek (open first) with its bron and the earlier recipients of the disputed values."""
        verzoeken = correctie.lijst(services(), gebruiker())
        ontvangers = eerdere_ontvangers(services(), verzoeken)
        return {"correctieverzoeken": [bureau_json(v, ontvangers) for v in verzoeken]}


@blp.route("/correctieverzoeken")
class VerzoekenVoorBron(MethodView):
    @authenticated(blp, *_BRON)
    @blp.response(200, CorrectieverzoekenSchema)
    def get(self) -> dict[str, Any]:
        """The correctieverzoeken routed to the caller's partner, the bron of the disputed values (open first)."""
        return {"correctieverzoeken": [verzoek_json(v) for v in correctie.voor_bron(services(), gebruiker())]}


@blp.route("/correctieverzoeken/<string:verzoek_id>/afhandeling")
class Afhandeling(MethodView):
    @authenticated(blp, *_BRON)
    @blp.arguments(CorrectieafhandelingSchema)
    @blp.response(200, CorrectieverzoekSchema)
    @_problem(404, "no such correctieverzoek for this partner")
    @_problem(409, "answered already, or gecorrigeerd before a new value was supplied (the velden are named)")
    def post(self, body: dict[str, Any], verzoek_id: str) -> dict[str, Any]:
        """Answer a verzoek routed to the caller's partner: gecorrigeerd (after a new bijdrage of each disputed
        veld), verwijderd (the values are deleted) or afgewezen with a reden; logged."""
        verzoek = correctie.handel_af(services(), gebruiker(), verzoek_id, body["resultaat"], body.get("reden"))
        return verzoek_json(verzoek)

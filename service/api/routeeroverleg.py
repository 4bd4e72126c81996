"""`/v1/routeeroverleg`: pseudonymous signals, the caller's matches, and the overleg's besluit.

Every exchange is logged (doel `routeeroverleg`) before anything is stored or returned. A signal is
validated field by field in the service layer so that every bad field is named at once and no value is ever
repeated (a mistaken BSN or name must not come back in an error).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import INCLUDE, RAISE, Schema, fields, pre_load, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.trace import current_trace
from service.domain.routeeroverleg import MAX_TOELICHTING, SIGNAAL_SLEUTELS, Besluit, Match, Route
from service.service_layer.routeeroverleg import overleg as routeeroverleg
from service.service_layer.routeeroverleg.overleg import Deelnemer

blp = Blueprint("routeeroverleg", __name__, description="Routeeroverleg: early joint triage on pseudonyms")


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


_ABSENT = object()  # a field the caller did not send (None is what a caller sends as null)


class SignaalInSchema(Schema):
    """Documents the signal; the service layer validates it (so a refused value is never echoed).

    Unknown fields pass this schema only to be refused by the service layer, which names them without
    repeating a name that could itself be personal data.
    """

    class Meta:
        unknown = INCLUDE

    pseudoniem = fields.Raw(
        required=True,
        metadata={
            "type": "string",
            "pattern": "^[0-9a-f]{64}$",
            "description": "HMAC-SHA256 of the normalised BSN (or name + birth date) under the participants' key; "
            "see `deelpoort routeeroverleg pseudoniem`",
        },
    )
    risicoIndicatie = fields.Raw(  # noqa: N815
        required=True, metadata={"type": "string", "enum": ["laag", "verhoogd", "hoog", "acuut"]}
    )
    contactpunt = fields.Raw(
        required=True,
        metadata={"type": "string", "maxLength": 200, "description": "a telephone number or functional email address"},
    )
    signaaldatum = fields.Raw(required=True, metadata={"type": "string", "format": "date"})

    @pre_load
    def _every_field_to_the_check(self, data: Any, **_: Any) -> Any:
        """Hand absent fields on marked as absent: the service layer then names them with every other problem."""
        if isinstance(data, dict):
            return {**dict.fromkeys(SIGNAAL_SLEUTELS, _ABSENT), **data}
        return data


class SignaalOutSchema(Schema):
    id = fields.String(required=True)
    signaaldatum = fields.Date(required=True)
    risicoIndicatie = fields.String(required=True)  # noqa: N815
    contactpunt = fields.String(required=True)


class MatchSignaalSchema(Schema):
    organisatie = fields.String(required=True, metadata={"description": "partner id"})
    naam = fields.String(required=True, metadata={"description": "the organisation's name"})
    signaaldatum = fields.Date(required=True)
    risicoIndicatie = fields.String(metadata={"description": "when the policy allows it"})  # noqa: N815
    contactpunt = fields.String(metadata={"description": "when the policy allows it"})


class BesluitOutSchema(Schema):
    route = fields.String(required=True)
    regie = fields.String(required=True)
    grondslag = fields.String(required=True)
    toelichting = fields.String(required=True)
    beslotenDoor = fields.String(required=True)  # noqa: N815
    beslotenOp = fields.DateTime(required=True)  # noqa: N815


class BesluitResultaatSchema(BesluitOutSchema):
    match = fields.String(required=True)


class MatchSchema(Schema):
    id = fields.String(required=True)
    sinds = fields.Date(required=True, metadata={"description": "the earliest signal date"})
    ontstaanOp = fields.DateTime(required=True)  # noqa: N815
    status = fields.String(required=True, metadata={"description": "open or besloten"})
    signalen = fields.List(fields.Nested(MatchSignaalSchema), required=True)
    besluit = fields.Nested(BesluitOutSchema, allow_none=True)


class MatchLijstSchema(Schema):
    matches = fields.List(fields.Nested(MatchSchema), required=True)


class BesluitInSchema(Schema):
    class Meta:
        unknown = RAISE

    route = fields.String(required=True, validate=validate.OneOf([r.value for r in Route]))
    regie = fields.String(
        required=True, validate=validate.Length(min=1, max=80), metadata={"description": "partner id"}
    )
    grondslag = fields.String(required=True, validate=validate.Length(min=1, max=80))
    toelichting = fields.String(required=True, validate=validate.Length(min=1, max=MAX_TOELICHTING))


def _match_json(match: Match, deelnemer: Deelnemer) -> dict[str, Any]:
    convenant = services().convenant
    signalen = []
    for signaal in match.signalen:
        partner = convenant.partner(signaal.partner_id)
        item: dict[str, Any] = {
            "organisatie": signaal.partner_id,
            "naam": partner.naam if partner else signaal.partner_id,
            "signaaldatum": signaal.signaaldatum,
        }
        # Built from the allowed set: a veld the policy does not grant is absent, never blanked out.
        allowed = {"risicoIndicatie": signaal.risico_indicatie, "contactpunt": signaal.contactpunt}
        item.update({veld: value for veld, value in allowed.items() if veld in deelnemer.grants})
        signalen.append(item)
    besluit = match.besluit
    return {
        "id": match.id,
        "sinds": match.sinds,
        "ontstaanOp": match.ontstaan_op,
        "status": "open" if besluit is None else "besloten",
        "signalen": signalen,
        "besluit": None if besluit is None else _besluit_json(besluit),
    }


def _besluit_json(besluit: Besluit) -> dict[str, Any]:
    return {
        "route": besluit.route.value,
        "regie": besluit.regie,
        "grondslag": besluit.grondslag,
        "toelichting": besluit.toelichting,
        "beslotenDoor": besluit.besloten_door,
        "beslotenOp": besluit.besloten_op,
    }


@blp.route("/routeeroverleg/signalen")
class Signalen(MethodView):
    @authenticated(blp)
    @blp.arguments(SignaalInSchema)
    @blp.response(201, SignaalOutSchema)
    @_problem(403, "this partner or rol does not take part in the routeeroverleg")
    @_problem(503, "the verstrekking log could not record the signal: nothing was stored")
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """Share a pseudonymous signal: pseudonym, risk indication, contact point and date. Nothing else."""
        sent = {key: value for key, value in body.items() if value is not _ABSENT}
        signaal = routeeroverleg.signaal_indienen(services(), gebruiker(), sent, current_trace())
        return {
            "id": signaal.id,
            "signaaldatum": signaal.signaaldatum,
            "risicoIndicatie": signaal.risico_indicatie,
            "contactpunt": signaal.contactpunt,
        }, 201


@blp.route("/routeeroverleg/matches")
class Matches(MethodView):
    @authenticated(blp)
    @blp.response(200, MatchLijstSchema)
    @_problem(403, "this partner or rol does not take part in the routeeroverleg")
    @_problem(503, "the verstrekking log could not record the request: nothing was disclosed")
    def get(self) -> dict[str, Any]:
        """The matches this partner has a signal in: which organisations, their risk indication and contact point."""
        found, deelnemer = routeeroverleg.matches(services(), gebruiker(), current_trace())
        return {"matches": [_match_json(m, deelnemer) for m in found]}


@blp.route("/routeeroverleg/matches/<string:match_id>/besluit")
class BesluitView(MethodView):
    @authenticated(blp)
    @blp.arguments(BesluitInSchema)
    @blp.response(201, BesluitResultaatSchema)
    @_problem(403, "this partner or rol does not take part in the routeeroverleg")
    @_problem(404, "no such match for this partner (existence is not revealed)")
    @_problem(409, "the match already has a besluit")
    @_problem(503, "the verstrekking log could not record the besluit: nothing was stored")
    def post(self, body: dict[str, Any], match_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Record the overleg's besluit: route, regie partner, grondslag and toelichting (once per match)."""
        invoer = routeeroverleg.BesluitInvoer(body["route"], body["regie"], body["grondslag"], body["toelichting"])
        match = routeeroverleg.besluit_vastleggen(services(), gebruiker(), match_id[:64], invoer, current_trace())
        assert match.besluit is not None  # noqa: S101 - besluit_vastleggen returns the decided match
        return {"match": match.id, **_besluit_json(match.besluit)}, 201, {"Location": "/v1/routeeroverleg/matches"}

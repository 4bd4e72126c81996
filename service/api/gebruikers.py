"""`/v1/gebruikers` and `/v1/tokens`: gebruikers as managed data and their bearer tokens (issue 19).

Beheerders create gebruikers, change their status and issue or revoke tokens; beheerders and the FG read them.
A token appears in exactly one answer, the one that issues it (201, `Cache-Control: no-store` as every answer);
lists never hold one. Changes to a beheerder or FG are proposals (202) a second beheerder approves through
`/v1/beleid/voorstellen/{id}/goedkeuring`.
"""

from __future__ import annotations

from typing import Any

from flask import g
from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.paginering import LinksSchema, links
from service.domain.identiteit import (
    Filter,
    Gebruikersgegevens,
    GebruikerStatus,
    OidcIdentiteit,
    SoortGebruiker,
    Token,
)
from service.service_layer.beheer.stap import MAX_TOELICHTING
from service.service_layer.identiteit import gebruikersbeheer, tokens
from service.service_layer.identiteit.authentication import IssuedToken
from service.service_layer.identiteit.gebruikersbeheer import NieuweGebruiker, Uitkomst

blp = Blueprint("gebruikers", __name__, description="Beheer: gebruikers (persons and systems) and their tokens")

LEZERS = ("beheerder", "fg")
_TEKST = validate.Length(min=1, max=MAX_TOELICHTING)
_HEX32 = validate.Regexp(r"^[0-9a-f]{32}$", error="an id of 32 hex characters")
MAX_PAGINA = 200


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class OidcSchema(_Strict):
    issuer = fields.String(
        required=True,
        validate=validate.Length(min=1, max=300),
        metadata={"description": "the identity provider's issuer (the id token's iss)"},
    )
    subject = fields.String(
        required=True,
        validate=validate.Length(min=1, max=255),
        metadata={"description": "the person's subject at that provider (the id token's sub)"},
    )


class GebruikerInSchema(_Strict):
    partner = fields.String(required=True, validate=validate.Length(min=1, max=80))
    rol = fields.String(required=True, validate=validate.Length(min=1, max=40))
    soort = fields.String(required=True, validate=validate.OneOf([s.value for s in SoortGebruiker]))
    naam = fields.String(
        required=True,
        validate=validate.Length(min=1, max=120),
        metadata={"description": "a label such as a function or system name"},
    )
    toelichting = fields.String(required=True, validate=_TEKST)
    oidc = fields.Nested(OidcSchema, metadata={"description": "a person's account at its organisation (optional)"})


class StatuswijzigingSchema(_Strict):
    status = fields.String(
        required=True,
        validate=validate.OneOf(["actief", "geschorst", "verwijderd"]),
        metadata={"description": "geschorst: suspend; actief: lift a suspension; verwijderd: remove for good"},
    )
    toelichting = fields.String(required=True, validate=_TEKST)


class LijstQuerySchema(_Strict):
    partner = fields.String(validate=validate.Length(min=1, max=80))
    rol = fields.String(validate=validate.Length(min=1, max=40))
    soort = fields.String(validate=validate.OneOf([s.value for s in SoortGebruiker]))
    status = fields.String(validate=validate.OneOf([s.value for s in GebruikerStatus]))
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    pageSize = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGINA))  # noqa: N815


class GebruikerSchema(Schema):
    id = fields.String(required=True)
    partner = fields.String(required=True)
    rol = fields.String(required=True)
    soort = fields.String(required=True, metadata={"description": "persoon or systeem"})
    naam = fields.String(required=True)
    status = fields.String(required=True, metadata={"description": "voorgesteld, actief, geschorst, verwijderd"})
    aangemaaktOp = fields.DateTime(required=True)  # noqa: N815
    oidc = fields.Nested(OidcSchema, allow_none=True)
    voorstel = fields.String(allow_none=True, metadata={"description": "the open four-eyes proposal, if any"})


class GebruikersSchema(Schema):
    gebruikers = fields.List(fields.Nested(GebruikerSchema), required=True)
    totaal = fields.Integer(required=True)
    page = fields.Integer(required=True)
    pageSize = fields.Integer(required=True)  # noqa: N815
    _links = fields.Nested(LinksSchema, required=True, data_key="_links")


class UitkomstSchema(Schema):
    gebruiker = fields.Nested(GebruikerSchema, required=True)
    voorstel = fields.String(
        allow_none=True, metadata={"description": "the proposal a second beheerder must approve (beheerder, fg)"}
    )


class TokenSchema(Schema):
    id = fields.String(required=True)
    uitgegevenOp = fields.DateTime(required=True)  # noqa: N815
    verlooptOp = fields.DateTime(required=True)  # noqa: N815
    ingetrokkenOp = fields.DateTime(allow_none=True)  # noqa: N815
    opvolger = fields.String(allow_none=True, metadata={"description": "the token that renewed this one"})


class TokensSchema(Schema):
    tokens = fields.List(fields.Nested(TokenSchema), required=True)


class NieuwTokenSchema(TokenSchema):
    token = fields.String(required=True, metadata={"description": "the bearer token; shown only in this answer"})


class VernieuwingSchema(Schema):
    nieuw = fields.Nested(NieuwTokenSchema, required=True)
    vorige = fields.Nested(TokenSchema, required=True, metadata={"description": "the renewed token's new life"})


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


@blp.route("/gebruikers")
class Gebruikers(MethodView):
    @authenticated(blp, *LEZERS)
    @blp.arguments(LijstQuerySchema, location="query")
    @blp.response(200, GebruikersSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """Gebruikers, filtered and paged (never a token)."""
        filter = Filter(
            query.get("partner"),
            query.get("rol"),
            SoortGebruiker(query["soort"]) if "soort" in query else None,
            GebruikerStatus(query["status"]) if "status" in query else None,
        )
        page, size = query["page"], query["pageSize"]
        found, totaal = gebruikersbeheer.lijst(services(), gebruiker(), filter, limit=size, offset=(page - 1) * size)
        return {
            "gebruikers": [_gebruiker(x) for x in found],
            "totaal": totaal,
            "page": page,
            "pageSize": size,
            "_links": links(page, meer=page * size < totaal),
        }

    @authenticated(blp, "beheerder")
    @blp.arguments(GebruikerInSchema)
    @blp.response(201, UitkomstSchema, description="created and active")
    @blp.alt_response(202, schema=UitkomstSchema, description="a beheerder or FG: proposed, awaiting approval")
    @_problem(400, "invalid input")
    @_problem(409, "the OpenID Connect identity belongs to another gebruiker")
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int]:
        """Create a gebruiker; a beheerder or FG waits for a second beheerder's approval (202)."""
        oidc = body.get("oidc")
        nieuw = NieuweGebruiker(
            body["partner"],
            body["rol"],
            SoortGebruiker(body["soort"]),
            body["naam"],
            OidcIdentiteit(oidc["issuer"], oidc["subject"]) if oidc else None,
        )
        uitkomst = gebruikersbeheer.maak_aan(services(), gebruiker(), nieuw, body["toelichting"])
        return _uitkomst(uitkomst)


@blp.route("/gebruikers/<gebruiker_id>")
class EenGebruiker(MethodView):
    @authenticated(blp, *LEZERS)
    @blp.response(200, GebruikerSchema)
    @_problem(404, "no such gebruiker")
    def get(self, gebruiker_id: str) -> dict[str, Any]:
        """One gebruiker, with its open proposal if there is one."""
        return _gebruiker(gebruikersbeheer.toon(services(), gebruiker(), gebruiker_id))


@blp.route("/gebruikers/<gebruiker_id>/statuswijzigingen")
class Statuswijzigingen(MethodView):
    @authenticated(blp, "beheerder")
    @blp.arguments(StatuswijzigingSchema)
    @blp.response(200, UitkomstSchema, description="in effect from the next request on")
    @blp.alt_response(202, schema=UitkomstSchema, description="a beheerder or FG: proposed, awaiting approval")
    @_problem(404, "no such gebruiker")
    @_problem(409, "not possible from the current status, a proposal is open, or too few beheerders would remain")
    def post(self, body: dict[str, Any], gebruiker_id: str) -> tuple[dict[str, Any], int]:
        """Suspend (geschorst), lift a suspension (actief) or remove (verwijderd, revokes every token)."""
        change = {
            "geschorst": gebruikersbeheer.schors,
            "actief": gebruikersbeheer.herstel,
            "verwijderd": gebruikersbeheer.verwijder,
        }[body["status"]]
        uitkomst = change(services(), gebruiker(), gebruiker_id, body["toelichting"])
        return _uitkomst(uitkomst)[0], 202 if uitkomst.voorstel else 200


@blp.route("/gebruikers/<gebruiker_id>/tokens")
class Tokens(MethodView):
    @authenticated(blp, *LEZERS)
    @blp.response(200, TokensSchema)
    @_problem(404, "no such gebruiker")
    def get(self, gebruiker_id: str) -> dict[str, Any]:
        """The gebruiker's tokens: ids and lives, never a token."""
        return {"tokens": [_token(t) for t in tokens.lijst(services(), gebruiker(), gebruiker_id)]}

    @authenticated(blp, "beheerder")
    @blp.response(201, NieuwTokenSchema, description="the token, shown only here")
    @_problem(404, "no such gebruiker")
    @_problem(409, "the gebruiker is not active")
    def post(self, gebruiker_id: str) -> dict[str, Any]:
        """Issue a token (lives `DEELPOORT_TOKEN_UREN_PERSOON` hours or `…_DAGEN_SYSTEEM` days, by soort)."""
        issued, token = tokens.geef_uit(services(), gebruiker(), gebruiker_id)
        return _nieuw(issued, token)


@blp.route("/gebruikers/<gebruiker_id>/tokens/<token_id>")
class EenToken(MethodView):
    @authenticated(blp)
    @blp.response(200, TokenSchema, description="revoked, from the next request on")
    @_problem(403, "neither a beheerder nor the token's holder")
    @_problem(404, "no such token of this gebruiker")
    @_problem(409, "revoked already")
    def delete(self, gebruiker_id: str, token_id: str) -> dict[str, Any]:
        """Revoke a token (a beheerder: any; anyone: its own)."""
        return _token(tokens.trek_in(services(), gebruiker(), gebruiker_id, token_id))


@blp.route("/tokens/vernieuwing")
class Vernieuwing(MethodView):
    @authenticated(blp)
    @blp.response(201, VernieuwingSchema, description="the new token (shown only here) and the old one's life")
    @_problem(409, "this token was renewed already")
    def post(self) -> dict[str, Any]:
        """Renew the token of this request: a new one, and the old one keeps working for the overlap window."""
        issued, nieuw, vorige = tokens.vernieuw(services(), gebruiker(), str(g.token_id))
        return {"nieuw": _nieuw(issued, nieuw), "vorige": _token(vorige)}


def _gebruiker(x: Gebruikersgegevens) -> dict[str, Any]:
    return {
        "id": x.id,
        "partner": x.partner_id,
        "rol": x.rol,
        "soort": x.soort.value,
        "naam": x.naam,
        "status": x.status.value,
        "aangemaaktOp": x.aangemaakt_op,
        "oidc": {"issuer": x.oidc.issuer, "subject": x.oidc.subject} if x.oidc else None,
        "voorstel": x.voorstel,
    }


def _uitkomst(uitkomst: Uitkomst) -> tuple[dict[str, Any], int]:
    body = {
        "gebruiker": _gebruiker(uitkomst.gebruiker),
        "voorstel": uitkomst.voorstel.id if uitkomst.voorstel else None,
    }
    return body, 202 if uitkomst.voorstel else 201


def _token(t: Token) -> dict[str, Any]:
    return {
        "id": t.id,
        "uitgegevenOp": t.uitgegeven_op,
        "verlooptOp": t.verloopt_op,
        "ingetrokkenOp": t.ingetrokken_op,
        "opvolger": t.opvolger,
    }


def _nieuw(issued: IssuedToken, token: Token) -> dict[str, Any]:
    return {**_token(token), "token": issued.token}

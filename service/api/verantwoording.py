"""`/v1/verantwoording`: proofs and checkpoints of the verstrekking log (metadata only, never case content).

Anyone authenticated may check the log's consistency and read its latest checkpoint; an inclusion proof of a
record goes to the partner that received the verstrekking, or to the FG.
"""

from __future__ import annotations

import base64
from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.service_layer.logboek import controle as logboek

blp = Blueprint("verantwoording", __name__, description="Verantwoording: proofs and checkpoints of the log")


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BewijsQuerySchema(_Strict):
    boomgrootte = fields.Integer(validate=validate.Range(min=1, max=logboek.GROOTSTE_POSITIE), load_default=None)


class InsluitingsbewijsSchema(Schema):
    index = fields.Integer(required=True)
    boomgrootte = fields.Integer(required=True)
    bladHash = fields.String(required=True)  # noqa: N815
    pad = fields.List(fields.String(), required=True, metadata={"description": "RFC 9162 PATH, base64"})
    wortel = fields.String(required=True)
    checkpoint = fields.String(
        allow_none=True,
        metadata={"description": "signed note of this tree size, if any, with the witnesses' cosignatures"},
    )


class ConsistentieQuerySchema(_Strict):
    van = fields.Integer(required=True, validate=validate.Range(min=0, max=logboek.GROOTSTE_POSITIE))
    tot = fields.Integer(required=True, validate=validate.Range(min=0, max=logboek.GROOTSTE_POSITIE))


class ConsistentiebewijsSchema(Schema):
    van = fields.Integer(required=True)
    tot = fields.Integer(required=True)
    bewijs = fields.List(fields.String(), required=True, metadata={"description": "RFC 9162 PROOF, base64"})
    wortelVan = fields.String(required=True)  # noqa: N815
    wortelTot = fields.String(required=True)  # noqa: N815


class CheckpointSchema(Schema):
    grootte = fields.Integer(required=True)
    wortel = fields.String(required=True)
    tijd = fields.DateTime(required=True)
    sleutelId = fields.String(required=True)  # noqa: N815
    notitie = fields.String(
        required=True,
        metadata={"description": "C2SP signed note (tlog-checkpoint), with the witnesses' cosignatures once there are"},
    )
    vkey = fields.String(required=True, metadata={"description": "the log's signed-note verifier key"})


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


@blp.route("/verantwoording/bewijzen/<int:index>")
class Insluitingsbewijzen(MethodView):
    @authenticated(blp)
    @blp.arguments(BewijsQuerySchema, location="query")
    @blp.response(200, InsluitingsbewijsSchema)
    @_problem(404, "no such record for this partner")
    def get(self, query: dict[str, Any], index: int) -> dict[str, Any]:
        """The inclusion proof of a log record (default tree: the first checkpoint covering it)."""
        proof = logboek.insluitingsbewijs(services(), gebruiker(), index, query.get("boomgrootte"))
        return {
            "index": proof.index,
            "boomgrootte": proof.boomgrootte,
            "bladHash": _b64(proof.blad_hash),
            "pad": [_b64(h) for h in proof.pad],
            "wortel": _b64(proof.wortel),
            "checkpoint": proof.checkpoint,
        }


@blp.route("/verantwoording/consistentie")
class Consistentie(MethodView):
    @authenticated(blp)
    @blp.arguments(ConsistentieQuerySchema, location="query")
    @blp.response(200, ConsistentiebewijsSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The consistency proof between two tree sizes: the smaller log is a prefix of the larger."""
        proof = logboek.consistentiebewijs(services(), query["van"], query["tot"])
        return {
            "van": proof.van,
            "tot": proof.tot,
            "bewijs": [_b64(h) for h in proof.bewijs],
            "wortelVan": _b64(proof.wortel_van),
            "wortelTot": _b64(proof.wortel_tot),
        }


@blp.route("/verantwoording/checkpoints/laatste")
class LaatsteCheckpoint(MethodView):
    @authenticated(blp)
    @blp.response(200, CheckpointSchema)
    @_problem(404, "no checkpoint was signed yet")
    def get(self) -> dict[str, Any]:
        """The latest signed checkpoint and the verifier key to check it with."""
        latest = logboek.laatste_checkpoint(services())
        return {
            "grootte": latest.grootte,
            "wortel": _b64(latest.wortel),
            "tijd": latest.tijd,
            "sleutelId": latest.sleutel_id,
            "notitie": logboek.met_cosignaturen(services(), latest),
            "vkey": logboek.verifier(services()).verifier_key,
        }

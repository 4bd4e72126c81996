"""The FG's view of the log's integrity: `GET /v1/verantwoording/integriteit` (a quick check now, with the latest
stored full verifications) and `POST /v1/verantwoording/integriteitscontroles` (verify the whole log now).

Viewing never recomputes the whole log; a full verification is an explicit request, one at a time per process
(409 meanwhile), and its outcome is stored like those of `deelpoort audit verify`.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.domain.verantwoording import Integriteitscontrole
from service.service_layer.logboek import integriteit

blp = Blueprint("integriteit", __name__, description="Integrity of the verstrekking log, for the FG")


class CheckpointRefSchema(Schema):
    grootte = fields.Integer(required=True)
    tijd = fields.DateTime(required=True)
    sleutelId = fields.String(required=True)  # noqa: N815
    notitie = fields.String(required=True)


class SnelleControleSchema(Schema):
    intact = fields.Boolean(required=True)
    grootte = fields.Integer(required=True, metadata={"description": "records in the log now"})
    problemen = fields.List(fields.String(), required=True)
    gecontroleerdOp = fields.DateTime(required=True)  # noqa: N815


class OpzoektabellenSchema(Schema):
    gedekt = fields.Integer(required=True, metadata={"description": "records the lookup tables cover"})
    problemen = fields.List(fields.String(), required=True)
    eersteFout = fields.Integer(allow_none=True)  # noqa: N815


class ControleSchema(Schema):
    id = fields.String(required=True)
    bron = fields.String(required=True, metadata={"description": "cli (deelpoort audit verify) or fg"})
    begonnenOp = fields.DateTime(required=True)  # noqa: N815
    klaarOp = fields.DateTime(required=True)  # noqa: N815
    intact = fields.Boolean(required=True)
    grootte = fields.Integer(required=True, metadata={"description": "records verified"})
    checkpoints = fields.Integer(required=True)
    problemen = fields.List(fields.String(), required=True)
    eersteFout = fields.Integer(allow_none=True)  # noqa: N815
    opzoektabellen = fields.Nested(OpzoektabellenSchema, required=True)


class GetuigeSchema(Schema):
    naam = fields.String(required=True)
    url = fields.String(required=True)
    grootte = fields.Integer(allow_none=True, metadata={"description": "size of the latest checkpoint it cosigned"})
    gecosigneerdOp = fields.DateTime(allow_none=True)  # noqa: N815
    achterstand = fields.Integer(allow_none=True, metadata={"description": "records it has not cosigned yet"})
    inOrde = fields.Boolean(required=True)  # noqa: N815
    alarm = fields.Boolean(required=True, metadata={"description": "the log's history disagrees with it"})
    problemen = fields.List(fields.String(), required=True)


class GetuigenSchema(Schema):
    quorum = fields.Integer(required=True)
    getuigd = fields.Boolean(required=True, metadata={"description": "the quorum vouches for the log, no alarm"})
    alarm = fields.Boolean(required=True)
    achterstand = fields.String(allow_none=True, metadata={"description": "why witnessing lags, if it does"})
    getuigen = fields.List(fields.Nested(GetuigeSchema), required=True)


class IntegriteitSchema(Schema):
    snelleControle = fields.Nested(  # noqa: N815
        SnelleControleSchema,
        required=True,
        metadata={"description": "the latest checkpoint against the stored tree and head (O(log n)); not the records"},
    )
    laatsteControle = fields.Nested(ControleSchema, allow_none=True)  # noqa: N815
    recordsSindsLaatsteControle = fields.Integer(allow_none=True)  # noqa: N815
    laatsteCheckpoint = fields.Nested(CheckpointRefSchema, allow_none=True)  # noqa: N815
    vkey = fields.String(required=True)
    getuigen = fields.Nested(
        GetuigenSchema, allow_none=True, metadata={"description": "each witness asked now; null: none set up"}
    )


def checkpoint_json(result: integriteit.Integriteit) -> dict[str, Any] | None:
    checkpoint = result.checkpoint
    if checkpoint is None:
        return None
    return {
        "grootte": checkpoint.grootte,
        "tijd": checkpoint.tijd,
        "sleutelId": checkpoint.sleutel_id,
        "notitie": checkpoint.notitie,
    }


def getuigen_json(result: integriteit.Integriteit) -> dict[str, Any] | None:
    oordeel = result.getuigen
    if oordeel is None:
        return None
    return {
        "quorum": oordeel.quorum,
        "getuigd": oordeel.getuigd and result.getuigen_achterstand is None,
        "alarm": oordeel.alarm or result.getuigen_achterstand is not None,
        "achterstand": result.getuigen_achterstand,
        "getuigen": [
            {
                "naam": v.getuige,
                "url": v.url,
                "grootte": v.grootte,
                "gecosigneerdOp": v.gecosigneerd_op,
                "achterstand": v.achterstand,
                "inOrde": v.in_orde,
                "alarm": v.alarm,
                "problemen": list(v.problemen),
            }
            for v in oordeel.verslagen
        ],
    }


def controle_json(controle: Integriteitscontrole) -> dict[str, Any]:
    return {
        "id": controle.id,
        "bron": controle.bron,
        "begonnenOp": controle.begonnen_op,
        "klaarOp": controle.klaar_op,
        "intact": controle.intact,
        "grootte": controle.grootte,
        "checkpoints": controle.checkpoints,
        "problemen": list(controle.problemen),
        "eersteFout": controle.eerste_fout,
        "opzoektabellen": {
            "gedekt": controle.tabellen_gedekt,
            "problemen": list(controle.tabellen_problemen),
            "eersteFout": controle.tabellen_eerste_fout,
        },
    }


@blp.route("/verantwoording/integriteit")
class Integriteit(MethodView):
    @authenticated(blp, "fg")
    @blp.response(200, IntegriteitSchema)
    def get(self) -> dict[str, Any]:
        """A quick check of the log now, the latest full verification, and the latest signed checkpoint."""
        result = integriteit.integriteit(services(), gebruiker())
        return {
            "snelleControle": {
                "intact": result.snel.ok,
                "grootte": result.snel.grootte,
                "problemen": result.snel.problemen,
                "gecontroleerdOp": result.gecontroleerd_op,
            },
            "laatsteControle": None if result.laatste is None else controle_json(result.laatste),
            "recordsSindsLaatsteControle": result.sinds_laatste,
            "laatsteCheckpoint": checkpoint_json(result),
            "vkey": result.vkey,
            "getuigen": getuigen_json(result),
        }


@blp.route("/verantwoording/integriteitscontroles")
class Controles(MethodView):
    @authenticated(blp, "fg")
    @blp.response(201, ControleSchema)
    @blp.alt_response(
        409,
        schema=ProblemSchema,
        description="a full verification is already running in this process",
        content_type=PROBLEM_JSON,
    )
    def post(self) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Verify the whole log and its lookup tables now (about a minute per million records); stored."""
        controle = integriteit.volledige_controle(services(), gebruiker())
        return controle_json(controle), 201, {"Location": f"/v1/verantwoording/integriteitscontroles/{controle.id}"}


@blp.route("/verantwoording/integriteitscontroles/<string:controle_id>")
class EenControle(MethodView):
    @authenticated(blp, "fg")
    @blp.response(200, ControleSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="no such controle", content_type=PROBLEM_JSON)
    def get(self, controle_id: str) -> dict[str, Any]:
        """One stored full verification."""
        return controle_json(integriteit.controle(services(), gebruiker(), controle_id))

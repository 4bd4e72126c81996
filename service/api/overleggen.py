"""Overleggen over HTTP: create one, the agenda, agendapunten, attendance, verklaringen and the verslag.

No view here returns a value about a person: ids, dates, codes and booleans only. The verslag is written here
and stored as case data; it leaves the service only through a verstrekking (doel casusoverleg, naming the
overleg), like every other value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, certificaat_oin, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.trace import current_trace
from service.domain.overleg import Agendapunt, Overleg, Verklaring
from service.service_layer.casus.aanlevering import Herkomst
from service.service_layer.overleg import overleggen
from service.service_layer.overleg.verslag import verslag_vastleggen

blp = Blueprint("overleggen", __name__, description="Overleggen: agenda, attendance, verklaringen and verslag")
_ID = validate.Length(min=1, max=80)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class OverlegInvoerSchema(_Strict):
    soort = fields.String(
        required=True, validate=_ID, metadata={"description": "casusoverleg, procesregieoverleg or a convenant's soort"}
    )
    datum = fields.Date(required=True)


class AgendaQuerySchema(_Strict):
    van = fields.Date(required=True)
    tot = fields.Date(required=True)


class AgendapuntInvoerSchema(_Strict):
    casus = fields.String(required=True, validate=_ID)
    uitgenodigd = fields.List(
        fields.String(validate=_ID),
        required=True,
        validate=validate.Length(max=overleggen.MAX_UITGENODIGD),
        metadata={"description": "partner ids; each must actively take part in the casus"},
    )


class AanwezigheidInvoerSchema(_Strict):
    casus = fields.String(required=True, validate=_ID, metadata={"description": "the agendapunt"})
    partner = fields.String(required=True, validate=_ID)
    aanwezig = fields.Boolean(required=True)
    incidenteel = fields.Boolean(
        load_default=False, metadata={"description": "an incidental participant: needs a geheimhoudingsverklaring"}
    )


class VerklaringInvoerSchema(_Strict):
    partner = fields.String(required=True, validate=_ID)


class VerslagInvoerSchema(_Strict):
    casus = fields.String(required=True, validate=_ID)
    verslag = fields.String(required=True, validate=validate.Length(min=1, max=20_000))


class UitnodigingSchema(Schema):
    partner = fields.String(required=True)
    uitgenodigdOp = fields.DateTime(required=True)  # noqa: N815
    aanwezig = fields.Boolean(allow_none=True, metadata={"description": "null: not recorded"})
    incidenteel = fields.Boolean(required=True)
    vastgelegdOp = fields.DateTime(allow_none=True)  # noqa: N815


class AgendapuntSchema(Schema):
    casus = fields.String(required=True)
    toegevoegdOp = fields.DateTime(required=True)  # noqa: N815
    verslagOp = fields.DateTime(allow_none=True)  # noqa: N815
    uitgenodigd = fields.List(fields.Nested(UitnodigingSchema), required=True)


class VerklaringSchema(Schema):
    partner = fields.String(required=True)
    vastgelegdOp = fields.DateTime(required=True)  # noqa: N815
    vastgelegdDoor = fields.String(required=True)  # noqa: N815


class OverlegSchema(Schema):
    id = fields.String(required=True)
    soort = fields.String(required=True)
    casustype = fields.String(required=True)
    datum = fields.Date(required=True)
    voorzitter = fields.String(required=True)
    voorzitterPartner = fields.String(required=True)  # noqa: N815
    agenda = fields.List(fields.Nested(AgendapuntSchema), required=True)
    verklaringen = fields.List(fields.Nested(VerklaringSchema), required=True)


class AgendaSchema(Schema):
    overleggen = fields.List(fields.Nested(OverlegSchema), required=True)


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


def _punt(punt: Agendapunt) -> dict[str, Any]:
    return {
        "casus": punt.casus,
        "toegevoegdOp": punt.toegevoegd_op,
        "verslagOp": punt.verslag_op,
        "uitgenodigd": [
            {
                "partner": u.partner,
                "uitgenodigdOp": u.uitgenodigd_op,
                "aanwezig": u.aanwezig,
                "incidenteel": u.incidenteel,
                "vastgelegdOp": u.vastgelegd_op,
            }
            for u in punt.uitnodigingen
        ],
    }


def _verklaring(verklaring: Verklaring) -> dict[str, Any]:
    return {
        "partner": verklaring.partner,
        "vastgelegdOp": verklaring.vastgelegd_op,
        "vastgelegdDoor": verklaring.vastgelegd_door,
    }


def _overleg(overleg: Overleg) -> dict[str, Any]:
    return {
        "id": overleg.id,
        "soort": overleg.soort,
        "casustype": overleg.casustype.value,
        "datum": overleg.datum,
        "voorzitter": overleg.voorzitter,
        "voorzitterPartner": overleg.voorzitter_partner,
        "agenda": [_punt(p) for p in overleg.agenda],
        "verklaringen": [_verklaring(v) for v in overleg.verklaringen],
    }


@blp.route("/overleggen")
class Overleggen(MethodView):
    @authenticated(blp)
    @blp.arguments(OverlegInvoerSchema)
    @blp.response(201, OverlegSchema)
    @_problem(403, "only a procesregisseur of the Bureau ZVH creates an overleg")
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Create an overleg of a soort on a date; the caller chairs it."""
        datum: dt.date = body["datum"]
        overleg = overleggen.aanmaken(services(), gebruiker(), body["soort"][:80], datum)
        return _overleg(overleg), 201, {"Location": f"/v1/overleggen/{overleg.id}"}

    @authenticated(blp)
    @blp.arguments(AgendaQuerySchema, location="query")
    @blp.response(200, AgendaSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The overleggen in a period the caller's partner chairs (whole agenda) or is invited to (its own part)."""
        gevonden = overleggen.agenda(services(), gebruiker(), query["van"], query["tot"])
        return {"overleggen": [_overleg(o) for o in gevonden]}


@blp.route("/overleggen/<string:overleg_id>/agendapunten")
class Agendapunten(MethodView):
    @authenticated(blp)
    @blp.arguments(AgendapuntInvoerSchema)
    @blp.response(201, AgendapuntSchema)
    @_problem(404, "no such overleg, casus or deelname for this partner (existence is not revealed)")
    @_problem(409, "the casus is closed or already on the agenda")
    def post(self, body: dict[str, Any], overleg_id: str) -> dict[str, Any]:
        """Put a casus on the agenda with the partners invited for it (each an active deelnemer of the casus)."""
        punt = overleggen.agendapunt_toevoegen(
            services(), gebruiker(), overleg_id[:64], body["casus"], list(body["uitgenodigd"])
        )
        return _punt(punt)


@blp.route("/overleggen/<string:overleg_id>/aanwezigheid")
class Aanwezigheid(MethodView):
    @authenticated(blp)
    @blp.arguments(AanwezigheidInvoerSchema)
    @blp.response(200, AgendapuntSchema)
    @_problem(404, "no such overleg, agendapunt or deelname for this partner")
    @_problem(409, "the partner is not invited for this agendapunt")
    def post(self, body: dict[str, Any], overleg_id: str) -> dict[str, Any]:
        """Record whether an invited partner attends an agendapunt (and whether it is an incidental participant)."""
        invoer = overleggen.Aanwezigheid(body["casus"], body["partner"], body["aanwezig"], body["incidenteel"])
        return _punt(overleggen.aanwezigheid_vastleggen(services(), gebruiker(), overleg_id[:64], invoer))


@blp.route("/overleggen/<string:overleg_id>/geheimhoudingsverklaringen")
class Verklaringen(MethodView):
    @authenticated(blp)
    @blp.arguments(VerklaringInvoerSchema)
    @blp.response(201, VerklaringSchema)
    @_problem(404, "no such overleg for this partner, or the partner is invited for none of its agendapunten")
    @_problem(409, "already recorded")
    def post(self, body: dict[str, Any], overleg_id: str) -> dict[str, Any]:
        """Record that a participant's geheimhoudingsverklaring for this overleg was received (no free text)."""
        return _verklaring(overleggen.verklaring_vastleggen(services(), gebruiker(), overleg_id[:64], body["partner"]))


@blp.route("/overleggen/<string:overleg_id>/verslagen")
class Verslagen(MethodView):
    @authenticated(blp)
    @blp.arguments(VerslagInvoerSchema)
    @blp.response(204)
    @_problem(404, "no such overleg or agendapunt for this partner")
    @_problem(409, "the casus is closed: no contributions are accepted")
    def post(self, body: dict[str, Any], overleg_id: str) -> None:
        """The voorzitter's verslag of a casus's bespreking: stored encrypted as the casus's `verslag`."""
        herkomst = Herkomst(current_trace(), certificaat_oin())
        verslag_vastleggen(services(), gebruiker(), overleg_id[:64], body["casus"], body["verslag"], herkomst=herkomst)

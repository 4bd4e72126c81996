"""`GET /v1/managementinformatie/{jaar}`: the annual report's tables (JSON, or one table as CSV).

Invariants: the service layer decides who gets a report and logs it as one aggregate verstrekking before this
answers; a published report withholds ("x") small cells and the cells that would reveal them.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app
from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import Blueprint
from service.api.trace import current_trace
from service.domain.errors import OngeldigeInvoerError
from service.service_layer.managementinformatie import rapport
from service.service_layer.managementinformatie.weergave import Tabelweergave, als_csv, weergaven

blp = Blueprint(
    "managementinformatie", __name__, description="Managementinformatie: the annual report's tables (counts only)"
)


class RapportQuerySchema(Schema):
    class Meta:
        unknown = RAISE

    gemeente = fields.String(load_default=None, metadata={"description": "one gemeente of the convenant (id)"})
    publicatie = fields.Boolean(
        load_default=True, metadata={"description": "false: exact counts (the Bureau's manager only)"}
    )
    formaat = fields.String(load_default="json", validate=validate.OneOf(("json", "csv")))
    tabel = fields.String(load_default=None, metadata={"description": "with formaat=csv: the id of one table"})


class RijSchema(Schema):
    label = fields.String(required=True)
    waarden = fields.List(fields.Integer(allow_none=True), required=True, metadata={"description": "null: withheld"})
    weergave = fields.List(fields.String(), required=True, metadata={"description": '"12", or "x" where withheld'})


class TabelSchema(Schema):
    id = fields.String(required=True)
    titel = fields.String(required=True)
    toelichting = fields.String(required=True)
    kolommen = fields.List(fields.String(), required=True)
    rijen = fields.List(fields.Nested(RijSchema), required=True)


class RapportSchema(Schema):
    jaar = fields.Integer(required=True)
    gemeente = fields.String(allow_none=True, required=True)
    publicatie = fields.Boolean(required=True)
    drempel = fields.Integer(required=True)
    verstrekking = fields.String(required=True, metadata={"description": "the id of the logged record"})
    tabellen = fields.List(fields.Nested(TabelSchema), required=True)


_DOC = {
    "responses": {
        "200": {
            "description": "the report (JSON) or one table (CSV)",
            "content": {
                "application/json": {"schema": RapportSchema},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    }
}


def _tabel_json(weergave: Tabelweergave) -> dict[str, Any]:
    t = weergave.tabel
    return {
        "id": t.id,
        "titel": t.titel,
        "toelichting": t.toelichting,
        "kolommen": list(t.kolommen),
        "rijen": [
            {"label": label, "waarden": list(waarden), "weergave": list(teksten)}
            for label, waarden, teksten in zip(t.rijen, weergave.waarden, weergave.teksten, strict=True)
        ],
    }


@blp.route("/managementinformatie/<int:jaar>")
class Managementinformatie(MethodView):
    @authenticated(blp)
    @blp.arguments(RapportQuerySchema, location="query")
    @blp.doc(**_DOC)
    def get(self, query: dict[str, Any], jaar: int) -> Response | dict[str, Any]:
        """The year's report for the region (or one gemeente), with the two years before where a table compares:
        counts only, computed from Deelpoort's own records and logged as one verstrekking that names no person."""
        if query["formaat"] == "csv" and not query["tabel"]:
            raise OngeldigeInvoerError([("tabel", "formaat=csv needs the id of one table")])
        drempel = current_app.extensions["deelpoort.settings"].mi_drempel
        vraag = rapport.Vraag(jaar, query["gemeente"], query["publicatie"], drempel)
        uitkomst = rapport.rapporteer(services(), gebruiker(), vraag, current_trace())
        tabellen = weergaven(uitkomst)
        if query["formaat"] == "csv":
            gekozen = next((t for t in tabellen if t.id == query["tabel"]), None)
            if gekozen is None:
                raise OngeldigeInvoerError([("tabel", f"one of: {', '.join(t.id for t in tabellen)}")])
            response = Response(als_csv(gekozen), mimetype="text/csv")
            response.headers["Content-Disposition"] = f'attachment; filename="{jaar}-{gekozen.id}.csv"'
            return response
        return {
            "jaar": jaar,
            "gemeente": query["gemeente"],
            "publicatie": query["publicatie"],
            "drempel": vraag.drempel,
            "verstrekking": uitkomst.verstrekking.id,
            "tabellen": [_tabel_json(t) for t in tabellen],
        }

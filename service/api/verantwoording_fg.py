"""`/v1/verantwoording/...` for the functionaris gegevensbescherming (rol `fg` only): the log's metadata.

Invariants:
- Every view requires rol `fg` (403 otherwise; the service layer checks again).
- Nothing here returns a field value: responses are built from `Regel` (metadata) by fixed schemas.
- The BSN of an access request comes only in the POST body, never in a URL, and is never echoed or logged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Response, current_app, stream_with_context
from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, gebruiker, services
from service.api.base import Blueprint
from service.api.paginering import LinksSchema, links
from service.domain.errors import OngeldigeInvoerError
from service.domain.verantwoording import MAX_PAGINA_GROOTTE, UITKOMSTEN, Pagina, Selectie
from service.service_layer.rechten.markering import Uitstelmarkering
from service.service_layer.verantwoording import raadplegen as verantwoording
from service.service_layer.verantwoording import signalering
from service.service_layer.verantwoording.export import als_dict, csv_export, json_export
from service.service_layer.verantwoording.ldv import ldv_bron, ldv_export
from service.settings import API_VERSION, Settings

blp = Blueprint(
    "verantwoording-fg", __name__, description="Verantwoording for the FG: verstrekkingen, access requests, signals"
)
_ID = validate.Length(min=1, max=80)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class SelectieQuerySchema(_Strict):
    partner = fields.String(validate=_ID, metadata={"description": "partner id (requesting partner)"})
    casus = fields.String(validate=validate.Length(min=1, max=32))
    doel = fields.String(validate=_ID)
    grondslag = fields.String(validate=_ID, metadata={"description": "a grondslag a released veld was given on"})
    uitkomst = fields.String(validate=validate.OneOf(UITKOMSTEN))
    van = fields.AwareDateTime(default_timezone=dt.UTC, metadata={"description": "from this time (inclusive)"})
    tot = fields.AwareDateTime(default_timezone=dt.UTC, metadata={"description": "until this time (exclusive)"})


class LijstQuerySchema(SelectieQuerySchema):
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=1_000_000))
    pageSize = fields.Integer(load_default=50, validate=validate.Range(min=1, max=MAX_PAGINA_GROOTTE))  # noqa: N815
    sorteer = fields.String(
        load_default="-tijd",
        validate=validate.OneOf(("tijd", "-tijd")),
        metadata={"description": "-tijd: newest first"},
    )


class ExportQuerySchema(SelectieQuerySchema):
    formaat = fields.String(
        required=True,
        validate=validate.OneOf(("csv", "json", "ldv")),
        metadata={"description": "csv, json, or ldv (Logboek Dataverwerkingen, JSON Lines)"},
    )


class VaRefSchema(Schema):
    id = fields.String(required=True)
    versie = fields.Integer(allow_none=True)


class VerstrektVeldSchema(Schema):
    veld = fields.String(required=True)
    categorie = fields.String(allow_none=True)
    grondslag = fields.String(required=True)
    verwerkingsactiviteit = fields.Nested(VaRefSchema, required=True)
    bronnen = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "the partners that supplied the values (empty for records made before bronnen)"},
    )


class LogregelSchema(Schema):
    logIndex = fields.Integer(required=True)  # noqa: N815
    id = fields.String(required=True)
    soort = fields.String(
        required=True,
        metadata={
            "description": "verstrekking (released to `partner`), aanlevering (supplied by `partner`), vernietiging, "
            "routeeroverleg, import (a run of `deelpoort import` by `gebruiker`) or import-casus (a casus it stored, "
            "with the bron of each value)"
        },
    )
    tijd = fields.String(required=True)
    partner = fields.String(required=True)
    oin = fields.String(allow_none=True)
    gebruiker = fields.String(allow_none=True)
    rol = fields.String(allow_none=True)
    casus = fields.String(allow_none=True)
    casustype = fields.String(allow_none=True)
    doel = fields.String(required=True)
    uitkomst = fields.String(required=True)
    weigering = fields.String(allow_none=True)
    verstrekt = fields.List(fields.Nested(VerstrektVeldSchema), required=True)
    onthouden = fields.List(fields.String(), required=True)
    beleidsversie = fields.String(allow_none=True)
    traceId = fields.String(allow_none=True)  # noqa: N815
    spanId = fields.String(allow_none=True)  # noqa: N815
    aantalBetrokkenen = fields.Integer(required=True)  # noqa: N815
    certificaatOin = fields.String(  # noqa: N815
        allow_none=True, metadata={"description": "OIN of the PKIoverheid client certificate used, if any"}
    )
    overleg = fields.String(allow_none=True, metadata={"description": "the overleg it was asked in, if any"})


class LijstSchema(Schema):
    verstrekkingen = fields.List(fields.Nested(LogregelSchema), required=True)
    page = fields.Integer(required=True)
    pageSize = fields.Integer(required=True)  # noqa: N815
    _links = fields.Nested(LinksSchema, required=True, data_key="_links")


class InzageverzoekSchema(_Strict):
    bsn = fields.String(
        required=True,
        validate=validate.Length(min=9, max=20),
        metadata={"description": "the person's BSN (nine digits; spaces and dots allowed); never stored"},
    )


class GrondslagRefSchema(Schema):
    id = fields.String(required=True)
    naam = fields.String(required=True)
    artikel = fields.String(required=True)


class PartnerRefSchema(Schema):
    id = fields.String(required=True)
    naam = fields.String(required=True)


class UitgesteldSchema(Schema):
    tot = fields.Date(required=True, metadata={"description": "deferred while the day is before this date"})
    partner = fields.String(required=True)
    partnerNaam = fields.String(required=True)  # noqa: N815
    grondslag = fields.Nested(GrondslagRefSchema, required=True)
    uitstel = fields.String(required=True)


class InzageRegelSchema(Schema):
    soort = fields.String(
        required=True,
        metadata={
            "description": "aanlevering (a partner supplied it), import-casus (taken over from the ZVH's earlier "
            "system, with its bronnen) or verstrekking (released)"
        },
    )
    bronnen = fields.List(fields.Nested(PartnerRefSchema), required=True)
    tijd = fields.String(required=True)
    ontvanger = fields.String(required=True)
    ontvangerNaam = fields.String(required=True)  # noqa: N815
    oin = fields.String(allow_none=True)
    doel = fields.String(required=True)
    doelNaam = fields.String(required=True)  # noqa: N815
    categorieen = fields.List(fields.String(), required=True)
    grondslagen = fields.List(fields.Nested(GrondslagRefSchema), required=True)
    rolBetrokkene = fields.String(required=True)  # noqa: N815
    casus = fields.String(allow_none=True)
    casustype = fields.String(allow_none=True)
    logIndex = fields.Integer(required=True)  # noqa: N815
    uitgesteld = fields.Nested(
        UitgesteldSchema,
        allow_none=True,
        metadata={"description": "an uitstel defers informing the person of this record (a report for them omits it)"},
    )


class RechtsstapSchema(Schema):
    tijd = fields.String(required=True)
    soort = fields.String(
        required=True,
        metadata={"description": "beperking, opheffing-beperking, uitstel, einde-uitstel, correctieverzoek, ..."},
    )
    uitkomst = fields.String(required=True)
    partner = fields.String(required=True)
    partnerNaam = fields.String(required=True)  # noqa: N815
    casus = fields.String(allow_none=True)
    logIndex = fields.Integer(required=True)  # noqa: N815


class InzageSchema(Schema):
    aantalBetrokkenen = fields.Integer(required=True)  # noqa: N815
    afgekapt = fields.Boolean(required=True)
    verstrekkingen = fields.List(fields.Nested(InzageRegelSchema), required=True)
    rechtsstappen = fields.List(
        fields.Nested(RechtsstapSchema),
        required=True,
        metadata={"description": "the rights the person exercised, step by step (the FG's view only)"},
    )


class SignaalSchema(Schema):
    soort = fields.String(required=True)
    partner = fields.String(required=True)
    aantal = fields.Integer(required=True)
    drempel = fields.Integer(required=True)
    toelichting = fields.String(required=True)


class SignalenSchema(Schema):
    signalen = fields.List(fields.Nested(SignaalSchema), required=True)


def settings() -> Settings:
    found: Settings = current_app.extensions["deelpoort.settings"]
    return found


def selectie_uit(query: dict[str, Any]) -> Selectie:
    """The selection of the query parameters.

    Raises:
        OngeldigeInvoerError: `van` is not before `tot`.
    """
    van, tot = query.get("van"), query.get("tot")
    if van is not None and tot is not None and van >= tot:
        raise OngeldigeInvoerError([("van", "must be before tot")])
    return Selectie(
        partner=query.get("partner"),
        casus=query.get("casus"),
        doel=query.get("doel"),
        grondslag=query.get("grondslag"),
        uitkomst=query.get("uitkomst"),
        van=van,
        tot=tot,
    )


@blp.route("/verantwoording/verstrekkingen")
class Verstrekkingen(MethodView):
    @authenticated(blp, "fg")
    @blp.arguments(LijstQuerySchema, location="query")
    @blp.response(200, LijstSchema)
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The verstrekking log's records, filtered, paged and sorted (metadata only, never values)."""
        selectie = selectie_uit(query)
        pagina = Pagina(query["page"], query["pageSize"], query["sorteer"] == "-tijd")
        result = verantwoording.verstrekkingen(services(), gebruiker(), selectie, pagina)
        return {
            "verstrekkingen": [als_dict(r) for r in result.regels],
            "page": pagina.nummer,
            "pageSize": pagina.grootte,
            "_links": links(pagina.nummer, meer=result.meer),
        }


@blp.route("/verantwoording/inzageverzoeken")
class Inzageverzoeken(MethodView):
    @authenticated(blp, "fg")
    @blp.arguments(InzageverzoekSchema)
    @blp.response(200, InzageSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """A person's access request (AVG art. 15): every flow of data about them, as hoofdpersoon or systeemlid:
        what partners supplied (aanleveringen, with their bron) and what was released to partners."""
        inzage = verantwoording.inzageverzoek(services(), gebruiker(), body["bsn"])
        return {
            "rechtsstappen": [
                {
                    "tijd": st.tijd,
                    "soort": st.soort,
                    "uitkomst": st.uitkomst,
                    "partner": st.partner,
                    "partnerNaam": st.partner_naam,
                    "casus": st.casus,
                    "logIndex": st.log_index,
                }
                for st in inzage.stappen
            ],
            "aantalBetrokkenen": inzage.aantal_betrokkenen,
            "afgekapt": inzage.afgekapt,
            "verstrekkingen": [
                {
                    "soort": r.soort,
                    "bronnen": [{"id": i, "naam": n} for i, n in r.bronnen],
                    "tijd": r.tijd,
                    "ontvanger": r.ontvanger,
                    "ontvangerNaam": r.ontvanger_naam,
                    "oin": r.oin,
                    "doel": r.doel,
                    "doelNaam": r.doel_naam,
                    "categorieen": list(r.categorieen),
                    "grondslagen": [{"id": i, "naam": n, "artikel": a} for i, n, a in r.grondslagen],
                    "rolBetrokkene": r.rol_betrokkene,
                    "casus": r.casus,
                    "casustype": r.casustype,
                    "logIndex": r.log_index,
                    "uitgesteld": _uitgesteld(r.uitgesteld),
                }
                for r in inzage.regels
            ],
        }


def _uitgesteld(mark: Uitstelmarkering | None) -> dict[str, Any] | None:
    if mark is None:
        return None
    return {
        "tot": mark.tot,
        "partner": mark.partner,
        "partnerNaam": mark.partner_naam,
        "grondslag": {"id": mark.grondslag, "naam": mark.grondslag_naam, "artikel": mark.artikel},
        "uitstel": mark.uitstel,
    }


@blp.route("/verantwoording/signalen")
class Signalen(MethodView):
    @authenticated(blp, "fg")
    @blp.response(200, SignalenSchema)
    def get(self) -> dict[str, Any]:
        """Anomalies of the latest window (thresholds: the `DEELPOORT_SIGNAAL_*` settings)."""
        found = signalering.signalen(services(), gebruiker(), signalering.drempels_uit(settings()))
        return {
            "signalen": [
                {
                    "soort": s.soort,
                    "partner": s.partner,
                    "aantal": s.aantal,
                    "drempel": s.drempel,
                    "toelichting": s.toelichting,
                }
                for s in found
            ]
        }


_EXPORT_TYPES = {"csv": "text/csv", "json": "application/json", "ldv": "application/jsonl"}
_EXPORT_DOC = {
    "responses": {
        "200": {
            "description": "the export (CSV, JSON, or LDV as JSON Lines)",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                "application/json": {  # the list's records, in one object (`export.json_export`)
                    "schema": {
                        "type": "object",
                        "required": ["verstrekkingen"],
                        "properties": {
                            "verstrekkingen": {"type": "array", "items": {"$ref": "#/components/schemas/Logregel"}}
                        },
                    }
                },
                "application/jsonl": {"schema": {"type": "string"}},  # one LDV object per line
            },
        }
    }
}


@blp.route("/verantwoording/exporten")
class Exporten(MethodView):
    @authenticated(blp, "fg")
    @blp.arguments(ExportQuerySchema, location="query")
    @blp.doc(**_EXPORT_DOC)
    def get(self, query: dict[str, Any]) -> Response:
        """A filtered selection as CSV, JSON or in the Logboek Dataverwerkingen shape (streamed, capped)."""
        selectie = selectie_uit(query)
        formaat = query["formaat"]
        config = settings()
        regels = verantwoording.alle_verstrekkingen(services(), gebruiker(), selectie, limiet=config.export_max)
        if formaat == "csv":
            body = csv_export(regels)
        elif formaat == "json":
            body = json_export(regels)
        else:
            body = ldv_export(regels, ldv_bron(services().convenant, config.register_uri, API_VERSION))
        extension = {"csv": "csv", "json": "json", "ldv": "jsonl"}[formaat]
        response = Response(stream_with_context(body), mimetype=_EXPORT_TYPES[formaat])
        response.headers["Content-Disposition"] = f'attachment; filename="verstrekkingen.{extension}"'
        return response

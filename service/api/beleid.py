"""`/v1/beleid`: the field policy's versions, proposals with their decision diff, four-eyes approval, history.

Proposals, approvals and rejections are for beheerders; reading (versions, proposals, diffs, history) is for
beheerders and the FG. Nothing here takes effect without a second beheerder (`service_layer.beheer`).
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from service.api.auth import authenticated, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.beleid_invoer import AfwijzingSchema, GoedkeuringSchema, VoorstelInSchema
from service.domain.beheer import Voorstel
from service.service_layer.beheer import casusvernietiging
from service.service_layer.beheer import convenantwijziging as convenantbeheer
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.beheer.convenantwijziging import Toevoeging as Convenanttoevoeging
from service.service_layer.beleid import actief as beleid
from service.service_layer.beleid.invoer import Bestand, Toevoeging, Wijziging
from service.service_layer.beleid.verschil import verschil

blp = Blueprint("beleid", __name__, description="Beheer: field policy versions and four-eyes proposals")

LEZERS = ("beheerder", "fg")
_ID = "<voorstel_id>"


class VoorstelSchema(Schema):
    id = fields.String(required=True)
    soort = fields.String(
        required=True,
        metadata={
            "description": "beleid, partner-schorsing, partner-herstel, convenant, gebruiker-toevoeging, "
            "gebruiker-schorsing, gebruiker-herstel, gebruiker-verwijdering or casus-vernietiging"
        },
    )
    status = fields.String(required=True, metadata={"description": "open, goedgekeurd or afgewezen"})
    toelichting = fields.String(required=True)
    voorgesteldDoor = fields.String(required=True)  # noqa: N815
    voorgesteldOp = fields.DateTime(required=True)  # noqa: N815
    basisversie = fields.String(allow_none=True)
    versie = fields.String(allow_none=True)
    partner = fields.String(allow_none=True)
    beoordeeldDoor = fields.String(allow_none=True)  # noqa: N815
    beoordeeldOp = fields.DateTime(allow_none=True)  # noqa: N815
    reden = fields.String(
        allow_none=True, metadata={"description": "why it was rejected or withdrawn, or the approver's opmerking"}
    )
    convenantbasis = fields.String(allow_none=True, metadata={"description": "convenant version when proposed"})
    convenantversie = fields.String(allow_none=True, metadata={"description": "the proposed convenant version"})
    gebruiker = fields.String(
        allow_none=True, metadata={"description": "the gebruiker a gebruiker-* proposal concerns"}
    )
    casus = fields.String(allow_none=True, metadata={"description": "the casus a casus-vernietiging destroys"})


class VoorstellenSchema(Schema):
    voorstellen = fields.List(fields.Nested(VoorstelSchema), required=True)


class VersieSchema(Schema):
    versie = fields.String(required=True)
    herkomst = fields.String(required=True)
    aangemaaktOp = fields.DateTime(required=True)  # noqa: N815
    regels = fields.Integer(required=True)
    actief = fields.Boolean(required=True)


class ActiveringSchema(Schema):
    versie = fields.String(required=True)
    geactiveerdOp = fields.DateTime(required=True)  # noqa: N815
    door = fields.String(required=True)
    toelichting = fields.String(required=True)


class BeleidSchema(Schema):
    actieveVersie = fields.String(allow_none=True)  # noqa: N815
    versies = fields.List(fields.Nested(VersieSchema), required=True)
    activeringen = fields.List(fields.Nested(ActiveringSchema), required=True)


class BeslissingSchema(Schema):
    veld = fields.String(required=True)
    soort = fields.String(required=True, metadata={"description": "gekregen, verloren or gewijzigd"})
    was = fields.String(allow_none=True, metadata={"description": "grondslag before (null: not allowed)"})
    wordt = fields.String(allow_none=True, metadata={"description": "grondslag after (null: not allowed)"})


class GroepSchema(Schema):
    partner = fields.String(required=True)
    rol = fields.String(required=True)
    casustype = fields.String(required=True)
    doel = fields.String(required=True)
    beslissingen = fields.List(fields.Nested(BeslissingSchema), required=True)


class ConvenantregelSchema(Schema):
    bestand = fields.String(required=True)
    regel = fields.String(required=True)


class VerschilSchema(Schema):
    voorstel = fields.String(required=True)
    basisversie = fields.String(allow_none=True)
    versie = fields.String(allow_none=True)
    gekregen = fields.Integer(required=True)
    verloren = fields.Integer(required=True)
    gewijzigd = fields.Integer(required=True)
    groepen = fields.List(fields.Nested(GroepSchema), required=True)
    convenantregels = fields.List(
        fields.Nested(ConvenantregelSchema),
        required=True,
        metadata={"description": "a convenant proposal: every line it adds to the convenant files"},
    )


class BeheergebeurtenisSchema(Schema):
    logIndex = fields.Integer(required=True)  # noqa: N815
    tijd = fields.String(required=True)
    handeling = fields.String(required=True, metadata={"description": "voorstel, goedkeuring, afwijzing, activering"})
    voorstel = fields.String(required=True)
    onderwerp = fields.String(required=True)
    partner = fields.String(required=True, metadata={"description": "the partner of the acting beheerder"})
    gebruiker = fields.String(required=True)
    toelichting = fields.String(required=True)
    versieVoor = fields.String(allow_none=True)  # noqa: N815
    versieNa = fields.String(allow_none=True)  # noqa: N815
    convenantVoor = fields.String(allow_none=True)  # noqa: N815
    convenantNa = fields.String(allow_none=True)  # noqa: N815
    betreft = fields.String(
        allow_none=True, metadata={"description": "the partner, gebruiker or casus (casus-vernietiging) concerned"}
    )


class GeschiedenisSchema(Schema):
    gebeurtenissen = fields.List(fields.Nested(BeheergebeurtenisSchema), required=True)


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


def _voorstel(v: Voorstel) -> dict[str, Any]:
    return {
        "id": v.id,
        "soort": v.soort.value,
        "status": v.status.value,
        "toelichting": v.toelichting,
        "voorgesteldDoor": v.voorgesteld_door,
        "voorgesteldOp": v.voorgesteld_op,
        "basisversie": v.basisversie,
        "versie": v.versie,
        "partner": v.partner,
        "beoordeeldDoor": v.beoordeeld_door,
        "beoordeeldOp": v.beoordeeld_op,
        "reden": v.reden,
        "convenantbasis": v.convenantbasis,
        "convenantversie": v.convenantversie,
        "gebruiker": v.gebruiker,
        "casus": v.casus,
    }


@blp.route("/beleid")
class Beleid(MethodView):
    @authenticated(blp, *LEZERS)
    @blp.response(200, BeleidSchema)
    def get(self) -> dict[str, Any]:
        """The stored field policy versions (kept forever), the active one and every activation."""
        found = beleid.overzicht(services())
        return {
            "actieveVersie": found.actief,
            "versies": [
                {
                    "versie": v.versie,
                    "herkomst": v.herkomst,
                    "aangemaaktOp": v.aangemaakt_op,
                    "regels": v.regels,
                    "actief": v.versie == found.actief,
                }
                for v in found.versies
            ],
            "activeringen": [
                {"versie": a.versie, "geactiveerdOp": a.geactiveerd_op, "door": a.door, "toelichting": a.toelichting}
                for a in found.activeringen
            ],
        }


@blp.route("/beleid/voorstellen")
class Voorstellen(MethodView):
    @authenticated(blp, *LEZERS)
    @blp.response(200, VoorstellenSchema)
    def get(self) -> dict[str, Any]:
        """Every proposal, newest first."""
        return {"voorstellen": [_voorstel(v) for v in beheer.voorstellen(services())]}

    @authenticated(blp, "beheerder")
    @blp.arguments(VoorstelInSchema)
    @blp.response(201, VoorstelSchema)
    @_problem(
        409,
        "the proposal equals the active version, the partner is already in that state, or the casus is already "
        "destroyed or has an open proposal to destroy it",
    )
    def post(self, body: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Propose a field policy version (complete files, a change, or an older version), a partner
        suspension, a convenant change (entries added to a convenant document), or the early destruction of one
        casus (`vernietiging`, the toelichting its reason). It is validated like the files (every problem at
        once, named by file and line or entry) and takes effect only when a second beheerder approves it."""
        who, toelichting = gebruiker(), body["toelichting"]
        if "vernietiging" in body:
            made = casusvernietiging.stel_voor(services(), who, toelichting, body["vernietiging"]["casus"])
        elif "convenant" in body:
            change = body["convenant"]
            toevoegingen = [
                Convenanttoevoeging(t["sectie"], t["inhoud"], t.get("document")) for t in change["toevoegingen"]
            ]
            made = convenantbeheer.stel_voor(services(), who, toelichting, change["document"], toevoegingen)
        elif "partner" in body:
            partner = body["partner"]
            made = beheer.stel_partnerwijziging_voor(
                services(), who, toelichting, partner["id"], actief=partner["actief"]
            )
        elif "wijziging" in body:
            change = body["wijziging"]
            wijziging = Wijziging(
                tuple(Toevoeging(t["bestand"], t["regel"]) for t in change["toevoegen"]), tuple(change["verwijderen"])
            )
            made = beheer.stel_beleid_voor(services(), who, toelichting, wijziging=wijziging)
        elif "bestanden" in body:
            bestanden = [Bestand(b["naam"], b["inhoud"]) for b in body["bestanden"]]
            made = beheer.stel_beleid_voor(services(), who, toelichting, bestanden=bestanden)
        else:
            made = beheer.stel_beleid_voor(services(), who, toelichting, versie=body["versie"])
        return _voorstel(made), 201, {"Location": f"/v1/beleid/voorstellen/{made.id}"}


@blp.route(f"/beleid/voorstellen/{_ID}")
class VoorstelView(MethodView):
    @authenticated(blp, *LEZERS)
    @blp.response(200, VoorstelSchema)
    @_problem(404, "no such proposal")
    def get(self, voorstel_id: str) -> dict[str, Any]:
        """One proposal."""
        return _voorstel(beheer.voorstel(services(), voorstel_id))


@blp.route(f"/beleid/voorstellen/{_ID}/verschil")
class VerschilView(MethodView):
    @authenticated(blp, *LEZERS)
    @blp.response(200, VerschilSchema)
    @_problem(404, "no such proposal")
    @_problem(409, "a version involved no longer fits the convenant")
    def get(self, voorstel_id: str) -> dict[str, Any]:
        """Every (partner, rol, casustype, doel, veld) decision the proposal changes, with the grondslag before
        and after, grouped per (partner, rol, casustype, doel)."""
        found = verschil(services(), voorstel_id)
        return {
            "voorstel": found.voorstel,
            "basisversie": found.basisversie,
            "versie": found.versie,
            "gekregen": found.aantal("gekregen"),
            "verloren": found.aantal("verloren"),
            "gewijzigd": found.aantal("gewijzigd"),
            "groepen": [
                {
                    "partner": g.partner,
                    "rol": g.rol,
                    "casustype": g.casustype,
                    "doel": g.doel,
                    "beslissingen": [
                        {"veld": b.veld, "soort": b.soort, "was": b.was, "wordt": b.wordt} for b in g.beslissingen
                    ],
                }
                for g in found.groepen
            ],
            "convenantregels": [{"bestand": b, "regel": r} for b, r in found.convenantregels],
        }


@blp.route(f"/beleid/voorstellen/{_ID}/goedkeuring")
class Goedkeuring(MethodView):
    @authenticated(blp, "beheerder")
    @blp.arguments(GoedkeuringSchema, required=False)
    @blp.response(200, VoorstelSchema)
    @_problem(404, "no such proposal")
    @_problem(409, "already decided, or stale: the base version is no longer active")
    def post(self, body: dict[str, Any], voorstel_id: str) -> dict[str, Any]:
        """Approve as the second beheerder (never the proposer: 403); the change takes effect atomically (a
        casus-vernietiging destroys the casus's data and logs it in the same transaction). An optional
        `opmerking` is kept as the decision's reden and logged with the goedkeuring."""
        return _voorstel(beheer.keur_goed(services(), gebruiker(), voorstel_id, opmerking=body.get("opmerking")))


@blp.route(f"/beleid/voorstellen/{_ID}/afwijzing")
class Afwijzing(MethodView):
    @authenticated(blp, "beheerder")
    @blp.arguments(AfwijzingSchema)
    @blp.response(200, VoorstelSchema)
    @_problem(404, "no such proposal")
    @_problem(409, "already decided")
    def post(self, body: dict[str, Any], voorstel_id: str) -> dict[str, Any]:
        """Reject a proposal with a reason; nothing changes."""
        return _voorstel(beheer.wijs_af(services(), gebruiker(), voorstel_id, body["reden"]))


@blp.route("/beleid/geschiedenis")
class Geschiedenis(MethodView):
    @authenticated(blp, *LEZERS)
    @blp.response(200, GeschiedenisSchema)
    def get(self) -> dict[str, Any]:
        """Every proposal, approval, rejection and activation, as recorded in the tamper-evident log."""
        return {
            "gebeurtenissen": [
                {
                    "logIndex": e.log_index,
                    "tijd": e.tijd,
                    "handeling": e.handeling,
                    "voorstel": e.voorstel,
                    "onderwerp": e.onderwerp,
                    "partner": e.partner,
                    "gebruiker": e.gebruiker,
                    "toelichting": e.toelichting,
                    "versieVoor": e.versie_voor,
                    "versieNa": e.versie_na,
                    "convenantVoor": e.convenant_voor,
                    "convenantNa": e.convenant_na,
                    "betreft": e.betreft,
                }
                for e in beheer.geschiedenis(services(), gebruiker())
            ]
        }

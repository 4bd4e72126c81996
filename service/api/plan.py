"""The plan van aanpak over HTTP: its metadata, adding and following its items, the AVE-fase, the regie's
werkvoorraad of acties, and the verstrekking of its texts.

No view here returns a text of the plan except `POST /casussen/{id}/plan/verstrekkingen`, which answers only
after the verstrekking log confirmed its record (as `POST /casussen/{id}/verstrekkingen` does). Texts sent in
are aanleveringen: held against the bronregels and logged before they are stored.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import RAISE, Schema, fields, validate

from service.api.auth import authenticated, certificaat_oin, gebruiker, services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.levensloop import GebeurtenisSchema, gebeurtenis_json
from service.api.plan_weergave import (
    PlanactieLijstSchema,
    PlanactieSchema,
    PlanafspraakSchema,
    PlandoelSchema,
    PlaninzageSchema,
    PlanopschalingSchema,
    PlanSchema,
    actie_json,
    afspraak_json,
    doel_json,
    inzage_json,
    opschaling_json,
    plan_json,
)
from service.api.trace import current_trace
from service.api.verstrekkingen import VerzoekSchema
from service.domain.beslissing import Verzoek
from service.domain.plan import ActieStatus, Leefgebied, Niveau, OpschalingUitkomst
from service.service_layer.casus.aanlevering import Herkomst
from service.service_layer.plan import inzage, lezen, schrijven, voortgang

blp = Blueprint("plan", __name__, description="Plan van aanpak: doelen, acties, afspraken, opschalingen, AVE-fase")

_TEKST = validate.Length(max=10_000)  # the veld's own max_lengte is checked by the use case, naming the field
_ID = validate.Length(min=1, max=80)
# Enumerations are checked by the use case, not the schema, so that one 400 names every bad parameter.


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class PlandoelInSchema(_Strict):
    leefgebied = fields.String(required=True, validate=_ID, metadata={"enum": [g.value for g in Leefgebied]})
    tekst = fields.String(required=True, validate=_TEKST, metadata={"description": "stored encrypted (planDoelen)"})


class PlanactieInSchema(_Strict):
    partner = fields.String(required=True, validate=_ID, metadata={"description": "a partner taking part"})
    deadline = fields.Date(required=True)
    omschrijving = fields.String(required=True, validate=_TEKST, metadata={"description": "encrypted (afspraken)"})
    doel = fields.String(validate=_ID, load_default=None, metadata={"description": "a doel of this plan it serves"})


class PlanactieStatusSchema(_Strict):
    status = fields.String(required=True, validate=_ID, metadata={"enum": [s.value for s in ActieStatus]})


class PlanactieDeadlineSchema(_Strict):
    deadline = fields.Date(required=True)


class PlanafspraakInSchema(_Strict):
    datum = fields.Date(required=True)
    tekst = fields.String(required=True, validate=_TEKST, metadata={"description": "stored encrypted (afspraken)"})
    overleg = fields.String(
        validate=_ID, load_default=None, metadata={"description": "the id of the overleg it was made in"}
    )


class PlanopschalingInSchema(_Strict):
    niveau = fields.String(required=True, validate=_ID, metadata={"enum": [n.value for n in Niveau]})
    datum = fields.Date(required=True)
    reden = fields.String(required=True, validate=_TEKST, metadata={"description": "stored encrypted (escalatie)"})


class OpschalingAfrondingSchema(_Strict):
    uitkomst = fields.String(required=True, validate=_ID, metadata={"enum": [u.value for u in OpschalingUitkomst]})
    toelichting = fields.String(validate=_TEKST, load_default=None, metadata={"description": "encrypted (escalatie)"})


class AveFaseInSchema(_Strict):
    fase = fields.Integer(required=True, strict=True, metadata={"description": "1..4"})
    toelichting = fields.String(validate=validate.Length(max=2000), load_default=None)


class WerkvoorraadQuerySchema(_Strict):
    verlopen = fields.Boolean(
        load_default=False, metadata={"description": "true: only acties past their deadline (and not done)"}
    )


def _problem(status: int, description: str) -> Any:
    return blp.alt_response(status, schema=ProblemSchema, description=description, content_type=PROBLEM_JSON)


_NOT_FOUND = _problem(404, "no such casus (or item) for this partner")
_CONFLICT = _problem(409, "the casus is not in procesregie or advies, or the item does not admit this")
_REFUSED = _problem(403, "not the regie (or the actie's partner), or the bronregels refuse the text (logged)")


def _herkomst() -> Herkomst:
    return Herkomst(current_trace(), certificaat_oin())


def _created(body: dict[str, Any], casus_id: str, soort: str) -> tuple[dict[str, Any], int, dict[str, str]]:
    return body, 201, {"Location": f"/v1/casussen/{casus_id}/plan#{soort}-{body['id']}"}


@blp.route("/casussen/<string:casus_id>/plan")
class PlanView(MethodView):
    @authenticated(blp)
    @blp.response(200, PlanSchema)
    @_problem(400, "invalid request")
    @_NOT_FOUND
    def get(self, casus_id: str) -> dict[str, Any]:
        """The casus's plan as metadata (leefgebieden, partners, deadlines, statuses, AVE-fase): no texts."""
        return plan_json(lezen.plan(services(), gebruiker(), casus_id))


@blp.route("/casussen/<string:casus_id>/plan/doelen")
class Doelen(MethodView):
    @authenticated(blp)
    @blp.arguments(PlandoelInSchema)
    @blp.response(201, PlandoelSchema)
    @_NOT_FOUND
    @_REFUSED
    @_CONFLICT
    def post(self, body: dict[str, Any], casus_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Add a doel in a leefgebied (the regie); its text is an aanlevering of `planDoelen`."""
        doel = schrijven.doel_toevoegen(
            services(), gebruiker(), casus_id, body["leefgebied"], body["tekst"], herkomst=_herkomst()
        )
        return _created(doel_json(doel), casus_id, "doel")


@blp.route("/casussen/<string:casus_id>/plan/acties")
class Acties(MethodView):
    @authenticated(blp)
    @blp.arguments(PlanactieInSchema)
    @blp.response(201, PlanactieSchema)
    @_NOT_FOUND
    @_REFUSED
    @_CONFLICT
    def post(self, body: dict[str, Any], casus_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Add an actie for a partner taking part, with a deadline (the regie); it starts open."""
        nieuw = schrijven.NieuweActie(body["partner"], body["deadline"], body["omschrijving"], body["doel"])
        actie = schrijven.actie_toevoegen(services(), gebruiker(), casus_id, nieuw, herkomst=_herkomst())
        return _created(actie_json(actie, lezen.vandaag(actie.gewijzigd_op)), casus_id, "actie")


@blp.route("/casussen/<string:casus_id>/plan/acties/<string:actie_id>/status")
class ActieStatusView(MethodView):
    @authenticated(blp)
    @blp.arguments(PlanactieStatusSchema)
    @blp.response(200, PlanactieSchema)
    @_NOT_FOUND
    @_REFUSED
    @_CONFLICT
    def post(self, body: dict[str, Any], casus_id: str, actie_id: str) -> dict[str, Any]:
        """Set an actie's status: its own partner or the regie."""
        actie = voortgang.actie_status(services(), gebruiker(), casus_id, actie_id[:64], body["status"])
        return actie_json(actie, lezen.vandaag(actie.gewijzigd_op))


@blp.route("/casussen/<string:casus_id>/plan/acties/<string:actie_id>/deadline")
class ActieDeadlineView(MethodView):
    @authenticated(blp)
    @blp.arguments(PlanactieDeadlineSchema)
    @blp.response(200, PlanactieSchema)
    @_NOT_FOUND
    @_REFUSED
    @_CONFLICT
    def post(self, body: dict[str, Any], casus_id: str, actie_id: str) -> dict[str, Any]:
        """Move an actie's deadline (the regie)."""
        actie = voortgang.actie_deadline(services(), gebruiker(), casus_id, actie_id[:64], body["deadline"])
        return actie_json(actie, lezen.vandaag(actie.gewijzigd_op))


@blp.route("/casussen/<string:casus_id>/plan/afspraken")
class Afspraken(MethodView):
    @authenticated(blp)
    @blp.arguments(PlanafspraakInSchema)
    @blp.response(201, PlanafspraakSchema)
    @_NOT_FOUND
    @_REFUSED
    @_CONFLICT
    def post(self, body: dict[str, Any], casus_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Record an afspraak (the regie), optionally naming the overleg it was made in; its text is an
        aanlevering of `afspraken`."""
        afspraak = schrijven.afspraak_toevoegen(
            services(), gebruiker(), casus_id, body["datum"], body["tekst"], body["overleg"], herkomst=_herkomst()
        )
        return _created(afspraak_json(afspraak), casus_id, "afspraak")


@blp.route("/casussen/<string:casus_id>/plan/opschalingen")
class Opschalingen(MethodView):
    @authenticated(blp)
    @blp.arguments(PlanopschalingInSchema)
    @blp.response(201, PlanopschalingSchema)
    @_NOT_FOUND
    @_REFUSED
    @_CONFLICT
    def post(self, body: dict[str, Any], casus_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Escalate (the regie): to a partner's management, the lokale driehoek or the bestuur, with the reden."""
        opschaling = schrijven.opschaling_toevoegen(
            services(), gebruiker(), casus_id, body["niveau"], body["datum"], body["reden"], herkomst=_herkomst()
        )
        return _created(opschaling_json(opschaling), casus_id, "opschaling")


@blp.route("/casussen/<string:casus_id>/plan/opschalingen/<string:opschaling_id>/afronding")
class Afronding(MethodView):
    @authenticated(blp)
    @blp.arguments(OpschalingAfrondingSchema)
    @blp.response(200, PlanopschalingSchema)
    @_NOT_FOUND
    @_REFUSED
    @_CONFLICT
    def post(self, body: dict[str, Any], casus_id: str, opschaling_id: str) -> dict[str, Any]:
        """Close an opschaling with its uitkomst (the regie)."""
        opschaling = voortgang.opschaling_afronden(
            services(),
            gebruiker(),
            casus_id,
            opschaling_id[:64],
            body["uitkomst"],
            body["toelichting"],
            herkomst=_herkomst(),
        )
        return opschaling_json(opschaling)


@blp.route("/casussen/<string:casus_id>/avefase")
class AveFaseView(MethodView):
    @authenticated(blp)
    @blp.arguments(AveFaseInSchema)
    @blp.response(201, GebeurtenisSchema)
    @_NOT_FOUND
    @_problem(409, "the casus is not about verward gedrag, is closed, or is already in this fase")
    def post(self, body: dict[str, Any], casus_id: str) -> dict[str, Any]:
        """Set the AVE-fase (1-4) of a casus about verward gedrag (the regie); the history says from and to."""
        return gebeurtenis_json(
            voortgang.ave_fase(services(), gebruiker(), casus_id, body["fase"], body["toelichting"])
        )


@blp.route("/casussen/<string:casus_id>/plan/verstrekkingen")
class Planverstrekkingen(MethodView):
    @authenticated(blp)
    @blp.arguments(VerzoekSchema)
    @blp.response(201, PlaninzageSchema)
    @_problem(404, "no such casus for this partner (existence is not revealed)")
    @_problem(403, "the doel is not permitted in the casus's fase")
    @_problem(410, "the casus's data was destroyed")
    @_problem(503, "the verstrekking log could not record the request: nothing was disclosed")
    def post(self, body: dict[str, Any], casus_id: str) -> tuple[dict[str, Any], int, dict[str, str]]:
        """The plan with the texts the convenant allows for a doel (plan-van-aanpak, monitoring); logged first."""
        velden = tuple(body["velden"]) if body.get("velden") is not None else None
        uitgifte = inzage.inzien(
            services(),
            gebruiker(),
            casus_id[:64],
            Verzoek(body["doel"], velden),
            current_trace(),
            certificaat_oin=certificaat_oin(),
        )
        location = f"/v1/verantwoording/bewijzen/{uitgifte.bewijs.log_index}"
        return inzage_json(uitgifte), 201, {"Location": location}


@blp.route("/werkvoorraad/acties")
class Werkvoorraad(MethodView):
    @authenticated(blp)
    @blp.arguments(WerkvoorraadQuerySchema, location="query")
    @blp.response(200, PlanactieLijstSchema)
    @_problem(403, "this rol holds no regie")
    def get(self, query: dict[str, Any]) -> dict[str, Any]:
        """The lopende acties of the casussen whose regie the caller holds (`verlopen=true`: only the overdue
        ones), soonest deadline first: metadata only."""
        dag, acties = lezen.werkvoorraad(services(), gebruiker(), alleen_verlopen=query["verlopen"])
        return {"vandaag": dag, "acties": [actie_json(a, dag) for a in acties]}

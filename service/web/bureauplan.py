"""`/bureau/casussen/<id>/plan`: a casus's plan van aanpak for the Bureau ZVH: doelen per leefgebied, acties with
owner, deadline and status (overdue ones marked), afspraken, opschalingen, the AVE-fase with its history.

Invariants:
- The GET shows metadata only (`service_layer.plan.lezen`). The texts are shown only in the answer to the POST
  "teksten tonen", which is a verstrekking with doel `plan-van-aanpak` for exactly the plan's text velden,
  decided and logged by `service_layer.plan.inzage` before anything is rendered; the page names its log index.
- A status change goes through `service_layer.plan.voortgang.actie_status` (the regie or the actie's own
  partner), like the API; a refusal changes nothing and is answered with the API's status and a Dutch reason.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from service.domain.beslissing import Verzoek
from service.domain.errors import DeelpoortError, NietGevondenError
from service.domain.plan import TEKSTVELDEN, ActieStatus
from service.domain.verstrekking import Trace
from service.http_status import http_status
from service.service_layer.plan import inzage, lezen, voortgang
from service.service_layer.plan.inzage import Planinzage
from service.web import bureauteksten
from service.web.bureau import ROLLEN, namen
from service.web.bureauteksten import FOUTEN, melding
from service.web.sessie import app_services, beveilig, gebruiker, login_required

bp = Blueprint("bureau_plan", __name__, url_prefix="/bureau/casussen", template_folder="templates")
beveilig(bp)
PLANDOEL = "plan-van-aanpak"


@bp.context_processor
def _hulp() -> dict[str, Any]:
    return {
        **namen(),
        "teksten_nl": bureauteksten,
        "statussen": [(s.value, bureauteksten.STATUSSEN[s]) for s in ActieStatus],
    }


@bp.route("/<casus_id>/plan")
@login_required(*ROLLEN)
def plan(casus_id: str) -> Any:
    return _pagina(casus_id[:64])


def _pagina(casus_id: str, *, fout: str | None = None, status: int = 200, inzage_: Planinzage | None = None) -> Any:
    try:
        overzicht = lezen.plan(app_services(), gebruiker(), casus_id)
    except NietGevondenError:
        return render_template("fout.html", titel="Niet gevonden", melding=FOUTEN[404]), 404
    page = render_template(
        "bureau/plan.html",
        titel="Plan van aanpak",
        casus_id=casus_id,
        overzicht=overzicht,
        plan=overzicht.plan,
        fout=fout,
        inzage=inzage_,
        teksten=inzage_.teksten if inzage_ is not None else {},
        verlopen=[a for a in overzicht.plan.acties if a.verlopen(overzicht.vandaag)],
    )
    return page, status


@bp.route("/<casus_id>/plan/teksten", methods=["POST"])
@login_required(*ROLLEN)
def teksten(casus_id: str) -> Any:
    """Show the plan with its texts: a logged verstrekking (refusals are logged too) before anything renders."""
    trace = Trace(secrets.token_hex(16), secrets.token_hex(8))
    verzoek = Verzoek(PLANDOEL, tuple(sorted(TEKSTVELDEN)))
    try:
        uitgifte = inzage.inzien(app_services(), gebruiker(), casus_id[:64], verzoek, trace)
    except DeelpoortError as exc:
        return _pagina(casus_id[:64], fout=melding(exc), status=http_status(exc) or 400)
    return _pagina(casus_id[:64], inzage_=uitgifte)


@bp.route("/<casus_id>/acties/<actie_id>/status", methods=["POST"])
@login_required(*ROLLEN)
def actie_status(casus_id: str, actie_id: str) -> Any:
    try:
        voortgang.actie_status(
            app_services(), gebruiker(), casus_id[:64], actie_id[:64], request.form.get("status", "")[:20]
        )
    except DeelpoortError as exc:
        return _pagina(casus_id[:64], fout=melding(exc), status=http_status(exc) or 400)
    return redirect(url_for("bureau_plan.plan", casus_id=casus_id[:64], _anchor="acties"), 303)

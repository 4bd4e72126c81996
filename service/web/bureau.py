"""`/bureau`: the pages of the Bureau ZVH (procesregisseur, procesondersteuner): the werkvoorraad of acties, the
agenda of the next overleggen with their attendance, and a casus's plan van aanpak (Dutch, no JavaScript).

Invariants:
- Every view is behind `login_required` for the Bureau's rollen; the service layer decides everything else (who
  holds the regie, who chairs an overleg, who may change an actie) exactly as it does for the API.
- These pages show metadata: ids, codes with their names from the convenant, dates. A text of the plan is shown
  only in the answer to the POST that asked for it, after the service layer logged it as a verstrekking (doel
  `plan-van-aanpak`), with its receipt; never in a GET, never in a URL, never cached (`Cache-Control: no-store`).
- A refused change changes nothing and says why in Dutch, with the status the API would give.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from service.domain.casus import Casus, utcnow
from service.domain.errors import DeelpoortError, NietToegestaanError, OngeldigeInvoerError
from service.domain.overleg import Overleg
from service.http_status import http_status
from service.service_layer.overleg import overleggen
from service.service_layer.overleg.overleggen import Aanwezigheid
from service.service_layer.plan import lezen
from service.web import nederlands
from service.web.bureauteksten import FOUTEN, melding
from service.web.sessie import app_services, beveilig, gebruiker, login_required, registreer_thuis

bp = Blueprint("bureau", __name__, url_prefix="/bureau", template_folder="templates")
beveilig(bp)
ROLLEN = ("procesregisseur", "procesondersteuner")
registreer_thuis("procesregisseur", "bureau.werkvoorraad")
registreer_thuis("procesondersteuner", "bureau.agenda")
AGENDA_DAGEN = 28  # the agenda shows the overleggen of the next four weeks unless asked otherwise


def namen() -> dict[str, Any]:
    """The template helpers of the Bureau pages: Dutch dates, and names from the convenant for codes (a code the
    convenant does not know is shown as itself)."""
    convenant = app_services().convenant
    partners = {p.id: p.naam for p in convenant.partners}
    gemeenten = {g.id: g.naam for g in convenant.gemeenten}
    onderwerpen = {o.id: o.naam for o in convenant.onderwerpen}

    def soortnaam(soort: str) -> str:
        gevonden = convenant.overlegsoort(soort)
        return gevonden.naam if gevonden is not None else soort

    return {
        "nl": nederlands,
        "partnernaam": lambda p: partners.get(p, p),
        "gemeentenaam": lambda g: gemeenten.get(g, g),
        "onderwerpnaam": lambda o: onderwerpen.get(o, o),
        "soortnaam": soortnaam,
    }


bp.context_processor(namen)


@bp.route("/")
@login_required(*ROLLEN)
def werkvoorraad() -> Any:
    alleen_verlopen = request.args.get("verlopen") == "1"
    services, wie = app_services(), gebruiker()
    try:
        casussen = lezen.casussen_in_regie(services, wie)
        dag, acties = lezen.werkvoorraad(services, wie, alleen_verlopen=alleen_verlopen)
    except NietToegestaanError:
        return render_template("bureau/werkvoorraad.html", titel="Werkvoorraad", geen_regie=True)
    met_actie = {a.casus_id for a in acties}
    verlopen = [a for a in acties if a.verlopen(dag)]
    return render_template(
        "bureau/werkvoorraad.html",
        titel="Werkvoorraad",
        geen_regie=False,
        vandaag=dag,
        acties=acties,
        aantal_verlopen=len(verlopen),
        alleen_verlopen=alleen_verlopen,
        casussen={c.id: c for c in casussen},
        zonder_actie=[] if alleen_verlopen else [c for c in casussen if c.id not in met_actie],
    )


def _periode(args: Any, vandaag: dt.date) -> tuple[dt.date, dt.date, list[tuple[str, str]]]:
    problems: list[tuple[str, str]] = []
    gekozen: dict[str, dt.date] = {}
    for naam, standaard in (("van", vandaag), ("tot", vandaag + dt.timedelta(days=AGENDA_DAGEN - 1))):
        tekst = str(args.get(naam, "")).strip()[:20]
        try:
            gekozen[naam] = dt.date.fromisoformat(tekst) if tekst else standaard
        except ValueError:
            problems.append((naam, "geen datum (jjjj-mm-dd)"))
            gekozen[naam] = standaard
    return gekozen["van"], gekozen["tot"], problems


@bp.route("/agenda")
@login_required(*ROLLEN)
def agenda() -> Any:
    return _agenda()


def _agenda(fout: str | None = None, status: int = 200) -> Any:
    services, wie = app_services(), gebruiker()
    vandaag = lezen.vandaag(utcnow())
    van, tot, problems = _periode(request.args, vandaag)
    gevonden: list[Overleg] = []
    if problems:
        fout = "Controleer de periode: " + ", ".join(f"{naam} is {reden}" for naam, reden in problems) + "."
        status = 400
    else:
        try:
            gevonden = overleggen.agenda(services, wie, van, tot)
        except OngeldigeInvoerError:
            fout, status = "De periode is ongeldig: 'tot' ligt vóór 'van' of meer dan een jaar erna.", 400
    casussen = _bekende_casussen()
    page = render_template(
        "bureau/agenda.html",
        titel="Agenda",
        van=van,
        tot=tot,
        overleggen=gevonden,
        casussen=casussen,
        voorzitter=lambda o: o.voorzitter_partner == wie.partner_id and wie.rol == "procesregisseur",
        fout=fout,
    )
    return page, status


def _bekende_casussen() -> dict[str, Casus]:
    """The caller's regie casussen by id, to name an agendapunt by gemeente and onderwerp (others by id)."""
    try:
        return {c.id: c for c in lezen.casussen_in_regie(app_services(), gebruiker())}
    except NietToegestaanError:
        return {}


@bp.route("/overleggen/<overleg_id>/aanwezigheid", methods=["POST"])
@login_required(*ROLLEN)
def aanwezigheid(overleg_id: str) -> Any:
    form = request.form
    keuze = form.get("aanwezig", "")
    if keuze not in ("ja", "nee"):
        return _agenda(FOUTEN[400], 400)
    invoer = Aanwezigheid(
        form.get("casus", "")[:64],
        form.get("partner", "")[:80],
        keuze == "ja",
        incidenteel=form.get("incidenteel") == "ja",
    )
    try:
        overleggen.aanwezigheid_vastleggen(app_services(), gebruiker(), overleg_id[:64], invoer)
    except DeelpoortError as exc:
        return _agenda(melding(exc), http_status(exc) or 400)
    return redirect(_terug(), 303)


@bp.route("/overleggen/<overleg_id>/verklaringen", methods=["POST"])
@login_required(*ROLLEN)
def verklaring(overleg_id: str) -> Any:
    try:
        overleggen.verklaring_vastleggen(
            app_services(), gebruiker(), overleg_id[:64], request.form.get("partner", "")[:80]
        )
    except DeelpoortError as exc:
        return _agenda(melding(exc), http_status(exc) or 400)
    return redirect(_terug(), 303)


def _terug() -> str:
    """Back to the agenda period the form was posted from (only dates pass; anything else: the default)."""
    args: dict[str, Any] = {k: v for k in ("van", "tot") if (v := request.args.get(k, "")[:10]) and _is_datum(v)}
    return url_for("bureau.agenda", **args)


def _is_datum(waarde: str) -> bool:
    try:
        dt.date.fromisoformat(waarde)
    except ValueError:
        return False
    return True

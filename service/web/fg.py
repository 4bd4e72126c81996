"""`/fg`: the pages of the functionaris gegevensbescherming (Dutch, server-rendered, no JavaScript).

Invariants:
- Every view is behind `login_required("fg")`; the service layer checks the rol again.
- Pages show log metadata only (built from `Regel`), never a field value; the BSN of an access request is
  posted (never in a URL), used once and never shown back, not even on the printable report. The FG sees every
  record found, deferred ones marked; the printable report for the person is `rechten.persoonsrapport.uit_inzage`
  (no deferred and no CTER records).
- The verstrekkingen pages (list, overview, timeline, signals, exports) never show a beheer history record; the
  beheer page shows those records and nothing else, each with a link to its inclusion proof.
"""

from __future__ import annotations

import base64
import datetime as dt
from typing import Any, cast
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request, stream_with_context, url_for

from service.domain.errors import (
    ConflictError,
    NietBeschikbaarError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)
from service.domain.verantwoording import UITKOMSTEN, Pagina, Selectie
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.beheer import weergave as beheerweergave
from service.service_layer.logboek import controle as logboek
from service.service_layer.logboek import integriteit as integriteit_service
from service.service_layer.rechten.persoonsrapport import uit_inzage
from service.service_layer.verantwoording import raadplegen as verantwoording
from service.service_layer.verantwoording import signalering
from service.service_layer.verantwoording.export import csv_export, json_export
from service.service_layer.verantwoording.ldv import ldv_bron, ldv_export
from service.service_layer.verantwoording.levensloop import levensloop
from service.settings import API_VERSION, Settings
from service.web import beheerlijst, nederlands, omschrijvingen
from service.web.fgoverzicht import overzicht_pagina
from service.web.sessie import app_services, beveilig, gebruiker, login_required, registreer_thuis

bp = Blueprint("fg", __name__, url_prefix="/fg", template_folder="templates")
beveilig(bp)
registreer_thuis("fg", "fg.overzicht")

PAGINA_GROOTTE = 50
_FILTERS = ("partner", "casus", "doel", "grondslag", "uitkomst", "van", "tot")


@bp.context_processor
def _omschrijvingen() -> dict[str, Any]:
    return {"omschrijving": omschrijvingen, "bereik": _bereik, "cn": omschrijvingen.namen(app_services().convenant)}


def _bereik() -> str | None:
    """None for an FG who oversees the whole log (the Bureau's); else the name of the one organisation it sees."""
    partner = verantwoording.bereik(app_services(), gebruiker())
    if partner is None:
        return None
    gevonden = app_services().convenant.partner(partner)
    return gevonden.naam if gevonden is not None else partner


def _settings() -> Settings:
    return cast(Settings, current_app.extensions["deelpoort.settings"])


def _datum(name: str, value: str, problems: list[tuple[str, str]]) -> dt.datetime | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        problems.append((name, "geen datum (jjjj-mm-dd)"))
        return None
    start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    return start + dt.timedelta(days=1) if name == "tot" else start  # "tot" includes that day


def _selectie(args: Any) -> tuple[Selectie, dict[str, str], list[tuple[str, str]]]:
    """The filter form's values as a selection; problems name every bad field (in Dutch)."""
    waarden = {name: str(args.get(name, "")).strip()[:80] for name in _FILTERS}
    problems: list[tuple[str, str]] = []
    if waarden["uitkomst"] and waarden["uitkomst"] not in UITKOMSTEN:
        problems.append(("uitkomst", "onbekende uitkomst"))
    van = _datum("van", waarden["van"], problems)
    tot = _datum("tot", waarden["tot"], problems)
    if van and tot and van >= tot:
        problems.append(("van", "moet vóór 'tot' liggen"))
    selectie = Selectie(
        partner=waarden["partner"] or None,
        casus=waarden["casus"] or None,
        doel=waarden["doel"] or None,
        grondslag=waarden["grondslag"] or None,
        uitkomst=(waarden["uitkomst"] or None) if not problems else None,
        van=van,
        tot=tot,
    )
    return selectie, waarden, problems


def _keuzes() -> dict[str, list[tuple[str, str]]]:
    convenant = app_services().convenant
    return {
        "partners": sorted(((p.id, p.naam) for p in convenant.partners), key=lambda p: p[1]),
        "doelen": [(d.id, d.naam) for d in convenant.doelen],
        "grondslagen": [(g.id, g.naam) for g in convenant.grondslagen],
        "uitkomsten": [(u, u) for u in UITKOMSTEN],
    }


def _partner_namen() -> dict[str, str]:
    return {p.id: p.naam for p in app_services().convenant.partners}


@bp.route("/")
@login_required("fg")
def overzicht() -> Any:
    return overzicht_pagina(_settings())


@bp.route("/verstrekkingen")
@login_required("fg")
def verstrekkingen() -> Any:
    selectie, waarden, problems = _selectie(request.args)
    try:
        nummer = max(1, min(int(request.args.get("pagina", "1")), 100_000))
    except ValueError:
        nummer = 1
    oplopend = request.args.get("volgorde") == "oplopend"
    result = None
    if not problems:
        try:
            result = verantwoording.verstrekkingen(
                app_services(), gebruiker(), selectie, Pagina(nummer, PAGINA_GROOTTE, not oplopend), tellen=True
            )
        except NietToegestaanError:
            problems.append(("partner", "u ziet alleen de verstrekkingen aan uw eigen organisatie"))
    query = {k: v for k, v in waarden.items() if v}
    if oplopend:
        query["volgorde"] = "oplopend"
    return render_template(
        "fg/verstrekkingen.html",
        titel="Verstrekkingen",
        result=result,
        waarden=waarden,
        oplopend=oplopend,
        problemen=problems,
        keuzes=_keuzes(),
        namen=_partner_namen(),
        nummer=nummer,
        vorige=urlencode({**query, "pagina": nummer - 1}) if nummer > 1 else None,
        volgende=urlencode({**query, "pagina": nummer + 1}) if result is not None and result.meer else None,
        export=urlencode(query),
    ), (400 if problems else 200)


@bp.route("/export")
@login_required("fg")
def export() -> Any:
    selectie, _, problems = _selectie(request.args)
    formaat = request.args.get("formaat", "")
    if problems or formaat not in ("csv", "json", "ldv"):
        return render_template("fout.html", titel="Ongeldige export", melding="Kies csv, json of ldv."), 400
    try:
        selectie = verantwoording.binnen_bereik(app_services(), gebruiker(), selectie)
    except NietToegestaanError:
        melding = "U ziet alleen de verstrekkingen aan uw eigen organisatie."
        return render_template("fout.html", titel="Geen toegang", melding=melding), 403
    config = _settings()
    regels = verantwoording.alle_verstrekkingen(app_services(), gebruiker(), selectie, limiet=config.export_max)
    if formaat == "csv":
        body, mime = csv_export(regels), "text/csv"
    elif formaat == "json":
        body, mime = json_export(regels), "application/json"
    else:
        bron = ldv_bron(app_services().convenant, config.register_uri, API_VERSION)
        body, mime = ldv_export(regels, bron), "application/jsonl"
    response = Response(stream_with_context(body), mimetype=mime)
    extension = "jsonl" if formaat == "ldv" else formaat
    response.headers["Content-Disposition"] = f'attachment; filename="verstrekkingen.{extension}"'
    return response


@bp.route("/casussen/<casus_id>")
@login_required("fg")
def tijdlijn(casus_id: str) -> Any:
    if not casus_id.isalnum() or len(casus_id) > 32:
        return render_template("fout.html", titel="Onbekende casus", melding="Geen geldige casusreferentie."), 404
    result = verantwoording.verstrekkingen(
        app_services(), gebruiker(), Selectie(casus=casus_id), Pagina(1, 200, nieuwste_eerst=False)
    )
    stappen = levensloop(app_services(), gebruiker(), casus_id)
    items: list[tuple[dt.datetime, str, Any]] = [(nederlands.als_moment(r.tijd), "record", r) for r in result.regels]
    items += [(stap.tijd, "stap", stap) for stap in stappen]
    return render_template(
        "fg/tijdlijn.html",
        titel="Tijdlijn",
        casus=casus_id,
        items=sorted(items, key=lambda item: item[0]),
        regels=result.regels,
        stappen=stappen,
        meer=result.meer,
        namen=_partner_namen(),
    )


@bp.route("/inzageverzoek", methods=["GET", "POST"])
@login_required("fg")
def inzageverzoek() -> Any:
    inzage = rapport = None
    fout = None
    status = 200
    if request.method == "POST":
        try:
            nu = dt.datetime.now(dt.UTC)
            bsn = request.form.get("bsn", "")[:40]
            inzage = verantwoording.inzageverzoek(app_services(), gebruiker(), bsn, now=nu)
            rapport = uit_inzage(app_services(), inzage, nu.date())  # for the person: no deferred, no CTER records
        except OngeldigeInvoerError:
            fout, status = "Vul een BSN van negen cijfers in.", 400
    return render_template(
        "fg/inzage.html",
        titel="Inzageverzoek",
        inzage=inzage,
        rapport=rapport,
        fout=fout,
        datum=dt.datetime.now(dt.UTC),
    ), status


@bp.route("/integriteit")
@login_required("fg")
def integriteit() -> Any:
    """The quick check now and the latest full verifications; `?controle=<id>` marks the one just run."""
    return _integriteit_pagina(gekozen=request.args.get("controle", "")[:32])


@bp.route("/integriteit/controles", methods=["POST"])
@login_required("fg")
def integriteitscontrole() -> Any:
    """Verify the whole log now (the button on the integrity page), then show the page with its outcome."""
    try:
        controle = integriteit_service.volledige_controle(app_services(), gebruiker())
    except ConflictError:
        return _integriteit_pagina(
            fout="Er loopt al een volledige controle. Probeer het over enkele ogenblikken opnieuw."
        ), 409
    return redirect(url_for("fg.integriteit", controle=controle.id, _anchor="controles"), 303)


def _integriteit_pagina(*, gekozen: str = "", fout: str | None = None) -> str:
    result = integriteit_service.integriteit(app_services(), gebruiker())
    return render_template(
        "fg/integriteit.html", titel="Integriteit", result=result, gekozen=gekozen, fout=fout, nl=nederlands
    )


@bp.route("/signalen")
@login_required("fg")
def signalen() -> Any:
    drempels = signalering.drempels_uit(_settings())
    found = signalering.signalen(app_services(), gebruiker(), drempels)
    van = (dt.datetime.now(dt.UTC) - dt.timedelta(days=drempels.venster_dagen)).date().isoformat()
    return render_template(
        "fg/signalen.html", titel="Signalen", signalen=found, drempels=drempels, namen=_partner_namen(), van=van
    )


@bp.route("/beheer")
@login_required("fg")
def beheergeschiedenis() -> Any:
    try:
        gebeurtenissen = beheer.geschiedenis(app_services(), gebruiker())
    except NietBeschikbaarError:
        melding = "De beheergeschiedenis in het logboek is beschadigd; zie Integriteit."
        return render_template("fout.html", titel="Beheergeschiedenis onleesbaar", melding=melding), 503
    try:
        lijst = beheerlijst.lijst(gebeurtenissen, request.args.get("groep"), request.args.get("pagina"))
    except ValueError as exc:
        return render_template("fout.html", titel="Ongeldige selectie", melding=str(exc)), 400
    ids = {e.gebruiker for e in lijst.rijen} | {e.betreft for e in lijst.rijen if e.betreft}
    return render_template(
        "fg/beheer.html",
        titel="Beheer",
        lijst=lijst,
        groepnamen=beheerlijst.GROEPEN,
        namen=_partner_namen(),
        personen=beheerweergave.personen(app_services(), ids),
    )


@bp.route("/bewijzen/<int:index>")
@login_required("fg")
def bewijs(index: int) -> Any:
    try:
        found = logboek.insluitingsbewijs(app_services(), gebruiker(), index, None)
    except NietGevondenError:
        return render_template("fout.html", titel="Onbekend record", melding="Geen record met deze logindex."), 404
    return render_template(
        "fg/bewijs.html",
        titel="Insluitingsbewijs",
        bewijs=found,
        record=verantwoording.record_op_index(app_services(), gebruiker(), index),
        blad=_b64(found.blad_hash),
        wortel=_b64(found.wortel),
        pad=[_b64(h) for h in found.pad],
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()

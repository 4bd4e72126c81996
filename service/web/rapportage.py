"""`/rapportage`: the annual report for the Bureau's manager: every table, SVG charts of the main ones, and a
print stylesheet that makes it the appendix of the annual report (Dutch, server-rendered, no JavaScript).

Invariants:
- Behind `login_required("manager")`; the service layer decides again (the policy's grants for doel
  `managementinformatie`) and logs every report it computes as one verstrekking naming no person.
- Published figures by default (small cells withheld as "x"); the exact counts only when asked, marked on the
  page as internal. Nothing but counts and the convenant's names is shown; the form uses GET (no token in it).
"""

from __future__ import annotations

import secrets
from typing import Any, cast

from flask import Blueprint, current_app, render_template, request

from service.domain.casus import utcnow
from service.domain.errors import DeelpoortError
from service.domain.verstrekking import Trace
from service.http_status import http_status
from service.service_layer.managementinformatie import rapport
from service.service_layer.managementinformatie.weergave import Tabelweergave, weergaven
from service.settings import Settings
from service.web import nederlands
from service.web.bureauteksten import melding
from service.web.grafieken import Grafiek, horizontaal
from service.web.sessie import app_services, beveilig, gebruiker, login_required, registreer_thuis

bp = Blueprint("rapportage", __name__, url_prefix="/rapportage", template_folder="templates")
beveilig(bp)
registreer_thuis("manager", "rapportage.overzicht")
# The tables drawn as charts, and the column drawn (the others are tables only).
GRAFIEKEN = {
    "per-gemeente": 0,
    "aanmeldingen-per-domein": 0,
    "hoofdonderwerp": 0,
    "leeftijd": 0,
    "uitkomsten": 0,
}


@bp.route("/")
@login_required("manager")
def overzicht() -> Any:
    nu = utcnow()
    jaar_tekst = str(request.args.get("jaar", "")).strip()[:4]
    jaar = int(jaar_tekst) if jaar_tekst.isdigit() else nu.year - 1
    gemeente = str(request.args.get("gemeente", "")).strip()[:80] or None
    publicatie = request.args.get("intern") != "1"
    settings = cast(Settings, current_app.extensions["deelpoort.settings"])
    vraag = rapport.Vraag(jaar, gemeente, publicatie, settings.mi_drempel)
    convenant = app_services().convenant
    context: dict[str, Any] = {
        "titel": f"Jaarcijfers {jaar}",
        "jaar": jaar,
        "jaren": list(range(nu.year, rapport.EERSTE_JAAR - 1, -1))[:10],
        "gemeente": gemeente,
        "gemeenten": [(g.id, g.naam) for g in convenant.gemeenten],
        "gemeentenaam": next((g.naam for g in convenant.gemeenten if g.id == gemeente), None),
        "publicatie": publicatie,
        "drempel": settings.mi_drempel,
        "nl": nederlands,
    }
    try:
        uitkomst = rapport.rapporteer(
            app_services(), gebruiker(), vraag, Trace(secrets.token_hex(16), secrets.token_hex(8))
        )
    except DeelpoortError as exc:
        return render_template("rapportage/overzicht.html", fout=melding(exc), tabellen=[], **context), http_status(
            exc
        ) or 400
    tabellen = weergaven(uitkomst)
    return render_template(
        "rapportage/overzicht.html",
        fout=None,
        tabellen=tabellen,
        grafieken={t.id: _grafiek(t) for t in tabellen if t.id in GRAFIEKEN},
        gemaakt=nederlands.moment(uitkomst.verstrekking.tijd),
        logindex=uitkomst.bewijs.log_index,
        **context,
    )


def _grafiek(weergave: Tabelweergave) -> Grafiek:
    """The chart of one column of a table: its published rows (no total, no withheld cell)."""
    t = weergave.tabel
    kolom = GRAFIEKEN[t.id]
    rijen = t.rijen[:-1] if t.totaalrij else t.rijen
    items = [(label, v) for label, w in zip(rijen, weergave.waarden, strict=False) if (v := w[kolom]) is not None]
    return horizontaal(f"{t.titel} ({t.kolommen[kolom].lower()})", items)

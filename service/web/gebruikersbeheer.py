"""`/beheer/gebruikers`: the beheerders' pages over gebruikers and their tokens (the same use cases as the API).

Invariants:
- Every view is behind `login_required("beheerder")`, every POST carries the session's CSRF token, and the
  service layer decides (four eyes, who may get a token), so a crafted POST gets what the API would give.
- A token is shown once: in the answer to the POST that issues it (no redirect, `Cache-Control: no-store` as on
  every page), never on a page that can be reloaded or listed.
- A refused form is shown again with its input and every problem in Dutch, at the API's status; nothing changed.
- A successful change answers 303 to the gebruiker's page (post/redirect/get); a change that became a proposal
  answers 303 to that proposal, where the second beheerder decides.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from service.domain.errors import DeelpoortError, OngeldigeInvoerError
from service.domain.identiteit import VIER_OGEN_ROLLEN, Filter, GebruikerStatus, OidcIdentiteit, SoortGebruiker
from service.http_status import status_van
from service.meldingen import beheer as meldingen
from service.service_layer.identiteit import gebruikersbeheer, tokens
from service.service_layer.identiteit.gebruikersbeheer import NieuweGebruiker, Uitkomst
from service.web.sessie import app_services, beveilig, gebruiker, login_required

bp = Blueprint("beheer_gebruikers", __name__, url_prefix="/beheer/gebruikers", template_folder="templates")
beveilig(bp)

PAGINA = 50
MAX_PAGINA = 100_000  # as the FG's list: far beyond any region's gebruikers
STATUSLABELS = {
    "voorgesteld": "voorgesteld (wacht op een tweede beheerder)",
    "actief": "actief",
    "geschorst": "geschorst",
    "verwijderd": "verwijderd",
}
WIJZIGINGEN = {"geschorst": "Schorsen", "actief": "Schorsing opheffen", "verwijderd": "Verwijderen (definitief)"}
_WIJZIG = {
    "geschorst": gebruikersbeheer.schors,
    "actief": gebruikersbeheer.herstel,
    "verwijderd": gebruikersbeheer.verwijder,
}


@bp.context_processor
def _labels() -> dict[str, Any]:
    services = app_services()
    return {
        "partnernamen": {p.id: p.naam for p in services.convenant.partners},
        "rolnamen": {r.id: r.naam for r in services.convenant.rollen},
        "statuslabels": STATUSLABELS,
    }


@bp.errorhandler(DeelpoortError)
def _fout(exc: DeelpoortError) -> Any:
    status = status_van(exc)
    titel = "Niet gevonden" if status == 404 else "Niet gelukt"
    return render_template("beheer/fout.html", titel=titel, melding=meldingen.melding(exc), problemen=[]), status


@bp.route("/")
@login_required("beheerder")
def lijst() -> Any:
    args = request.args
    soort, status = args.get("soort", ""), args.get("status", "")
    filter = Filter(
        args.get("partner") or None,
        args.get("rol") or None,
        SoortGebruiker(soort) if soort in SoortGebruiker.__members__.values() else None,
        GebruikerStatus(status) if status in GebruikerStatus.__members__.values() else None,
    )
    # A page number past the last shows an empty page; capped, since an offset beyond 64 bits was a 500.
    pagina = min(max(1, int(args["pagina"])), MAX_PAGINA) if args.get("pagina", "").isdigit() else 1
    found, totaal = gebruikersbeheer.lijst(
        app_services(), gebruiker(), filter, limit=PAGINA, offset=(pagina - 1) * PAGINA
    )
    return render_template(
        "beheer/gebruikers.html",
        titel="Gebruikers",
        gebruikers=found,
        totaal=totaal,
        pagina=pagina,
        paginas=max(1, -(-totaal // PAGINA)),
        filter=filter,
        keuzes=_keuzes(),
    )


@bp.route("/nieuw")
@login_required("beheerder")
def nieuw() -> Any:
    return _nieuw_pagina({})


@bp.route("/", methods=["POST"])
@login_required("beheerder")
def maak() -> Any:
    waarden = {k: str(request.form.get(k, "")).strip() for k in _VELDEN}
    problemen: list[tuple[str, str]] = []
    if waarden["soort"] not in SoortGebruiker.__members__.values():
        problemen.append(("Soort", "kies persoon of systeem"))
    if bool(waarden["oidc_issuer"]) != bool(waarden["oidc_subject"]):
        problemen.append(("Account bij de identiteitsaanbieder", "vul beide velden in, of geen van beide"))
    if problemen:
        return _nieuw_pagina(waarden, problemen=problemen, status=400)
    oidc = OidcIdentiteit(waarden["oidc_issuer"], waarden["oidc_subject"]) if waarden["oidc_issuer"] else None
    nieuw = NieuweGebruiker(waarden["partner"], waarden["rol"], SoortGebruiker(waarden["soort"]), waarden["naam"], oidc)
    try:
        uitkomst = gebruikersbeheer.maak_aan(app_services(), gebruiker(), nieuw, waarden["toelichting"])
    except OngeldigeInvoerError as exc:
        return _nieuw_pagina(waarden, problemen=meldingen.problemen(exc), status=400)
    except DeelpoortError as exc:
        return _nieuw_pagina(waarden, melding=meldingen.melding(exc), status=status_van(exc))
    return _verder(uitkomst)


_VELDEN = ("partner", "rol", "soort", "naam", "toelichting", "oidc_issuer", "oidc_subject")


def _nieuw_pagina(
    waarden: dict[str, str], *, problemen: list[tuple[str, str]] | None = None, melding: str = "", status: int = 200
) -> Any:
    return render_template(
        "beheer/gebruiker_nieuw.html",
        titel="Nieuwe gebruiker",
        w=waarden,
        problemen=problemen or [],
        melding=melding,
        keuzes=_keuzes(),
        vier_ogen=sorted(VIER_OGEN_ROLLEN),
    ), status


@bp.route("/<gebruiker_id>")
@login_required("beheerder")
def toon(gebruiker_id: str) -> Any:
    return _pagina(gebruiker_id)


def _pagina(
    gebruiker_id: str, *, nieuw_token: str = "", melding: str = "", problemen: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> Any:  # fmt: skip
    services = app_services()
    found = gebruikersbeheer.toon(services, gebruiker(), gebruiker_id)
    return render_template(
        "beheer/gebruiker.html",
        titel=found.naam,
        g=found,
        tokens=list(reversed(tokens.lijst(services, gebruiker(), gebruiker_id))),
        nieuw_token=nieuw_token,
        melding=melding,
        problemen=problemen or [],
        wijzigingen={k: v for k, v in WIJZIGINGEN.items() if _kan(found.status, k)},
        krijgt_token=found.rol not in VIER_OGEN_ROLLEN and found.status is GebruikerStatus.ACTIEF,
        vier_ogen=found.rol in VIER_OGEN_ROLLEN,
    ), status


def _kan(status: GebruikerStatus, naar: str) -> bool:
    return {
        "geschorst": status is GebruikerStatus.ACTIEF,
        "actief": status is GebruikerStatus.GESCHORST,
        "verwijderd": status in (GebruikerStatus.ACTIEF, GebruikerStatus.GESCHORST),
    }[naar]


@bp.route("/<gebruiker_id>/status", methods=["POST"])
@login_required("beheerder")
def status(gebruiker_id: str) -> Any:
    naar = str(request.form.get("status", ""))
    wijzig = _WIJZIG.get(naar)
    if wijzig is None:
        return _pagina(gebruiker_id, problemen=[("Status", "kies een van de wijzigingen")], status=400)
    try:
        uitkomst = wijzig(app_services(), gebruiker(), gebruiker_id, str(request.form.get("toelichting", "")))
    except OngeldigeInvoerError as exc:
        return _pagina(gebruiker_id, problemen=meldingen.problemen(exc), status=400)
    except DeelpoortError as exc:
        return _pagina(gebruiker_id, melding=meldingen.melding(exc), status=status_van(exc))
    return _verder(uitkomst)


@bp.route("/<gebruiker_id>/tokens", methods=["POST"])
@login_required("beheerder")
def token(gebruiker_id: str) -> Any:
    """Issue a token and show it on this answer only (reloading does not show it again: no redirect)."""
    try:
        issued, _ = tokens.geef_uit(app_services(), gebruiker(), gebruiker_id)
    except DeelpoortError as exc:
        return _pagina(gebruiker_id, melding=meldingen.melding(exc), status=status_van(exc))
    return _pagina(gebruiker_id, nieuw_token=issued.token, status=201)


@bp.route("/<gebruiker_id>/tokens/<token_id>/intrekking", methods=["POST"])
@login_required("beheerder")
def intrekking(gebruiker_id: str, token_id: str) -> Any:
    try:
        tokens.trek_in(app_services(), gebruiker(), gebruiker_id, token_id)
    except DeelpoortError as exc:
        return _pagina(gebruiker_id, melding=meldingen.melding(exc), status=status_van(exc))
    return redirect(url_for("beheer_gebruikers.toon", gebruiker_id=gebruiker_id), 303)


def _verder(uitkomst: Uitkomst) -> Any:
    if uitkomst.voorstel is not None:
        return redirect(url_for("beheer.voorstel", voorstel_id=uitkomst.voorstel.id), 303)
    return redirect(url_for("beheer_gebruikers.toon", gebruiker_id=uitkomst.gebruiker.id), 303)


def _keuzes() -> dict[str, list[tuple[str, str]]]:
    convenant = app_services().convenant
    return {
        "partners": sorted(((p.id, p.naam) for p in convenant.partners), key=lambda x: x[1].lower()),
        "rollen": [(r.id, r.naam) for r in convenant.rollen],
        "soorten": [("persoon", "persoon"), ("systeem", "systeem (koppeling van een partner)")],
        "statussen": list(STATUSLABELS.items()),
    }

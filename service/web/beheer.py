"""`/beheer`: the pages of the beheerders (Dutch, server-rendered, no JavaScript) over the four-eyes use cases.

Invariants:
- Every view is behind `login_required("beheerder")`, every POST carries the session's CSRF token (`sessie`),
  and the service layer checks the rol again.
- Nothing on these pages decides: proposing, approving and rejecting are `service_layer.beheer`'s use cases, so
  a crafted POST gets exactly what the API would give (the proposer's own approval is refused there, not only
  hidden here).
- The approve button is shown only next to the decision diff of the proposal (invariant 8: the approver sees
  exactly what changes), never to its proposer, and never when the proposal is already stale.
- An error of the service layer becomes a Dutch message on the page with the API's status (`service.meldingen.beheer`),
  never a 500; a refused form is shown again with its input (an upload's files must be chosen again: a browser
  never refills a file input).
- A successful POST answers 303 to the page of its result (post/redirect/get), so reloading never resubmits.
- Views are generic over `Voorstel.soort`: a soort without a label here is shown by its own name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import RequestEntityTooLarge

from service.domain.beheer import Status, Voorstel
from service.domain.errors import ConflictError, DeelpoortError, NietToegestaanError, OngeldigeInvoerError
from service.http_status import status_van
from service.meldingen import beheer as meldingen
from service.service_layer.beheer import casusvernietiging
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.beheer import weergave as beheerweergave
from service.service_layer.beleid import actief as beleid
from service.service_layer.beleid.invoer import Bestand, Wijziging
from service.service_layer.register import raadplegen as registry
from service.service_layer.services import Services
from service.settings import Settings
from service.web import beheerlijst
from service.web.beheerformulieren import (
    Formulier,
    bestanden_uit,
    partnerwijziging_uit,
    samengesteld,
    terugzetten_uit,
    vernietiging_uit,
    wijziging_uit,
)
from service.web.sessie import app_services, beveilig, gebruiker, login_required, registreer_thuis
from service.web.voorstelpagina import voorstel_pagina

T = TypeVar("T")
bp = Blueprint("beheer", __name__, url_prefix="/beheer", template_folder="templates")
beveilig(bp)
registreer_thuis("beheerder", "beheer.overzicht")

SOORTEN = {
    "beleid": "Wijziging van het veldbeleid",
    "partner-schorsing": "Schorsing van een partner",
    "partner-herstel": "Opheffen van een schorsing",
    "convenant": "Wijziging van het convenant",
    "gebruiker-toevoeging": "Nieuwe beheerder of FG",
    "gebruiker-schorsing": "Schorsing van een beheerder of FG",
    "gebruiker-herstel": "Opheffen van de schorsing van een beheerder of FG",
    "gebruiker-verwijdering": "Verwijdering van een beheerder of FG",
    "casus-vernietiging": "Vroegtijdige vernietiging van een casus",
    "gebruiker": "Gebruiker",
}
STATUSSEN = {"open": "open", "goedgekeurd": "goedgekeurd en in werking", "afgewezen": "afgewezen"}
HANDELINGEN = {
    "voorstel": "voorgesteld",
    "goedkeuring": "goedgekeurd",
    "afwijzing": "afgewezen",
    "activering": "in werking getreden",
    "aangemaakt": "gebruiker aangemaakt",
    "geschorst": "gebruiker geschorst",
    "hersteld": "schorsing opgeheven",
    "verwijderd": "gebruiker verwijderd",
    "token-uitgifte": "token uitgegeven",
    "token-intrekking": "token ingetrokken",
    "token-vernieuwd": "token vernieuwd",
}
EERDERE = 50  # decided proposals shown on the overview (all of them are in the history)


@bp.app_template_filter("kort")
def _kort(versie: str | None) -> str:
    return (versie or "")[:12]


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "soorten": SOORTEN,
        "statussen": STATUSSEN,
        "handelingen": HANDELINGEN,
        "partners": _partner_namen(),
    }


_VERWIJZING = re.compile(r"voorstel ([0-9a-f]{32})(?::\s*(.*))?", re.DOTALL)


@bp.app_template_global("voorstel_in")
def voorstel_in(tekst: str) -> tuple[str | None, str]:
    """A stored text that names a proposal ("voorstel <id>" or "voorstel <id>: <toelichting>", as the use cases
    write a version's herkomst and an activation's toelichting) split into the id and the rest; (None, tekst)
    for any other text. The page names the proposal by its day and links to it instead of printing the id."""
    gevonden = _VERWIJZING.fullmatch(tekst)
    return (gevonden.group(1), gevonden.group(2) or "") if gevonden else (None, tekst)


@bp.errorhandler(DeelpoortError)
def _fout(exc: DeelpoortError) -> Any:
    status = status_van(exc)
    titel = "Niet gevonden" if status == 404 else "Niet gelukt"
    problemen = meldingen.problemen(exc) if isinstance(exc, OngeldigeInvoerError) else []
    return render_template("beheer/fout.html", titel=titel, melding=meldingen.melding(exc), problemen=problemen), status


@bp.errorhandler(RequestEntityTooLarge)
def _te_groot(_: RequestEntityTooLarge) -> Any:
    """The request was larger than the app accepts (read before the CSRF check, so nothing was done)."""
    limit = cast(Settings, current_app.extensions["deelpoort.settings"]).max_body_bytes
    formulier = Formulier.leeg("bestanden" if request.endpoint == "beheer.bestanden" else "")
    formulier.melding = f"Het formulier is te groot: hoogstens {limit // 1024} kB in totaal. Er is niets ingediend."
    return _nieuw_pagina(formulier, status=413)


def _partner_namen() -> dict[str, str]:
    return {p.id: p.naam for p in app_services().convenant.partners}


# --- overview and history ------------------------------------------------------------------------------------


@bp.route("/")
@login_required("beheerder")
def overzicht() -> Any:
    return _overzicht_pagina(Formulier.leeg())


def _overzicht_pagina(formulier: Formulier, status: int = 200) -> Any:
    services = app_services()
    found = beleid.overzicht(services)
    alle = beheer.voorstellen(services)
    activeringen: dict[str, list[Any]] = {}
    for a in found.activeringen:
        activeringen.setdefault(a.versie, []).append(a)
    ids = {v.voorgesteld_door for v in alle} | {a.door for a in found.activeringen}
    gekozen = formulier.waarden.get("versie") if formulier.soort == "terugzetten" else None
    rollbackable = set(activeringen) - {found.actief}  # the versions once active, offered for rollback
    return (
        render_template(
            "beheer/overzicht.html",
            ik=gebruiker().id,  # a proposal of one's own waits for a second beheerder
            terugzet_rij=gekozen if gekozen in rollbackable else None,  # the row that shows its form's problems
            titel="Beheer",
            actief=found.actief,
            versies=list(reversed(found.versies)),  # newest first
            activeringen=activeringen,
            open_voorstellen=[v for v in alle if v.status is Status.OPEN],
            eerdere=[v for v in alle if v.status is not Status.OPEN][:EERDERE],
            geschorst=[p for p in registry.partners(services) if not p["actief"]],
            personen=beheerweergave.personen(services, ids),
            ingediend={v.id: v.voorgesteld_op for v in alle},
            formulier=formulier,
        ),
        status,
    )


@bp.route("/geschiedenis")
@login_required("beheerder")
def geschiedenis() -> Any:
    services = app_services()
    try:
        lijst = beheerlijst.lijst(
            beheer.geschiedenis(services, gebruiker()), request.args.get("groep"), request.args.get("pagina")
        )
    except ValueError as exc:
        return render_template("fout.html", titel="Ongeldige selectie", melding=str(exc)), 400
    return render_template(
        "beheer/geschiedenis.html",
        titel="Geschiedenis",
        lijst=lijst,
        groepnamen=beheerlijst.GROEPEN,
        personen=beheerweergave.personen(
            services, {e.gebruiker for e in lijst.rijen} | {e.betreft for e in lijst.rijen if e.betreft}
        ),
    )


# --- proposing -----------------------------------------------------------------------------------------------


@bp.route("/voorstellen/nieuw")
@login_required("beheerder")
def nieuw() -> Any:
    return _nieuw_pagina(Formulier.leeg())


def _nieuw_pagina(formulier: Formulier, status: int = 200) -> Any:
    services = app_services()
    versie, bestanden = beheerweergave.actieve_bestanden(services)
    return render_template(
        "beheer/nieuw.html",
        titel="Nieuw voorstel",
        actief=versie,
        bestanden=bestanden,
        partnerlijst=registry.partners(services),
        formulier=formulier,
        codes=_codes(services),
    ), status


def _codes(services: Services) -> dict[str, dict[str, str]]:
    """Per part of a policy line, the codes that exist in the convenant in force (code -> name), for the picker."""
    c = services.convenant
    return {
        "subject": {"*": "alle partners"}
        | {t.id: f"soort: {t.naam}" for t in c.partnertypen}
        | {d: f"domein: {d}" for d in sorted(c.domeinen())}
        | {p.id: p.naam for p in sorted(c.partners, key=lambda p: p.naam)},
        "rol": {"*": "alle rollen"} | {r.id: r.naam for r in c.rollen},
        "casustype": {t: t for t in sorted(c.casustypen())},
        "doel": {d.id: d.naam for d in c.doelen},
        "object": {"*": "alle velden"}
        | {k.id: f"categorie: {k.naam}" for k in c.categorieen}
        | {v.id: v.naam for v in c.velden},
        "grondslag": {g.id: g.naam for g in c.grondslagen},
        "effect": {"allow": "toestaan (allow)", "deny": "uitsluiten (deny)"},
    }


@bp.route("/voorstellen/wijziging", methods=["POST"])
@login_required("beheerder")
def wijziging() -> Any:
    if request.form.get("samenstellen"):  # the picker: append one composed line, propose nothing yet
        samen = samengesteld(request.form, _codes(app_services()))
        return _nieuw_pagina(samen, 400 if samen.problemen else 200)
    formulier, change = wijziging_uit(request.form)

    def maak(toelichting: str, change: Wijziging) -> Voorstel:
        return beheer.stel_beleid_voor(app_services(), gebruiker(), toelichting, wijziging=change)

    def controle(change: Wijziging) -> list[tuple[str, str]]:
        return beheerweergave.controleer(app_services(), wijziging=change)

    return _stel_voor(formulier, change, maak, controle)


@bp.route("/voorstellen/bestanden", methods=["POST"])
@login_required("beheerder")
def bestanden() -> Any:
    formulier, files = bestanden_uit(request.form, request.files.getlist("bestanden"))

    def maak(toelichting: str, files: list[Bestand]) -> Voorstel:
        return beheer.stel_beleid_voor(app_services(), gebruiker(), toelichting, bestanden=files)

    def controle(files: list[Bestand]) -> list[tuple[str, str]]:
        return beheerweergave.controleer(app_services(), bestanden=files)

    return _stel_voor(formulier, files, maak, controle)


@bp.route("/voorstellen/terugzetten", methods=["POST"])
@login_required("beheerder")
def terugzetten() -> Any:
    formulier, versie = terugzetten_uit(request.form)

    def maak(toelichting: str, versie: str) -> Voorstel:
        return beheer.stel_beleid_voor(app_services(), gebruiker(), toelichting, versie=versie)

    return _stel_voor(formulier, versie, maak)


@bp.route("/voorstellen/partner", methods=["POST"])
@login_required("beheerder")
def partner() -> Any:
    formulier, keuze = partnerwijziging_uit(request.form)

    def maak(toelichting: str, keuze: tuple[str, bool]) -> Voorstel:
        partner_id, actief = keuze
        return beheer.stel_partnerwijziging_voor(app_services(), gebruiker(), toelichting, partner_id, actief=actief)

    return _stel_voor(formulier, keuze, maak)


@bp.route("/voorstellen/vernietiging", methods=["POST"])
@login_required("beheerder")
def vernietiging() -> Any:
    formulier, casus_id = vernietiging_uit(request.form)

    def maak(toelichting: str, casus_id: str) -> Voorstel:
        return casusvernietiging.stel_voor(app_services(), gebruiker(), toelichting, casus_id)

    return _stel_voor(formulier, casus_id, maak)


def _stel_voor(
    formulier: Formulier,
    invoer: T | None,
    maak: Callable[[str, T], Voorstel],
    controle: Callable[[T], list[tuple[str, str]]] | None = None,
) -> Any:
    """Propose, or show the form again with every problem at once (also the policy's when the toelichting is
    missing) and the status the API would give."""
    if formulier.toelichting_ontbreekt() and invoer is not None and controle is not None:
        formulier.vertaal(controle(invoer))
    if formulier.problemen or invoer is None:
        return _formulier_terug(formulier, 400)
    try:
        made = maak(formulier.toelichting, invoer)
    except OngeldigeInvoerError as exc:
        formulier.fout(exc)
        return _formulier_terug(formulier, 400)
    except DeelpoortError as exc:
        formulier.melding = meldingen.melding(exc)
        return _formulier_terug(formulier, status_van(exc))
    return redirect(url_for("beheer.voorstel", voorstel_id=made.id), 303)


def _formulier_terug(formulier: Formulier, status: int) -> Any:
    if formulier.soort == "terugzetten":  # its form is on the overview, next to the version
        return _overzicht_pagina(formulier, status)
    return _nieuw_pagina(formulier, status)


# --- one proposal: its diff, approval and rejection ----------------------------------------------------------


@bp.route("/voorstellen/<voorstel_id>")
@login_required("beheerder")
def voorstel(voorstel_id: str) -> Any:
    return voorstel_pagina(voorstel_id)


@bp.route("/voorstellen/<voorstel_id>/goedkeuring", methods=["POST"])
@login_required("beheerder")
def goedkeuring(voorstel_id: str) -> Any:
    """Approve, only with the confirmation ticked (400 and nothing changed otherwise) and an optional opmerking."""
    formulier = Formulier("goedkeuring", {"opmerking": str(request.form.get("opmerking", ""))})
    if request.form.get("bevestigd") != "ja":
        formulier.melding = "Vink aan dat u de gevolgen hierboven heeft gelezen; er is niets goedgekeurd."
        return voorstel_pagina(voorstel_id, goedkeuring=formulier, status=400)
    try:
        beheer.keur_goed(app_services(), gebruiker(), voorstel_id, opmerking=formulier.waarden["opmerking"])
    except OngeldigeInvoerError as exc:
        formulier.fout(exc)
        return voorstel_pagina(voorstel_id, goedkeuring=formulier, status=400)
    except (ConflictError, NietToegestaanError) as exc:
        return voorstel_pagina(voorstel_id, melding=meldingen.melding(exc), status=status_van(exc))
    return redirect(url_for("beheer.voorstel", voorstel_id=voorstel_id), 303)


@bp.route("/voorstellen/<voorstel_id>/afwijzing", methods=["POST"])
@login_required("beheerder")
def afwijzing(voorstel_id: str) -> Any:
    formulier = Formulier("afwijzing", {"reden": str(request.form.get("reden", ""))})
    try:
        beheer.wijs_af(app_services(), gebruiker(), voorstel_id, formulier.waarden["reden"])
    except OngeldigeInvoerError as exc:
        formulier.fout(exc)
        return voorstel_pagina(voorstel_id, afwijzing=formulier, status=400)
    except ConflictError as exc:
        return voorstel_pagina(voorstel_id, melding=meldingen.melding(exc), status=status_van(exc))
    return redirect(url_for("beheer.voorstel", voorstel_id=voorstel_id), 303)

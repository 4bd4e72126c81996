"""`/fg/rechten`: the FG enters and lifts beperkingen (AVG art. 18), enters correctie- and verwijderingsverzoeken
(art. 16, 17) and follows them with the earlier recipients of the values, and sees the uitstellen (Dutch, no
JavaScript).

Invariants:
- Behind `login_required("fg")`; the service layer decides who may restrict or enter a correctieverzoek (an FG
  of the Bureau ZVH) and which uitstellen an FG sees (its own partner's, or all for the Bureau's FG).
- The BSN is posted in a form (never in a URL), used once and never shown back, not even after an error.
- Pages show ids, codes, names from the convenant and dates; never a person.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, request, url_for

from service.domain.correctie import Afwijzingsreden, Resultaat, VerzoekSoort
from service.domain.errors import DeelpoortError, NietToegestaanError, OngeldigeInvoerError
from service.domain.rechten import Grond, Opheffingsreden
from service.http_status import http_status
from service.service_layer.rechten import beperking as beperkingen
from service.service_layer.rechten import correctie
from service.service_layer.rechten import uitstel as uitstellen
from service.service_layer.rechten.ontvangers import eerdere_ontvangers
from service.web.sessie import app_services, beveilig, gebruiker, login_required

bp = Blueprint("fg_rechten", __name__, url_prefix="/fg/rechten", template_folder="templates")
beveilig(bp)

GRONDEN = {
    Grond.JUISTHEID_BETWIST: "a. juistheid betwist",
    Grond.ONRECHTMATIG: "b. onrechtmatig, geen wissing gewenst",
    Grond.RECHTSVORDERING: "c. nodig voor een rechtsvordering",
    Grond.BEZWAAR: "d. bezwaar in behandeling",
}
REDENEN = {
    Opheffingsreden.JUIST_OF_GECORRIGEERD: "gegevens juist bevonden of gecorrigeerd",
    Opheffingsreden.BEZWAAR_BESLIST: "op het bezwaar is beslist",
    Opheffingsreden.RECHTSVORDERING_AFGEROND: "rechtsvordering afgerond",
    Opheffingsreden.INGETROKKEN: "verzoek ingetrokken",
    Opheffingsreden.VERGISSING: "ten onrechte ingesteld",
}

VERZOEKSOORTEN = {
    VerzoekSoort.CORRECTIE: "correctie (artikel 16)",
    VerzoekSoort.VERWIJDERING: "verwijdering (artikel 17)",
}
RESULTATEN = {
    Resultaat.GECORRIGEERD: "gecorrigeerd",
    Resultaat.VERWIJDERD: "verwijderd",
    Resultaat.AFGEWEZEN: "afgewezen",
}
AFWIJZINGSREDENEN = {
    Afwijzingsreden.JUIST_BEVONDEN: "juist bevonden",
    Afwijzingsreden.WETTELIJKE_BEWAARPLICHT: "wettelijke bewaarplicht",
    Afwijzingsreden.ALGEMEEN_BELANG: "nodig voor een taak van algemeen belang",
    Afwijzingsreden.RECHTSVORDERING: "nodig voor een rechtsvordering",
}


@bp.route("/")
@login_required("fg")
def overzicht() -> Any:
    return _pagina()


@bp.route("/beperkingen", methods=["POST"])
@login_required("fg")
def beperking() -> Any:
    form = request.form
    try:
        beperkingen.stel_in(
            app_services(),
            gebruiker(),
            form.get("bsn", "")[:40],
            form.get("grond", "")[:40],
            [d[:80] for d in form.getlist("doelen")[: beperkingen.MAX_DOELEN + 1]],
            form.get("regime", "regulier")[:16],
        )
    except DeelpoortError as exc:
        return _pagina(fout=_melding(exc)), http_status(exc) or 400
    return redirect(url_for("fg_rechten.overzicht", _anchor="beperkingen"), 303)


@bp.route("/beperkingen/<beperking_id>/opheffing", methods=["POST"])
@login_required("fg")
def opheffing(beperking_id: str) -> Any:
    try:
        beperkingen.hef_op(app_services(), gebruiker(), beperking_id[:40], request.form.get("reden", "")[:40])
    except DeelpoortError as exc:
        return _pagina(fout=_melding(exc)), http_status(exc) or 400
    return redirect(url_for("fg_rechten.overzicht", _anchor="beperkingen"), 303)


@bp.route("/correctieverzoeken", methods=["POST"])
@login_required("fg")
def correctieverzoek() -> Any:
    form = request.form
    try:
        gedaan = correctie.dien_in(
            app_services(),
            gebruiker(),
            form.get("bsn", "")[:40],
            form.get("soort", "")[:20],
            [v[:80] for v in form.getlist("velden")[: correctie.MAX_VELDEN + 1]],
            form.get("casus", "").strip()[:40] or None,
            form.get("regime", "regulier")[:16],
        )
    except DeelpoortError as exc:
        return _pagina(fout=_melding(exc, "correctieverzoek")), http_status(exc) or 400
    namen = {v.id: v.naam for v in app_services().convenant.velden}
    delen = [f"{len(gedaan.verzoeken)} verzoek(en) doorgestuurd naar de bron, in {gedaan.aantal_casussen} casus(sen)."]
    delen += [
        f"Geen waarde {'in casus ' + g.casus if g.casus else '(de persoon is niet gevonden)'}: "
        + ", ".join(namen.get(v, v) for v in g.velden)
        + "."
        for g in gedaan.geen_waarde
    ]
    return _pagina(melding=" ".join(delen))


def _melding(exc: DeelpoortError, wat: str = "beperking") -> str:
    if isinstance(exc, OngeldigeInvoerError):
        namen = ", ".join(sorted({naam.split("[")[0] for naam, _ in exc.problemen}))
        return f"Controleer de invoer ({namen}). Er is niets vastgelegd."
    if isinstance(exc, NietToegestaanError) and wat == "correctieverzoek":
        return "Alleen de FG van het Zorg- en Veiligheidshuis legt een verzoek om correctie of verwijdering vast."
    if isinstance(exc, NietToegestaanError):
        return "Alleen de FG van het Zorg- en Veiligheidshuis stelt een beperking in of heft die op."
    status = http_status(exc)
    if status == 409:
        return "Deze beperking is al opgeheven."
    if status == 404:
        return f"Deze {'casus' if wat == 'correctieverzoek' else 'beperking'} bestaat niet."
    return "Dit lukte niet; er is niets vastgelegd. Probeer het later opnieuw."


def _pagina(*, fout: str | None = None, melding: str | None = None) -> str:
    services = app_services()
    try:
        lijst = beperkingen.lijst(services, gebruiker())
        verzoeken = correctie.lijst(services, gebruiker())
        mag_beperken = True
    except NietToegestaanError:
        lijst, verzoeken, mag_beperken = [], [], False
    convenant = services.convenant
    return render_template(
        "fg/rechten.html",
        titel="Rechten van betrokkenen",
        fout=fout,
        melding=melding,
        mag_beperken=mag_beperken,
        verzoeken=verzoeken,
        ontvangers=eerdere_ontvangers(services, verzoeken),
        velden=[(v.id, v.naam) for v in convenant.velden],
        veldnamen={v.id: v.naam for v in convenant.velden},
        verzoeksoorten=VERZOEKSOORTEN,
        resultaten=RESULTATEN,
        afwijzingsredenen=AFWIJZINGSREDENEN,
        beperkingen=lijst,
        uitstellen=uitstellen.lijst(services, gebruiker()),
        doelen=[(d.id, d.naam) for d in convenant.doelen],
        doelnamen={d.id: d.naam for d in convenant.doelen},
        partners={p.id: p.naam for p in convenant.partners},
        grondslagen={g.id: g for g in convenant.grondslagen},
        gronden=GRONDEN,
        redenen=REDENEN,
    )

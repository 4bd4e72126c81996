"""The pages' answers to HTTP errors: a Dutch page with a way back, never the API's problem+json.

The application's error handlers are the API's (`api/errors.py`, one per exception class for the whole app); for
a request outside `/v1` they ask this module for the page (`app.extensions`, so the API never
imports the pages). A blueprint's own handlers (the beheer pages' domain errors, the 503 page of a database
fault) still come first.

Invariants: the page names no exception, no value the request held and no stack; it carries the pages' security
headers (CSP `default-src 'self'`, so its stylesheet loads) and the error's own headers (`Allow` on a 405).
"""

from __future__ import annotations

from collections.abc import Iterable

import structlog
from flask import Flask, Response, current_app

from service.web.sessie import PAGE_HEADERS, csrf_veld, huidige_sessie, thuis

log = structlog.get_logger("deelpoort.web")

TEKSTEN: dict[int, tuple[str, str]] = {
    400: (
        "Ongeldig verzoek",
        "Dit adres of formulier bevat iets dat Deelpoort niet kan verwerken. Er is niets opgeslagen.",
    ),
    403: ("Geen toegang", "U hebt geen toegang tot deze pagina."),
    404: ("Niet gevonden", "Deze pagina bestaat niet. Controleer het adres, of ga terug naar uw startpagina."),
    405: ("Niet toegestaan", "Deze pagina kan niet op deze manier worden gebruikt. Er is niets opgeslagen."),
    409: ("Niet mogelijk", "Dit kan nu niet, in de huidige stand van zaken. Er is niets gewijzigd."),
    413: ("Te groot", "Wat u verstuurde is groter dan Deelpoort aanneemt. Er is niets opgeslagen."),
    415: ("Ongeldig verzoek", "Deze pagina neemt alleen een formulier aan. Er is niets opgeslagen."),
    429: ("Even wachten", "Er zijn te veel pogingen gedaan. Probeer het later opnieuw."),
    500: (
        "Er ging iets mis",
        "Bij het maken van deze pagina ging iets mis. Er is niets getoond of opgeslagen. "
        "Probeer het opnieuw; blijft dit zo, meld het dan aan de beheerder van Deelpoort.",
    ),
}


def is_pagina(path: str) -> bool:
    """Whether an error of a request to `path` is answered as a page: every path but the API's. `/metrics`
    refuses a client outside the monitoring addresses with a 404 that must equal a missing path's, so that
    its existence is not told: its errors are pages too."""
    return not (path == "/v1" or path.startswith("/v1/"))


def foutpagina(status: int, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """The Dutch page for `status` (an unknown status: the 400 or 500 page of its class)."""
    titel, melding = TEKSTEN.get(status) or TEKSTEN[500 if status >= 500 else 400]
    try:
        sessie = huidige_sessie()
    except Exception:  # the page must render even when finding the session is what failed
        sessie = None
        log.warning("foutpagina_zonder_sessie")
    page = current_app.jinja_env.get_template("fout.html").render(
        titel=titel, melding=melding, huidige_sessie=lambda: sessie, startpagina=thuis, csrf_veld=csrf_veld
    )
    response = Response(page, status=status, mimetype="text/html")
    for name, value in headers:
        response.headers[name] = value
    for name, value in PAGE_HEADERS.items():
        response.headers[name] = value
    return response


def init_app(app: Flask) -> None:
    app.extensions["deelpoort.foutpagina"] = (is_pagina, foutpagina)

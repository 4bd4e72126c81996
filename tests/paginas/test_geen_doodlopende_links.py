"""No dead ends on the pages (issue 24), and never a 500: for every kind of gebruiker that uses the pages, on the
demo region with its year of work and beheer (crawled with `tests/helpers/kruipen.py`).

- Every link a page shows leads somewhere: each must answer 200 (or a redirect that does); a link that answers
  404, 400 or 403 is a page offering what it cannot give, and a 500 is a bug.
- Every kind of page and GET form, asked with hostile parameters and ids, answers with a page (a 200, or a 400 or
  404 page saying what was wrong), never a 500, never the hostile value back as markup.
- Every POST form, sent with each field in turn set to a hostile value or left out (with a valid CSRF token),
  the same.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.helpers.databases import Demo
from tests.helpers.kruipen import MERK, VIJANDIG, Kruiptocht, kruip, varianten, vorm
from tests.helpers.web import login

BUREAU = "bureau-zvh-drenthe"
GEBRUIKERS = {
    "fg-bureau": (BUREAU, "fg"),
    "fg-partner": ("politie-noord-nederland", "fg"),
    "beheerder": (BUREAU, "beheerder"),
    "procesregisseur": (BUREAU, "procesregisseur"),
    "procesondersteuner": (BUREAU, "procesondersteuner"),
    "manager": (BUREAU, "manager"),
}
# The kinds of link the demo's pages show each of them at least (measured: 33, 30, 11, 3, 2, 1): a crawl that
# finds fewer went wrong (a failed login, a start page that lost its links).
VORMEN = {
    "fg-bureau": 25,
    "fg-partner": 25,
    "beheerder": 8,
    "procesregisseur": 2,
    "procesondersteuner": 1,
    "manager": 1,
}
TYPEN = ("text/html", "text/csv", "application/json", "application/jsonl")  # pages, and the FG's exports


def _gekropen(app: Flask, demo: Demo, wie: str) -> tuple[FlaskClient, str, Kruiptocht]:
    client = app.test_client()
    ingelogd = login(client, demo.credential(*GEBRUIKERS[wie]).token)
    assert ingelogd.status_code in (302, 303), ingelogd.status_code
    start = urlsplit(ingelogd.headers["Location"]).path
    return client, start, kruip(client, start)


def _fout(antwoord: TestResponse) -> str | None:
    """What is wrong with an answer to a hostile request (read whole and closed here), or None."""
    inhoud = antwoord.get_data(as_text=True)
    antwoord.close()
    if antwoord.status_code >= 500 or antwoord.mimetype not in TYPEN:
        return f"{antwoord.status_code} {antwoord.mimetype}"
    return "the value came back as markup" if MERK in inhoud else None


@pytest.mark.parametrize("wie", list(GEBRUIKERS))
def test_every_link_on_every_page_leads_somewhere(app: Flask, demo: Demo, wie: str) -> None:
    _, start, tocht = _gekropen(app, demo, wie)
    assert tocht.doodlopend == []
    assert len(tocht.per_vorm) >= VORMEN[wie], f"the crawl from {start} found too little: {tocht.bezocht}"


@pytest.mark.parametrize("wie", list(GEBRUIKERS))
def test_a_page_asked_with_hostile_parameters_answers_with_a_page_never_a_500(app: Flask, demo: Demo, wie: str) -> None:
    client, _, tocht = _gekropen(app, demo, wie)
    getformulieren = [f.als_url() for f in tocht.formulieren.values() if f.methode == "get"]
    per_vorm = {vorm(url): url for url in [*tocht.bezocht, *sorted(getformulieren)]}
    gevraagd, fouten = 0, []
    for url in per_vorm.values():
        for variant in varianten(url):
            gevraagd += 1
            if (fout := _fout(client.get(variant, follow_redirects=True))) is not None:
                fouten.append(f"GET {variant}: {fout}")
    assert fouten == []
    assert gevraagd >= len(per_vorm)


@pytest.mark.parametrize("wie", list(GEBRUIKERS))
def test_a_form_sent_with_hostile_values_answers_with_a_page_never_a_500(app: Flask, demo: Demo, wie: str) -> None:
    client, _, tocht = _gekropen(app, demo, wie)
    posts = sorted((f for f in tocht.formulieren.values() if f.methode == "post"), key=lambda f: f.actie)
    posts.sort(key=lambda f: f.actie.startswith("/account"))  # one's own tokens last: revoking ends the session
    verstuurd, fouten = 0, []
    for formulier in posts:
        velden = dict(formulier.velden)
        for naam in sorted(set(velden) - {"csrf_token"}):
            for waarde in (*VIJANDIG, None):  # None: the field left out
                data = {k: v for k, v in velden.items() if k != naam}
                if waarde is not None:
                    data[naam] = waarde
                verstuurd += 1
                if (fout := _fout(client.post(formulier.actie, data=data, follow_redirects=True))) is not None:
                    fouten.append(f"POST {formulier.actie} {naam}={waarde!r:.40}: {fout}")
    assert fouten == []
    if wie in ("beheerder", "fg-bureau"):
        assert verstuurd > 50, [f.actie for f in posts]  # the beheer and FG pages have forms with fields

"""No dead ends on the pages (issue 24): every link a page shows leads somewhere, for every kind of gebruiker
that uses the pages, on the demo region with its year of work and beheer.

A crawler with the Flask test client, from each gebruiker's start page, follows every local link (GET only:
the pages change nothing on a GET) and requires each to answer 200 (or a redirect that does): a link that
answers 404, 400 or 403 is a page offering what it cannot give, and a 500 is a bug. Links of one shape (the
same path with another id, page number or filter value) are followed for a few instances, so the crawl covers
every kind of page and link the region has without opening each of its 2,500 log records.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.helpers.databases import Demo
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
PER_VORM = 3  # links of one shape followed
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
MAX_PAGINAS = 400
NIET_VOLGEN = ("/uitloggen", "/v1/", "/web-static/")  # leaving the session; the API; the stylesheet
_HREF = re.compile(r'href="([^"#]*)"')
_ID = re.compile(r"(?<=/)(?:[0-9a-f]{8,}|\d+)(?=/|$)")
_FORM = re.compile(r"<form([^>]*)>(.*?)</form>", re.S)
_NAAM = re.compile(r'<(?:input|select|textarea)[^>]*\bname="([^"]+)"')


def _vorm(url: str) -> tuple[str, tuple[str, ...]]:
    """A link's shape: its path with ids and numbers as `*`, and the names (not values) of its query."""
    delen = urlsplit(url)
    namen = tuple(sorted({p.split("=", 1)[0] for p in delen.query.split("&") if p}))
    return _ID.sub("*", delen.path), namen


def _links(pagina: str, van: str) -> list[str]:
    gevonden = []
    for href in _HREF.findall(pagina):
        url = urljoin(van, href.replace("&amp;", "&"))
        delen = urlsplit(url)
        if delen.netloc or not delen.path.startswith("/") or delen.path.startswith(NIET_VOLGEN):
            continue
        gevonden.append(delen.path + (f"?{delen.query}" if delen.query else ""))
    return gevonden


@dataclass
class Kruiptocht:
    """What a crawl from one start page found."""

    bezocht: list[str] = field(default_factory=list)  # every URL that answered 200, in the order visited
    doodlopend: list[str] = field(default_factory=list)  # "url (linked from page): status" for every other
    per_vorm: dict[tuple[str, tuple[str, ...]], int] = field(default_factory=dict)
    formulieren: set[str] = field(default_factory=set)  # GET forms as URLs: their fields, empty


def _kruip(client: FlaskClient, start: str) -> Kruiptocht:
    tocht = Kruiptocht()
    wachtrij: deque[tuple[str, str]] = deque([(start, "(na inloggen)")])
    gezien: set[str] = {start}
    while wachtrij and len(tocht.bezocht) + len(tocht.doodlopend) < MAX_PAGINAS:
        url, van = wachtrij.popleft()
        antwoord = client.get(url, follow_redirects=True)
        inhoud = antwoord.get_data()  # the whole answer, streamed ones (exports) too
        antwoord.close()
        if antwoord.status_code != 200:
            tocht.doodlopend.append(f"{url} (linked from {van}): {antwoord.status_code}")
            continue
        tocht.bezocht.append(url)
        if antwoord.mimetype != "text/html":
            assert inhoud, url  # an export or a report file: not empty
            continue
        tocht.formulieren.update(_formulieren(inhoud.decode(), url))
        for link in _links(inhoud.decode(), url):
            vorm = _vorm(link)
            if link in gezien or tocht.per_vorm.get(vorm, 0) >= PER_VORM:
                continue
            gezien.add(link)
            tocht.per_vorm[vorm] = tocht.per_vorm.get(vorm, 0) + 1
            wachtrij.append((link, url))
    assert len(tocht.bezocht) + len(tocht.doodlopend) < MAX_PAGINAS, "a link shape the `_vorm` rule does not fold"
    return tocht


def _formulieren(pagina: str, van: str) -> list[str]:
    """Every GET form of the page (a filter, a year), as the URL it submits with its fields left empty."""
    urls = []
    for kop, lijf in _FORM.findall(pagina):
        methode = re.search(r'method="([^"]+)"', kop)
        if methode is not None and methode.group(1).lower() != "get":
            continue
        actie = re.search(r'action="([^"]*)"', kop)
        doel = urlsplit(urljoin(van, actie.group(1) if actie else van)).path
        namen = sorted(set(_NAAM.findall(lijf)) - {"csrf_token"})
        urls.append(f"{doel}?{urlencode(dict.fromkeys(namen, ''))}" if namen else doel)
    return urls


def _ingelogd(app: Flask, demo: Demo, wie: str) -> tuple[FlaskClient, str]:
    client = app.test_client()
    ingelogd = login(client, demo.credential(*GEBRUIKERS[wie]).token)
    assert ingelogd.status_code in (302, 303), ingelogd.status_code
    return client, urlsplit(ingelogd.headers["Location"]).path


@pytest.mark.parametrize("wie", list(GEBRUIKERS))
def test_every_link_on_every_page_leads_somewhere(app: Flask, demo: Demo, wie: str) -> None:
    client, start = _ingelogd(app, demo, wie)
    tocht = _kruip(client, start)
    assert tocht.doodlopend == []
    assert len(tocht.per_vorm) >= VORMEN[wie], f"the crawl from {start} found too little: {tocht.bezocht}"


@pytest.mark.parametrize("wie", list(GEBRUIKERS))
def test_a_page_asked_with_hostile_parameters_answers_with_a_page_never_a_500(app: Flask, demo: Demo, wie: str) -> None:
    """Every kind of page the crawl found and every GET form, each query parameter and each id in its path in
    turn replaced by values a hand-edited address holds: an answer that is an HTML page (a 200, or a 400 or 404
    page saying what was wrong), never a 500, and never the value back as markup."""
    client, start = _ingelogd(app, demo, wie)
    tocht = _kruip(client, start)
    per_vorm = {_vorm(url): url for url in [*tocht.bezocht, *sorted(tocht.formulieren)]}
    gevraagd, fout = 0, []
    for url in per_vorm.values():
        for variant in _varianten(url):
            antwoord = client.get(variant, follow_redirects=True)
            inhoud = antwoord.get_data(as_text=True)
            antwoord.close()
            gevraagd += 1
            if antwoord.status_code >= 500 or antwoord.mimetype not in (
                "text/html",
                "text/csv",
                "application/json",
                "application/jsonl",
            ):
                fout.append(f"{variant}: {antwoord.status_code} {antwoord.mimetype}")
            elif _MERK in inhoud:
                fout.append(f"{variant}: the value came back as markup")
    assert fout == []
    assert gevraagd >= len(per_vorm)


_MERK = "<script>dp()</script>"
VIJANDIG = ("", "-1", "0", "99999999999999999999", "abc", "2026-13-45", "%", _MERK, "x" * 2000)


def _varianten(url: str) -> list[str]:
    delen = urlsplit(url)
    paren = parse_qsl(delen.query, keep_blank_values=True)
    varianten = []
    for index in range(len(paren)):
        for waarde in VIJANDIG:
            gewijzigd = [(k, waarde if i == index else v) for i, (k, v) in enumerate(paren)]
            varianten.append(f"{delen.path}?{urlencode(gewijzigd)}")
    segmenten = delen.path.split("/")
    for index, segment in enumerate(segmenten):
        if _ID.fullmatch(segment):
            for waarde in ("0", "-1", "f" * 32, "x" * 300, quote(_MERK, safe="")):
                pad = "/".join([*segmenten[:index], waarde, *segmenten[index + 1 :]])
                varianten.append(f"{pad}?{delen.query}" if delen.query else pad)
    varianten.append(f"{delen.path}?{delen.query}&onbekend=1" if delen.query else f"{delen.path}?onbekend=1")
    return varianten

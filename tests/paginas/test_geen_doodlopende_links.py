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
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask

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


@pytest.mark.parametrize("wie", list(GEBRUIKERS))
def test_every_link_on_every_page_leads_somewhere(app: Flask, demo: Demo, wie: str) -> None:
    client = app.test_client()
    ingelogd = login(client, demo.credential(*GEBRUIKERS[wie]).token)
    assert ingelogd.status_code in (302, 303), ingelogd.status_code
    start = urlsplit(ingelogd.headers["Location"]).path
    wachtrij: deque[tuple[str, str]] = deque([(start, "(na inloggen)")])
    gezien: set[str] = {start}
    per_vorm: dict[tuple[str, tuple[str, ...]], int] = {}
    doodlopend: list[str] = []
    bezocht = 0
    while wachtrij and bezocht < MAX_PAGINAS:
        url, van = wachtrij.popleft()
        antwoord = client.get(url, follow_redirects=True)
        bezocht += 1
        inhoud = antwoord.get_data()  # the whole answer, streamed ones (exports) too
        antwoord.close()
        if antwoord.status_code != 200:
            doodlopend.append(f"{url} (linked from {van}): {antwoord.status_code}")
            continue
        if antwoord.mimetype != "text/html":
            assert inhoud, url  # an export or a report file: not empty
            continue
        for link in _links(inhoud.decode(), url):
            vorm = _vorm(link)
            if link in gezien or per_vorm.get(vorm, 0) >= PER_VORM:
                continue
            gezien.add(link)
            per_vorm[vorm] = per_vorm.get(vorm, 0) + 1
            wachtrij.append((link, url))
    assert doodlopend == []
    assert len(per_vorm) >= VORMEN[wie], f"the crawl from {start} found too little: {sorted(gezien)}"
    assert bezocht < MAX_PAGINAS, "the crawl did not end: a link shape the `_vorm` rule does not fold"

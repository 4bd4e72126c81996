"""Crawling the pages in tests (`tests/paginas/`): every kind of link from a start page, the forms the pages
show, and the hostile values a hand-edited address or form holds.

A crawl uses the Flask test client, follows local links only (never the API, the stylesheet or logging out),
and opens a few links of each shape (the same path with another id, page number or filter value), so it covers
every kind of page the demo region has without opening each of its 2,500 log records.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit

from flask.testing import FlaskClient

PER_VORM = 3  # links of one shape followed
MAX_PAGINAS = 400
NIET_VOLGEN = ("/uitloggen", "/v1/", "/web-static/")  # leaving the session; the API; the stylesheet
MERK = "<script>dp()</script>"  # a hostile value that must never come back as markup
VIJANDIG = ("", "-1", "0", "99999999999999999999", "abc", "2026-13-45", "%", MERK, "x" * 2000)
_HREF = re.compile(r'href="([^"#]*)"')
_ID = re.compile(r"(?<=/)(?:[0-9a-f]{8,}|\d+)(?=/|$)")

Vorm = tuple[str, tuple[str, ...]]


@dataclass(frozen=True)
class Formulier:
    """A form as the page shows it: where it goes, how, and its fields with the values they start with."""

    methode: str
    actie: str
    velden: tuple[tuple[str, str], ...]

    @property
    def vorm(self) -> Vorm:
        return _ID.sub("*", urlsplit(self.actie).path), tuple(sorted({n for n, _ in self.velden}))

    def als_url(self) -> str:
        """A GET form as the URL it submits with its fields left empty."""
        namen = sorted({n for n, _ in self.velden} - {"csrf_token"})
        return f"{self.actie}?{urlencode(dict.fromkeys(namen, ''))}" if namen else self.actie


@dataclass
class Kruiptocht:
    """What a crawl from one start page found."""

    bezocht: list[str] = field(default_factory=list)  # every URL that answered 200, in the order visited
    doodlopend: list[str] = field(default_factory=list)  # "url (linked from page): status" for every other
    per_vorm: dict[Vorm, int] = field(default_factory=dict)
    formulieren: dict[Vorm, Formulier] = field(default_factory=dict)  # one of each shape


def vorm(url: str) -> Vorm:
    """A link's shape: its path with ids and numbers as `*`, and the names (not values) of its query."""
    delen = urlsplit(url)
    namen = tuple(sorted({p.split("=", 1)[0] for p in delen.query.split("&") if p}))
    return _ID.sub("*", delen.path), namen


def kruip(client: FlaskClient, start: str) -> Kruiptocht:
    """Crawl from `start` with `client` (logged in)."""
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
        for formulier in formulieren(inhoud.decode(), url):
            tocht.formulieren.setdefault(formulier.vorm, formulier)
        for link in _links(inhoud.decode(), url):
            shape = vorm(link)
            if link in gezien or tocht.per_vorm.get(shape, 0) >= PER_VORM:
                continue
            gezien.add(link)
            tocht.per_vorm[shape] = tocht.per_vorm.get(shape, 0) + 1
            wachtrij.append((link, url))
    assert len(tocht.bezocht) + len(tocht.doodlopend) < MAX_PAGINAS, "a link shape the `vorm` rule does not fold"
    return tocht


def _links(pagina: str, van: str) -> list[str]:
    gevonden = []
    for href in _HREF.findall(pagina):
        url = urljoin(van, href.replace("&amp;", "&"))
        delen = urlsplit(url)
        if delen.netloc or not delen.path.startswith("/") or delen.path.startswith(NIET_VOLGEN):
            continue
        gevonden.append(delen.path + (f"?{delen.query}" if delen.query else ""))
    return gevonden


class _Formulieren(HTMLParser):
    """The page's forms with their fields' first values (an input's value, a select's selected or first
    option, a textarea's text; a checkbox or radio only when checked)."""

    def __init__(self, van: str) -> None:
        super().__init__(convert_charrefs=True)
        self.van = van
        self.gevonden: list[Formulier] = []
        self._kop: dict[str, str] | None = None
        self._velden: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_waarde: str | None = None
        self._textarea: str | None = None
        self._tekst: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._kop, self._velden = a, []
        elif self._kop is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "image", "reset"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self._velden.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select, self._select_waarde = a["name"], None
        elif tag == "option" and self._select is not None:
            if self._select_waarde is None or "selected" in a:
                self._select_waarde = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._tekst = a["name"], []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._tekst.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select is not None:
            self._velden.append((self._select, self._select_waarde or ""))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._velden.append((self._textarea, "".join(self._tekst)))
            self._textarea = None
        elif tag == "form" and self._kop is not None:
            actie = urlsplit(urljoin(self.van, self._kop.get("action") or self.van))
            pad = actie.path + (f"?{actie.query}" if actie.query else "")
            self.gevonden.append(Formulier(self._kop.get("method", "get").lower(), pad, tuple(self._velden)))
            self._kop = None


def formulieren(pagina: str, van: str) -> list[Formulier]:
    """The forms of a page (at URL `van`) that stay on this site."""
    parser = _Formulieren(van)
    parser.feed(pagina)
    return [f for f in parser.gevonden if not f.actie.startswith(NIET_VOLGEN)]


def varianten(url: str) -> list[str]:
    """`url` with each query parameter, then each id in its path, replaced by hostile values in turn, and with
    a parameter no page knows added."""
    delen = urlsplit(url)
    paren = parse_qsl(delen.query, keep_blank_values=True)
    uit = []
    for index in range(len(paren)):
        for waarde in VIJANDIG:
            gewijzigd = [(k, waarde if i == index else v) for i, (k, v) in enumerate(paren)]
            uit.append(f"{delen.path}?{urlencode(gewijzigd)}")
    segmenten = delen.path.split("/")
    for index, segment in enumerate(segmenten):
        if _ID.fullmatch(segment):
            for waarde in ("0", "-1", "99999999999", "f" * 32, "x" * 300, quote(MERK, safe="")):
                pad = "/".join([*segmenten[:index], waarde, *segmenten[index + 1 :]])
                uit.append(f"{pad}?{delen.query}" if delen.query else pad)
    uit.append(f"{delen.path}?{delen.query}&onbekend=1" if delen.query else f"{delen.path}?onbekend=1")
    return uit

"""The FG's and the beheerder's pages on the demo region, in Chromium (issue 24.2): at 1280 px and at print width
nothing overflows the window, partner names are whole in the charts, times are local with their zone, and the
log's codes (grondslagen, verwerkingsactiviteiten) appear only on hover, never as the text a reader reads.

One demo region, one browser, one context per width for the whole module's pages."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from service.domain.casus import utcnow
from service.service_layer.services import Services
from tests.helpers.beheer import propose
from tests.helpers.browser import browser, klik, server  # noqa: F401 - fixtures
from tests.helpers.databases import Demo
from tests.helpers.gebruikers import add_gebruiker

MOMENT = re.compile(r"^\d{1,2} [a-z]{3} \d{4} \d{2}:\d{2} (CET|CEST)$")
ZONDER_ZONE = re.compile(r"\b\d{1,2}:\d{2}\b(?! ?(?:CET|CEST|uur))")  # a clock time needs its zone ("uur": a duration)
BREEDTES = {"scherm": (1280, "screen"), "print": (720, "print")}  # A4 at 96 dpi within 2 cm margins


@pytest.fixture
def regio(app: Flask, services: Services, demo: Demo) -> dict[str, Any]:
    region = demo.region  # with a year of beheer: the history pages are full
    fg = add_gebruiker(services, "bureau-zvh-drenthe", "fg")
    a = add_gebruiker(services, "bureau-zvh-drenthe", "beheerder")
    b = add_gebruiker(services, "bureau-zvh-drenthe", "beheerder")
    client = app.test_client()
    schorsing = propose(client, a, partner={"id": "politie-noord-nederland", "actief": False})
    assert schorsing.status_code == 201, schorsing.get_json()
    casus = next(c.id for c in region.casussen)
    regisseur = add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur")
    manager = add_gebruiker(services, "bureau-zvh-drenthe", "manager")
    return {
        "fg": fg,
        "beheerder": b,
        "voorstel": schorsing.get_json()["id"],
        "casus": casus,
        "regisseur": regisseur,
        "manager": manager,
    }


@contextlib.contextmanager
def _tab(browser: Any, server: str, breedte: str) -> Iterator[Any]:  # noqa: F811
    """A tab at that width (a context of its own), with the media the width stands for."""
    pixels, media = BREEDTES[breedte]
    context = browser.new_context(base_url=server, viewport={"width": pixels, "height": 900})
    page = context.new_page()
    page.emulate_media(media=media)
    try:
        yield page
    finally:
        context.close()


def _inloggen(page: Any, token: str, thuis: str) -> None:
    page.goto("/inloggen")
    page.fill("#token", token)
    klik(page, "button[type=submit]")
    assert page.url.endswith(thuis), page.url


def _past(page: Any, pad: str) -> None:
    """Nothing wider than the window: the document does not scroll sideways."""
    breedte = page.evaluate("document.documentElement.scrollWidth")
    venster = page.evaluate("window.innerWidth")
    if breedte > venster:
        te_breed = page.evaluate(
            """() => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right >
            window.innerWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className + ': ' +
            (e.innerText || '').slice(0, 60))"""
        )
        pytest.fail(f"{pad}: {breedte} px wide in a {venster} px window; too wide: {te_breed}")


def _geen_codes(page: Any, pad: str, codes: set[str]) -> None:
    tekst = page.locator("main").inner_text()
    gevonden = sorted(code for code in codes if re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", tekst))
    assert gevonden == [], f"{pad} shows codes as text: {gevonden}"


def test_pages_fit_name_things_and_say_their_zone(
    browser: Any,  # noqa: F811
    server: str,  # noqa: F811
    regio: dict[str, Any],
    services: Services,
) -> None:
    """Every FG and beheer page at both widths (one demo region for all: installing it is the slow part)."""
    convenant = services.convenant
    codes = {g.id for g in convenant.grondslagen} | {a.id for a in convenant.verwerkingsactiviteiten}
    fg = ["/fg/", "/fg/verstrekkingen", "/fg/verstrekkingen?pagina=2", "/fg/integriteit", "/fg/signalen"]
    fg += ["/fg/beheer", "/fg/bewijzen/3", f"/fg/casussen/{regio['casus']}"]
    beheer = [
        "/beheer/",
        "/beheer/geschiedenis",
        "/beheer/voorstellen/nieuw",
        f"/beheer/voorstellen/{regio['voorstel']}",
    ]
    bureau = ["/bureau/", "/bureau/agenda"]
    rapportage = ["/rapportage/", f"/rapportage/?jaar={utcnow().year - 1}"]
    rollen = (
        (regio["fg"], "/fg/", fg),
        (regio["beheerder"], "/beheer/", beheer),
        (regio["regisseur"], "/bureau/", bureau),
        (regio["manager"], "/rapportage/", rapportage),
    )
    for breedte in BREEDTES:
        for token, thuis, paden in rollen:
            with _tab(browser, server, breedte) as tab:
                _inloggen(tab, token, thuis)
                for pad in paden:
                    tab.goto(pad)
                    assert tab.locator("main h1").count() == 1, pad
                    _past(tab, f"{pad} ({breedte})")
                    _geen_codes(tab, pad, codes)
                    for tijd in tab.locator("td.tijd").all_inner_texts():
                        assert MOMENT.match(tijd.strip()), (pad, tijd)
                    zonder_zone = ZONDER_ZONE.findall(tab.locator("main").inner_text())
                    assert zonder_zone == [], f"{pad}: a time without its zone: {zonder_zone[:5]}"
                if breedte == "scherm" and thuis == "/fg/":
                    _grafieken_en_bewijs(tab, {p.naam for p in convenant.partners})
                if thuis == "/beheer/":  # the last page: the suspension's proposal
                    _schorsing_samengevat(tab)


def _grafieken_en_bewijs(tab: Any, namen: set[str]) -> None:
    tab.goto("/fg/")
    labels = tab.locator("figure.grafiek svg text[text-anchor=end]").all_text_contents()
    assert labels and set(labels) <= namen  # every partner bar names its partner whole
    links = tab.evaluate("[...document.querySelectorAll('svg text[text-anchor=end]')].map(t => t.getBBox().x)")
    assert min(links) >= 0  # no label starts left of the chart (cut off)
    tab.goto("/fg/bewijzen/3")
    assert "Dit bewijst het record" in tab.locator("#welk-record").inner_text()


def _schorsing_samengevat(tab: Any) -> None:
    hoogte = tab.evaluate("document.documentElement.scrollHeight")
    assert hoogte < 4000, hoogte  # the suspension's 199 velden per rol and doel are folded, not a 4,100 px list
    assert tab.locator("#impact tr.impactregel").count() >= 1
    assert tab.locator("#per-partner").count() == 1 and tab.locator("#per-partner[open]").count() == 0  # folded

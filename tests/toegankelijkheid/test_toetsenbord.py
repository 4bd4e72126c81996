"""The pages work by keyboard alone (WCAG 2.1.1, 2.4.1, 2.4.3, 2.4.7), in a real browser without JavaScript: a
beheerder logs in, skips the repeated menu with the skip link, tabs through the menu and a proposal's page in
document order with a visible focus ring on every stop, and approves the proposal (four eyes) with Enter.
"""

from __future__ import annotations

from typing import Any

import pytest

from service.domain.beheer import Status
from service.service_layer.beheer import voorstellen
from tests.helpers.beheer import REMOVED, change, propose
from tests.toegankelijkheid.conftest import BUREAU, Demoregio

pytestmark = pytest.mark.slow

# What can take keyboard focus on these pages (no tabindex anywhere: the order is the document's).
FOCUSBAAR = "a[href], button, input:not([type=hidden]), select, textarea, summary"
MENU = ["Overzicht", "Nieuw voorstel", "Gebruikers", "Geschiedenis", "Mijn tokens"]

# The focused element: its tag, text or name, where it is, and how focus would show on it.
ACTIEF = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {tag: e.tagName.toLowerCase(), naam: (e.textContent || '').trim() || e.name || e.id,
          boven: r.top + window.scrollY, hoogte: r.height, zichtbaar: r.width > 0 && r.height > 0 && r.bottom > 0,
          ring: [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' '),
          binnenMain: !!e.closest('main'), binnenNav: !!e.closest('nav')};
}"""
RING = """(e) => {
  const s = getComputedStyle(e);
  return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join(' ');
}"""


def _tab(page: Any) -> dict[str, Any]:
    page.keyboard.press("Tab")
    actief: dict[str, Any] = page.evaluate(ACTIEF)
    return actief


def _inloggen_met_toetsenbord(page: Any, token: str) -> None:
    page.goto("/inloggen")
    stop = _tab(page)
    while stop["tag"] != "input":
        stop = _tab(page)
    page.keyboard.type(token)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/beheer/"), page.url


def test_a_proposal_is_reviewed_and_approved_by_keyboard_alone(pagina: Any, demoregio: Demoregio) -> None:
    page = pagina  # JavaScript off, as the pages need none: every key press does what the browser itself does
    client = demoregio.app.test_client()
    ingediend = propose(client, demoregio.token(BUREAU, "beheerder", 0), **change(verwijderen=[REMOVED]))
    assert ingediend.status_code == 201, ingediend.get_json()
    voorstel = ingediend.get_json()["id"]

    _inloggen_met_toetsenbord(page, demoregio.token(BUREAU, "beheerder", 1))
    page.goto(f"/beheer/voorstellen/{voorstel}")

    # The skip link comes first, is visible once focused, and takes the next Tab past the menu into the content.
    eerste = _tab(page)
    assert (eerste["naam"], eerste["zichtbaar"]) == ("Naar de inhoud", True), eerste
    assert eerste["boven"] >= 0
    page.keyboard.press("Enter")
    assert page.url.endswith("#inhoud")
    na_sprong = _tab(page)
    assert na_sprong["binnenMain"], na_sprong

    # From the top again: every focusable element, once each, in document order; the menu in its order.
    page.goto(f"/beheer/voorstellen/{voorstel}")
    verwacht = page.locator(FOCUSBAAR).evaluate_all(
        "els => els.map(e => (e.textContent || '').trim() || e.name || e.id)"
    )
    stops = [_tab(page) for _ in verwacht]
    assert [s["naam"] for s in stops] == verwacht
    assert [s["naam"] for s in stops if s["binnenNav"]] == MENU
    assert _tab(page)["tag"] == "body"  # past the last stop: nothing focusable was left out
    inhoud = [s for s in stops if s["binnenMain"]]
    assert [s["boven"] for s in inhoud] == sorted(s["boven"] for s in inhoud), "focus jumps back up the page"

    # Every stop shows a focus ring it does not have without focus.
    for index, stop in enumerate(stops):
        assert stop["zichtbaar"], stop
        zonder = page.locator(FOCUSBAAR).nth(index).evaluate(RING)
        assert stop["ring"] != zonder, (stop["naam"], stop["ring"])
        assert not stop["ring"].startswith("none"), stop

    # Submit the approval with Enter: the proposal takes effect (four eyes: the other beheerder proposed it).
    page.goto(f"/beheer/voorstellen/{voorstel}")
    knop = "Goedkeuren en in werking laten treden"
    stop = _tab(page)
    while stop["naam"] != knop:
        assert stop["tag"] != "body", f"{knop!r} was never reached"
        if stop["naam"] == "bevestigd":
            page.keyboard.press("Space")  # the confirmation an approval needs, ticked by keyboard
        stop = _tab(page)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("#status").get_attribute("data-status") == "goedgekeurd"
    assert voorstellen.voorstel(demoregio.services, voorstel).status is Status.GOEDGEKEURD

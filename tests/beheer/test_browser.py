"""The /beheer pages in a real browser: two beheerders in two Chromium contexts through the four-eyes flow, an
upload refused with every problem named, and no page breaking its Content-Security-Policy.

The browser and server fixtures, and when they skip, are in `tests/browser.py`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from service.access.diff import changes
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT
from service.web.sessie import PAGE_HEADERS
from tests.helpers.beheer import ADDED, REMOVED, active, change, propose, toestand
from tests.helpers.browser import klik

pytestmark = pytest.mark.slow

# Runs before any script of the page (injected by Playwright, not subject to the page's CSP): records every
# violation the browser reports.
CSP_PROBE = """
window.__csp = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline")));
"""


@pytest.fixture
def open_page(browser: Any, server: str) -> Iterator[Callable[..., Any]]:
    """A tab in a browser context of its own (its own cookies: another person), JavaScript off unless asked."""
    contexts: list[Any] = []

    def make(javascript: bool = False) -> Any:
        context = browser.new_context(base_url=server, java_script_enabled=javascript)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def _login(page: Any, token: str) -> None:
    page.goto("/beheer/")
    assert "/inloggen" in page.url
    page.fill("#token", token)
    klik(page, "main button[type=submit]")
    assert page.url.endswith("/beheer/")


def test_four_eyes_flow_with_two_beheerders_in_two_browsers(
    open_page: Callable[..., Any], services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    before = active(services)
    eerste, tweede = open_page(), open_page()
    _login(eerste, beheerder_a)
    _login(tweede, beheerder_b)

    klik(eerste, "nav >> text=Nieuw voorstel")
    eerste.fill("#wijziging-toelichting", "Synthetisch: contactgegevens voor de procesondersteuner.")
    eerste.fill("#wijziging-bestand", "zvh-drenthe.csv")
    eerste.fill("#wijziging-toevoegen", ADDED)
    eerste.fill("#wijziging-verwijderen", REMOVED)
    klik(eerste, "#wijziging button[type=submit]")
    match = re.search(r"/beheer/voorstellen/([0-9a-f]{32})$", eerste.url)
    assert match, eerste.url
    voorstel = beheer.voorstel(services, match.group(1))
    assert eerste.locator("#status").inner_text() == "open"
    expect(eerste.locator("#eigen-voorstel")).to_be_visible()
    assert eerste.locator("#goedkeuren").count() == 0  # the proposer has no approve button
    assert active(services).version == before.version

    tweede.reload()
    klik(tweede, "#open-voorstellen >> text=Bekijken en beoordelen")
    assert tweede.url == eerste.url
    groups = tweede.locator("#verschil tr.groep")
    assert groups.count() == 1
    assert "Procesondersteuner" in groups.first.inner_text() and "Triage" in groups.first.inner_text()  # names
    gained, lost = tweede.locator("#verschil li.gekregen"), tweede.locator("#verschil li.verloren")
    assert gained.count() > 0 and lost.count() > 0
    assert any("E-mailadres" in text for text in gained.all_inner_texts())  # velden by name
    expect(tweede.locator("#verschil")).to_be_visible()
    impact = tweede.locator("#impact tr.impactregel")  # the summary first: names, not codes
    assert impact.count() == 1 and "Triage" in impact.first.inner_text()
    assert tweede.locator("#beleidsregels tr.erbij code").all_inner_texts() == [ADDED]  # the CSV lines themselves
    assert tweede.locator("#beleidsregels tr.eraf code").all_inner_texts() == [REMOVED]
    tweede.click("#goedkeuren button[type=submit]")  # not confirmed: the browser keeps the form (required box) ...
    assert tweede.locator("#status").get_attribute("data-status") == "open"
    tweede.fill("#opmerking", "Gelezen; synthetische opmerking.")
    tweede.check("#bevestigd")  # ... and with the box ticked it goes through, the opmerking kept with it
    klik(tweede, "#goedkeuren button[type=submit]")
    assert tweede.locator("#status").get_attribute("data-status") == "goedgekeurd"
    assert tweede.locator("#reden").inner_text() == "Gelezen; synthetische opmerking."

    after = active(services)
    assert after.version == voorstel.versie != before.version
    happened = list(changes(before.table, after.table))  # the page still shows the diff it was approved on
    assert sum(c.old is None for c in happened) == gained.count()
    assert sum(c.new is None for c in happened) == lost.count()
    assert len(happened) == tweede.locator("#verschil li").count()

    klik(eerste, "nav >> text=Overzicht")
    assert eerste.locator("#actieve-versie").inner_text() == after.version
    assert "Geen open voorstellen" in eerste.locator("#open-voorstellen").inner_text()
    klik(eerste, "nav >> text=Geschiedenis")
    rows = eerste.locator("#geschiedenis tbody tr")
    assert [rows.nth(i).get_attribute("data-handeling") for i in range(rows.count())] == [
        "activering",
        "goedkeuring",
        "voorstel",
    ]


def test_reject_with_a_reason_in_the_browser(
    open_page: Callable[..., Any], client: Any, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    page = open_page()
    _login(page, beheerder_b)
    page.goto(f"/beheer/voorstellen/{voorstel['id']}")
    page.fill("#reden", "Synthetisch: niet proportioneel.")
    klik(page, "#afwijzen button[type=submit]")
    assert page.locator("#status").get_attribute("data-status") == "afgewezen"
    assert page.locator("#reden").inner_text() == "Synthetisch: niet proportioneel."
    assert page.locator("#goedkeuren").count() == 0


def test_an_invalid_upload_in_the_browser_names_every_file_and_line(
    open_page: Callable[..., Any], services: Services, beheerder_a: str, tmp_path: Path
) -> None:
    policies = sorted((PROJECT_ROOT / "policies").glob("*.csv"))
    lines = policies[1].read_text(encoding="utf-8").splitlines()
    lines[4] = "p, zvh, opperbaas, regulier, triage, bsn, uavg-46-bsn, allow"
    lines[6] = "g, politie-noord-nederland, zvh"
    broken = tmp_path / policies[1].name
    broken.write_text("\n".join(lines), encoding="utf-8")
    before = toestand(services)
    page = open_page()
    _login(page, beheerder_a)
    klik(page, "nav >> text=Nieuw voorstel")
    page.fill("#bestanden-toelichting", "Synthetisch: nieuwe set.")
    page.set_input_files("#bestanden-bestanden", [str(policies[0]), str(broken)])
    klik(page, "#bestanden button[type=submit]")
    problems = page.locator("#bestanden ul.problemen li").all_inner_texts()
    assert any(p.startswith(f"{broken.name}:5: onbekende rol 'opperbaas'") for p in problems), problems
    assert any(p.startswith(f"{broken.name}:7: alleen p-regels") for p in problems), problems
    assert page.locator("#bestanden-toelichting").input_value() == "Synthetisch: nieuwe set."
    assert toestand(services) == before


def test_no_beheer_page_breaks_its_content_security_policy(
    open_page: Callable[..., Any], client: Any, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    page = open_page(javascript=True)  # the probe needs JavaScript; the pages themselves have none
    page.context.add_init_script(CSP_PROBE)
    reported: list[str] = []
    page.on("console", lambda m: reported.append(m.text) if "Content Security Policy" in m.text else None)

    # The probe itself: a page with an inline style and script under the pages' own header is caught.
    headers = {"Content-Security-Policy": PAGE_HEADERS["Content-Security-Policy"]}
    body = '<!doctype html><p style="color:red">x</p><script>document.title = "x"</script>'
    page.route(
        "**/csp-proef", lambda route: route.fulfill(status=200, headers=headers, content_type="text/html", body=body)
    )
    page.goto("/csp-proef")
    assert len(page.evaluate("window.__csp")) >= 2 and reported
    reported.clear()

    eerste = propose(client, beheerder_b, **change(toevoegen=[ADDED], verwijderen=[REMOVED])).get_json()
    page.goto("/inloggen")
    assert page.evaluate("window.__csp") == []
    _login(page, beheerder_a)
    paths = ["/beheer/", "/beheer/voorstellen/nieuw", f"/beheer/voorstellen/{eerste['id']}", "/beheer/geschiedenis"]
    for path in (*paths, "/beheer/voorstellen/" + "0" * 32):
        page.goto(path)
        assert page.evaluate("window.__csp") == [], path
        assert page.locator("[style], style, script").count() == 0, path
    assert page.locator("main h1").inner_text() == "Niet gevonden"
    page.goto(f"/beheer/voorstellen/{eerste['id']}")
    assert page.locator("#verschil li").count() > 0 and page.locator("#goedkeuren").count() == 1
    page.check("#bevestigd")
    klik(page, "#goedkeuren button[type=submit]")
    assert page.locator("#status").get_attribute("data-status") == "goedgekeurd"
    assert page.evaluate("window.__csp") == []
    page.goto("/beheer/voorstellen/nieuw")
    page.fill("#wijziging-toelichting", "x")
    page.fill("#wijziging-bestand", "zvh-drenthe.csv")
    page.fill("#wijziging-toevoegen", "p, zvh, opperbaas, regulier, triage, bsn, uavg-46-bsn, allow")
    klik(page, "#wijziging button[type=submit]")
    assert page.locator("#wijziging ul.problemen li").count() == 1
    assert page.evaluate("window.__csp") == []
    assert not reported, reported

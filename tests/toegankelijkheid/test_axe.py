"""Every page passes axe-core's WCAG 2.1 A and AA rules without a serious or critical violation: for each rol
that uses the pages (and for no one logged in), the test walks every page that rol reaches in the demo region
(lists, details, forms and their answers, the proposal pages, the report for the person, the integrity and proof
pages, agenda, plan, the annual figures, and the error pages: Geen toegang, Niet gevonden, a refused form) and
fails listing each violation with its rule, its element and its page.

How axe-core gets into a page without weakening the page: the pages forbid every script of their own (CSP
`default-src 'self'`, no inline script) and the browser context keeps that policy (Playwright's `bypass_csp`
stays off). Playwright adds axe's source to each new document through the DevTools protocol (`add_init_script`),
as the browser's own developer tools would; the page's CSP governs what the page loads and runs, not that (a
`<script>` element added to the page, Playwright's `add_script_tag`, is refused). The test proves both halves:
on every page the answer carries the CSP header the users get and the page holds no script or noscript element
of its own (so running JavaScript in this context, which axe needs, shows nothing the users of a script-less
page would not see), and once per context a script the page itself tries to add is refused.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from service.web.sessie import PAGE_HEADERS
from tests.helpers.beheer import ADDED, change, propose
from tests.helpers.browser import klik
from tests.helpers.casus import BSN_HOOFDPERSOON, refer
from tests.toegankelijkheid.conftest import BUREAU, Demoregio

pytestmark = pytest.mark.slow

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ERNSTIG = ("serious", "critical")
CSP = PAGE_HEADERS["Content-Security-Policy"]
ONBEKEND = "0" * 32  # a well-formed id that names nothing

# Runs axe on the document with the WCAG 2.1 A/AA rules; one row per element that breaks a rule.
AXE_RUN = """async (tags) => {
  const uitslag = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return uitslag.violations.flatMap(v => v.nodes.map(n => ({
    regel: v.id, impact: n.impact || v.impact, doel: n.target.join(' '), hulp: v.help})));
}"""


@dataclass
class Bezoek:
    """One person's walk through the pages: every page it opens is checked with axe-core."""

    page: Any
    bevindingen: list[str] = field(default_factory=list)
    bezocht: list[str] = field(default_factory=list)

    def ga(self, pad: str, status: int = 200) -> None:
        self._toets(self.page.goto(pad), status)

    def volg(self, selector: str, status: int = 200) -> None:
        """Open the first link matching `selector` on this page."""
        href = self.page.locator(selector).first.get_attribute("href")
        assert href, (self.page.url, selector)
        self.ga(href, status)

    def verstuur(self, knop: str, status: int = 200, **velden: str) -> None:
        """Fill `velden` (selector -> value: `fill`, or `select:<value>` for a select) and submit with `knop`."""
        for selector, waarde in velden.items():
            if waarde.startswith("select:"):
                self.page.select_option(selector, waarde.removeprefix("select:"))
            else:
                self.page.fill(selector, waarde)
        with self.page.expect_navigation() as navigatie:
            self.page.click(knop)
        self._toets(navigatie.value, status)

    def _toets(self, response: Any, status: int) -> None:
        pad = self.page.url.split("/", 3)[-1]
        assert response is not None and response.status == status, (pad, response and response.status)
        assert response.headers.get("content-security-policy") == CSP, pad
        assert self.page.title().split(" · ")[0].strip(), f"/{pad} has no title of its own"  # WCAG 2.4.2
        assert self.page.evaluate("document.querySelectorAll('script, noscript').length") == 0, pad
        self.bevindingen.extend(self.axe())
        self.bezocht.append(f"/{pad}")

    def axe(self) -> list[str]:
        """The serious and critical violations of the WCAG 2.1 A/AA rules on the page as it is now."""
        pad = self.page.url.split("/", 3)[-1]
        return [
            f"/{pad}: {rij['regel']} ({rij['impact']}) at {rij['doel']}: {rij['hulp']}"
            for rij in self.page.evaluate(AXE_RUN, WCAG_21_AA)
            if rij["impact"] in ERNSTIG
        ]


@dataclass(frozen=True)
class Gegevens:
    """What the demo lacks for some pages: a casus about a known person, an open proposal by another beheerder."""

    voorstel: str


@pytest.fixture(scope="module")
def gegevens(demoregio: Demoregio) -> Gegevens:
    client = demoregio.app.test_client()
    refer(client, demoregio.token("politie-noord-nederland", "casusregisseur"))  # the person of the report
    body = change(toevoegen=[ADDED])
    voorstel = propose(client, demoregio.token(BUREAU, "beheerder", 0), **body)
    assert voorstel.status_code == 201, voorstel.get_json()
    return Gegevens(voorstel.get_json()["id"])


@pytest.fixture
def bezoek(browser: Any, demoregio: Demoregio, axe_bron: str) -> Iterator[Bezoek]:
    """A fresh browser context (its own cookies) with JavaScript on for axe and the pages' CSP in force; axe-core
    is added to every document it opens, before the page's own content."""
    context = browser.new_context(base_url=demoregio.url, viewport={"width": 1280, "height": 900})
    context.add_init_script(script=axe_bron)
    page = context.new_page()
    page.goto("/inloggen")
    with pytest.raises(PlaywrightError, match="Content Security Policy"):
        page.add_script_tag(content="document.documentElement.dataset.ingevoegd = 'ja'")
    assert page.locator("html").get_attribute("data-ingevoegd") is None, "the page's CSP is not in force"
    yield Bezoek(page)
    context.close()


def _inloggen(bezoek: Bezoek, token: str) -> None:
    bezoek.page.goto("/inloggen")
    bezoek.page.fill("#token", token)
    klik(bezoek.page, "button[type=submit]")
    assert bezoek.page.locator("form.uitloggen").count() == 1, "not logged in"


def _anoniem(b: Bezoek, demo: Demoregio, gegevens: Gegevens) -> None:
    b.ga("/inloggen")
    b.verstuur("button[type=submit]", 401, **{"#token": "dp_geen-bestaand-token"})


def _fg_bureau(b: Bezoek, demo: Demoregio, gegevens: Gegevens) -> None:
    _inloggen(b, demo.token(BUREAU, "fg"))
    b.ga("/fg/")
    b.ga("/fg/verstrekkingen")
    b.volg("table.regels a[href*='/fg/casussen/']")
    b.ga("/fg/verstrekkingen?van=gisteren", 400)
    b.ga("/fg/casussen/geen-kenmerk", 404)
    b.ga("/fg/inzageverzoek")
    b.verstuur("form.formulier button[type=submit]", 400, **{"#bsn": "12345"})
    b.verstuur("form.formulier button[type=submit]", 200, **{"#bsn": BSN_HOOFDPERSOON})
    b.ga("/fg/integriteit")
    b.verstuur("form.formulier button[type=submit]")
    b.ga("/fg/signalen")
    b.ga("/fg/beheer")
    b.volg("a[href*='/fg/bewijzen/']")
    b.ga("/fg/bewijzen/999999999", 404)
    b.ga("/fg/rechten/")
    b.verstuur("#beperkingen button[type=submit]", 200, **{"#bsn": BSN_HOOFDPERSOON})
    b.ga("/account/tokens")
    b.verstuur("#token-maken button[type=submit]", 201)
    b.ga("/beheer/", 403)


def _fg_partner(b: Bezoek, demo: Demoregio, gegevens: Gegevens) -> None:
    _inloggen(b, demo.token("politie-noord-nederland", "fg"))
    b.ga("/fg/")
    b.ga("/fg/verstrekkingen")
    b.ga("/fg/verstrekkingen?partner=ggz-drenthe", 400)
    b.ga("/fg/rechten/")
    b.ga("/fg/integriteit")
    b.ga("/fg/signalen")
    b.ga("/account/tokens")


def _beheerder(b: Bezoek, demo: Demoregio, gegevens: Gegevens) -> None:
    _inloggen(b, demo.token(BUREAU, "beheerder", 1))
    b.ga("/beheer/")
    b.ga(f"/beheer/voorstellen/{gegevens.voorstel}")
    b.ga(f"/beheer/voorstellen/{ONBEKEND}", 404)
    b.ga("/beheer/geschiedenis")
    b.ga("/beheer/voorstellen/nieuw")
    b.verstuur("#wijziging button[type=submit]", 400, **{"#wijziging-toelichting": "Synthetisch: niets."})
    b.ga("/beheer/gebruikers/")
    b.volg("#gebruikers a")
    b.ga("/beheer/gebruikers/nieuw")
    nieuw = {
        "#partner": "select:politie-noord-nederland",
        "#rol": "select:deelnemer",
        "#soort": "select:systeem",
        "#naam": "Synthetisch testsysteem",
        "#toelichting": "Synthetisch: een systeem voor de toegankelijkheidstest.",
    }
    b.verstuur("#nieuw button[type=submit]", 400, **nieuw, **{"#oidc_issuer": "https://idp.example"})
    b.verstuur("#nieuw button[type=submit]", 200, **nieuw, **{"#oidc_issuer": ""})
    b.verstuur("#statuswijziging button[type=submit]", 400, **{"#status-toelichting": "   "})
    b.verstuur("#token-uitgeven button[type=submit]", 201)
    b.ga("/account/tokens")
    b.ga("/fg/", 403)


def _procesregisseur(b: Bezoek, demo: Demoregio, gegevens: Gegevens) -> None:
    _inloggen(b, demo.token(BUREAU, "procesregisseur"))
    b.ga("/bureau/")
    b.volg("main a[href*='/plan']")
    b.verstuur("#teksten-tonen")
    b.ga("/bureau/agenda")
    b.ga(f"/bureau/casussen/{ONBEKEND}/plan", 404)
    b.ga("/account/tokens")


def _procesondersteuner(b: Bezoek, demo: Demoregio, gegevens: Gegevens) -> None:
    _inloggen(b, demo.token(BUREAU, "procesondersteuner"))
    b.ga("/bureau/agenda")
    b.ga("/bureau/")
    b.ga("/account/tokens")


def _manager(b: Bezoek, demo: Demoregio, gegevens: Gegevens) -> None:
    _inloggen(b, demo.token(BUREAU, "manager"))
    b.ga("/rapportage/")
    b.ga("/rapportage/?jaar=2023&gemeente=assen&intern=1")
    b.ga("/rapportage/?jaar=1999", 400)
    b.ga("/account/tokens")
    b.ga("/bureau/", 403)


def _partnersysteem(b: Bezoek, demo: Demoregio, gegevens: Gegevens) -> None:
    _inloggen(b, demo.token("politie-noord-nederland", "casusregisseur"))
    b.ga("/account/tokens")
    b.ga("/fg/", 403)


WANDELINGEN: dict[str, Callable[[Bezoek, Demoregio, Gegevens], None]] = {
    "niet-ingelogd": _anoniem,
    "fg-bureau": _fg_bureau,
    "fg-partner": _fg_partner,
    "beheerder": _beheerder,
    "procesregisseur": _procesregisseur,
    "procesondersteuner": _procesondersteuner,
    "manager": _manager,
    "partnersysteem": _partnersysteem,
}


@pytest.mark.parametrize("wie", list(WANDELINGEN))
def test_every_page_has_no_serious_or_critical_wcag_violation(
    wie: str, bezoek: Bezoek, demoregio: Demoregio, gegevens: Gegevens
) -> None:
    WANDELINGEN[wie](bezoek, demoregio, gegevens)
    bezocht = f"{len(bezoek.bezocht)} pages checked: {', '.join(bezoek.bezocht)}"
    assert not bezoek.bevindingen, "\n".join([*bezoek.bevindingen, bezocht])


def test_the_check_reports_a_violation_the_page_would_have(bezoek: Bezoek) -> None:
    """The check is live in this context: the login page without its field's label and without its language is
    reported (rule, impact, element), and the unchanged page is not."""
    bezoek.ga("/inloggen")
    assert bezoek.bevindingen == []
    bezoek.page.evaluate("document.querySelector('label[for=token]').remove()")
    bezoek.page.evaluate("document.documentElement.removeAttribute('lang')")
    gevonden = bezoek.axe()
    assert any(": label (critical) at #token:" in regel for regel in gevonden), gevonden
    assert any(": html-has-lang (serious) at html:" in regel for regel in gevonden), gevonden

"""The /fg pages in a real browser: headless Chromium (Debian's) driven by Playwright, against a real server.

The browser and server fixtures, and when they skip, are in `tests/browser.py`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.services import Services
from tests.helpers.beheer import gebruiker_of
from tests.helpers.browser import klik
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.verantwoording import CASE_VALUES, Logboek

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=server, java_script_enabled=False)  # the pages need none
    tab = context.new_page()
    yield tab
    context.close()


def _login(page: Any, token: str) -> None:
    page.goto("/fg/")
    assert "/inloggen" in page.url
    page.fill("#token", token)
    klik(page, "button[type=submit]")
    assert page.url.endswith("/fg/")


def _no_case_values(page: Any) -> None:
    html = page.content()
    for value in CASE_VALUES:
        assert value not in html, (page.url, value)


def test_login_overview_charts_and_logout(page: Any, logboek: Logboek) -> None:
    _login(page, logboek.fg)
    assert page.locator("#totaal").inner_text() == "5"  # two aanleveringen, three verstrekkingen
    charts = page.locator("svg.staafgrafiek")
    assert charts.count() == 2
    for i in range(2):
        box = charts.nth(i).bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 20
    assert page.locator("svg.staafgrafiek rect").count() >= 12 + 3  # 12 months and three partners
    _no_case_values(page)
    klik(page, "text=Uitloggen")
    assert "/inloggen" in page.url
    page.goto("/fg/")
    assert "/inloggen" in page.url


def test_filter_timeline_and_every_page_without_case_values(page: Any, logboek: Logboek) -> None:
    _login(page, logboek.fg)
    klik(page, "nav >> text=Verstrekkingen")
    assert page.locator("table.regels tbody tr").count() == 5
    page.select_option("select[name=uitkomst]", "gedeeltelijk")
    klik(page, "form.filters button[type=submit]")
    assert "uitkomst=gedeeltelijk" in page.url
    rows = page.locator("table.regels tbody tr")
    assert rows.count() == 1 and "Casusoverleg" in rows.first.inner_text()  # the doel by its name
    _no_case_values(page)
    klik(rows.first.locator("a[href^='/fg/casussen/']"))
    assert f"/fg/casussen/{logboek.casus['id']}" in page.url
    items = page.locator("ol.tijdlijn li")
    assert items.count() == 5
    assert (
        "aanmelding" in items.nth(0).inner_text().lower()
        and "triage" in items.nth(2).inner_text().lower()
        and "nieuwsgierigheid" not in page.content()
    )
    _no_case_values(page)
    for link in ("Integriteit", "Signalen", "Inzageverzoek", "Overzicht"):
        klik(page, f"nav >> text={link}")
        _no_case_values(page)
    klik(page, "nav >> text=Integriteit")
    assert "kloppen" in page.locator("#snel").inner_text()
    assert "nog niet volledig gecontroleerd" in page.locator("#laatste").inner_text()
    klik(page, "text=Nu volledig controleren")
    assert "Laatste volledige controle: intact" in page.locator("#laatste").inner_text()
    assert page.locator("#geschiedenis tbody tr.gekozen").count() == 1
    assert "controle=" in page.url


@pytest.mark.parametrize("bsn", [BSN_HOOFDPERSOON, BSN_SYSTEEMLID], ids=["hoofdpersoon", "systeemlid"])
def test_access_request_gives_a_printable_report(page: Any, logboek: Logboek, bsn: str) -> None:
    _login(page, logboek.fg)
    klik(page, "nav >> text=Inzageverzoek")
    page.fill("#bsn", bsn)
    klik(page, "form.formulier button[type=submit]")
    report = page.locator("#rapport")
    expect(report).to_be_visible()
    rows = report.locator("li.stroom")
    # both sides: the police's aanmelding, (for the hoofdpersoon) the GGD's bijdrage, the triage, the casusoverleg
    assert rows.count() == (4 if bsn == BSN_HOOFDPERSOON else 3)
    assert "Politie eenheid Noord-Nederland heeft gegevens over u aangeleverd" in rows.nth(0).inner_text()
    triage = rows.nth(rows.count() - 2).inner_text()
    assert "Bureau Zorg- en Veiligheidshuis Drenthe heeft gegevens over u ontvangen" in triage
    assert "2 jaar" in triage and "Triage door het Bureau ZVH" in triage  # its verwerkingsactiviteit and term
    assert "Autoriteit Persoonsgegevens" in report.locator("#uw-rechten").inner_text()
    assert "privacy@zvh-drenthe.example" in report.locator("#contact").inner_text()
    _no_case_values(page)
    page.emulate_media(media="print")
    # The print style applies after a style recalculation: wait for it (Playwright retries until its timeout).
    expect(page.locator("header.kop")).to_be_hidden()
    expect(report).to_be_visible()


def test_the_beheer_history_and_a_records_inclusion_proof(page: Any, services: Services, logboek: Logboek) -> None:
    voorsteller = gebruiker_of(services, add_gebruiker(services, "bureau-zvh-drenthe", "beheerder"))
    beoordelaar = gebruiker_of(services, add_gebruiker(services, "bureau-zvh-drenthe", "beheerder"))
    voorstel = beheer.stel_partnerwijziging_voor(
        services, voorsteller, "Synthetisch: Halt schorsen?", "stichting-halt", actief=False
    )
    beheer.wijs_af(services, beoordelaar, voorstel.id, "Synthetisch: niet nodig.")
    _login(page, logboek.fg)
    klik(page, "nav >> text=Beheer")
    rows = page.locator("#beheer tbody tr")
    assert rows.count() == 2  # newest first
    assert "Afwijzing" in rows.nth(0).inner_text() and "Synthetisch: niet nodig." in rows.nth(0).inner_text()
    assert "Schorsing van Stichting Halt" in rows.nth(1).inner_text()
    assert "Synthetisch: Halt schorsen?" in rows.nth(1).inner_text()
    _no_case_values(page)
    klik(rows.nth(0).locator("a"))
    assert "/fg/bewijzen/" in page.url
    assert page.locator("#blad").inner_text().strip() and page.locator("#wortel").inner_text().strip()
    klik(page, "nav >> text=Verstrekkingen")
    assert page.locator("table.regels tbody tr").count() == 5  # the beheer records are no verstrekkingen

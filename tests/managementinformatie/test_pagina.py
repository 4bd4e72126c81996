"""`/rapportage` in Chromium: the manager opens the year's report (published figures with "x", charts), the
exact internal view is marked as such, printing hides the navigation and forms and keeps every table; others
get no access; the page holds no personal value."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.browser import klik
from tests.helpers.casus import post, refer
from tests.managementinformatie.test_api import JAAR

pytestmark = pytest.mark.slow


@pytest.fixture
def page(pagina: Any) -> Any:
    return pagina


def _login(page: Any, token: str) -> None:
    page.goto("/rapportage/")
    page.fill("#token", token)
    klik(page, "main button[type=submit]")


def test_the_manager_reads_prints_and_chooses_the_exact_view(
    page: Any, client: FlaskClient, services: Services, politie: str, procesregisseur: str, manager: str
) -> None:
    casus = refer(client, politie)
    refer(client, politie)
    for besluit in ("in-behandeling", "procesregie"):
        post(client, procesregisseur, f"/v1/casussen/{casus['id']}/triage", {"besluit": besluit, "toelichting": "t"})
    _login(page, manager)
    assert page.url.endswith("/rapportage/")
    page.select_option("select[name=jaar]", str(JAAR))
    klik(page, "form.filters button[type=submit]")
    assert f"Jaarcijfers {JAAR}" in page.locator("h1").inner_text()
    assert page.locator("#publicatie").is_visible()
    assen = page.locator("#tabel-per-gemeente tr", has_text="Assen")
    assert assen.locator("td").first.inner_text() == "x"
    assert page.locator(".jaartabel").count() == 16
    assert page.evaluate("document.documentElement.scrollWidth") <= 1280
    assert "Testpersoon" not in page.content()

    page.emulate_media(media="print")
    assert not page.locator("form.filters").is_visible() and not page.locator("header.kop").is_visible()
    assert page.locator("#tabel-overleggen").is_visible()
    pdf = page.pdf(format="A4")
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    page.emulate_media(media="screen")

    page.check("input[name=intern]")
    klik(page, "form.filters button[type=submit]")
    assert page.locator("#intern").is_visible()
    assen = page.locator("#tabel-per-gemeente tr", has_text="Assen")
    assert [c.inner_text() for c in assen.locator("td").all()] == ["1", "2", "0", "0"]


def test_only_the_manager_opens_it(page: Any, procesregisseur: str) -> None:
    _login(page, procesregisseur)
    response = page.goto("/rapportage/")
    assert response is not None and response.status == 403

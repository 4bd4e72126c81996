"""The Bureau pages in a real browser (headless Chromium, no JavaScript): the procesregisseur follows an overdue
actie from the werkvoorraad to the casus's plan, shows its texts (a logged verstrekking), closes the actie, and
records attendance on the agenda; every page fits a 1280 px window."""

from __future__ import annotations

from typing import Any

import pytest

from service.service_layer.services import Services
from tests.bureau.conftest import ACTIETEKST, DOELTEKST, Bureauwerk
from tests.helpers.browser import klik
from tests.helpers.plan import records

pytestmark = pytest.mark.slow


@pytest.fixture
def page(pagina: Any) -> Any:
    return pagina


def _past(page: Any) -> None:
    breedte = page.evaluate("document.documentElement.scrollWidth")
    assert breedte <= 1280, (page.url, breedte)


def test_from_the_werkvoorraad_to_the_plan_and_the_agenda(
    page: Any, services: Services, procesregisseur: str, werk: Bureauwerk
) -> None:
    page.goto("/bureau/")
    assert "/inloggen" in page.url
    page.fill("#token", procesregisseur)
    klik(page, "button[type=submit]")
    assert page.url.endswith("/bureau/")
    assert page.locator("#aantal-verlopen").inner_text() == "1"
    assert page.locator("#acties tbody tr.verlopen").count() == 1
    _past(page)

    klik(page.locator("#acties tbody tr.verlopen a"))
    assert page.url.endswith(f"/bureau/casussen/{werk.casus}/plan")
    assert DOELTEKST not in page.content()
    _past(page)
    voor = len(records(services))
    klik(page, "#teksten-tonen")
    assert page.locator("#verstrekking").is_visible()
    assert DOELTEKST in page.content() and ACTIETEKST in page.content()
    assert len(records(services)) == voor + 1

    rij = page.locator(f"#actie-{werk.te_laat}")
    rij.locator("select[name=status]").select_option("afgerond")
    klik(rij.locator("button[type=submit]"))
    assert page.locator("#aantal-verlopen").inner_text() == "0"
    assert page.locator(f"#actie-{werk.te_laat} td.status").inner_text() == "afgerond"
    assert DOELTEKST not in page.content()  # back to the page without texts: showing them again is a new verstrekking

    klik(page, "nav >> text=Agenda")
    overleg = page.locator(f"#overleg-{werk.overleg}")
    assert "Casusoverleg" in overleg.inner_text() and "nog niet vastgelegd" in overleg.inner_text()
    _past(page)
    klik(overleg.locator("button[name=aanwezig][value=ja]"))
    assert "aanwezig" in page.locator(f"#overleg-{werk.overleg} table").inner_text()
    assert "nog niet vastgelegd" not in page.locator(f"#overleg-{werk.overleg}").inner_text()
    klik(page, "nav >> text=Werkvoorraad")
    assert page.locator("#aantal-verlopen").inner_text() == "0"

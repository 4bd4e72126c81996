"""The FG's overview (issue 24.3): every count is a link to a list that says exactly that count, for the Bureau's
FG (the whole region) and for a partner's own FG (its organisation only), on the demo region."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.databases import Demo
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.web import html, login

_TELLING = re.compile(r'<a class="telling"(?: id="totaal")? data-aantal="(\d+)" href="([^"]+)"')
_TOTAAL = re.compile(r'<strong id="totaal" data-aantal="(\d+)">')


@pytest.mark.parametrize("partner", ["bureau-zvh-drenthe", "politie-noord-nederland"], ids=["bureau", "partner"])
def test_every_count_on_the_overview_opens_a_list_with_exactly_that_count(
    app: Flask, services: Services, demo: Demo, partner: str
) -> None:
    client = app.test_client()
    login(client, add_gebruiker(services, partner, "fg"))
    overzicht = html(client.get("/fg/"))
    tellingen = _TELLING.findall(overzicht)
    ids = set(re.findall(r'<table class="tellingen" id="([^"]+)"', overzicht))
    assert ids == {"per-uitkomst", "per-maand", "per-doel", "per-grondslag", "per-partner"}
    assert len(tellingen) > 20  # the totaal, and uitkomsten, months, doelen, grondslagen and partners
    for aantal, href in tellingen:
        lijst = client.get(href.replace("&amp;", "&"))
        assert lijst.status_code == 200, href
        gevonden = _TOTAAL.search(html(lijst))
        assert gevonden is not None, href
        assert gevonden.group(1) == aantal, href
    partners = re.findall(r'href="/fg/verstrekkingen\?partner=([^"]+)"', overzicht)
    if partner != "bureau-zvh-drenthe":
        assert partners == [partner]  # a partner's FG counts its own organisation only
        assert "ziet alleen" in overzicht or "uw eigen organisatie" in overzicht
    else:
        assert len(partners) > 5
        _de_lijst_noemt_en_telt(client)


def _de_lijst_noemt_en_telt(client: FlaskClient) -> None:
    """The list names what it shows and pages with a total."""
    lijst = html(client.get("/fg/verstrekkingen"))
    totaal = int(_TOTAAL.search(lijst).group(1))  # type: ignore[union-attr]
    assert totaal > 50
    assert f"Pagina 1 van {-(-totaal // 50)}" in lijst
    assert (
        "avg-6-1-e-wgs</span>" not in lijst and 'title="avg-6-1-e-wgs"' in lijst
    )  # the grondslag's name, code on hover
    assert ">Publieke taak" in lijst
    laatste = html(client.get(f"/fg/verstrekkingen?pagina={-(-totaal // 50)}"))
    rijen = laatste.count('<tr class="uitkomst-')
    assert rijen == totaal - 50 * (-(-totaal // 50) - 1) and 'rel="next"' not in laatste

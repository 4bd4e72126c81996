"""A proposal's page (issue 24.4): the impact summarised first per partner type, rol and doel, the policy lines
added and removed, and an approval that needs its confirmation and may carry an opmerking that is kept and logged."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.beleid.impact import samenvatting
from service.service_layer.beleid.verschil import verschil
from service.service_layer.services import Services
from tests.helpers.beheer import ADDED, REMOVED, active, change, propose, toestand
from tests.helpers.casus import bearer
from tests.helpers.web import BEVESTIGD, html, login, post

BUREAU = "bureau-zvh-drenthe"
# A line whose subject is a partner type group: removing it takes velden from several partners at once.
GEMEENTEN = "p, gemeente, casusregisseur, regulier, overdracht, contact, avg-6-1-e-wgs, allow"


@pytest.fixture
def a(app: Flask, beheerder_a: str) -> FlaskClient:
    client = app.test_client()
    login(client, beheerder_a)
    return client


@pytest.fixture
def b(app: Flask, beheerder_b: str) -> FlaskClient:
    client = app.test_client()
    login(client, beheerder_b)
    return client


def _stel_voor(client: FlaskClient, toevoegen: str = "", verwijderen: str = "") -> str:
    response = post(
        client,
        "/beheer/voorstellen/wijziging",
        {
            "toelichting": "Synthetisch.",
            "bestand": "zvh-drenthe.csv",
            "toevoegen": toevoegen,
            "verwijderen": verwijderen,
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    found = re.fullmatch(r"/beheer/voorstellen/([0-9a-f]{32})", response.headers["Location"])
    assert found
    return found.group(1)


def test_the_summary_takes_partners_with_the_same_change_together_and_leaves_no_decision_out(
    services: Services, a: FlaskClient, b: FlaskClient
) -> None:
    voorstel_id = _stel_voor(a, verwijderen=GEMEENTEN)
    diff = verschil(services, voorstel_id)
    typen = {p.id: p.type for p in services.convenant.partners}
    regels = samenvatting(diff, typen)
    # every (partner, decision) of the diff is in exactly one row, under a partner of the row's type
    uit_regels = sorted(
        (partner, r.rol, r.casustype, r.doel, b_.veld, b_.was, b_.wordt)
        for r in regels
        for partner in r.partners
        for b_ in r.beslissingen
        if typen[partner] == r.partnertype
    )
    uit_diff = sorted(
        (g.partner, g.rol, g.casustype, g.doel, b_.veld, b_.was, b_.wordt)
        for g in diff.groepen
        for b_ in g.beslissingen
    )
    assert uit_regels == uit_diff and len(uit_diff) > 1
    assert any(len(r.partners) > 1 for r in regels)  # the gemeenten lose it together, on one line
    assert len(regels) < len(diff.groepen)

    page = html(b.get(f"/beheer/voorstellen/{voorstel_id}"))
    shown = re.findall(r'<tr class="impactregel" [^>]*data-partners="([^"]+)"', page)
    assert sorted(shown) == sorted(" ".join(r.partners) for r in regels)
    assert page.index('id="impact"') < page.index('id="beleidsregels"') < page.index('id="verschil"')
    eraf = re.findall(r'<tr class="eraf"><td>− eraf</td><td>([^<]+)</td><td><code>([^<]+)</code>', page)
    assert eraf == [("zvh-drenthe.csv", GEMEENTEN)], page[page.index('id="beleidsregels"') :][:1500]
    assert 'class="erbij"' not in page
    assert "Contactgegevens" in page or "contact" not in {v.id for v in services.convenant.velden}
    assert '<details id="per-partner">' in page  # more than three partners: the full table folded


def test_approval_needs_its_confirmation_and_keeps_the_opmerking(
    services: Services, a: FlaskClient, b: FlaskClient
) -> None:
    voorstel_id = _stel_voor(a, toevoegen=ADDED, verwijderen=REMOVED)
    page = html(b.get(f"/beheer/voorstellen/{voorstel_id}"))
    assert 'id="bevestigd"' in page and "required" in page
    assert "wacht op een tweede" in html(a.get(f"/beheer/voorstellen/{voorstel_id}"))  # what the proposer reads

    before = toestand(services)
    unconfirmed = post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", {"opmerking": "Synthetisch."})
    assert unconfirmed.status_code == 400 and 'id="goedkeuring-melding"' in html(unconfirmed)
    assert "Synthetisch." in html(unconfirmed)  # the opmerking is shown again, not lost
    wrong = post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", {"bevestigd": "nee"})
    assert wrong.status_code == 400
    too_long = post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", {**BEVESTIGD, "opmerking": "x" * 2001})
    assert too_long.status_code == 400 and 'id="goedkeuring-problemen"' in html(too_long)
    assert toestand(services) == before  # none of the three changed anything

    opmerking = "Gelezen: alleen de procesondersteuner, alleen triage."
    done = post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", {**BEVESTIGD, "opmerking": opmerking})
    assert done.status_code == 303
    found = beheer.voorstel(services, voorstel_id)
    assert found.status.value == "goedgekeurd" and found.reden == opmerking
    assert active(services).version == found.versie
    page = html(b.get(f"/beheer/voorstellen/{voorstel_id}"))
    assert "Opmerking bij goedkeuring" in page and opmerking in page
    with services.uow() as uow:
        gebruiker = uow.gebruikers.get(found.beoordeeld_door or "")
    assert gebruiker is not None
    history = beheer.geschiedenis(services, gebruiker)
    stappen = [(g.handeling, g.toelichting) for g in history if g.voorstel == voorstel_id]
    assert stappen == [("voorstel", "Synthetisch."), ("goedkeuring", opmerking), ("activering", "Synthetisch.")]


def test_the_api_takes_an_optional_opmerking_and_refuses_an_unknown_key(
    services: Services, client: FlaskClient, beheerder_a: str, beheerder_b: str
) -> None:

    eerste, tweede = beheerder_a, beheerder_b
    voorstel = propose(client, eerste, **change(toevoegen=[ADDED])).get_json()
    url = f"/v1/beleid/voorstellen/{voorstel['id']}/goedkeuring"
    before = toestand(services)
    refused = client.post(url, json={"opmerking": "x", "goedgekeurd": True}, headers=bearer(tweede))
    assert refused.status_code == 400 and refused.mimetype == "application/problem+json"
    assert toestand(services) == before
    done = client.post(url, json={"opmerking": "Synthetische opmerking."}, headers=bearer(tweede))
    assert done.status_code == 200 and done.get_json()["reden"] == "Synthetische opmerking."
    zonder = propose(client, eerste, **change(verwijderen=[REMOVED])).get_json()
    plain = client.post(f"/v1/beleid/voorstellen/{zonder['id']}/goedkeuring", headers=bearer(tweede))
    assert plain.status_code == 200 and plain.get_json()["reden"] is None  # no body: as before


def test_the_picker_composes_a_line_from_codes_that_exist_and_proposes_nothing(
    services: Services, a: FlaskClient
) -> None:
    keuzes = {
        "kies-subject": "zvh",
        "kies-rol": "procesondersteuner",
        "kies-casustype": "regulier",
        "kies-doel": "triage",
        "kies-object": "contact",
        "kies-grondslag": "avg-6-1-e-wgs",
        "kies-effect": "allow",
    }
    before = toestand(services)
    page = post(a, "/beheer/voorstellen/wijziging", {**keuzes, "samenstellen": "1", "toevoegen": REMOVED})
    assert page.status_code == 200
    toevoegen = re.search(r'<textarea id="wijziging-toevoegen"[^>]*>([^<]*)</textarea>', html(page))
    assert toevoegen is not None and toevoegen.group(1).splitlines() == [REMOVED, ADDED]  # appended, kept
    assert toestand(services) == before  # nothing proposed

    wrong = post(a, "/beheer/voorstellen/wijziging", {**keuzes, "kies-grondslag": "bestaat-niet", "samenstellen": "1"})
    assert wrong.status_code == 400 and "kies een code die bestaat" in html(wrong)
    leeg = re.search(r'<textarea id="wijziging-toevoegen"[^>]*>([^<]*)</textarea>', html(wrong))
    assert leeg is not None and leeg.group(1) == ""
    assert toestand(services) == before

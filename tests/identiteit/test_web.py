"""`/beheer/gebruikers`: the pages over the same use cases; a token is shown once; four eyes through the pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.beheer import gebruiker_of
from tests.helpers.casus import bearer
from tests.helpers.web import BEVESTIGD, csrf, html, login, post

POLITIE = "politie-noord-nederland"
TOKEN = re.compile(r"dp_[0-9a-f]{32}_[A-Za-z0-9_-]{43}")


@pytest.fixture
def a(app: Flask, beheerder_a: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, beheerder_a).headers["Location"] == "/beheer/"
    return client


@pytest.fixture
def b(app: Flask, beheerder_b: str) -> FlaskClient:
    client = app.test_client()
    assert login(client, beheerder_b).headers["Location"] == "/beheer/"
    return client


def formulier(**overrides: str) -> dict[str, Any]:
    data = {
        "partner": POLITIE,
        "rol": "casusregisseur",
        "soort": "systeem",
        "naam": "Synthetisch bronsysteem",
        "toelichting": "Aansluiting van het synthetische bronsysteem.",
        "oidc_issuer": "",
        "oidc_subject": "",
    }
    data.update(overrides)
    return data


def test_a_system_is_created_and_its_token_is_shown_once(a: FlaskClient, client: FlaskClient) -> None:
    assert a.get("/beheer/gebruikers/nieuw").status_code == 200
    created = post(a, "/beheer/gebruikers/", formulier())
    assert created.status_code == 303
    page_url = created.headers["Location"]
    page = a.get(page_url)
    assert page.status_code == 200 and "Synthetisch bronsysteem" in html(page)
    issued = post(a, page_url + "/tokens")
    assert issued.status_code == 201
    (token,) = TOKEN.findall(html(issued))
    assert client.get("/v1/partners", headers=bearer(token)).status_code == 200
    again = a.get(page_url)
    assert not TOKEN.search(html(again))  # the page never shows it again
    assert token.split("_")[1][:8] in html(again)  # its id is listed
    listing = a.get("/beheer/gebruikers/?partner=politie-noord-nederland&soort=systeem")
    assert "Synthetisch bronsysteem" in html(listing) and not TOKEN.search(html(listing))


def test_a_refused_form_keeps_its_input_and_says_what_is_wrong(a: FlaskClient, services: Services) -> None:
    with services.uow() as uow:
        before = uow.log.size()
    refused = post(a, "/beheer/gebruikers/", formulier(rol="fg", naam="Synthetisch behouden"))
    assert refused.status_code == 400
    text = html(refused)
    assert "een fg is een persoon" in text and "Synthetisch behouden" in text
    half = post(a, "/beheer/gebruikers/", formulier(soort="persoon", oidc_issuer="https://idp.example"))
    assert half.status_code == 400 and "vul beide velden in" in html(half)
    with services.uow() as uow:
        assert uow.log.size() == before


def test_a_new_fg_is_a_proposal_that_the_other_beheerder_approves_on_the_pages(a: FlaskClient, b: FlaskClient) -> None:
    created = post(
        a, "/beheer/gebruikers/", formulier(partner="bureau-zvh-drenthe", rol="fg", soort="persoon", naam="Synth FG")
    )
    assert created.status_code == 303 and "/beheer/voorstellen/" in created.headers["Location"]
    voorstel_url = created.headers["Location"]
    page = html(b.get(voorstel_url))
    assert "Nieuwe beheerder of FG" in page and "Synth FG" in page
    assert 'id="geen-verschil"' in page and 'id="impact"' not in page  # the field policy stays as it is
    assert post(a, voorstel_url + "/goedkeuring", BEVESTIGD).status_code == 403  # the proposer
    assert post(b, voorstel_url + "/goedkeuring", BEVESTIGD).status_code == 303
    gebruiker_url = re.search(r'href="(/beheer/gebruikers/[0-9a-f]{32})"', html(b.get(voorstel_url)))
    assert gebruiker_url is not None
    detail = html(a.get(gebruiker_url.group(1)))
    assert 'data-status="actief"' in detail
    assert "Nieuw token uitgeven" not in detail  # never a token from another beheerder
    assert post(a, gebruiker_url.group(1) + "/tokens").status_code == 403


def test_suspending_on_the_page_ends_the_systems_access(
    a: FlaskClient, client: FlaskClient, services: Services, politie: str
) -> None:
    system = gebruiker_of(services, politie).id
    done = post(a, f"/beheer/gebruikers/{system}/status", {"status": "geschorst", "toelichting": "Synthetisch."})
    assert done.status_code == 303
    assert client.get("/v1/partners", headers=bearer(politie)).status_code == 401
    missing_reason = post(a, f"/beheer/gebruikers/{system}/status", {"status": "actief", "toelichting": ""})
    assert missing_reason.status_code == 400
    assert client.get("/v1/partners", headers=bearer(politie)).status_code == 401


def test_every_post_needs_the_csrf_token_and_a_beheerder(app: Flask, a: FlaskClient, fg: str) -> None:
    page = a.get("/beheer/gebruikers/nieuw")
    assert csrf(html(page))
    assert a.post("/beheer/gebruikers/", data=formulier()).status_code == 400  # no CSRF token
    fg_client = app.test_client()
    login(fg_client, fg)
    assert fg_client.get("/beheer/gebruikers/").status_code == 403


def test_the_history_shows_credential_changes(a: FlaskClient, politie: str, services: Services) -> None:
    system = gebruiker_of(services, politie).id
    post(a, f"/beheer/gebruikers/{system}/status", {"status": "geschorst", "toelichting": "Synthetische reden."})
    page = html(a.get("/beheer/geschiedenis"))
    assert "gebruiker geschorst" in page and "Synthetische reden." in page


def test_the_fg_sees_every_credential_change_on_its_beheer_page(
    app: Flask, a: FlaskClient, politie: str, services: Services, fg: str
) -> None:
    system = gebruiker_of(services, politie).id
    post(a, f"/beheer/gebruikers/{system}/status", {"status": "geschorst", "toelichting": "Synthetische reden."})
    post(a, f"/beheer/gebruikers/{system}/tokens/{politie.split('_')[1]}/intrekking")
    fg_client = app.test_client()
    login(fg_client, fg)
    page = html(fg_client.get("/fg/beheer"))
    with services.uow() as uow:
        naam = uow.gebruikers.get(system).naam  # type: ignore[union-attr]
    assert "Gebruiker geschorst" in page and "Token ingetrokken" in page and f"Gebruiker: {naam}" in page


def test_a_person_makes_its_own_api_token_after_logging_in_shown_once(
    app: Flask, client: FlaskClient, services: Services, fg: str
) -> None:
    fg_client = app.test_client()
    login(fg_client, fg)
    page = fg_client.get("/account/tokens")
    assert page.status_code == 200 and "Nieuw API-token maken" in html(page)
    made = post(fg_client, "/account/tokens")
    assert made.status_code == 201
    (token,) = TOKEN.findall(html(made))
    assert token != fg
    assert client.get("/v1/verantwoording/verstrekkingen", headers=bearer(token)).status_code == 200
    again = html(fg_client.get("/account/tokens"))
    assert not TOKEN.search(again) and token.split("_")[1][:8] in again
    owner = gebruiker_of(services, fg).id
    with services.uow() as uow:
        life = next(t for t in uow.gebruikers.tokens(owner) if t.id == token.split("_")[1])
    assert life.verloopt_op - life.uitgegeven_op == services.levensduur.persoon
    revoked = post(fg_client, f"/account/tokens/{token.split('_')[1]}/intrekking")
    assert revoked.status_code == 303
    assert client.get("/v1/verantwoording/verstrekkingen", headers=bearer(token)).status_code == 401


def test_a_system_gets_no_token_from_the_account_page(app: Flask, politie: str, services: Services) -> None:
    system_client = app.test_client()
    login(system_client, politie)
    assert "Nieuw API-token maken" not in html(system_client.get("/account/tokens"))
    with services.uow() as uow:
        before = len(uow.gebruikers.tokens(gebruiker_of(services, politie).id))
    assert post(system_client, "/account/tokens").status_code == 403
    with services.uow() as uow:
        assert len(uow.gebruikers.tokens(gebruiker_of(services, politie).id)) == before

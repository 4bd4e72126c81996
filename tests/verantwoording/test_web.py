"""The /fg pages: login with a token, server-side sessions, CSRF on every POST, headers, metadata only."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import update
from werkzeug.test import TestResponse

from service.adapters.orm import GebruikerRow, VerstrekkingRow
from service.service_layer.identiteit import websessies
from service.service_layer.logboek import integriteit
from service.service_layer.services import Services
from service.web.sessie import COOKIE
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.verantwoording import CASE_VALUES, Logboek
from tests.helpers.web import csrf, login

FG_PAGES = ("/fg/", "/fg/verstrekkingen", "/fg/inzageverzoek", "/fg/integriteit", "/fg/signalen")


def _cookie_header(response: TestResponse, name: str) -> str:
    return next(h for h in response.headers.getlist("Set-Cookie") if h.startswith(f"{name}="))


def test_pages_need_a_session(client: FlaskClient) -> None:
    for path in FG_PAGES:
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/inloggen?volgende=")


def test_login_sets_a_strict_httponly_session_cookie(client: FlaskClient, fg: str) -> None:
    response = login(client, fg)
    assert response.status_code == 302 and response.headers["Location"] == "/fg/"
    header = _cookie_header(response, COOKIE)
    assert "HttpOnly" in header and "SameSite=Strict" in header and "Path=/" in header
    assert "Secure" not in header  # plain http (tests): a Secure cookie would never come back
    assert client.get("/fg/").status_code == 200


def test_session_cookie_is_secure_over_tls(services: Services, app: object, fg: str) -> None:
    client = app.test_client()  # type: ignore[attr-defined]
    page = client.get("/inloggen", base_url="https://localhost")
    response = client.post(
        "/inloggen",
        data={"token": fg, "csrf_token": csrf(page.get_data(as_text=True))},
        base_url="https://localhost",
    )
    assert "Secure" in _cookie_header(response, COOKIE)


def test_login_without_or_with_a_wrong_csrf_token_is_refused(client: FlaskClient, fg: str) -> None:
    client.get("/inloggen")
    assert client.post("/inloggen", data={"token": fg}).status_code == 400
    assert client.post("/inloggen", data={"token": fg, "csrf_token": "0" * 64}).status_code == 400
    fresh = FlaskClient(client.application)  # no login cookie at all: a cross-site post
    page = client.get("/inloggen")
    assert (
        fresh.post("/inloggen", data={"token": fg, "csrf_token": csrf(page.get_data(as_text=True))}).status_code == 400
    )
    assert client.get("/fg/").status_code == 302


@pytest.mark.parametrize(
    "token", ["", "dp_x", "dp_" + "0" * 32 + "_" + "A" * 43], ids=["empty", "malformed", "unknown"]
)
def test_bad_tokens_do_not_log_in(client: FlaskClient, token: str) -> None:
    response = login(client, token)
    assert response.status_code == 401
    assert COOKIE + "=" not in " ".join(response.headers.getlist("Set-Cookie"))


def test_other_rollen_are_refused(client: FlaskClient, services: Services) -> None:
    login(client, add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur"))
    for path in FG_PAGES:
        assert client.get(path).status_code == 403


def test_redirect_after_login_stays_local(client: FlaskClient, fg: str) -> None:
    assert login(client, fg, volgende="/fg/signalen").headers["Location"] == "/fg/signalen"
    for evil in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        client.delete_cookie(COOKIE)
        assert login(client, fg, volgende=evil).headers["Location"] == "/fg/"


def test_logout_ends_the_session_on_the_server(client: FlaskClient, fg: str) -> None:
    login(client, fg)
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None
    page = client.get("/fg/").get_data(as_text=True)
    assert client.post("/uitloggen").status_code == 400  # no CSRF token: refused, still logged in
    assert client.get("/fg/").status_code == 200
    assert client.post("/uitloggen", data={"csrf_token": csrf(page)}).status_code == 302
    client.set_cookie(COOKIE, cookie.value)  # replaying the old cookie
    assert client.get("/fg/").status_code == 302


def test_deactivating_the_user_ends_the_session(client: FlaskClient, services: Services, fg: str) -> None:
    login(client, fg)
    assert client.get("/fg/").status_code == 200
    with services.engine.begin() as connection:
        connection.execute(update(GebruikerRow).values(status="geschorst"))
    assert client.get("/fg/").status_code == 302


def test_sessions_expire_when_idle_and_at_most_after_twelve_hours(services: Services, fg: str) -> None:
    start = dt.datetime.now(dt.UTC)
    opened = websessies.inloggen(services, fg, now=start)
    assert opened is not None
    idle = dt.timedelta(minutes=30)
    assert websessies.sessie(services, opened.geheim, idle=idle, now=start + dt.timedelta(minutes=29)) is not None
    assert websessies.sessie(services, opened.geheim, idle=idle, now=start + dt.timedelta(minutes=61)) is None
    kept = websessies.inloggen(services, fg, now=start)
    assert kept is not None
    moment = start
    for _ in range(26):  # used every 29 minutes, but more than 12 hours in all
        moment += dt.timedelta(minutes=29)
        found = websessies.sessie(services, kept.geheim, idle=idle, now=moment)
    assert found is None
    assert websessies.sessie(services, "", idle=idle) is None
    assert websessies.sessie(services, "x" * 500, idle=idle) is None


def test_pages_have_the_security_headers(client: FlaskClient, fg: str) -> None:
    login(client, fg)
    for path in (*FG_PAGES, "/inloggen"):
        response = client.get(path)
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "<script" not in response.get_data(as_text=True)


def test_access_request_form_needs_csrf_and_never_shows_the_bsn(client: FlaskClient, logboek: Logboek) -> None:
    login(client, logboek.fg)
    page = client.get("/fg/inzageverzoek").get_data(as_text=True)
    assert client.post("/fg/inzageverzoek", data={"bsn": BSN_HOOFDPERSOON}).status_code == 400
    for bsn in (BSN_HOOFDPERSOON, BSN_SYSTEEMLID):
        response = client.post("/fg/inzageverzoek", data={"bsn": bsn, "csrf_token": csrf(page)})
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert 'id="rapport"' in html and "Triage" in html
        for value in CASE_VALUES:
            assert value not in html
    bad = client.post("/fg/inzageverzoek", data={"bsn": "12345abcd", "csrf_token": csrf(page)})
    assert bad.status_code == 400 and "12345abcd" not in bad.get_data(as_text=True)


def test_the_integrity_page_runs_a_full_verification_on_request_withcsrf(
    client: FlaskClient, services: Services, logboek: Logboek
) -> None:
    login(client, logboek.fg)
    page = client.get("/fg/integriteit").get_data(as_text=True)
    assert "nog niet volledig gecontroleerd" in page and 'class="goed" id="snel"' in page
    assert client.post("/fg/integriteit/controles").status_code == 400  # no CSRF token: refused, nothing run
    with services.uow() as uow:
        assert uow.integriteit.latest(5) == []
    done = client.post("/fg/integriteit/controles", data={"csrf_token": csrf(page)})
    assert done.status_code == 303
    with services.uow() as uow:
        (controle,) = uow.integriteit.latest(5)
    assert done.headers["Location"] == f"/fg/integriteit?controle={controle.id}#controles"
    shown = client.get(done.headers["Location"]).get_data(as_text=True)
    assert "Laatste volledige controle: intact" in shown
    assert f'id="controle-{controle.id}" class="gekozen"' in shown


def test_the_integrity_page_says_how_much_of_the_log_is_under_a_signature(
    client: FlaskClient, services: Services, logboek: Logboek
) -> None:
    """ "intact" must not overstate: the page counts the records under the latest signed checkpoint and names the
    unsigned tail and how old it is, until a checkpoint covers everything."""
    login(client, logboek.fg)
    with services.uow() as uow:
        latest = uow.log.latest_checkpoint()
        grootte = uow.log.size()
    ondertekend = latest.grootte if latest is not None else 0
    assert grootte > ondertekend  # the fixture leaves a tail (else this test proves nothing)
    page = client.get("/fg/integriteit").get_data(as_text=True)
    staart = re.search(r'id="staart">De laatste <strong>(\d+)</strong>', page)
    assert staart and int(staart.group(1)) == grootte - ondertekend
    assert "toegevoegd na dat checkpoint, dus hoogstens" in page or latest is None
    services.log.checkpoint_now()
    page = client.get("/fg/integriteit").get_data(as_text=True)
    assert f"vallen er\n<strong>{grootte}</strong> onder het laatste ondertekende checkpoint" in page
    assert "Alle records vallen onder die handtekening." in page


def test_the_integrity_page_names_what_is_wrong_in_dutch(
    client: FlaskClient, services: Services, logboek: Logboek
) -> None:
    """A tampered record: the page (quick check and full verification) says which, in the CLI's Dutch words."""
    with services.engine.begin() as connection:
        connection.execute(update(VerstrekkingRow).where(VerstrekkingRow.log_index == 1).values(blad_hash=b"\0" * 32))
    login(client, logboek.fg)
    page = client.get("/fg/integriteit").get_data(as_text=True)
    done = client.post("/fg/integriteit/controles", data={"csrf_token": csrf(page)})
    shown = " ".join(client.get(done.headers["Location"]).get_data(as_text=True).split())
    assert "index 1: de opgeslagen bladhash past niet bij het record" in shown
    assert "does not match" not in shown


def test_the_integrity_page_says_when_a_verification_is_already_running(client: FlaskClient, logboek: Logboek) -> None:
    login(client, logboek.fg)
    page = client.get("/fg/integriteit").get_data(as_text=True)
    assert integriteit._EEN_TEGELIJK.acquire(blocking=False)
    try:
        busy = client.post("/fg/integriteit/controles", data={"csrf_token": csrf(page)})
    finally:
        integriteit._EEN_TEGELIJK.release()
    assert busy.status_code == 409 and "Er loopt al een volledige controle" in busy.get_data(as_text=True)


def test_no_case_value_on_any_fg_page(client: FlaskClient, logboek: Logboek) -> None:
    login(client, logboek.fg)
    casus = logboek.casus["id"]
    pages = [
        *FG_PAGES,
        f"/fg/casussen/{casus}",
        f"/fg/verstrekkingen?casus={casus}",
        "/fg/verstrekkingen?uitkomst=verstrekt",
    ]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        for value in CASE_VALUES:
            assert value not in html, (path, value)
    for formaat in ("csv", "json", "ldv"):
        text = client.get(f"/fg/export?formaat={formaat}").get_data(as_text=True)
        for value in CASE_VALUES:
            assert value not in text


def test_list_filters_and_bad_filters(client: FlaskClient, logboek: Logboek) -> None:
    login(client, logboek.fg)
    html = client.get("/fg/verstrekkingen?uitkomst=gedeeltelijk").get_data(as_text=True)
    assert html.count('class="uitkomst-gedeeltelijk"') == 1 and 'class="uitkomst-verstrekt"' not in html
    bad = client.get("/fg/verstrekkingen?van=gisteren&uitkomst=alles")
    assert bad.status_code == 400
    text = bad.get_data(as_text=True)
    assert "van:" in text and "uitkomst:" in text


def test_timeline_and_overview_charts(client: FlaskClient, logboek: Logboek) -> None:
    login(client, logboek.fg)
    timeline = client.get(f"/fg/casussen/{logboek.casus['id']}").get_data(as_text=True)
    assert timeline.index("triage") < timeline.index("casusoverleg")
    overview = client.get("/fg/").get_data(as_text=True)
    assert overview.count("<svg") == 2 and "<rect" in overview
    assert client.get("/fg/casussen/..%2Fx").status_code in (404, 308)


def test_the_fg_is_told_what_it_sees(app: object, client: FlaskClient, logboek: Logboek, token_for: Any) -> None:
    login(client, logboek.fg)
    assert "U ziet de\nverstrekkingen en aanleveringen van alle partners" in client.get("/fg/").get_data(as_text=True)
    eigen = app.test_client()  # type: ignore[attr-defined]
    login(eigen, token_for("politie-noord-nederland", "fg"))
    for pad in ("/fg/", "/fg/verstrekkingen"):
        page = eigen.get(pad).get_data(as_text=True)
        assert (
            "U ziet alleen de verstrekkingen aan en de aanleveringen door uw eigen\n"
            "organisatie, Politie eenheid Noord-Nederland." in page
        ), pad

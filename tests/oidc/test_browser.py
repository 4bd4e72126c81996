"""People log in to the pages through their organisation's OpenID Provider: a real provider (oidc-provider under
Node.js, `tests/oidc/provider/`), a real browser (headless Chromium), a real server.

The happy path, and each refusal on its own: an issuer other than the provider's, an unknown subject, a person
of another partner, a replayed callback, a code exchange without the right PKCE verifier. A refusal never
opens a session. SQLite only: what differs on PostgreSQL (taking an attempt once) is in test_voltooien.py.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from sqlalchemy import text
from werkzeug.serving import make_server

from service import create_app
from service.adapters.identiteitsprovider import HttpIdentiteitsprovider, ProviderWeigertError
from service.domain.identiteit import OidcIdentiteit
from service.service_layer.services import Services
from tests.helpers.browser import klik
from tests.helpers.oidc import OpenIdProvider, add_persoon
from tests.oidc.conftest import BUREAU, oidc_settings

pytestmark = [pytest.mark.slow, pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)]

BUREAU_KNOP = "text=Inloggen via Bureau Zorg- en Veiligheidshuis Drenthe"
POLITIE_KNOP = "text=Inloggen via Politie eenheid Noord-Nederland"
TERUGKEER = "/inloggen/oidc/terugkeer"


@pytest.fixture
def context(browser: Any, server: str) -> Iterator[Any]:
    context = browser.new_context(base_url=server, java_script_enabled=False)  # neither side needs it
    # Nothing leaves the machine (the provider's development pages name a web font).
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/]|localhost[:/])"), lambda route: route.abort())
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Any:
    return context.new_page()


def _bij_de_provider_inloggen(page: Any, login: str) -> None:
    """On the provider's (development) login page: any login name is accepted and becomes the subject."""
    assert page.url.startswith("http://localhost:"), page.url
    page.fill("input[name=login]", login)
    page.fill("input[name=password]", "niet-gecontroleerd")
    klik(page, "button[type=submit]")


def _naar_inloggen(page: Any, knop: str = BUREAU_KNOP) -> None:
    page.goto("/fg/")
    assert "/inloggen" in page.url
    klik(page, knop)


def _sessies(services: Services) -> int:
    with services.engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM websessies")).scalar_one())


def _pogingen(services: Services) -> int:
    with services.uow() as uow:
        return uow.oidc_inlogpogingen.aantal()


def _sessiecookie(context: Any) -> bool:
    return any(c["name"] == "deelpoort_sessie" for c in context.cookies())


def _registreer_fg(services: Services, provider: OpenIdProvider, subject: str) -> None:
    add_persoon(services, BUREAU, "fg", OidcIdentiteit(provider.issuer, subject))


def _geweigerd(page: Any, context: Any, services: Services, tekst: str) -> None:
    """The page says `tekst`, no session exists, and the pages still ask to log in."""
    assert tekst in page.content(), page.content()
    assert not _sessiecookie(context)
    assert _sessies(services) == 0
    page.goto("/fg/")
    assert "/inloggen" in page.url


def test_an_fg_logs_in_through_their_organisation_and_lands_on_fg(
    page: Any, context: Any, services: Services, openid_provider: OpenIdProvider, server: str
) -> None:
    _registreer_fg(services, openid_provider, "fg-anna")
    page.goto("/fg/verstrekkingen")
    assert "/inloggen" in page.url
    assert page.locator("#token").count() == 1  # development: the token form stays beside the buttons
    klik(page, BUREAU_KNOP)
    _bij_de_provider_inloggen(page, "fg-anna")
    page.wait_for_url(f"{server}/fg/verstrekkingen")  # where the person wanted to go, after the callback page
    assert "(fg)" in page.locator("header .wie").inner_text()
    assert _sessiecookie(context)
    assert _pogingen(services) == 0  # the attempt was used up
    page.goto("/fg/")
    assert page.url == f"{server}/fg/"


def test_an_issuer_other_than_the_providers_is_refused_before_anyone_logs_in(
    browser: Any, settings: Any, tmp_path: Any, openid_provider: OpenIdProvider, seeded_database: None
) -> None:
    """The set-up names http://127.0.0.1:<port> while the provider is http://localhost:<port>: the same server,
    but not the issuer it says it is (its discovery document), so nothing of it is trusted."""
    wrong = openid_provider.issuer.replace("localhost", "127.0.0.1")
    app = create_app(oidc_settings(settings, tmp_path, openid_provider, issuer=wrong))
    services: Services = app.extensions["deelpoort"]
    add_persoon(services, BUREAU, "fg", OidcIdentiteit(wrong, "fg-anna"))
    with _serve(app) as server:
        context = browser.new_context(base_url=server, java_script_enabled=False)
        try:
            page = context.new_page()
            page.goto("/inloggen")
            with page.expect_response(lambda r: "/inloggen/oidc/" in r.url) as answer:
                klik(page, BUREAU_KNOP)
            assert answer.value.status == 502
            assert page.url.startswith(f"{server}/inloggen/oidc/")  # the browser never went to the provider
            _geweigerd(page, context, services, "niet juist ingericht")
            assert _pogingen(services) == 0
        finally:
            context.close()
            services.engine.dispose()


def test_an_issuer_other_than_the_configured_one_in_the_callback_is_refused(
    page: Any,
    context: Any,
    app: Flask,
    services: Services,
    openid_provider: OpenIdProvider,
    server: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """RFC 9207: the provider names itself in its answer (`iss`); an answer claiming another issuer is refused
    (and the attempt is used up)."""
    _registreer_fg(services, openid_provider, "fg-anna")
    terug = _houd_terugkeer_tegen(app, monkeypatch)
    _naar_inloggen(page)
    _bij_de_provider_inloggen(page, "fg-anna")
    assert len(terug) == 1 and dict(parse_qsl(terug[0]))["iss"] == openid_provider.issuer
    vervalst = urlencode({**dict(parse_qsl(terug[0])), "iss": "http://localhost:1"})
    assert page.goto(f"{server}{TERUGKEER}?{vervalst}").status == 401
    _geweigerd(page, context, services, "niet bevestigd")
    assert page.goto(f"{server}{TERUGKEER}?{terug[0]}").status == 401  # the real answer afterwards: used up
    assert _sessies(services) == 0


def test_an_unknown_subject_is_refused(
    page: Any, context: Any, services: Services, openid_provider: OpenIdProvider
) -> None:
    _registreer_fg(services, openid_provider, "fg-anna")
    _naar_inloggen(page)
    with page.expect_response(lambda r: TERUGKEER in r.url) as answer:
        _bij_de_provider_inloggen(page, "fg-anna-maar-niet-helemaal")
    assert answer.value.status == 403
    _geweigerd(page, context, services, "Uw account is niet geregistreerd bij Deelpoort")


def test_a_person_of_another_partner_is_refused_through_this_partners_provider(
    page: Any, context: Any, services: Services, openid_provider: OpenIdProvider
) -> None:
    """The police's button (a public client of the same provider): the identity is a registered FG, but of
    Bureau ZVH, so not a gebruiker of the partner whose provider was used."""
    _registreer_fg(services, openid_provider, "fg-anna")
    _naar_inloggen(page, POLITIE_KNOP)
    with page.expect_response(lambda r: TERUGKEER in r.url) as answer:
        _bij_de_provider_inloggen(page, "fg-anna")
    assert answer.value.status == 403
    _geweigerd(page, context, services, "Uw account is niet geregistreerd bij Deelpoort")


def test_a_replayed_callback_is_refused(
    page: Any, context: Any, browser: Any, services: Services, openid_provider: OpenIdProvider, server: str
) -> None:
    _registreer_fg(services, openid_provider, "fg-anna")
    gezien: list[str] = []
    page.on("request", lambda r: gezien.append(r.url) if TERUGKEER in r.url else None)
    _naar_inloggen(page)
    _bij_de_provider_inloggen(page, "fg-anna")
    page.wait_for_url(f"{server}/fg/")
    assert len(gezien) == 1 and _sessies(services) == 1
    state = dict(parse_qsl(urlsplit(gezien[0]).query))["state"]

    # The same browser again: refused (the attempt was used up, and its cookie is gone).
    assert page.goto(gezien[0]).status == 401
    # Another browser with the attempt's cookie too: still refused, because the state was used once.
    other = browser.new_context(base_url=server, java_script_enabled=False)
    try:
        other.add_cookies([{"name": "deelpoort_oidc", "value": state, "url": f"{server}/inloggen/oidc/"}])
        tab = other.new_page()
        assert tab.goto(gezien[0]).status == 401
        assert "al gebruikt" in tab.content()
        assert not _sessiecookie(other)
    finally:
        other.close()
    assert _sessies(services) == 1  # only the first login's


@pytest.mark.parametrize("verifier", ["", "x" * 64], ids=["absent", "another"])
def test_without_the_right_pkce_verifier_the_provider_refuses_the_code(
    page: Any,
    context: Any,
    services: Services,
    openid_provider: OpenIdProvider,
    monkeypatch: pytest.MonkeyPatch,
    verifier: str,
) -> None:
    """The stored attempt is tampered with while the person is at the provider: the code exchange then lacks
    the verifier whose challenge the provider saw, and the provider (which requires PKCE) refuses the code."""
    _registreer_fg(services, openid_provider, "fg-anna")
    refusals: list[str] = []
    exchange = HttpIdentiteitsprovider.wissel_code

    def spy(self: HttpIdentiteitsprovider, *args: Any, **kwargs: Any) -> str:
        try:
            return exchange(self, *args, **kwargs)
        except ProviderWeigertError as error:
            refusals.append(str(error))
            raise

    monkeypatch.setattr(HttpIdentiteitsprovider, "wissel_code", spy)
    _naar_inloggen(page)
    assert _pogingen(services) == 1
    with services.engine.begin() as connection:
        connection.execute(text("UPDATE oidc_inlogpogingen SET code_verifier = :v"), {"v": verifier})
    with page.expect_response(lambda r: TERUGKEER in r.url) as answer:
        _bij_de_provider_inloggen(page, "fg-anna")
    assert answer.value.status == 401
    assert refusals == ["token endpoint: invalid_grant"]
    _geweigerd(page, context, services, "niet bevestigd")


def _houd_terugkeer_tegen(app: Flask, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Hold back the provider's first answer before Deelpoort sees it (a browser cannot be stopped on a redirect
    the provider sends); the query strings held back."""
    held: list[str] = []
    inner = app.wsgi_app

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        if environ["PATH_INFO"] == TERUGKEER and not held:
            held.append(environ["QUERY_STRING"])
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b"tegengehouden"]
        return inner(environ, start_response)

    monkeypatch.setattr(app, "wsgi_app", wsgi)
    return held


@contextmanager
def _serve(app: Flask) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}"
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()

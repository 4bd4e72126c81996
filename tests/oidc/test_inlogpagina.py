"""The login pages with OpenID Connect, without a real provider: what production offers and refuses, what the
callback answers to hostile input (a Dutch page, never a 500), how the attempt is bound to the browser.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import ipaddress
import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from flask import Flask
from joserfc.jwk import RSAKey

from service import create_app
from service.adapters.identiteitsprovider import HttpIdentiteitsprovider, ProviderGegevens
from service.crypto.material import DEVELOPMENT_KEYS_FILENAME
from service.domain.identiteit import OidcIdentiteit
from service.service_layer.identiteit.oidc_inrichting import OidcDienst
from service.service_layer.services import Services
from service.settings import Omgeving, Settings
from tests.helpers.oidc import add_persoon
from tests.helpers.web import html
from tests.oidc.test_voltooien import BUREAU, ISSUER, NepProvider

SECRET_KEY = "x" * 40


def _app(settings: Settings, tmp_path: Path, *, production: bool, oidc: bool, provider: NepProvider | None) -> Flask:
    material = json.loads((settings.keys_dir / DEVELOPMENT_KEYS_FILENAME).read_text(encoding="utf-8"))
    material["development"] = not production
    extra: dict[str, object] = {}
    if oidc:
        material["oidc_client_secrets"] = {BUREAU: "client-secret-of-the-bureau"}
        setup = {
            "redirect_uri": "https://deelpoort.example/inloggen/oidc/terugkeer",
            "partners": {BUREAU: {"issuer": ISSUER, "client_id": "deelpoort"}},
        }
        (tmp_path / "oidc.yaml").write_text(yaml.safe_dump(setup), encoding="utf-8")
        extra["oidc_bestand"] = tmp_path / "oidc.yaml"
    (tmp_path / "keys.json").write_text(json.dumps(material), encoding="utf-8")
    app = create_app(
        Settings(
            omgeving=Omgeving.PRODUCTION if production else Omgeving.DEVELOPMENT,
            instance_path=settings.instance_path,
            database_url=settings.database_url,
            keys_dir=settings.keys_dir,
            keys_file=tmp_path / "keys.json",
            secret_key=SECRET_KEY,
            vertrouwde_proxies=(ipaddress.ip_network("127.0.0.1"),),
            vernietigingsjournaal=tmp_path / "vernietigingsjournaal.jsonl",
            **extra,  # type: ignore[arg-type]
        )
    )
    services: Services = app.extensions["deelpoort"]
    if provider is not None and services.oidc is not None:
        app.extensions["deelpoort"] = dataclasses.replace(services, oidc=OidcDienst(services.oidc.inrichting, provider))
    return app


@pytest.fixture(scope="module")
def sleutel() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "nep-1"})


@pytest.fixture
def maak(settings: Settings, tmp_path: Path, seeded_database: None, sleutel: RSAKey) -> Iterator[object]:
    made: list[Flask] = []

    def make(*, production: bool, oidc: bool) -> Flask:
        app = _app(settings, tmp_path, production=production, oidc=oidc, provider=NepProvider(sleutel))
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["deelpoort"].engine.dispose()


def test_production_offers_only_the_organisations_providers(maak: object) -> None:
    client = maak(production=True, oidc=True).test_client()  # type: ignore[operator]
    response = client.get("/fg/", follow_redirects=True)
    page = html(response)
    assert response.status_code == 200
    assert 'id="token"' not in page and "Deelpoort-token" not in page
    assert "Inloggen via Bureau Zorg- en Veiligheidshuis Drenthe" in page
    assert 'href="/inloggen/oidc/bureau-zvh-drenthe?volgende=/fg/"' in page


def test_production_refuses_the_token_form_even_with_a_valid_token(maak: object) -> None:
    app = maak(production=True, oidc=True)  # type: ignore[operator]
    from tests.helpers.gebruikers import add_gebruiker

    token = add_gebruiker(app.extensions["deelpoort"], BUREAU, "fg")
    client = app.test_client()
    client.get("/inloggen")
    for data in ({"token": token}, {"token": token, "csrf_token": "anything"}, {}):
        response = client.post("/inloggen", data=data)
        assert response.status_code == 404, data
        assert "deelpoort_sessie" not in response.headers.get("Set-Cookie", "")
    assert client.get("/fg/").status_code == 302  # still not logged in


def test_production_without_a_set_up_says_so_and_offers_no_form(maak: object) -> None:
    client = maak(production=True, oidc=False).test_client()  # type: ignore[operator]
    page = html(client.get("/inloggen"))
    assert 'id="token"' not in page and "Inloggen via Bureau" not in page
    assert "nog niet ingericht" in page


def test_development_without_a_set_up_is_the_token_form_as_before(maak: object) -> None:
    client = maak(production=False, oidc=False).test_client()  # type: ignore[operator]
    page = html(client.get("/inloggen"))
    assert 'id="token"' in page and "Inloggen via" not in page


def test_development_with_a_set_up_offers_both(maak: object) -> None:
    client = maak(production=False, oidc=True).test_client()  # type: ignore[operator]
    page = html(client.get("/inloggen"))
    assert 'id="token"' in page and "Inloggen via Bureau Zorg- en Veiligheidshuis Drenthe" in page


def test_begin_binds_the_attempt_to_the_browser_and_sends_it_to_the_provider(maak: object) -> None:
    client = maak(production=True, oidc=True).test_client()  # type: ignore[operator]
    response = client.get("/inloggen/oidc/bureau-zvh-drenthe?volgende=/fg/")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"{ISSUER}/auth?")
    cookie = response.headers["Set-Cookie"]
    state = dict(parse_qsl(urlsplit(location).query))["state"]
    assert cookie.startswith(f"deelpoort_oidc={state};")
    for attribute in ("HttpOnly", "SameSite=Lax", "Path=/inloggen/oidc", "Max-Age=600"):
        assert attribute in cookie
    assert client.get("/inloggen/oidc/ggz-drenthe").status_code == 404
    assert client.get("/inloggen/oidc/" + "x" * 500).status_code == 404


def test_the_callback_completes_only_in_the_browser_that_began(maak: object) -> None:
    app = maak(production=True, oidc=True)  # type: ignore[operator]
    add_persoon(app.extensions["deelpoort"], BUREAU, "fg", OidcIdentiteit(ISSUER, "anna"))
    begun = app.test_client()
    location = begun.get("/inloggen/oidc/bureau-zvh-drenthe").headers["Location"]
    state = dict(parse_qsl(urlsplit(location).query))["state"]
    callback = f"/inloggen/oidc/terugkeer?state={state}&code=anna&iss={ISSUER}"
    other = app.test_client()  # a forced login: the attacker's callback URL in someone else's browser
    refused = other.get(callback)
    assert refused.status_code == 401 and "deelpoort_sessie" not in refused.headers.get("Set-Cookie", "")
    done = begun.get(callback)
    assert done.status_code == 200
    assert 'http-equiv="refresh" content="0;url=/fg/"' in html(done)
    cookies = done.headers.getlist("Set-Cookie")
    assert any(c.startswith("deelpoort_sessie=") and "SameSite=Strict" in c and "HttpOnly" in c for c in cookies)
    assert any(c.startswith("deelpoort_oidc=;") for c in cookies)  # the binding is removed
    assert begun.get("/fg/").status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        "",
        "code=anna",
        "state=onbekend&code=anna",
        "state=" + "s" * 3000 + "&code=anna",
        "state=%00%ff&code=%00",
        "error=access_denied&state=onbekend",
        "state=onbekend&code=anna&iss=https%3A%2F%2Fevil.example",
    ],
    ids=["nothing", "no-state", "unknown-state", "huge-state", "binary", "provider-error", "foreign-iss"],
)
def test_a_hostile_callback_gets_a_dutch_page_never_a_500(maak: object, query: str) -> None:
    client = maak(production=True, oidc=True).test_client()  # type: ignore[operator]
    state = dict(parse_qsl(query)).get("state", "")
    if state:
        client.set_cookie("deelpoort_oidc", state, path="/inloggen/oidc")
    response = client.get(f"/inloggen/oidc/terugkeer?{query}")
    if "%00" in query:  # text no field may hold is refused before any view reads it (domain/tekens.py)
        assert response.status_code == 400
        assert "Ongeldige invoer" in html(response)
    else:
        assert response.status_code == 401
        assert "Inloggen mislukt" in html(response)
    assert "deelpoort_sessie" not in response.headers.get("Set-Cookie", "")
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")


def test_the_authorization_url_asks_for_a_code_with_pkce_s256_and_never_shows_the_verifier() -> None:
    gegevens = ProviderGegevens(ISSUER, f"{ISSUER}/auth", f"{ISSUER}/token", f"{ISSUER}/jwks")
    verifier = "v" * 64
    url = HttpIdentiteitsprovider(https_vereist=True).autorisatie_url(
        gegevens,
        client_id="deelpoort",
        redirect_uri="https://d.example/cb",
        state="st",
        nonce="no",
        code_verifier=verifier,
    )
    query = dict(parse_qsl(urlsplit(url).query))
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    assert query == {
        "response_type": "code",
        "client_id": "deelpoort",
        "redirect_uri": "https://d.example/cb",
        "scope": "openid",
        "state": "st",
        "nonce": "no",
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    assert verifier not in url

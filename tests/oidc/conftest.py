"""Fixtures of the OpenID Connect tests: a real OpenID Provider per test session (and xdist worker), and the
application set up to log people in through it.

Two partners use the provider: Bureau ZVH Drenthe as a confidential client (its client secret in the key
material) and the police as a public client (no secret: PKCE is its only proof). The provider's issuer is
`http://localhost:<port>` while Deelpoort runs on `http://127.0.0.1:<port>`: two sites, as in production, so
the browser treats the provider's redirect back as the cross-site navigation it really is.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from flask import Flask

from service import create_app
from service.crypto.material import DEVELOPMENT_KEYS_FILENAME
from service.settings import Settings
from tests.helpers.oidc import OpenIdProvider, ProviderProcess, npm_ci

BUREAU = "bureau-zvh-drenthe"
POLITIE = "politie-noord-nederland"
REDIRECT_URI = "http://127.0.0.1/inloggen/oidc/terugkeer"  # native clients: any port of the loopback address


@pytest.fixture(scope="session")
def openid_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OpenIdProvider]:
    npm_ci()
    secret = secrets.token_urlsafe(24)
    common = {
        "application_type": "native",
        "redirect_uris": [REDIRECT_URI],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    }
    clients: list[dict[str, object]] = [
        {**common, "client_id": "deelpoort-test", "client_secret": secret},
        {**common, "client_id": "deelpoort-publiek", "token_endpoint_auth_method": "none"},
    ]
    process = ProviderProcess(clients, tmp_path_factory.mktemp("op") / "provider.log")
    try:
        yield OpenIdProvider(process.issuer, "deelpoort-test", secret, "deelpoort-publiek")
    finally:
        process.stop()


def oidc_settings(base: Settings, directory: Path, provider: OpenIdProvider, *, issuer: str | None = None) -> Settings:
    """`base` with an OpenID Connect set-up for the test provider (`issuer`: what the set-up claims it is) and
    key material holding the bureau's client secret."""
    material = json.loads((base.keys_dir / DEVELOPMENT_KEYS_FILENAME).read_text(encoding="utf-8"))
    material["oidc_client_secrets"] = {BUREAU: provider.client_secret}
    keys_file = directory / "keys.json"
    keys_file.write_text(json.dumps(material), encoding="utf-8")
    setup = {
        "partners": {
            BUREAU: {"issuer": issuer or provider.issuer, "client_id": provider.client_id},
            POLITIE: {"issuer": issuer or provider.issuer, "client_id": provider.public_client_id},
        }
    }
    oidc_file = directory / "oidc.yaml"
    oidc_file.write_text(yaml.safe_dump(setup), encoding="utf-8")
    return Settings(
        instance_path=base.instance_path,
        database_url=base.database_url,
        keys_dir=base.keys_dir,
        keys_file=keys_file,
        oidc_bestand=oidc_file,
    )


@pytest.fixture
def app(settings: Settings, tmp_path: Path, openid_provider: OpenIdProvider, seeded_database: None) -> Iterator[Flask]:
    """Here: the application on a seeded database, logging the people of two partners in through the test
    provider (so `services`, `client`, `server` and `token_for` are those of this application)."""
    application = create_app(oidc_settings(settings, tmp_path, openid_provider))
    yield application
    application.extensions["deelpoort"].engine.dispose()

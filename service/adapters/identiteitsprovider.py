"""A partner's OpenID Provider over HTTP: discovery, the authorization URL (PKCE S256), the code exchange, and
the provider's signing keys (JWKS). authlib's OAuth2Session does the OAuth work; nothing here decides who may
log in (that is `service_layer.identiteit.oidc`).

Invariants:
- Discovery (`{issuer}/.well-known/openid-configuration`) is accepted only when its `issuer` is the configured
  issuer character for character (OpenID Connect Discovery 1.0, section 4.3) and it names authorization, token
  and JWKS endpoints; with `https_vereist` (production) every one of them is https.
- Every request has a timeout and a response size limit; any network failure, non-JSON or oversized answer is
  `ProviderOnbereikbaarError`, an OAuth error answer of the token endpoint is `ProviderWeigertError` (with the
  provider's error code only: its description is not ours to log).
- Discovery documents and JWKS are cached per process for `cache_seconds` (public data; nothing about who is
  logged in lives here). A forced JWKS refresh (a key id we do not know yet) happens at most once per
  `MIN_VERNIEUW_SECONDS` per provider, so forged key ids cannot make us hammer the provider.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
from authlib.integrations.requests_client import OAuth2Session, OAuthError

DISCOVERY_PATH = "/.well-known/openid-configuration"
MAX_ANTWOORD = 512 * 1024
MIN_VERNIEUW_SECONDS = 30.0


class ProviderOnbereikbaarError(Exception):
    """The provider did not answer usefully (network, status, not JSON, too large, metadata not acceptable)."""


class ProviderWeigertError(Exception):
    """The provider's token endpoint refused the code exchange (an OAuth error, e.g. invalid_grant)."""


@dataclass(frozen=True, slots=True)
class ProviderGegevens:
    """What discovery told about a provider (only what Deelpoort uses)."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


class HttpIdentiteitsprovider:
    """The OpenID Providers of all partners, reached over HTTP(S)."""

    def __init__(self, *, https_vereist: bool, timeout: float = 10.0, cache_seconds: float = 3600.0) -> None:
        self._https = https_vereist
        self._timeout = timeout
        self._ttl = cache_seconds
        self._lock = threading.Lock()
        self._gegevens: dict[str, tuple[float, ProviderGegevens]] = {}
        self._sleutels: dict[str, tuple[float, Mapping[str, Any]]] = {}

    def gegevens(self, issuer: str) -> ProviderGegevens:
        """The provider's discovery metadata (cached).

        Raises:
            ProviderOnbereikbaarError: no usable answer, or the metadata is not acceptable (see the invariants).
        """
        with self._lock:
            cached = self._gegevens.get(issuer)
        if cached is not None and cached[0] > time.monotonic():
            return cached[1]
        document = self._json(issuer.rstrip("/") + DISCOVERY_PATH)
        if document.get("issuer") != issuer:
            raise ProviderOnbereikbaarError("discovery: the provider's issuer differs from the configured issuer")
        endpoints: list[str] = []
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            endpoint = document.get(name)
            if not isinstance(endpoint, str) or not self._acceptabel(endpoint):
                raise ProviderOnbereikbaarError(f"discovery: {name} is missing or not an acceptable URL")
            endpoints.append(endpoint)
        methods = document.get("code_challenge_methods_supported")
        if isinstance(methods, list) and "S256" not in methods:
            raise ProviderOnbereikbaarError("discovery: the provider does not support PKCE with S256")
        found = ProviderGegevens(issuer, *endpoints)
        with self._lock:
            self._gegevens[issuer] = (time.monotonic() + self._ttl, found)
        return found

    def autorisatie_url(
        self,
        gegevens: ProviderGegevens,
        *,
        client_id: str,
        redirect_uri: str,
        state: str,
        nonce: str,
        code_verifier: str,
    ) -> str:
        """The URL that sends the person to the provider: code flow, scope openid, PKCE S256, state and nonce."""
        with OAuth2Session(
            client_id=client_id, scope="openid", redirect_uri=redirect_uri, code_challenge_method="S256"
        ) as client:
            url, _state = client.create_authorization_url(
                gegevens.authorization_endpoint, state=state, code_verifier=code_verifier, nonce=nonce
            )
        return str(url)

    def wissel_code(
        self,
        gegevens: ProviderGegevens,
        *,
        client_id: str,
        client_secret: str | None,
        redirect_uri: str,
        code: str,
        code_verifier: str,
    ) -> str:
        """Exchange the authorization code (with the PKCE verifier) for tokens; returns the id token.

        A client with a secret authenticates with HTTP Basic (client_secret_basic); one without is a public
        client (PKCE is then its only proof).

        Raises:
            ProviderWeigertError: the token endpoint answered with an OAuth error.
            ProviderOnbereikbaarError: no usable answer, or no id token in it.
        """
        with OAuth2Session(
            client_id=client_id,
            client_secret=client_secret,
            token_endpoint_auth_method="client_secret_basic" if client_secret else "none",
            redirect_uri=redirect_uri,
        ) as client:
            try:
                token = client.fetch_token(
                    gegevens.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    code_verifier=code_verifier,
                    timeout=self._timeout,
                )
            except OAuthError as error:
                raise ProviderWeigertError(f"token endpoint: {_code(error)}") from None
            except (requests.RequestException, ValueError):
                raise ProviderOnbereikbaarError("token endpoint: no usable answer") from None
        id_token = token.get("id_token") if isinstance(token, Mapping) else None
        if not isinstance(id_token, str):
            raise ProviderOnbereikbaarError("token endpoint: the answer holds no id token")
        return id_token

    def sleutels(self, gegevens: ProviderGegevens, *, vernieuw: bool = False) -> Mapping[str, Any]:
        """The provider's JWKS (cached; `vernieuw` fetches again unless that happened very recently).

        Raises:
            ProviderOnbereikbaarError: no usable answer.
        """
        with self._lock:
            cached = self._sleutels.get(gegevens.jwks_uri)
        now = time.monotonic()
        if cached is not None:
            fetched_at = cached[0] - self._ttl
            if (not vernieuw and cached[0] > now) or (vernieuw and now - fetched_at < MIN_VERNIEUW_SECONDS):
                return cached[1]
        document = self._json(gegevens.jwks_uri)
        if not isinstance(document.get("keys"), list):
            raise ProviderOnbereikbaarError("jwks: no list of keys")
        with self._lock:
            self._sleutels[gegevens.jwks_uri] = (now + self._ttl, document)
        return document

    def _acceptabel(self, url: str) -> bool:
        parts = urlsplit(url)
        return bool(parts.netloc) and (parts.scheme == "https" or (parts.scheme == "http" and not self._https))

    def _json(self, url: str) -> Mapping[str, Any]:
        if not self._acceptabel(url):
            raise ProviderOnbereikbaarError("not an acceptable URL (https in production)")
        try:
            with requests.get(
                url, timeout=self._timeout, stream=True, allow_redirects=False, headers={"Accept": "application/json"}
            ) as response:
                if response.status_code != 200:
                    raise ProviderOnbereikbaarError(f"{urlsplit(url).path}: HTTP {response.status_code}")
                body = response.raw.read(MAX_ANTWOORD + 1, decode_content=True)
        except requests.RequestException:
            raise ProviderOnbereikbaarError(f"{urlsplit(url).path}: no answer") from None
        if len(body) > MAX_ANTWOORD:
            raise ProviderOnbereikbaarError(f"{urlsplit(url).path}: answer too large")
        try:
            document = json.loads(body)
        except ValueError:
            raise ProviderOnbereikbaarError(f"{urlsplit(url).path}: not JSON") from None
        if not isinstance(document, Mapping):
            raise ProviderOnbereikbaarError(f"{urlsplit(url).path}: not a JSON object")
        return document


def _code(error: OAuthError) -> str:
    """The OAuth error code (RFC 6749 section 5.2), if it is one of the short ASCII codes; never a description."""
    code = getattr(error, "error", None)
    return code if isinstance(code, str) and len(code) <= 40 and code.replace("_", "").isalnum() else "error"

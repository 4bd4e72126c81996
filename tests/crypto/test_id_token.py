"""`verifieer_id_token`: an OpenID Connect id token against its provider's JWKS. One refusal per kind of wrong
token; the message names the check, never a claim's value."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from joserfc import jwt
from joserfc.jwk import ECKey, KeySet, OctKey, RSAKey

from service.crypto.id_token import IdTokenClaims, IdTokenError, OnbekendeSleutelError, verifieer_id_token

NOW = 1_800_000_000
ISSUER = "https://login.bureau.example"
CLIENT = "deelpoort"
NONCE = "nonce-of-this-attempt"


@pytest.fixture(scope="module")
def sleutel() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})


@pytest.fixture(scope="module")
def jwks(sleutel: RSAKey) -> dict[str, Any]:
    return dict(KeySet([sleutel]).as_dict(private=False))


def _claims(**changes: Any) -> dict[str, Any]:
    claims = {"iss": ISSUER, "aud": CLIENT, "sub": "anna", "nonce": NONCE, "iat": NOW - 5, "exp": NOW + 300}
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _signed(alg: str, key: Any) -> str:
    return jwt.encode({"alg": alg, "kid": "k1"}, _claims(), key)


def _verify(token: str, jwks: dict[str, Any]) -> IdTokenClaims:
    return verifieer_id_token(token, jwks, issuer=ISSUER, client_id=CLIENT, nonce=NONCE, now=NOW)


def test_a_valid_token_gives_issuer_and_subject(sleutel: RSAKey, jwks: dict[str, Any]) -> None:
    token = jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(), sleutel)
    assert _verify(token, jwks) == IdTokenClaims(ISSUER, "anna")
    several = jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(aud=[CLIENT, "other"], azp=CLIENT), sleutel)
    assert _verify(several, jwks).subject == "anna"


@pytest.mark.parametrize(
    ("changes", "check"),
    [
        ({"iss": ISSUER + "/"}, "claim iss"),
        ({"iss": None}, "claim iss"),
        ({"aud": "other"}, "claim aud"),
        ({"aud": [CLIENT, "other"]}, "several audiences"),
        ({"aud": [CLIENT, "other"], "azp": "other"}, "several audiences"),
        ({"nonce": "another"}, "claim nonce"),
        ({"nonce": None}, "claim nonce"),
        ({"exp": NOW - 61}, "expired"),
        ({"exp": None}, "claim exp"),
        ({"iat": NOW + 61}, "claim iat"),
        ({"iat": None}, "claim iat"),
        ({"sub": ""}, "claim sub"),
        ({"sub": None}, "claim sub"),
    ],
    ids=[
        "issuer-slash", "no-issuer", "audience", "two-audiences", "azp-other", "nonce", "no-nonce", "expired",
        "no-exp", "iat-future", "no-iat", "empty-sub", "no-sub",
    ],
)  # fmt: skip
def test_a_claim_that_does_not_hold_is_refused(
    sleutel: RSAKey, jwks: dict[str, Any], changes: dict[str, Any], check: str
) -> None:
    token = jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(**changes), sleutel)
    with pytest.raises(IdTokenError) as raised:
        _verify(token, jwks)
    assert check in str(raised.value)
    assert "another" not in str(raised.value) and "other" not in str(raised.value).replace("another", "")


def test_a_token_signed_by_an_unknown_key_id_asks_for_the_keys_again(jwks: dict[str, Any]) -> None:
    other = RSAKey.generate_key(2048, parameters={"kid": "k2"})
    with pytest.raises(OnbekendeSleutelError):
        _verify(jwt.encode({"alg": "RS256", "kid": "k2"}, _claims(), other), jwks)


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(lambda: _signed("RS256", RSAKey.generate_key(2048)), id="other-key-same-kid"),
        pytest.param(lambda: f"{_b64({'alg': 'none'})}.{_b64(_claims())}.", id="alg-none"),
        pytest.param(lambda: _signed("HS256", OctKey.import_key(b"k" * 32)), id="hmac"),
        pytest.param(lambda: _signed("ES256", ECKey.generate_key("P-256")), id="other-alg"),
        pytest.param(lambda: "not.a.token", id="garbage"),
        pytest.param(lambda: "", id="empty"),
        pytest.param(lambda: "a" * 20_000, id="huge"),
    ],
)  # fmt: skip
def test_a_token_that_is_not_signed_by_the_providers_key_is_refused(jwks: dict[str, Any], token: Any) -> None:
    with pytest.raises(IdTokenError):
        _verify(token(), jwks)


def test_an_unreadable_jwks_is_refused(sleutel: RSAKey) -> None:
    token = jwt.encode({"alg": "RS256", "kid": "k1"}, _claims(), sleutel)
    for jwks in ({}, {"keys": "none"}, {"keys": [{"kty": "nonsense"}]}):
        with pytest.raises(IdTokenError):
            _verify(token, jwks)

"""Verifying an OpenID Connect id token (OpenID Connect Core 1.0, section 3.1.3.7) against its provider's keys.

A pure function: no I/O, the time is a parameter. The signature and the claims are checked by joserfc (never
hand-written JWT code); this module decides what must hold.

Invariants:
- The token is a JWS signed with one of `ALGORITHMS` (asymmetric only: never `none`, never HMAC with a secret an
  attacker could know) by a key in the provider's JWKS.
- `iss` equals the configured issuer exactly, `aud` contains the client id (and when it names several
  audiences, `azp` is the client id), `exp` is in the future and `iat` not in the future (both with
  `LEEWAY_SECONDS`), `nonce` equals the nonce of this login attempt, and `sub` is a non-empty string.
- Every failure raises `IdTokenError`; its message names the check that failed (for the service's log) and
  never a claim's value. A key id the JWKS lacks raises `OnbekendeSleutelError` (a subclass), so the caller
  may fetch the provider's keys once more (the provider may have rotated them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from joserfc import jwt
from joserfc.errors import (
    ExpiredTokenError,
    InvalidClaimError,
    InvalidKeyIdError,
    JoseError,
    MissingClaimError,
)
from joserfc.jwk import KeySet

ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
LEEWAY_SECONDS = 60
MAX_ID_TOKEN = 16 * 1024


class IdTokenError(Exception):
    """The id token is not valid for this login; the message names the failed check, never a value.

    Not the opaque `CryptoError`: what failed here is a public token's claims, not a secret key, and the
    operator needs to know which check failed (a wrong issuer in the set-up looks different from a replay)."""


class OnbekendeSleutelError(IdTokenError):
    """The id token names a key the provider's JWKS does not hold (fetch the keys again, once)."""


@dataclass(frozen=True, slots=True)
class IdTokenClaims:
    """What a verified id token says about who logged in."""

    issuer: str
    subject: str


def verifieer_id_token(
    id_token: str, jwks: Mapping[str, Any], *, issuer: str, client_id: str, nonce: str, now: int
) -> IdTokenClaims:
    """Verify `id_token` for a login at `issuer` by `client_id` that sent `nonce`, at unix time `now`.

    Raises:
        OnbekendeSleutelError: the token's key id is not in `jwks`.
        IdTokenError: anything else: not a JWS, a bad signature or algorithm, bad JWKS, or a claim that fails.
    """
    if not isinstance(id_token, str) or not id_token or len(id_token) > MAX_ID_TOKEN:
        raise IdTokenError("id token: missing or too long")
    try:
        keys = KeySet.import_key_set(dict(jwks))  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise IdTokenError("id token: the provider's JWKS cannot be read") from None
    try:
        token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
    except InvalidKeyIdError:
        raise OnbekendeSleutelError("id token: signed with a key the provider's JWKS does not hold") from None
    except (JoseError, ValueError, TypeError, KeyError):
        raise IdTokenError("id token: not a valid signed token for the provider's keys") from None
    claims = token.claims
    registry = jwt.JWTClaimsRegistry(
        now=now,
        leeway=LEEWAY_SECONDS,
        iss={"essential": True, "value": issuer},
        aud={"essential": True, "value": client_id},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    try:
        registry.validate(claims)
    except ExpiredTokenError:
        raise IdTokenError("id token: expired") from None
    except (MissingClaimError, InvalidClaimError) as error:
        raise IdTokenError(f"id token: claim {_claim_of(error)} missing or not as expected") from None
    except JoseError:
        raise IdTokenError("id token: claims not valid") from None
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise IdTokenError("id token: several audiences and azp is not this client")
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise IdTokenError("id token: claim sub missing or not as expected")
    return IdTokenClaims(issuer, subject)


def _claim_of(error: JoseError) -> str:
    """The name of the claim a joserfc claim error is about (its `claim` attribute; never the value)."""
    claim = getattr(error, "claim", None)
    return claim if isinstance(claim, str) and claim.isidentifier() else "(unknown)"

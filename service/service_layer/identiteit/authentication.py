"""Bearer tokens: issuing them and checking them.

Invariants:
- A token is `dp_<token id>_<secret>`; only the token id and SHA-256(secret) are stored, never the token.
  The secret is 256 random bits, so a plain hash suffices (no password stretching is needed).
- Checking compares hashes in constant time (`hmac.compare_digest`) and treats an unknown id, a wrong secret,
  an inactive user and a suspended partner alike: no gebruiker.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

from service.domain.casus import Gebruiker
from service.service_layer.unit_of_work import UnitOfWork

_TOKEN = re.compile(r"^dp_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True, slots=True)
class IssuedToken:
    token: str  # shown once, to the user; never stored
    token_id: str
    token_hash: bytes


def issue_token() -> IssuedToken:
    token_id = secrets.token_hex(16)
    secret = secrets.token_urlsafe(32)
    return IssuedToken(f"dp_{token_id}_{secret}", token_id, _hash(secret))


def authenticate(uow: UnitOfWork, token: str) -> Gebruiker | None:
    """The active gebruiker the token belongs to, or None for anything else."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    token_id, secret = match.groups()
    with uow:
        credential = uow.gebruikers.credential(token_id)
    # Hash even when the id is unknown, so the time taken does not tell which ids exist.
    presented = _hash(secret)
    expected = credential.token_hash if credential is not None else b"\0" * 32
    if not hmac.compare_digest(presented, expected) or credential is None:
        return None
    if not credential.gebruiker.actief or not credential.partner_actief:
        return None
    return credential.gebruiker


def _hash(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("ascii")).digest()

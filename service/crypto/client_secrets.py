"""The optional `oidc_client_secrets` section of the key material (see `service.crypto.material`).

Invariants:
- A client secret is never shown: an error message names the partner only.
"""

from __future__ import annotations

from collections.abc import Mapping

from service.crypto.errors import KeyMaterialError

MAX_CLIENT_SECRET = 512


def client_secrets(section: object) -> dict[str, str]:
    """The optional `oidc_client_secrets` section: partner id -> secret (printable ASCII, no spaces).

    Raises:
        KeyMaterialError: The section or an entry is malformed (naming the partner, never the secret).
    """
    if section is None:
        return {}
    if not isinstance(section, Mapping):
        raise KeyMaterialError("oidc_client_secrets: not an object")
    entries = section
    secrets_: dict[str, str] = {}
    for partner, value in entries.items():
        where = f"oidc_client_secrets.{partner}"
        if not partner.strip():
            raise KeyMaterialError("oidc_client_secrets: an empty partner id")
        if not isinstance(value, str) or not value:
            raise KeyMaterialError(f"{where}: missing or not a string")
        if len(value) > MAX_CLIENT_SECRET or not all(33 <= ord(c) < 127 for c in value):
            raise KeyMaterialError(f"{where}: at most {MAX_CLIENT_SECRET} printable ASCII characters, no spaces")
        secrets_[partner] = value
    return secrets_

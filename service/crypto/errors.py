"""The two errors of `service.crypto`.

Invariants:
- `CryptoError` is opaque. Whatever made a decryption, unwrap or signature check fail (wrong key, flipped
  bit, wrong casus, veld, regime or key version, truncated input, unknown format version) it is the same
  class with the same message and no chained cause, so neither a caller nor a log line can tell the cases
  apart or learn anything about keys or plaintexts.
- `KeyMaterialError` is the opposite: it is raised only while key material is loaded or changed, before any
  secret is in use, and says exactly which key is missing or malformed (by its path in the key file, never
  by its bytes) so an operator can fix the configuration.
"""

from __future__ import annotations

_OPAQUE_MESSAGE = "cryptographic check failed"


class CryptoError(Exception):
    """The single, deliberately uninformative error of every decrypt, unwrap and verify operation."""

    def __init__(self) -> None:
        super().__init__(_OPAQUE_MESSAGE)


class KeyMaterialError(ValueError):
    """Key material is missing, malformed or inconsistent; the message names the offending key."""

"""Cosigning: the Ed25519 key of a witness (getuige) that cosigns the verstrekking log's checkpoints.

The key and its id follow C2SP tlog-cosignature (https://c2sp.org/tlog-cosignature), Ed25519 version:

    key id     = SHA-256(name || 0x0A || 0x04 || 32-byte Ed25519 public key)[:4]
    vkey       = name "+" hex(key id) "+" base64(0x04 || public key)
    signature  = key id || timestamp (u64, big-endian) || 64-byte Ed25519 signature over the message
                 (the message, "cosignature/v1" and the time line before the checkpoint's note text, is
                 `service.audit.cosignature`'s to make)

Invariants:
- The private key never leaves this module: a `Cosigner` signs, a `CosignatureVerifier` (public key only)
  verifies, and a failure raises the opaque `CryptoError`.
- The key id is derived from the name and the public key with the cosignature type byte 0x04, so a log's
  checkpoint key (type 0x01) can never be mistaken for a witness's key, nor the reverse.
- Names are valid signed-note key names (`check_key_name`).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from service.crypto.errors import CryptoError, KeyMaterialError
from service.crypto.signing import (
    KEY_HASH_SIZE,
    PRIVATE_KEY_SIZE,
    SIGNATURE_SIZE,
    Ed25519VerifierKey,
    check_key_name,
)

COSIGNATURE_TYPE = 0x04
TIMESTAMP_SIZE = 8
COSIGNATURE_SIZE = KEY_HASH_SIZE + TIMESTAMP_SIZE + SIGNATURE_SIZE


class CosignatureVerifier(Ed25519VerifierKey):
    """Verifies a witness's cosignatures with its public key (cosignature type 0x04; its name is a schema-less
    URL, e.g. ``getuige.zvh-drenthe.example/fg``, and `key_hash` is the cosignature key id)."""

    __slots__ = ()
    TYPE = COSIGNATURE_TYPE
    KIND = "witness verifier"
    VKEY = "witness verifier key"

    def verify_cosignature(self, cosignature: bytes, message_for: Callable[[int], bytes]) -> int:
        """Check a decoded cosignature (key id || timestamp || signature) and return its timestamp.

        Args:
            cosignature: The base64-decoded signature of a note signature line.
            message_for: Makes the signed message for a timestamp (`service.audit.cosignature`).

        Raises:
            CryptoError: Another key's id, a wrong length, or a signature that does not verify.
        """
        if len(cosignature) != COSIGNATURE_SIZE or not hmac.compare_digest(cosignature[:KEY_HASH_SIZE], self.key_hash):
            raise CryptoError
        timestamp = int.from_bytes(cosignature[KEY_HASH_SIZE : KEY_HASH_SIZE + TIMESTAMP_SIZE], "big")
        if timestamp >= 2**63:
            raise CryptoError
        try:
            self._public.verify(cosignature[KEY_HASH_SIZE + TIMESTAMP_SIZE :], message_for(timestamp))
        except InvalidSignature:
            raise CryptoError from None
        return timestamp

    def __repr__(self) -> str:
        return f"CosignatureVerifier(name={self.name!r}, key_id={self.key_id!r})"


class Cosigner:
    """A witness's signing key.

    Attributes:
        name: The witness's key name.
        verifier: The matching public verifier.
    """

    __slots__ = ("_private", "name", "verifier")

    def __init__(self, name: str, private_key: bytes) -> None:
        """Build from a name and a raw 32-byte Ed25519 private key; `KeyMaterialError` when either is wrong."""
        self.name = check_key_name(name)
        if len(private_key) != PRIVATE_KEY_SIZE:
            raise KeyMaterialError("witness key: an Ed25519 private key is 32 bytes")
        self._private = Ed25519PrivateKey.from_private_bytes(private_key)
        self.verifier = CosignatureVerifier(name, self._private.public_key().public_bytes_raw())

    @staticmethod
    def generate_private_key() -> bytes:
        """32 fresh random bytes for a new private key."""
        return Ed25519PrivateKey.generate().private_bytes_raw()

    def cosign(self, timestamp: int, message: bytes) -> bytes:
        """The cosignature (key id || timestamp || Ed25519 signature) of `message`, made at `timestamp`.

        Raises:
            ValueError: `timestamp` is negative or not below 2**63.
        """
        if not 0 <= timestamp < 2**63:
            raise ValueError("a cosignature timestamp is between 0 and 2**63 - 1")
        return self.verifier.key_hash + timestamp.to_bytes(TIMESTAMP_SIZE, "big") + self._private.sign(message)

    def __repr__(self) -> str:
        return f"Cosigner(name={self.name!r}, key_id={self.verifier.key_id!r})"

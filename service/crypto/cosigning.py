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

import base64
import hashlib
import hmac
from collections.abc import Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from service.crypto.errors import CryptoError, KeyMaterialError
from service.crypto.signing import (
    KEY_HASH_SIZE,
    PRIVATE_KEY_SIZE,
    PUBLIC_KEY_SIZE,
    SIGNATURE_SIZE,
    check_key_name,
    parse_verifier_key,
)

COSIGNATURE_TYPE = 0x04
TIMESTAMP_SIZE = 8
COSIGNATURE_SIZE = KEY_HASH_SIZE + TIMESTAMP_SIZE + SIGNATURE_SIZE


def cosigner_key_id(name: str, public_key: bytes) -> bytes:
    """The 4-byte key id of an Ed25519 cosigner: SHA-256(name || 0x0A || 0x04 || key)[:4]."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([COSIGNATURE_TYPE]) + public_key)
    return digest.digest()[:KEY_HASH_SIZE]


class CosignatureVerifier:
    """Verifies a witness's cosignatures with its public key.

    Attributes:
        name: The witness's key name (a schema-less URL, e.g. ``getuige.zvh-drenthe.example/fg``).
        public_key: The raw 32-byte Ed25519 public key.
        key_hash: The 4-byte cosignature key id.
    """

    __slots__ = ("_public", "key_hash", "name", "public_key")

    def __init__(self, name: str, public_key: bytes) -> None:
        """Raises `KeyMaterialError` when the name is invalid or the key is not 32 bytes."""
        self.name = check_key_name(name)
        if len(public_key) != PUBLIC_KEY_SIZE:
            raise KeyMaterialError("witness verifier: an Ed25519 public key is 32 bytes")
        self.public_key = bytes(public_key)
        self._public = Ed25519PublicKey.from_public_bytes(self.public_key)
        self.key_hash = cosigner_key_id(name, self.public_key)

    @classmethod
    def from_verifier_key(cls, vkey: str) -> CosignatureVerifier:
        """Parse a witness vkey ``name+hash+base64(0x04 || public key)``.

        Raises:
            KeyMaterialError: `vkey` is malformed, not an Ed25519 cosignature key, or its hash does not match.
        """
        name, key_hash, public_key = parse_verifier_key(vkey, COSIGNATURE_TYPE, "witness verifier key")
        verifier = cls(name, public_key)
        if verifier.key_hash != key_hash:
            raise KeyMaterialError("witness verifier key: key hash does not match the key")
        return verifier

    @property
    def key_id(self) -> str:
        """The key id as 8 lower-case hex characters."""
        return self.key_hash.hex()

    @property
    def verifier_key(self) -> str:
        """The witness's vkey, for the log's operators and the FG."""
        encoded = base64.b64encode(bytes([COSIGNATURE_TYPE]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id}+{encoded}"

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

"""Checkpoint signing: an Ed25519 key that signs the verstrekking log's checkpoints.

The key id follows the C2SP signed-note specification (https://c2sp.org/signed-note), so the audit package
can emit checkpoints as signed notes that standard tooling verifies:

    key hash   = SHA-256(key name || 0x0A || 0x01 || 32-byte Ed25519 public key)[:4]
    signature  = base64(key hash || 64-byte Ed25519 signature over the note text)
    note line  = "— " key name " " signature "\\n"
    vkey       = key name "+" hex(key hash) "+" base64(0x01 || public key)

Invariants:
- The private key never leaves this module: a `CheckpointSigner` signs, a `CheckpointVerifier` (which only
  holds the public key) verifies, and `verify` raises the opaque `CryptoError` on any failure.
- The key id is derived from the key name and the public key only, so it is stable across restarts and
  hosts and changes exactly when the key or its name changes.
- Key names are non-empty and contain no whitespace and no "+" (required by signed-note).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import Self

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from service.crypto.errors import CryptoError, KeyMaterialError

ED25519_SIGNATURE_TYPE = 0x01
KEY_HASH_SIZE = 4
PUBLIC_KEY_SIZE = 32
PRIVATE_KEY_SIZE = 32
SIGNATURE_SIZE = 64


def check_key_name(name: str) -> str:
    """Return `name` if it is a valid signed-note key name.

    Raises:
        KeyMaterialError: `name` is empty or contains whitespace or "+".
    """
    if not name or "+" in name or any(character.isspace() for character in name):
        raise KeyMaterialError("checkpoint_signing.name: must be non-empty, without spaces or '+'")
    return name


def key_hash_of(name: str, signature_type: int, public_key: bytes) -> bytes:
    """The 4-byte signed-note key hash (or key id) of a key: SHA-256(name || 0x0A || type || key)[:4]."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([signature_type]) + public_key)
    return digest.digest()[:KEY_HASH_SIZE]


def note_key_hash(name: str, public_key: bytes) -> bytes:
    """The 4-byte signed-note key hash of an Ed25519 key: SHA-256(name || 0x0A || 0x01 || key)[:4]."""
    return key_hash_of(name, ED25519_SIGNATURE_TYPE, public_key)


def parse_verifier_key(vkey: str, signature_type: int, what: str) -> tuple[str, bytes, bytes]:
    """Split a signed-note vkey ``name+hex(key hash)+base64(type || 32-byte Ed25519 key)`` of `signature_type`
    into its name, key hash and public key (the caller checks the hash against the key).

    Raises:
        KeyMaterialError: malformed, or not an Ed25519 key of that type; the message starts with `what`.
    """
    name, _, rest = vkey.strip().partition("+")
    key_hash_hex, _, encoded = rest.partition("+")
    try:
        raw = base64.b64decode(encoded, validate=True)
        key_hash = bytes.fromhex(key_hash_hex)
    except (binascii.Error, ValueError):
        raise KeyMaterialError(f"{what}: not name+hash+base64") from None
    if len(raw) != 1 + PUBLIC_KEY_SIZE or raw[0] != signature_type:
        kind = (
            "an Ed25519 key" if signature_type == ED25519_SIGNATURE_TYPE else "an Ed25519 cosignature key (type 0x04)"
        )
        raise KeyMaterialError(f"{what}: not {kind}")
    return name, key_hash, raw[1:]


class Ed25519VerifierKey:
    """A named Ed25519 public key with its signed-note key hash and vkey, for one signature type (`TYPE`): the
    log's checkpoint key (0x01, `CheckpointVerifier`) or a witness's cosignature key (0x04,
    `cosigning.CosignatureVerifier`). The type byte is part of the key hash and the vkey, so a key of one kind
    never passes for the other.

    Attributes:
        name: The signed-note key name.
        public_key: The raw 32-byte Ed25519 public key.
        key_hash: The 4-byte signed-note key hash.
    """

    __slots__ = ("_public", "key_hash", "name", "public_key")
    TYPE = ED25519_SIGNATURE_TYPE
    KIND = "checkpoint verifier"  # how error messages name this kind of key ...
    VKEY = "verifier key"  # ... and its vkey

    def __init__(self, name: str, public_key: bytes) -> None:
        """Build from a key name and a raw public key.

        Raises:
            KeyMaterialError: The name is invalid or the public key is not 32 bytes.
        """
        self.name = check_key_name(name)
        if len(public_key) != PUBLIC_KEY_SIZE:
            raise KeyMaterialError(f"{self.KIND}: an Ed25519 public key is 32 bytes")
        self.public_key = bytes(public_key)
        self._public = Ed25519PublicKey.from_public_bytes(self.public_key)
        self.key_hash = key_hash_of(name, self.TYPE, self.public_key)

    @classmethod
    def from_verifier_key(cls, vkey: str) -> Self:
        """Parse a vkey ``name+hash+base64(type || public key)`` of this kind.

        Raises:
            KeyMaterialError: `vkey` is malformed, not an Ed25519 key of this type, or its hash does not match.
        """
        name, key_hash, public_key = parse_verifier_key(vkey, cls.TYPE, cls.VKEY)
        verifier = cls(name, public_key)
        if verifier.key_hash != key_hash:
            raise KeyMaterialError(f"{cls.VKEY}: key hash does not match the key")
        return verifier

    @property
    def key_id(self) -> str:
        """The key hash as 8 lower-case hex characters: a stable, short name for this key."""
        return self.key_hash.hex()

    @property
    def verifier_key(self) -> str:
        """The vkey, for publishing (to partners and the FG; a witness's to the log's operators)."""
        encoded = base64.b64encode(bytes([self.TYPE]) + self.public_key).decode("ascii")
        return f"{self.name}+{self.key_id}+{encoded}"


class CheckpointVerifier(Ed25519VerifierKey):
    """Verifies checkpoint signatures with the log's public key (signature type 0x01)."""

    __slots__ = ()

    def verify(self, message: bytes, signature: bytes) -> None:
        """Check a raw 64-byte Ed25519 `signature` over `message`.

        Raises:
            CryptoError: The signature is not valid for this key and message.
        """
        if len(signature) != SIGNATURE_SIZE:
            raise CryptoError
        try:
            self._public.verify(signature, message)
        except InvalidSignature:
            raise CryptoError from None

    def verify_note_signature(self, text: bytes, note_signature: bytes) -> None:
        """Check a signed-note signature (key hash || signature, base64-decoded) over the note text.

        Raises:
            CryptoError: The key hash is not this key's or the signature is not valid.
        """
        if not hmac.compare_digest(note_signature[:KEY_HASH_SIZE], self.key_hash):
            raise CryptoError
        self.verify(text, note_signature[KEY_HASH_SIZE:])

    def __repr__(self) -> str:
        return f"CheckpointVerifier(name={self.name!r}, key_id={self.key_id!r})"


class CheckpointSigner:
    """Signs checkpoints with an Ed25519 private key.

    Attributes:
        name: The signed-note key name.
        verifier: The matching public verifier.
    """

    __slots__ = ("_private", "name", "verifier")

    def __init__(self, name: str, private_key: bytes) -> None:
        """Build from a key name and a raw 32-byte Ed25519 private key (the RFC 8032 seed).

        Raises:
            KeyMaterialError: The name is invalid or the private key is not 32 bytes.
        """
        self.name = check_key_name(name)
        if len(private_key) != PRIVATE_KEY_SIZE:
            raise KeyMaterialError("checkpoint_signing.private_key: an Ed25519 private key is 32 bytes")
        self._private = Ed25519PrivateKey.from_private_bytes(private_key)
        self.verifier = CheckpointVerifier(name, self._private.public_key().public_bytes_raw())

    @staticmethod
    def generate_private_key() -> bytes:
        """32 fresh random bytes for a new private key."""
        return Ed25519PrivateKey.generate().private_bytes_raw()

    @property
    def public_key(self) -> bytes:
        """The raw 32-byte public key."""
        return self.verifier.public_key

    @property
    def key_hash(self) -> bytes:
        """The 4-byte signed-note key hash."""
        return self.verifier.key_hash

    @property
    def key_id(self) -> str:
        """The key hash as 8 lower-case hex characters."""
        return self.verifier.key_id

    def sign(self, message: bytes) -> bytes:
        """The raw 64-byte Ed25519 signature of `message`."""
        return self._private.sign(message)

    def note_signature(self, text: bytes) -> bytes:
        """The signed-note signature of a note text: key hash || signature (base64 it for the note line)."""
        return self.key_hash + self.sign(text)

    def note_signature_line(self, text: bytes) -> str:
        """The full signed-note signature line for `text`, ending in a newline."""
        encoded = base64.b64encode(self.note_signature(text)).decode("ascii")
        return f"\u2014 {self.name} {encoded}\n"

    def __repr__(self) -> str:
        return f"CheckpointSigner(name={self.name!r}, key_id={self.key_id!r})"

"""Field encryption: AES-256-GCM under a casus's data key, bound to the casus and the veld.

Token layout, format version 1 (all offsets in bytes)::

    offset  length  content
    0       1       format version, 0x01
    1       8       key id of the data key (`DataKey.key_id`)
    9       12      nonce, fresh random for every encryption
    21      n + 16  AES-256-GCM ciphertext of the n plaintext bytes, followed by the 16-byte tag

The associated data authenticated with it (never stored, rebuilt from the context on decryption)::

    token[0:9] || u32be(len(casus_id)) || casus_id || u32be(len(veld)) || veld    (strings as UTF-8)

Invariants:
- Every token is bound to its casus, its veld and its data key: decrypted anywhere else, with any byte
  changed, truncated or of another format version, it raises `CryptoError`, the same error every time.
- Nonces are 96 random bits from the OS, never a counter, never supplied by a caller of the public API.
  `_encrypt_with_nonce` exists only to produce deterministic test vectors.
- Nothing is decrypted before the tag is verified (AES-GCM checks the tag first).
- One `AESGCM` object per data key: constructing one costs about as much as an encryption, so a
  `FieldCipher` is built once per unwrapped key (see `DekCache`) and reused.
"""

from __future__ import annotations

import hmac
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.crypto._encoding import length_prefixed
from service.crypto.data_key import KEY_ID_SIZE, DataKey
from service.crypto.errors import CryptoError

FORMAT_VERSION = 1
NONCE_SIZE = 12
TAG_SIZE = 16
HEADER_SIZE = 1 + KEY_ID_SIZE
MIN_TOKEN_SIZE = HEADER_SIZE + NONCE_SIZE + TAG_SIZE

# Veld names come from the veldcatalogue, so the cache of their associated data stays small; the cap only
# guards against a caller passing arbitrary names.
_MAX_CACHED_VELDEN = 512


class FieldCipher:
    """Encrypts and decrypts the field values of one casus under its data key.

    Example:
        >>> cipher = FieldCipher(data_key)
        >>> token = cipher.encrypt("naam", b"Jan Jansen")
        >>> cipher.decrypt("naam", token)
        b'Jan Jansen'
    """

    __slots__ = ("_aead", "_casus_ad", "_header", "_veld_ad", "data_key")

    def __init__(self, data_key: DataKey) -> None:
        self.data_key = data_key
        self._aead = AESGCM(data_key._material)
        self._header = bytes([FORMAT_VERSION]) + data_key.key_id
        self._casus_ad = self._header + length_prefixed(data_key.casus_id)
        self._veld_ad: dict[str, bytes] = {}

    @property
    def casus_id(self) -> str:
        """The casus whose fields this cipher encrypts."""
        return self.data_key.casus_id

    def encrypt(self, veld: str, plaintext: bytes) -> bytes:
        """Encrypt the value of `veld` with a fresh random nonce.

        Args:
            veld: The veld name; the token will decrypt only under this name.
            plaintext: The value, already serialised to bytes.

        Returns:
            A token in the layout of the module docstring.

        Raises:
            TypeError: `plaintext` is not bytes.
            UnicodeEncodeError: `veld` is not encodable as UTF-8.
        """
        # Inlined rather than calling `_encrypt_with_nonce`: this is the hot path of every write.
        if not isinstance(plaintext, bytes):
            raise TypeError("plaintext must be bytes")
        nonce = os.urandom(NONCE_SIZE)
        associated_data = self._veld_ad.get(veld) or self._associated_data(veld)
        return self._header + nonce + self._aead.encrypt(nonce, plaintext, associated_data)

    def _encrypt_with_nonce(self, veld: str, plaintext: bytes, nonce: bytes) -> bytes:
        # Deterministic hook for test vectors only (like fernet's `encrypt_at_time`). Reusing a nonce under
        # one key breaks AES-GCM completely, so nothing outside tests may call this.
        if not isinstance(plaintext, bytes):
            raise TypeError("plaintext must be bytes")
        if len(nonce) != NONCE_SIZE:
            raise ValueError("nonce must be 12 bytes")
        return self._header + nonce + self._aead.encrypt(nonce, plaintext, self._associated_data(veld))

    def decrypt(self, veld: str, token: bytes) -> bytes:
        """Decrypt a token made by `encrypt` for this casus and `veld`.

        Args:
            veld: The veld the token is stored under.
            token: The stored token.

        Returns:
            The plaintext bytes.

        Raises:
            TypeError: `token` is not bytes.
            CryptoError: The token was not made by this data key for this casus and veld, or was altered,
                truncated or has an unknown format version.
        """
        if not isinstance(token, bytes):
            raise TypeError("token must be bytes")
        if len(token) < MIN_TOKEN_SIZE or not hmac.compare_digest(token[:HEADER_SIZE], self._header):
            raise CryptoError
        try:
            associated_data = self._veld_ad.get(veld) or self._associated_data(veld)
            return self._aead.decrypt(
                token[HEADER_SIZE : HEADER_SIZE + NONCE_SIZE],
                token[HEADER_SIZE + NONCE_SIZE :],
                associated_data,
            )
        except (InvalidTag, UnicodeEncodeError):
            raise CryptoError from None

    def _associated_data(self, veld: str) -> bytes:
        associated_data = self._veld_ad.get(veld)
        if associated_data is None:
            associated_data = self._casus_ad + length_prefixed(veld)
            if len(self._veld_ad) < _MAX_CACHED_VELDEN:
                self._veld_ad[veld] = associated_data
        return associated_data

    def __repr__(self) -> str:
        return f"FieldCipher({self.data_key!r})"


def key_id_of_token(token: bytes) -> bytes:
    """The data key id in a token's header, read without decrypting (not authenticated until decrypted).

    Raises:
        CryptoError: `token` is too short or of an unknown format version.
    """
    if len(token) < MIN_TOKEN_SIZE or token[0] != FORMAT_VERSION:
        raise CryptoError
    return token[1:HEADER_SIZE]

"""The keyring: a versioned key-encryption key (KEK) per regime, wrapping one data key (DEK) per casus.

Wrapped DEK layout, format version 1 (65 bytes exactly)::

    offset  length  content
    0       1       format version, 0x01
    1       4       KEK version, unsigned big-endian
    5       12      nonce, fresh random for every wrap
    17      48      AES-256-GCM ciphertext of the 32-byte DEK, followed by the 16-byte tag

The associated data authenticated with it (strings as UTF-8)::

    wrapped[0:5] || u32be(len(regime)) || regime || u32be(len(casus_id)) || casus_id

Invariants:
- A DEK exists outside memory only wrapped. A wrapped DEK unwraps only with the KEK of the regime and
  version named in it, for the casus it was made for: moved to another casus or regime, altered, truncated,
  of an unknown format or KEK version, it raises `CryptoError`, the same error every time.
- Regimes stay apart: each regime has its own KEKs, and the regime is also in the associated data.
- Each regime has exactly one primary KEK version; new DEKs are wrapped under it and `rewrap` moves old
  wrappings to it. Rotation touches one small blob per casus, never the field ciphertexts.
- `kek_version_of` reads the KEK version without any key, so the caller (which has the database) can count
  the DEKs still wrapped under a version before retiring it.
- Format 2 (`TOKEN_FORMAT_VERSION`) has the same layout and associated data, but is wrapped inside a PKCS#11
  token (`service.crypto.token_keyring`). This keyring refuses it, whatever its KEK version: a DEK wrapped by
  one backend never unwraps with the other's keys, and the format byte says which backend can.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.crypto._encoding import length_prefixed
from service.crypto.data_key import DATA_KEY_SIZE, DataKey
from service.crypto.errors import CryptoError, KeyMaterialError
from service.domain.convenant import Regime

WRAPPED_FORMAT_VERSION = 1
TOKEN_FORMAT_VERSION = 2
_KNOWN_FORMATS = frozenset({WRAPPED_FORMAT_VERSION, TOKEN_FORMAT_VERSION})
KEK_SIZE = 32
MAX_KEK_VERSION = 2**32 - 1
NONCE_SIZE = 12
TAG_SIZE = 16
_HEADER_SIZE = 1 + 4
WRAPPED_SIZE = _HEADER_SIZE + NONCE_SIZE + DATA_KEY_SIZE + TAG_SIZE


def kek_version_of(wrapped: bytes) -> int:
    """The KEK version a wrapped DEK names, read without unwrapping (authenticated only by `unwrap`).

    Raises:
        CryptoError: `wrapped` is not a wrapped DEK of a known format.
    """
    if not isinstance(wrapped, bytes) or len(wrapped) != WRAPPED_SIZE or wrapped[0] not in _KNOWN_FORMATS:
        raise CryptoError
    return int.from_bytes(wrapped[1:_HEADER_SIZE], "big")


def wrapped_associated_data(header: bytes, regime_ad: bytes, casus_id: str) -> bytes:
    """The associated data of a wrapped DEK: its 5-byte header, the regime and the casus (see the module docstring).

    Raises:
        UnicodeEncodeError: `casus_id` is not encodable as UTF-8.
    """
    return header + regime_ad + length_prefixed(casus_id)


class KekRing(Protocol):
    """What the rest of the service needs of a keyring, whichever backend holds the KEKs (file or token)."""

    def primary_version(self, regime: Regime) -> int:
        """The KEK version that wraps new DEKs of `regime`."""
        ...

    def versions(self, regime: Regime) -> tuple[int, ...]:
        """Every KEK version of `regime` this keyring can unwrap, ascending."""
        ...

    def new_data_key(self, regime: Regime, casus_id: str) -> tuple[DataKey, bytes]:
        """A fresh DEK and its wrapping under the primary KEK."""
        ...

    def wrap(self, data_key: DataKey) -> bytes:
        """`data_key` wrapped under the primary KEK of its regime."""
        ...

    def unwrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> DataKey:
        """The DEK of `casus_id`; raises `CryptoError` when `wrapped` does not unwrap."""
        ...

    def rewrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> bytes:
        """`wrapped` re-wrapped under the primary KEK (as is when already there); raises `CryptoError`."""
        ...

    def needs_rewrap(self, regime: Regime, wrapped: bytes) -> bool:
        """Whether `wrapped` names another KEK than the primary one."""
        ...

    def bron(self, regime: Regime, version: int) -> str:
        """Where KEK `version` of `regime` is held: ``bestand`` (the secrets file) or ``token``."""
        ...


class Keyring:
    """The KEKs of both regimes; wraps, unwraps and rewraps per-casus data keys."""

    __slots__ = ("_aeads", "_primary", "_regime_ad")

    def __init__(self, keks: Mapping[Regime, Mapping[int, bytes]], primary: Mapping[Regime, int]) -> None:
        """Build a keyring from raw KEKs.

        Args:
            keks: For every regime, its KEK versions mapped to 32-byte keys.
            primary: For every regime, the version that wraps new DEKs.

        Raises:
            KeyMaterialError: A regime, a key or the primary version is missing or malformed.
        """
        self._aeads: dict[Regime, dict[int, AESGCM]] = {}
        self._primary: dict[Regime, int] = {}
        self._regime_ad: dict[Regime, bytes] = {}
        for regime in Regime:
            versions = keks.get(regime)
            if not versions:
                raise KeyMaterialError(f"kek.{regime.value}: no KEK versions")
            aeads: dict[int, AESGCM] = {}
            for version, key in versions.items():
                if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= MAX_KEK_VERSION:
                    raise KeyMaterialError(f"kek.{regime.value}: version {version!r} is not an integer >= 1")
                if not isinstance(key, bytes) or len(key) != KEK_SIZE:
                    raise KeyMaterialError(f"kek.{regime.value}.versions.{version}: a KEK is 32 bytes")
                aeads[version] = AESGCM(key)
            primary_version = primary.get(regime)
            if primary_version not in aeads:
                raise KeyMaterialError(f"kek.{regime.value}.primary: not one of the KEK versions")
            self._aeads[regime] = aeads
            self._primary[regime] = primary_version
            self._regime_ad[regime] = length_prefixed(regime.value)

    def primary_version(self, regime: Regime) -> int:
        """The KEK version that wraps new DEKs of `regime`.

        Raises:
            ValueError: `regime` is not a regime.
        """
        self._check_regime(regime)
        return self._primary[regime]

    def versions(self, regime: Regime) -> tuple[int, ...]:
        """All KEK versions of `regime` this keyring can unwrap, ascending.

        Raises:
            ValueError: `regime` is not a regime.
        """
        self._check_regime(regime)
        return tuple(sorted(self._aeads[regime]))

    def bron(self, regime: Regime, version: int) -> str:
        """Where KEK `version` of `regime` is held: always ``bestand`` (the secrets file).

        Raises:
            KeyError: This keyring has no such version.
        """
        if version not in self.versions(regime):
            raise KeyError(version)
        return "bestand"

    def new_data_key(self, regime: Regime, casus_id: str) -> tuple[DataKey, bytes]:
        """A fresh random DEK for a new casus, and its wrapping to store.

        Raises:
            ValueError: `regime` is not a regime.
        """
        data_key = DataKey.generate(regime, casus_id)
        return data_key, self.wrap(data_key)

    def wrap(self, data_key: DataKey) -> bytes:
        """Wrap `data_key` under the primary KEK of its regime, for its casus.

        Raises:
            ValueError: The data key's regime is not a regime.
        """
        regime = data_key.regime
        self._check_regime(regime)
        return self._wrap(regime, data_key.casus_id, data_key._material, self._primary[regime], None)

    def unwrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> DataKey:
        """The DEK of `casus_id`, unwrapped.

        Raises:
            CryptoError: `wrapped` was not made for this regime and casus by a KEK in this keyring, or was
                altered or truncated.
        """
        _, material = self._unwrap(regime, casus_id, wrapped)
        return DataKey(regime, casus_id, material)

    def rewrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> bytes:
        """Re-wrap a DEK under the primary KEK of its regime (key rotation).

        The DEK itself is unchanged, so the casus's field ciphertexts stay valid. The wrapping is always
        verified; when it already names the primary version it is returned as is (idempotent).

        Raises:
            CryptoError: As for `unwrap`.
        """
        version, material = self._unwrap(regime, casus_id, wrapped)
        primary = self._primary[regime]
        if version == primary:
            return wrapped
        return self._wrap(regime, casus_id, material, primary, None)

    def needs_rewrap(self, regime: Regime, wrapped: bytes) -> bool:
        """Whether `wrapped` names a KEK version other than the primary one of `regime` (not verified).

        Raises:
            CryptoError: `wrapped` is not a wrapped DEK of a known format.
            ValueError: `regime` is not a regime.
        """
        return kek_version_of(wrapped) != self.primary_version(regime)

    def _wrap(self, regime: Regime, casus_id: str, material: bytes, version: int, nonce: bytes | None) -> bytes:
        # `nonce` is given only by tests building vectors (see `_wrap_with_nonce`); otherwise it is random.
        if nonce is None:
            nonce = os.urandom(NONCE_SIZE)
        header = bytes([WRAPPED_FORMAT_VERSION]) + version.to_bytes(4, "big")
        associated_data = wrapped_associated_data(header, self._regime_ad[regime], casus_id)
        return header + nonce + self._aeads[regime][version].encrypt(nonce, material, associated_data)

    def _wrap_with_nonce(self, data_key: DataKey, version: int, nonce: bytes) -> bytes:
        # Deterministic hook for test vectors only. Reusing a nonce under one KEK breaks AES-GCM.
        if len(nonce) != NONCE_SIZE:
            raise ValueError("nonce must be 12 bytes")
        return self._wrap(data_key.regime, data_key.casus_id, data_key._material, version, nonce)

    def _unwrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> tuple[int, bytes]:
        version = kek_version_of(wrapped)
        aead = self._aeads.get(regime, {}).get(version)
        if aead is None or wrapped[0] != WRAPPED_FORMAT_VERSION:
            raise CryptoError
        try:
            associated_data = wrapped_associated_data(wrapped[:_HEADER_SIZE], self._regime_ad[regime], casus_id)
            material = aead.decrypt(
                wrapped[_HEADER_SIZE : _HEADER_SIZE + NONCE_SIZE],
                wrapped[_HEADER_SIZE + NONCE_SIZE :],
                associated_data,
            )
        except (InvalidTag, UnicodeEncodeError):
            raise CryptoError from None
        return version, material

    def _check_regime(self, regime: Regime) -> None:
        if regime not in self._aeads:
            raise ValueError("unknown regime")

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{regime.value}: versions={sorted(aeads)} primary={self._primary[regime]}"
            for regime, aeads in self._aeads.items()
        )
        return f"Keyring({parts})"

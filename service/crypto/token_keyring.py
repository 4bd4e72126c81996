"""A keyring whose KEKs are non-extractable key objects in a PKCS#11 token (`DEELPOORT_SLEUTELS=pkcs11`).

Wrapped DEK layout, format version 2: exactly format 1's (see `service.crypto.keyring`), with format byte 0x02::

    0x02 || u32be(KEK version) || 12-byte nonce || AES-256-GCM(DEK) || 16-byte tag

and the same associated data (header, regime, casus id). The encryption runs inside the token (CKM_AES_GCM, the
process supplies a fresh random nonce per wrap), so the KEK never leaves it.

Invariants:
- A DEK is wrapped only inside the token, under the highest KEK version of its regime there (the primary one),
  as read from the token at most `VERSIE_LEEFTIJD` seconds before the wrap: a KEK made by another process
  (`deelpoort keys rotate`) wraps every worker's new DEKs within that second, so no worker keeps wrapping under a
  version that is about to be rewrapped away and retired. Rotation adds a higher version (`create_kek`), never
  replaces one.
- Format 2 unwraps only through the token; format 1 (the secrets file's KEKs) unwraps only through the file
  keyring handed in as `legacy`, which exists for migrating from `bestand` to `pkcs11`: its DEKs are rewrapped
  into the token like any rotation, and it never wraps anything new. Without it, format 1 raises `CryptoError`.
- KEK version numbers are unique across the token and the file: a new token KEK takes the next number after
  every version either holds, so a wrapped DEK's (format, version) names exactly one key.
- Every regime has at least one KEK in the token, checked when the keyring is built (`KeyMaterialError` naming
  the regime otherwise), so a service never starts unable to wrap a new casus's key.
"""

from __future__ import annotations

import os

from service.crypto._encoding import length_prefixed
from service.crypto.data_key import DATA_KEY_SIZE, DataKey
from service.crypto.errors import CryptoError, KeyMaterialError
from service.crypto.hsm_token import Pkcs11Token, kek_label
from service.crypto.keyring import (
    MAX_KEK_VERSION,
    NONCE_SIZE,
    TAG_SIZE,
    TOKEN_FORMAT_VERSION,
    WRAPPED_FORMAT_VERSION,
    Keyring,
    kek_version_of,
    wrapped_associated_data,
)
from service.domain.convenant import Regime

_HEADER_SIZE = 5
VERSIE_LEEFTIJD = 1.0  # seconds: how old the token's list of KEKs may be when a DEK is wrapped
TOKEN = "token"  # noqa: S105 - where a KEK is held, not a secret
BESTAND = "bestand"


class TokenKeyring:
    """The KEKs of both regimes in a PKCS#11 token; wraps, unwraps and rewraps per-casus data keys."""

    __slots__ = ("_legacy", "_legacy_versions", "_merged", "_regime_ad", "_token")

    def __init__(self, token: Pkcs11Token, legacy: Keyring | None = None) -> None:
        """Open the token in this process and check it holds a KEK for every regime.

        Args:
            token: The token, opened lazily (again in a forked child).
            legacy: The secrets file's keyring, to read format-1 DEKs while migrating; None when there is none.

        Raises:
            KeyMaterialError: The token cannot be opened (module, token, PIN), a key object is not acceptable, a
                regime has no KEK in the token, or a version is both in the token and in the file.
        """
        self._setup(token, legacy)
        self.check()

    @classmethod
    def zonder_controle(cls, token: Pkcs11Token, legacy: Keyring | None = None) -> TokenKeyring:
        """A keyring over `token` that may still lack a regime's KEK: for creating the first ones only.

        Raises:
            KeyMaterialError: The token cannot be opened, or a key object is not acceptable.
        """
        keyring = cls.__new__(cls)
        keyring._setup(token, legacy)
        token.refresh()
        return keyring

    def _setup(self, token: Pkcs11Token, legacy: Keyring | None) -> None:
        self._token = token
        self._legacy = legacy
        self._legacy_versions = {r: legacy.versions(r) if legacy is not None else () for r in Regime}
        # Per regime: the token's versions as last read, and those merged with the file's (asked per request).
        self._merged: dict[Regime, tuple[tuple[int, ...], tuple[int, ...]]] = {}
        self._regime_ad = {regime: length_prefixed(regime.value) for regime in Regime}

    def create_kek(self, regime: Regime) -> int:
        """Generate the next KEK version of `regime` inside the token; it becomes the primary one.

        Raises:
            KeyMaterialError: No versions are left, or the token refused.
        """
        version = self.next_version(regime)
        self._token.create_kek(regime, version)
        return version

    def destroy_kek(self, regime: Regime, version: int) -> None:
        """Destroy KEK `version` of `regime` in the token (the caller checked no DEK is wrapped under it).

        Raises:
            KeyMaterialError: It is the primary version, it is not in the token, or the token refused.
        """
        if version == self.primary_version(regime):
            raise KeyMaterialError(f"kek.{regime.value}: version {version} is the primary version")
        self._token.destroy_kek(regime, version)

    def check(self) -> None:
        """Read the token again and check it (see `__init__`).

        Raises:
            KeyMaterialError: As for `__init__`.
        """
        self._token.refresh()
        for regime in Regime:
            if not self._token_versions(regime):
                raise KeyMaterialError(
                    f"PKCS#11 token {self._token.label!r}: no KEK for regime {regime.value} "
                    f"(expected a key labelled {kek_label(regime, 1)} or higher; run `deelpoort keys pkcs11-init`)"
                )
            if self._legacy is not None:
                both = set(self._token_versions(regime)) & set(self._legacy.versions(regime))
                if both:
                    raise KeyMaterialError(
                        f"kek.{regime.value}: version {min(both)} is both in the secrets file and in the token"
                    )

    @property
    def token(self) -> Pkcs11Token:
        """The token holding the KEKs."""
        return self._token

    def primary_version(self, regime: Regime) -> int:
        """The highest KEK version of `regime` in the token, which wraps new DEKs.

        Raises:
            ValueError: `regime` is not a regime.
            KeyMaterialError: The token has no KEK for `regime` (any more).
        """
        versions = self._token_versions(Regime(regime))
        if not versions:
            raise KeyMaterialError(f"PKCS#11 token {self._token.label!r}: no KEK for regime {regime.value}")
        return versions[-1]

    def versions(self, regime: Regime) -> tuple[int, ...]:
        """Every KEK version of `regime` this keyring can unwrap (the token's and the file's), ascending."""
        legacy = self._legacy_versions.get(regime, ())
        in_token = self._token.versies(regime)
        if not legacy:
            return in_token
        merged = self._merged.get(regime)
        if merged is None or merged[0] is not in_token:
            merged = self._merged[regime] = (in_token, tuple(sorted({*in_token, *legacy})))
        return merged[1]

    def bron(self, regime: Regime, version: int) -> str:
        """Where KEK `version` of `regime` is held: ``token`` or ``bestand`` (the secrets file).

        Raises:
            KeyError: This keyring has no such version.
        """
        if version in self._token_versions(regime):
            return TOKEN
        if self._legacy is not None and version in self._legacy.versions(regime):
            return BESTAND
        raise KeyError(version)

    def next_version(self, regime: Regime) -> int:
        """The version a new KEK of `regime` gets: one above every version in the token and the file.

        Raises:
            KeyMaterialError: No version numbers are left.
        """
        version = max((0, *self.versions(regime))) + 1
        if version > MAX_KEK_VERSION:
            raise KeyMaterialError(f"kek.{regime.value}: no KEK versions left")
        return version

    def new_data_key(self, regime: Regime, casus_id: str) -> tuple[DataKey, bytes]:
        """A fresh random DEK for a new casus, and its wrapping to store.

        Raises:
            CryptoError: The token refused to wrap.
        """
        data_key = DataKey.generate(regime, casus_id)
        return data_key, self.wrap(data_key)

    def wrap(self, data_key: DataKey) -> bytes:
        """Wrap `data_key` inside the token under the primary KEK of its regime, for its casus.

        Raises:
            CryptoError: The token refused to wrap.
        """
        return self._wrap(data_key.regime, data_key.casus_id, data_key._material)

    def unwrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> DataKey:
        """The DEK of `casus_id`, unwrapped (inside the token for format 2).

        Raises:
            CryptoError: `wrapped` was not made for this regime and casus by a KEK this keyring holds, or was
                altered or truncated.
        """
        return DataKey(regime, casus_id, self._unwrap(regime, casus_id, wrapped))

    def rewrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> bytes:
        """Re-wrap a DEK under the token's primary KEK of its regime (rotation, and migration from the file).

        Always verified; returned as is when it already is format 2 under the primary version.

        Raises:
            CryptoError: As for `unwrap`.
        """
        material = self._unwrap(regime, casus_id, wrapped)
        if not self.needs_rewrap(regime, wrapped):
            return wrapped
        return self._wrap(regime, casus_id, material)

    def needs_rewrap(self, regime: Regime, wrapped: bytes) -> bool:
        """Whether `wrapped` is not format 2 under the primary KEK version of `regime` (not verified).

        Raises:
            CryptoError: `wrapped` is not a wrapped DEK of a known format.
        """
        version = kek_version_of(wrapped)
        return wrapped[0] != TOKEN_FORMAT_VERSION or version != self.primary_version(regime)

    def _token_versions(self, regime: Regime) -> tuple[int, ...]:
        return self._token.versies(regime)

    def _wrap(self, regime: Regime, casus_id: str, material: bytes) -> bytes:
        if regime not in self._regime_ad:
            raise ValueError("unknown regime")
        try:
            self._token.refresh_if_older(VERSIE_LEEFTIJD)
        except KeyMaterialError:
            raise CryptoError from None
        header = bytes([TOKEN_FORMAT_VERSION]) + self.primary_version(regime).to_bytes(4, "big")
        nonce = os.urandom(NONCE_SIZE)
        associated_data = wrapped_associated_data(header, self._regime_ad[regime], casus_id)
        sealed = self._token.encrypt(regime, int.from_bytes(header[1:], "big"), nonce, associated_data, material)
        if len(sealed) != DATA_KEY_SIZE + TAG_SIZE:
            raise CryptoError
        return header + nonce + sealed

    def _unwrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> bytes:
        version = kek_version_of(wrapped)
        if wrapped[0] == WRAPPED_FORMAT_VERSION:
            if self._legacy is None:
                raise CryptoError
            return self._legacy.unwrap(regime, casus_id, wrapped)._material
        if regime not in self._regime_ad:
            raise CryptoError
        try:
            associated_data = wrapped_associated_data(wrapped[:_HEADER_SIZE], self._regime_ad[regime], casus_id)
        except UnicodeEncodeError:
            raise CryptoError from None
        nonce = wrapped[_HEADER_SIZE : _HEADER_SIZE + NONCE_SIZE]
        material = self._token.decrypt(regime, version, nonce, associated_data, wrapped[_HEADER_SIZE + NONCE_SIZE :])
        if len(material) != DATA_KEY_SIZE:
            raise CryptoError
        return material

    def __repr__(self) -> str:
        parts = ", ".join(f"{regime.value}: versions={list(self.versions(regime))}" for regime in Regime)
        return f"TokenKeyring({self._token!r}, {parts})"

"""Data keys for case data: creating, unwrapping (cached), rewrapping, and picking up rotated key material.

Invariants:
- Key material is loaded through the callable handed in by the composition root; when a wrapped key names a
  KEK version this worker does not know yet (another process rotated), the material is reloaded once before
  giving up, so a rotation can run while the service runs.
- The keyring is the secrets file's or a PKCS#11 token's (`DEELPOORT_SLEUTELS`); this class does not tell them
  apart, except to say where a KEK version is held (`kek_bron`).
- Unwrapped data keys live only in the bounded `DekCache` (TTL = the longest a shredded key stays usable in a
  running worker).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from service.crypto import BlindIndex, DekCache, FieldCipher, KekRing, KeyMaterial, kek_version_of
from service.crypto.errors import CryptoError, KeyMaterialError
from service.domain.convenant import Regime


class CasusKeys:
    def __init__(
        self,
        load: Callable[[], KeyMaterial],
        *,
        cache_entries: int = 4096,
        ttl_seconds: float = 300,
        waarnemer: Callable[[bool], None] | None = None,
    ) -> None:
        """`waarnemer` is told of every data key lookup whether the cache had it (the metrics)."""
        self._load = load
        self._waarnemer = waarnemer
        self._lock = threading.Lock()
        self._cache_entries = cache_entries
        self._ttl = ttl_seconds
        self._material = load()
        self._cache = DekCache(
            _keyring_of(self._material), max_entries=cache_entries, ttl_seconds=ttl_seconds, waarnemer=waarnemer
        )

    @property
    def material(self) -> KeyMaterial:
        return self._material

    @property
    def keyring(self) -> KekRing:
        """The KEKs in use (the secrets file's or the token's)."""
        return _keyring_of(self._material)

    def kek_bron(self, regime: Regime, version: int) -> str:
        """Where KEK `version` of `regime` is held (``bestand`` or ``token``), or ``onbekend`` when not here."""
        try:
            return self.keyring.bron(regime, version)
        except KeyError:
            return "onbekend"

    @property
    def blind_index(self) -> BlindIndex:
        return self._material.blind_index

    def reload(self) -> None:
        """Load the key material again (after a rotation) and start with an empty cache."""
        material = self._load()
        with self._lock:
            self._material = material
            self._cache = DekCache(
                _keyring_of(material), max_entries=self._cache_entries, ttl_seconds=self._ttl, waarnemer=self._waarnemer
            )

    def new_data_key(self, regime: Regime, casus_id: str) -> bytes:
        """A fresh data key for a casus, returned wrapped (the only form that is stored)."""
        _key, wrapped = self.keyring.new_data_key(regime, casus_id)
        return wrapped

    def cipher_for(self, regime: Regime, casus_id: str, wrapped: bytes) -> FieldCipher:
        """The field cipher of a casus.

        Raises:
            CryptoError: the wrapped key does not unwrap (wrong casus, regime, damaged, or unknown version).
        """
        self._pick_up_rotation(regime, wrapped)
        return self._cache.cipher_for(regime, casus_id, wrapped)

    def rewrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> bytes:
        """Re-wrap under the primary KEK version (unchanged when already primary).

        Raises:
            CryptoError: the wrapped key does not unwrap.
        """
        self._pick_up_rotation(regime, wrapped)
        return self.keyring.rewrap(regime, casus_id, wrapped)

    def primary_version(self, regime: Regime) -> int:
        return self.keyring.primary_version(regime)

    def forget(self, casus_id: str) -> None:
        self._cache.forget(casus_id)

    def _pick_up_rotation(self, regime: Regime, wrapped: bytes) -> None:
        try:
            version = kek_version_of(wrapped)
        except CryptoError:
            return  # the unwrap itself will fail with the one opaque error
        if version not in self.keyring.versions(regime):
            self.reload()


def _keyring_of(material: KeyMaterial) -> KekRing:
    if material.keyring is None:
        raise KeyMaterialError("kek: the key material has no keyring")
    return material.keyring

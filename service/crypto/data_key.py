"""A casus's data key (DEK) in the clear, as it exists only in memory.

Invariants:
- A `DataKey` is 32 random bytes bound to one regime and one casus. It is produced only by
  `Keyring.new_data_key` or `Keyring.unwrap` (which checks the binding cryptographically) and is never
  written anywhere unwrapped.
- Its `key_id` is derived from the key with HMAC-SHA256 under a fixed label, so it names the key without
  revealing it and is the same in every process that unwraps the same DEK.
- `repr()` and `str()` never show the key bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from service.domain.convenant import Regime

DATA_KEY_SIZE = 32
KEY_ID_SIZE = 8
_KEY_ID_LABEL = b"deelpoort/data-key-id/v1"


def key_id_of(material: bytes) -> bytes:
    """The 8-byte identifier of a data key: ``HMAC-SHA256(key, label)[:8]``."""
    return hmac.digest(material, _KEY_ID_LABEL, hashlib.sha256)[:KEY_ID_SIZE]


class DataKey:
    """A 256-bit data key for one casus, unwrapped.

    Attributes:
        regime: The regime whose KEK wraps this key.
        casus_id: The casus this key belongs to.
        key_id: 8 bytes naming this key (see the module docstring).
    """

    __slots__ = ("_material", "casus_id", "key_id", "regime")

    def __init__(self, regime: Regime, casus_id: str, material: bytes) -> None:
        """Bind `material` to a casus.

        Raises:
            ValueError: `material` is not 32 bytes.
        """
        if len(material) != DATA_KEY_SIZE:
            raise ValueError("a data key is 32 bytes")
        self.regime = regime
        self.casus_id = casus_id
        self.key_id = key_id_of(material)
        self._material = bytes(material)

    @classmethod
    def generate(cls, regime: Regime, casus_id: str) -> DataKey:
        """A fresh random data key for `casus_id`."""
        return cls(regime, casus_id, secrets.token_bytes(DATA_KEY_SIZE))

    def __repr__(self) -> str:
        return f"DataKey(regime={self.regime.value!r}, casus_id={self.casus_id!r}, key_id={self.key_id.hex()!r})"

    __str__ = __repr__

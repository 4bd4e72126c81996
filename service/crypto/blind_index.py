"""Blind index: a keyed HMAC-SHA256 of a BSN, for exact-match lookups without storing the BSN; and, under the
same per-regime key with a label of its own, the keyed fingerprints an import recognises its casussen by.

Invariants:
- Each regime has its own index key, so the index of one BSN in a regular casus and in a CTER casus are
  unrelated: the index cannot link the regimes.
- Input is normalised before hashing (spaces and dots removed) and must then be exactly nine digits, so
  "999 900 110", "999.900.110" and "999900110" index the same. Nothing else is accepted; error messages
  never repeat the input (it is personal data).
- Without the key the index reveals nothing about the BSN beyond equality; indexes are compared only in
  constant time (`matches`).
- Every purpose has its own label (domain separation): a BSN index, an import's external id and an import
  line's content never produce the same hash from the same input, so one can never be matched against another.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from service.crypto.errors import KeyMaterialError
from service.domain.convenant import Regime

INDEX_KEY_SIZE = 32
INDEX_SIZE = 32
_LABEL = b"deelpoort/blind-index/bsn/v1\x00"
_EXTERN_ID = b"deelpoort/blind-index/import-extern-id/v1\x00"
_INHOUD = b"deelpoort/blind-index/import-inhoud/v1\x00"
_STRIP = str.maketrans("", "", " .\t")


def normalise_bsn(value: str) -> str:
    """The nine digits of a BSN written with optional spaces or dots.

    Raises:
        ValueError: What remains is not nine ASCII digits.
    """
    digits = value.translate(_STRIP)
    if len(digits) != 9 or not (digits.isascii() and digits.isdigit()):
        raise ValueError("a BSN is nine digits")
    return digits


class BlindIndex:
    """Computes BSN blind indexes under one key per regime."""

    __slots__ = ("_keys",)

    def __init__(self, keys: Mapping[Regime, bytes]) -> None:
        """Build from one 32-byte key per regime.

        Raises:
            KeyMaterialError: A regime's key is missing, not 32 bytes, or shared between regimes.
        """
        self._keys: dict[Regime, bytes] = {}
        for regime in Regime:
            key = keys.get(regime)
            if not isinstance(key, bytes) or len(key) != INDEX_KEY_SIZE:
                raise KeyMaterialError(f"blind_index.{regime.value}: a blind index key is 32 bytes")
            self._keys[regime] = key
        if len(set(self._keys.values())) != len(self._keys):
            raise KeyMaterialError("blind_index: each regime needs its own key")

    def bsn(self, regime: Regime, bsn: str) -> bytes:
        """The 32-byte index of `bsn` in `regime`.

        Raises:
            ValueError: `bsn` is not nine digits after normalisation, or `regime` is not a regime.
        """
        key = self._keys.get(regime)
        if key is None:
            raise ValueError("unknown regime")
        return hmac.digest(key, _LABEL + normalise_bsn(bsn).encode("ascii"), hashlib.sha256)

    def bsn_hex(self, regime: Regime, bsn: str) -> str:
        """The index of `bsn` in `regime` as 64 lower-case hex characters.

        Raises:
            ValueError: As for `bsn`.
        """
        return self.bsn(regime, bsn).hex()

    def extern_id_hex(self, regime: Regime, extern_id: str) -> str:
        """The keyed fingerprint (64 hex) of a source system's id of a casus in `regime`: what an import stores to
        recognise the casus on a second run without storing the id itself (it may identify a person).

        Raises:
            ValueError: `regime` is not a regime.
        """
        return self._keyed(regime, _EXTERN_ID + extern_id.encode("utf-8")).hex()

    def inhoud_hex(self, regime: Regime, inhoud: bytes) -> str:
        """The keyed fingerprint (64 hex) of an import line's canonical content: whether a second run brings the
        same casus unchanged. Keyed, because the content holds personal data that an unkeyed hash would let
        anyone with a guess confirm.

        Raises:
            ValueError: `regime` is not a regime.
        """
        return self._keyed(regime, _INHOUD + inhoud).hex()

    def _keyed(self, regime: Regime, message: bytes) -> bytes:
        key = self._keys.get(regime)
        if key is None:
            raise ValueError("unknown regime")
        return hmac.digest(key, message, hashlib.sha256)

    def matches(self, regime: Regime, bsn: str, index: bytes | str) -> bool:
        """Whether a stored index (bytes or hex) is the index of `bsn`, compared in constant time.

        Raises:
            ValueError: As for `bsn`.
        """
        expected = self.bsn(regime, bsn)
        if isinstance(index, str):
            return index.isascii() and hmac.compare_digest(expected.hex(), index)
        return hmac.compare_digest(expected, index)

    def __repr__(self) -> str:
        return f"BlindIndex(regimes={[regime.value for regime in self._keys]})"

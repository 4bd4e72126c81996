"""An in-memory cache of unwrapped data keys, bounded in size (LRU) and in time (TTL).

Invariants:
- The TTL is the longest a destroyed (crypto-shredded) data key can still be used by a running worker:
  an entry is kept at most `ttl_seconds` after it was unwrapped, counted from the unwrap and never extended
  by use. Shredding deletes the wrapped DEK from the database; a worker that cached it before then can use
  it until its entry expires (or until `forget` is called in that process). Keep the TTL short (minutes)
  and state it in the retention documentation.
- A hit is served only when the caller presents the same regime and the same wrapped bytes the entry was
  unwrapped from; anything else is treated as a miss and unwrapped (and verified) again. So a rewrapped or
  replaced DEK, or a wrong regime, never gets a stale key.
- The cache lives in one worker's memory and is never shared; it holds `FieldCipher`s so that each data
  key's AES-GCM object is built once.
- The clock is injected (`time.monotonic` by default) so tests can move time.
- `waarnemer`, when given, is told of every lookup whether it was a hit (True) or an unwrap (False): no id,
  no key. It must not raise.
"""

from __future__ import annotations

import hmac
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from service.crypto.data_key import DataKey
from service.crypto.field_cipher import FieldCipher
from service.domain.convenant import Regime

DEFAULT_MAX_ENTRIES = 4096
DEFAULT_TTL_SECONDS = 300.0


class Unwrapper(Protocol):
    """What the cache needs of a `Keyring`."""

    def unwrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> DataKey:
        """The DEK of `casus_id`; raises `CryptoError` when `wrapped` does not unwrap."""
        ...


@dataclass(frozen=True, slots=True)
class _Entry:
    regime: Regime
    wrapped: bytes
    cipher: FieldCipher
    expires_at: float


class DekCache:
    """Unwraps data keys through a `Keyring` and keeps their `FieldCipher`s for a while."""

    def __init__(
        self,
        keyring: Unwrapper,
        *,
        max_entries: int = DEFAULT_MAX_ENTRIES,
        ttl_seconds: float = DEFAULT_TTL_SECONDS,
        clock: Callable[[], float] = time.monotonic,
        waarnemer: Callable[[bool], None] | None = None,
    ) -> None:
        """Create an empty cache.

        Args:
            keyring: Unwraps the DEKs on a miss.
            max_entries: At most this many keys are kept; the least recently used goes first.
            ttl_seconds: An entry is dropped this long after it was unwrapped (see the module docstring).
            clock: Monotonic seconds; injectable for tests.
            waarnemer: Told of each lookup: True for a hit, False for a miss (the metrics).

        Raises:
            ValueError: `max_entries` < 1 or `ttl_seconds` <= 0.
        """
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        if not ttl_seconds > 0:
            raise ValueError("ttl_seconds must be positive")
        self._keyring = keyring
        self._max_entries = max_entries
        self._ttl = ttl_seconds
        self._clock = clock
        self._waarnemer = waarnemer
        self._entries: OrderedDict[str, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def ttl_seconds(self) -> float:
        """The longest a shredded key can stay usable in this process."""
        return self._ttl

    def cipher_for(self, regime: Regime, casus_id: str, wrapped: bytes) -> FieldCipher:
        """The field cipher for `casus_id`, from the cache or by unwrapping `wrapped`.

        Raises:
            CryptoError: On a miss, `wrapped` does not unwrap for this regime and casus.
        """
        now = self._clock()
        with self._lock:
            entry = self._entries.get(casus_id)
            if entry is not None:
                if entry.expires_at <= now:
                    del self._entries[casus_id]
                elif entry.regime == regime and hmac.compare_digest(entry.wrapped, wrapped):
                    self._entries.move_to_end(casus_id)
                    self._waarneem(True)
                    return entry.cipher
        self._waarneem(False)
        # Unwrap outside the lock: it is the slow part and needs no shared state.
        cipher = FieldCipher(self._keyring.unwrap(regime, casus_id, wrapped))
        with self._lock:
            self._entries[casus_id] = _Entry(regime, wrapped, cipher, now + self._ttl)
            self._entries.move_to_end(casus_id)
            while len(self._entries) > self._max_entries:
                self._entries.popitem(last=False)
        return cipher

    def _waarneem(self, geraakt: bool) -> None:
        if self._waarnemer is not None:
            self._waarnemer(geraakt)

    def forget(self, casus_id: str) -> None:
        """Drop the key of `casus_id` from this process now (call it when shredding or re-keying a casus)."""
        with self._lock:
            self._entries.pop(casus_id, None)

    def clear(self) -> None:
        """Drop every key from this process."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        """The number of entries, counting expired ones not yet evicted."""
        with self._lock:
            return len(self._entries)

    def __contains__(self, casus_id: object) -> bool:
        """Whether an unexpired key for `casus_id` is cached."""
        now = self._clock()
        with self._lock:
            entry = self._entries.get(casus_id) if isinstance(casus_id, str) else None
            return entry is not None and entry.expires_at > now

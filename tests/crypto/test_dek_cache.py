"""The DEK cache: hits, TTL expiry counted from the unwrap, the LRU bound and explicit forgetting."""

from __future__ import annotations

from typing import Any

import pytest

from service.crypto import CryptoError, DataKey, DekCache, Keyring, add_kek_version, parse_key_material
from service.domain.convenant import Regime

TTL = 60.0


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class CountingKeyring:
    """A real keyring that counts its unwraps, so a test can tell a hit from a miss."""

    def __init__(self, keyring: Keyring) -> None:
        self.keyring = keyring
        self.unwraps = 0

    def unwrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> DataKey:
        self.unwraps += 1
        return self.keyring.unwrap(regime, casus_id, wrapped)

    def new_data_key(self, regime: Regime, casus_id: str) -> tuple[DataKey, bytes]:
        return self.keyring.new_data_key(regime, casus_id)

    def rewrap(self, regime: Regime, casus_id: str, wrapped: bytes) -> bytes:
        return self.keyring.rewrap(regime, casus_id, wrapped)


@pytest.fixture
def counting(keyring: Keyring) -> CountingKeyring:
    return CountingKeyring(keyring)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _new(keyring: CountingKeyring, casus_id: str, regime: Regime = Regime.REGULIER) -> bytes:
    return keyring.new_data_key(regime, casus_id)[1]


def test_second_lookup_is_served_from_the_cache(counting: CountingKeyring, clock: FakeClock) -> None:
    cache = DekCache(counting, ttl_seconds=TTL, clock=clock)
    wrapped = _new(counting, "a")

    first = cache.cipher_for(Regime.REGULIER, "a", wrapped)
    second = cache.cipher_for(Regime.REGULIER, "a", wrapped)

    assert first is second
    assert counting.unwraps == 1
    assert "a" in cache


@pytest.mark.parametrize(
    ("elapsed", "unwraps"),
    [(0.0, 1), (TTL - 0.001, 1), (TTL, 2), (TTL * 10, 2)],
    ids=["at once", "just before the ttl", "at the ttl", "long after"],
)
def test_entry_expires_after_the_ttl(counting: CountingKeyring, clock: FakeClock, elapsed: float, unwraps: int) -> None:
    cache = DekCache(counting, ttl_seconds=TTL, clock=clock)
    wrapped = _new(counting, "a")
    cache.cipher_for(Regime.REGULIER, "a", wrapped)

    clock.now += elapsed
    cache.cipher_for(Regime.REGULIER, "a", wrapped)

    assert counting.unwraps == unwraps


def test_use_does_not_extend_the_ttl(counting: CountingKeyring, clock: FakeClock) -> None:
    cache = DekCache(counting, ttl_seconds=TTL, clock=clock)
    wrapped = _new(counting, "a")
    cache.cipher_for(Regime.REGULIER, "a", wrapped)
    for _ in range(5):
        clock.now += TTL / 10
        cache.cipher_for(Regime.REGULIER, "a", wrapped)
    assert counting.unwraps == 1

    clock.now += TTL / 2

    assert "a" not in cache
    cache.cipher_for(Regime.REGULIER, "a", wrapped)
    assert counting.unwraps == 2


def test_least_recently_used_entry_goes_first(counting: CountingKeyring, clock: FakeClock) -> None:
    cache = DekCache(counting, max_entries=2, ttl_seconds=TTL, clock=clock)
    wrapped = {casus: _new(counting, casus) for casus in "abc"}
    cache.cipher_for(Regime.REGULIER, "a", wrapped["a"])
    cache.cipher_for(Regime.REGULIER, "b", wrapped["b"])
    cache.cipher_for(Regime.REGULIER, "a", wrapped["a"])

    cache.cipher_for(Regime.REGULIER, "c", wrapped["c"])

    assert len(cache) == 2
    assert "a" in cache
    assert "b" not in cache
    assert "c" in cache


def test_forget_drops_the_key_at_once(counting: CountingKeyring, clock: FakeClock) -> None:
    cache = DekCache(counting, ttl_seconds=TTL, clock=clock)
    wrapped = _new(counting, "a")
    cache.cipher_for(Regime.REGULIER, "a", wrapped)

    cache.forget("a")
    cache.forget("never cached")

    assert "a" not in cache
    cache.cipher_for(Regime.REGULIER, "a", wrapped)
    assert counting.unwraps == 2


def test_clear_drops_every_key(counting: CountingKeyring, clock: FakeClock) -> None:
    cache = DekCache(counting, ttl_seconds=TTL, clock=clock)
    for casus in "ab":
        cache.cipher_for(Regime.REGULIER, casus, _new(counting, casus))

    cache.clear()

    assert len(cache) == 0


def test_other_wrapped_bytes_are_unwrapped_again(document: dict[str, Any], clock: FakeClock) -> None:
    old = parse_key_material(document).keyring
    new = CountingKeyring(parse_key_material(add_kek_version(document, Regime.REGULIER)).keyring)
    cache = DekCache(new, ttl_seconds=TTL, clock=clock)
    data_key, wrapped = old.new_data_key(Regime.REGULIER, "a")
    cache.cipher_for(Regime.REGULIER, "a", wrapped)

    cipher = cache.cipher_for(Regime.REGULIER, "a", new.rewrap(Regime.REGULIER, "a", wrapped))

    assert new.unwraps == 2
    assert cipher.data_key.key_id == data_key.key_id


@pytest.mark.parametrize(
    ("regime", "change"),
    [(Regime.CTER, False), (Regime.REGULIER, True)],
    ids=["cached casus asked for with the wrong regime", "cached casus asked for with a tampered wrapping"],
)
def test_cache_never_answers_a_request_the_keyring_would_refuse(
    counting: CountingKeyring, clock: FakeClock, regime: Regime, change: bool
) -> None:
    cache = DekCache(counting, ttl_seconds=TTL, clock=clock)
    wrapped = _new(counting, "a")
    cache.cipher_for(Regime.REGULIER, "a", wrapped)
    presented = wrapped[:-1] + bytes([wrapped[-1] ^ 1]) if change else wrapped

    with pytest.raises(CryptoError):
        cache.cipher_for(regime, "a", presented)


def test_a_failed_unwrap_is_not_cached(counting: CountingKeyring, clock: FakeClock) -> None:
    cache = DekCache(counting, ttl_seconds=TTL, clock=clock)

    with pytest.raises(CryptoError):
        cache.cipher_for(Regime.REGULIER, "a", b"\x01" + bytes(64))

    assert len(cache) == 0


@pytest.mark.parametrize(
    "arguments",
    [{"max_entries": 0}, {"ttl_seconds": 0.0}, {"ttl_seconds": -1.0}, {"ttl_seconds": float("nan")}],
    ids=["no entries", "zero ttl", "negative ttl", "nan ttl"],
)
def test_invalid_bounds_are_refused(keyring: Keyring, arguments: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="must be"):
        DekCache(keyring, **arguments)  # type: ignore[arg-type]


def test_ttl_is_exposed_for_the_retention_documentation(keyring: Keyring) -> None:
    assert DekCache(keyring, ttl_seconds=120.0).ttl_seconds == 120.0

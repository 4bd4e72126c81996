"""The BSN blind index: normalised, keyed, and different per regime."""

from __future__ import annotations

import hashlib
import hmac
import re

import pytest

from service.crypto import BlindIndex, KeyMaterialError, normalise_bsn
from service.domain.convenant import Regime

REGULIER_KEY = bytes(range(32))
CTER_KEY = bytes(range(100, 132))
INDEX = BlindIndex({Regime.REGULIER: REGULIER_KEY, Regime.CTER: CTER_KEY})
BSN = "999900110"


@pytest.mark.parametrize(
    "written",
    ["999900110", "999 900 110", "999.900.110", " 9999 00110 ", "99.99.00.110", "999\t900\t110"],
    ids=["plain", "spaces", "dots", "loose spaces", "odd dots", "tabs"],
)
def test_same_bsn_however_written_gives_the_same_index(written: str) -> None:
    assert INDEX.bsn(Regime.REGULIER, written) == INDEX.bsn(Regime.REGULIER, BSN)


def test_index_is_a_keyed_hmac_sha256_of_the_digits() -> None:
    expected = hmac.digest(REGULIER_KEY, b"deelpoort/blind-index/bsn/v1\x00" + BSN.encode(), hashlib.sha256)

    assert INDEX.bsn(Regime.REGULIER, BSN) == expected
    assert INDEX.bsn_hex(Regime.REGULIER, BSN) == expected.hex()


def test_regimes_give_unrelated_indexes() -> None:
    assert INDEX.bsn(Regime.REGULIER, BSN) != INDEX.bsn(Regime.CTER, BSN)


def test_another_key_gives_another_index() -> None:
    other = BlindIndex({Regime.REGULIER: bytes(32), Regime.CTER: CTER_KEY})

    assert other.bsn(Regime.REGULIER, BSN) != INDEX.bsn(Regime.REGULIER, BSN)
    assert other.bsn(Regime.CTER, BSN) == INDEX.bsn(Regime.CTER, BSN)


def test_another_bsn_gives_another_index() -> None:
    assert INDEX.bsn(Regime.CTER, "999900122") != INDEX.bsn(Regime.CTER, BSN)


def test_output_sizes() -> None:
    assert len(INDEX.bsn(Regime.CTER, BSN)) == 32
    assert len(INDEX.bsn_hex(Regime.CTER, BSN)) == 64


@pytest.mark.parametrize(
    "value",
    ["", "12345678", "1234567890", "12345678a", "123-456-782", "١٢٣٤٥٦٧٨٢", "１２３４５６７８２"],
    ids=["empty", "eight digits", "ten digits", "letter", "dashes", "arabic-indic digits", "fullwidth digits"],
)
def test_anything_but_nine_digits_is_refused_without_echoing_it(value: str) -> None:
    with pytest.raises(ValueError, match="nine digits") as raised:
        normalise_bsn(value)

    assert value == "" or value not in str(raised.value)


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        (INDEX.bsn(Regime.REGULIER, BSN), True),
        (INDEX.bsn_hex(Regime.REGULIER, BSN), True),
        (INDEX.bsn(Regime.CTER, BSN), False),
        (INDEX.bsn_hex(Regime.REGULIER, "999900122"), False),
        ("é" * 64, False),
        (b"", False),
    ],
    ids=["bytes", "hex", "other regime", "other bsn", "non-ascii text", "empty"],
)
def test_matches_compares_stored_indexes(stored: bytes | str, expected: bool) -> None:
    assert INDEX.matches(Regime.REGULIER, BSN, stored) is expected


@pytest.mark.parametrize(
    ("keys", "named"),
    [
        ({Regime.REGULIER: REGULIER_KEY}, "blind_index.cter"),
        ({Regime.REGULIER: REGULIER_KEY, Regime.CTER: bytes(31)}, "blind_index.cter"),
        ({Regime.REGULIER: REGULIER_KEY, Regime.CTER: REGULIER_KEY}, "its own key"),
    ],
    ids=["missing regime", "short key", "shared key would link the regimes"],
)
def test_invalid_keys_are_refused(keys: dict[Regime, bytes], named: str) -> None:
    with pytest.raises(KeyMaterialError, match=re.escape(named)):
        BlindIndex(keys)


def test_repr_never_shows_a_key() -> None:
    assert REGULIER_KEY.hex() not in repr(INDEX)
    assert str(REGULIER_KEY) not in repr(INDEX)


def test_an_imports_fingerprints_are_keyed_hmacs_under_labels_of_their_own() -> None:
    """`extern_id_hex` and `inhoud_hex` (docs/import.md): the same key as the BSN index, another label each, so no
    fingerprint ever equals another kind's of the same input, and the regimes stay unrelated."""
    extern = hmac.digest(REGULIER_KEY, b"deelpoort/blind-index/import-extern-id/v1\x00" + BSN.encode(), hashlib.sha256)
    inhoud = hmac.digest(REGULIER_KEY, b"deelpoort/blind-index/import-inhoud/v1\x00" + BSN.encode(), hashlib.sha256)
    assert INDEX.extern_id_hex(Regime.REGULIER, BSN) == extern.hex()
    assert INDEX.inhoud_hex(Regime.REGULIER, BSN.encode()) == inhoud.hex()
    assert len({extern.hex(), inhoud.hex(), INDEX.bsn_hex(Regime.REGULIER, BSN)}) == 3
    assert INDEX.extern_id_hex(Regime.CTER, BSN) != extern.hex()

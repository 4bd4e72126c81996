"""The import format read strictly, without a database: each malformed line is named by its place, never by what
it holds; a sound line reads the same however it is written."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from service.service_layer.importeren.formaat import MAX_REGEL_BYTES, Casusinvoer, lees
from tests.helpers.importbestand import casusregel

T0 = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


def _regel(**wijzig: Any) -> dict[str, Any]:
    regel = casusregel("ZVH-FORMAAT-1", T0)
    regel.update(wijzig)
    return regel


def _bytes(regel: dict[str, Any]) -> bytes:
    return json.dumps(regel).encode()


def _hoofd(**velden: Any) -> list[dict[str, Any]]:
    return [{"rol": "hoofdpersoon", "velden": velden}]


GEHEIM = "999900122-Synthetisch-geheim"
FOUTEN: list[tuple[str, bytes, str, str]] = [
    ("not UTF-8", b'{"formaat": 1, "x": "\xff"}', "", "not UTF-8"),
    ("not JSON", b'{"formaat": 1, ' + GEHEIM.encode(), "", "not valid JSON"),
    ("NaN", b'{"formaat": NaN}', "", "NaN"),
    ("a key twice", b'{"formaat": 1, "formaat": 1}', "formaat", "twice"),
    ("not an object", b'["' + GEHEIM.encode() + b'"]', "", "expected an object"),
    ("an unknown key", _bytes(_regel(geheim=GEHEIM)), "geheim", "unknown key"),
    ("a value where a key belongs", _bytes(_regel(**{GEHEIM: 1})), "(a key)", "unknown key"),
    ("a missing key", _bytes({k: v for k, v in _regel().items() if k != "gemeente"}), "gemeente", "required"),
    ("another formaat", _bytes(_regel(formaat=2)), "formaat", "must be 1"),
    ("a bool for formaat", _bytes(_regel(formaat=True)), "formaat", "must be 1"),
    ("a number for a name", _bytes(_regel(gemeente=7)), "gemeente", "non-empty string"),
    (
        "a date without its offset",
        _bytes(_regel(aanmelding={"op": "2026-03-02T09:30:00", "partner": "p", "rol": "r"})),
        "aanmelding.op",
        "offset",
    ),
    (
        "a date only",
        _bytes(_regel(aanmelding={"op": "2026-03-02", "partner": "p", "rol": "r"})),
        "aanmelding.op",
        "offset",
    ),
    (
        "a value without bron",
        _bytes(_regel(betrokkenen=_hoofd(bsn={"waarde": GEHEIM}))),
        "betrokkenen[0].velden.bsn.bron",
        "required",
    ),
    (
        "a null value",
        _bytes(_regel(betrokkenen=_hoofd(bsn={"waarde": None, "bron": "p"}))),
        "betrokkenen[0].velden.bsn.waarde",
        "not null",
    ),
    (
        "a BSN as a veld name",
        _bytes(_regel(betrokkenen=_hoofd(**{GEHEIM: {"waarde": 1, "bron": "p"}}))),
        "betrokkenen[0].velden",
        "name of a veld",
    ),
    (
        "an unknown handeling",
        _bytes(_regel(historie=[{"handeling": GEHEIM, "op": "2026-03-03T09:00:00Z"}])),
        "historie[0].handeling",
        "must be one of",
    ),
    (
        "a key of another handeling",
        _bytes(
            _regel(
                historie=[{"handeling": "prioritering", "op": "2026-03-03T09:00:00Z", "prioriteit": 1, "besluit": "x"}]
            )
        ),
        "historie[0].besluit",
        "unknown key",
    ),
    (
        "a bool for prioriteit",
        _bytes(_regel(historie=[{"handeling": "prioritering", "op": "2026-03-03T09:00:00Z", "prioriteit": True}])),
        "historie[0].prioriteit",
        "whole number",
    ),
    ("too many betrokkenen", _bytes(_regel(betrokkenen=[{"rol": "systeemlid"}] * 51)), "betrokkenen", "at most 50"),
]


@pytest.mark.parametrize(("data", "plaats", "reden"), [f[1:] for f in FOUTEN], ids=[f[0] for f in FOUTEN])
def test_a_malformed_line_is_named_by_its_place_never_its_content(data: bytes, plaats: str, reden: str) -> None:
    gelezen = lees(3, data)
    assert isinstance(gelezen, list), gelezen
    assert any(p == plaats and reden in r for p, r in gelezen), gelezen
    assert not [(p, r) for p, r in gelezen if GEHEIM in p + r or "999900122" in p + r]


def test_a_line_larger_than_the_limit_is_not_read() -> None:
    assert lees(1, b"{" + b" " * MAX_REGEL_BYTES + b"}") == [("", f"the line is larger than {MAX_REGEL_BYTES} bytes")]


def test_a_sound_line_reads_the_same_however_it_is_written() -> None:
    regel = _regel()
    compact = lees(1, json.dumps(regel, separators=(",", ":")).encode())
    anders = lees(2, json.dumps(dict(reversed(regel.items())), indent=2).replace("\n", " ").encode())
    assert isinstance(compact, Casusinvoer) and isinstance(anders, Casusinvoer)
    assert compact.inhoud == anders.inhoud
    assert compact.aangemeld_op == T0 and compact.aangemeld_op.tzinfo is dt.UTC


def test_times_are_read_with_their_offset_and_kept_in_utc() -> None:
    regel = _regel(aanmelding={"op": "2026-03-02T10:30:00+01:00", "partner": "p", "rol": "r"})
    gelezen = lees(1, _bytes(regel))
    assert isinstance(gelezen, Casusinvoer) and gelezen.aangemeld_op == T0

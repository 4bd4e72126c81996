"""The canonical record bytes: one text per record, floats refused wherever they hide, non-canonical bytes refused."""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.audit.record import RecordError, canonical, parse


class _Float(float):
    pass


_SCALAR = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text(max_size=12)
_VALUE = st.recursive(
    _SCALAR,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=20,
)
_RECORD = st.dictionaries(st.text(max_size=8), _VALUE, max_size=6)


@pytest.mark.parametrize(
    "record",
    [
        {"a": 1.0},
        {"a": [1, "x", {"b": [None, 2.5]}]},
        {"a": ({"b": (1, 0.0)},)},
        {"a": _Float(3)},
        {"a": {"b": {"c": math.nan}}},
        {"a": [math.inf]},
    ],
)
def test_a_float_anywhere_is_refused(record: dict[str, Any]) -> None:
    with pytest.raises(TypeError):
        canonical(record)


@given(_RECORD)
def test_canonical_bytes_parse_back_to_the_same_record(record: dict[str, Any]) -> None:
    data = canonical(record)
    assert parse(data) == json.loads(data)
    assert canonical(parse(data)) == data


@given(_RECORD)
def test_other_formatting_of_the_same_record_is_refused(record: dict[str, Any]) -> None:
    pretty = json.dumps(record, sort_keys=True, indent=1, ensure_ascii=True).encode()
    if pretty == canonical(record):
        return  # nothing to reformat (e.g. an empty record)
    with pytest.raises(RecordError):
        parse(pretty)


@pytest.mark.parametrize("text", [b'{"a":1.0}', b'{"a":[1,{"b":2e3}]}', b'{"a":NaN}', b'{"a":-Infinity}', b'{"a":1E2}'])
def test_stored_bytes_with_a_float_or_nan_are_not_a_record(text: bytes) -> None:
    with pytest.raises(RecordError):
        parse(text)


@pytest.mark.parametrize("text", [b"[1]", b'"x"', b"\xff", b'{"a":1', b'{"b":1, "a":2}'])
def test_stored_bytes_that_are_no_canonical_object_are_not_a_record(text: bytes) -> None:
    with pytest.raises(RecordError):
        parse(text)

"""The canonical bytes of a log record: what the Merkle leaf hashes.

Canonical form: JSON, UTF-8, keys sorted, no insignificant whitespace, no floats (numbers are integers), no
NaN. Two equal records give equal bytes on every host and Python version; any change of a name, value or
order within a list gives other bytes. The same function parses stored bytes back and checks they are
canonical, so a record rewritten with other formatting is detected as tampering too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


class RecordError(ValueError):
    """Stored bytes are not a canonical record."""


def canonical(record: Mapping[str, Any]) -> bytes:
    """The canonical bytes of `record` (rejects floats, which have no single canonical text)."""
    _no_floats(record)
    return _dumps(record)


def _dumps(record: Mapping[str, Any]) -> bytes:
    return _ENCODER.encode(record).encode()


def _no_number_text(text: str) -> Any:
    raise RecordError("not canonical")  # a float, NaN or Infinity has no single canonical text


# Built once: verify parses and re-encodes every record, and json.loads/dumps with options build these per call.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
_DECODER = json.JSONDecoder(parse_float=_no_number_text, parse_constant=_no_number_text)


def parse(data: bytes) -> dict[str, Any]:
    """Parse stored record bytes, requiring them to be canonical.

    Raises:
        RecordError: not JSON, not an object, or not in canonical form.
    """
    try:
        # Floats and NaN are refused while parsing (cheaper than walking the result: verify parses every record).
        value = _DECODER.decode(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RecordError("not a JSON record") from None
    if not isinstance(value, dict):
        raise RecordError("not a JSON object")
    try:
        again = _dumps(value)
    except (TypeError, ValueError):
        raise RecordError("not canonical") from None
    if again != data:
        raise RecordError("not canonical")
    return value


_SCALARS = (str, int, bool, type(None))


def _no_floats(value: Any) -> None:
    """Raise TypeError if a float (or float subclass) occurs anywhere in `value`.

    Iterative, with exact-type checks for the common scalars first: it runs on every append and every verify.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if type(item) in _SCALARS:
            continue
        if isinstance(item, float):
            raise TypeError("floats are not allowed in a log record")
        if isinstance(item, Mapping):
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)

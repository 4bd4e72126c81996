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
    return json.dumps(record, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def parse(data: bytes) -> dict[str, Any]:
    """Parse stored record bytes, requiring them to be canonical.

    Raises:
        RecordError: not JSON, not an object, or not in canonical form.
    """
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise RecordError("not a JSON record") from None
    if not isinstance(value, dict):
        raise RecordError("not a JSON object")
    try:
        again = canonical(value)
    except (TypeError, ValueError):
        raise RecordError("not canonical") from None
    if again != data:
        raise RecordError("not canonical")
    return value


def _no_floats(value: Any) -> None:
    if isinstance(value, float):
        raise TypeError("floats are not allowed in a log record")
    if isinstance(value, Mapping):
        for item in value.values():
            _no_floats(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _no_floats(item)

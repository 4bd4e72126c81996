"""Small, unambiguous byte encodings shared by the crypto formats (package-private).

Invariants:
- `length_prefixed` is injective: distinct sequences of strings give distinct byte strings, so associated
  data built from it cannot be made to collide by moving characters between fields.
"""

from __future__ import annotations

import struct

_U32 = struct.Struct(">I")


def length_prefixed(*parts: str) -> bytes:
    """Encode strings as ``u32be(len(utf8)) || utf8`` each, concatenated.

    Raises:
        UnicodeEncodeError: A part is not encodable as UTF-8 (a lone surrogate).
    """
    out = bytearray()
    for part in parts:
        encoded = part.encode("utf-8")
        out += _U32.pack(len(encoded))
        out += encoded
    return bytes(out)

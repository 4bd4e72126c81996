"""Pattern tables for the Dutch of English service-layer texts: (pattern of the whole English text, Dutch).

The Dutch is a `re` replacement template, or a function of the match for a part that is itself translated.
The first pattern that matches the whole text wins; `vertaal` never raises.
"""

from __future__ import annotations

import re
from collections.abc import Callable

Vertaling = str | Callable[[re.Match[str]], str]
Tabel = tuple[tuple[re.Pattern[str], Vertaling], ...]


def tabel(*regels: tuple[str, Vertaling]) -> Tabel:
    """A table of (pattern, Dutch); each pattern must match the whole text."""
    return tuple((re.compile(f"^{patroon}$", re.DOTALL), dutch) for patroon, dutch in regels)


def vertaal(tabel: Tabel, text: str) -> str | None:
    """The Dutch of `text` by the first pattern of `tabel` that matches it, or None."""
    for patroon, dutch in tabel:
        found = patroon.match(text)
        if found is not None:
            return dutch(found) if callable(dutch) else found.expand(dutch)
    return None

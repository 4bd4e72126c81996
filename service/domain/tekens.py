"""Text that no field may hold: the NUL character and text that is not valid Unicode.

PostgreSQL's `text` cannot store U+0000 (the driver refuses it: a 500 before this check), SQLite would store
it, so the same request would succeed on one database and fail on the other, and a backup could not move
between them; a lone surrogate (`"\\ud800"` in JSON) cannot be encoded as UTF-8 by either driver. No value of
this domain (a name, a toelichting, a code, an id) needs either, so input holding one is refused whole, at the
edge, before a view reads it (`api/headers.py`, `web/sessie.py`).

Invariant: `ongeldige_tekens` names every place (dict keys included) and never returns the value itself.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

NUL = "\x00"
REDEN_NUL = "contains the NUL character (U+0000), which no field allows"
REDEN_UNICODE = "is not valid Unicode text (a lone surrogate)"


def reden(tekst: str) -> str | None:
    """Why `tekst` cannot be stored, or None when it can."""
    if NUL in tekst:
        return REDEN_NUL
    try:
        tekst.encode("utf-8")
    except UnicodeEncodeError:
        return REDEN_UNICODE
    return None


def ongeldige_tekens(waarde: object, pad: str) -> list[tuple[str, str]]:
    """(place, reason) for every string in `waarde` (a parsed JSON value, or a mapping of parameters) that no
    field may hold; `pad` names `waarde` itself (the place of a nested string is `pad.key[index]`, as
    `invalidParams` names places elsewhere)."""
    return sorted(set(_walk(waarde, pad)))


def _walk(waarde: object, pad: str) -> Iterator[tuple[str, str]]:
    if isinstance(waarde, str):
        if (gevonden := reden(waarde)) is not None:
            yield pad, gevonden
    elif isinstance(waarde, Mapping):
        for sleutel, inhoud in waarde.items():
            naam = str(sleutel)
            plek = f"{pad}.{naam}" if pad else naam
            if (fout := reden(naam)) is not None:  # the place is named without the bad characters
                plek = f"{pad}.<name>" if pad else "<name>"
                yield plek, f"a name {fout}"
            yield from _walk(inhoud, plek)
    elif isinstance(waarde, list | tuple):
        for index, inhoud in enumerate(waarde):
            yield from _walk(inhoud, f"{pad}[{index}]")

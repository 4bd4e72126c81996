"""Validating and normalising a field value against its veld in the veldcatalogus.

Invariants:
- `normaliseer` either returns the canonical form of a value or raises `OngeldigeWaardeError` whose message
  describes what is wrong WITHOUT repeating the value (error messages must never carry personal data).
- The canonical form is JSON-serialisable (str, int, bool, list[str]); dates are ISO 8601 strings. The same
  canonical value always encodes to the same bytes (`encode`), which is what gets encrypted.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from service.domain.convenant import Veld, Veldtype

JsonWaarde = str | int | bool | list[str]

_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")
_TELEFOON = re.compile(r"^\+?[0-9][0-9 \-]{7,18}[0-9]$")
_EMAIL = re.compile(r"^[^@\s]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_TEKST_LANG = 20_000


class OngeldigeWaardeError(ValueError):
    """A value does not fit its veld; the message names the veld and the rule, never the value."""


def elfproef(bsn: str) -> bool:
    """The BSN eleven-test: nine digits whose weighted sum (9..2, then -1) is divisible by 11, not all zero."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(bsn[:8], range(9, 1, -1), strict=True)) - int(bsn[8])
    return total % 11 == 0 and bsn != "000000000"


def normaliseer(veld: Veld, waarde: Any) -> JsonWaarde:
    """Check `waarde` against `veld` and return its canonical form.

    Raises:
        OngeldigeWaardeError: the value has the wrong type, length, format or choice for this veld.
    """
    kind = veld.type
    if kind is Veldtype.JANEE:
        if not isinstance(waarde, bool):
            raise OngeldigeWaardeError(f"{veld.id}: expected true or false")
        return waarde
    if kind is Veldtype.GETAL:
        if isinstance(waarde, bool) or not isinstance(waarde, int):
            raise OngeldigeWaardeError(f"{veld.id}: expected a whole number")
        low, high = veld.minimum, veld.maximum
        if (low is not None and waarde < low) or (high is not None and waarde > high):
            raise OngeldigeWaardeError(f"{veld.id}: must be between {low} and {high}")
        return waarde
    if kind is Veldtype.KEUZES:
        if not isinstance(waarde, list) or not all(isinstance(w, str) for w in waarde):
            raise OngeldigeWaardeError(f"{veld.id}: expected a list of choices")
        if len(set(waarde)) != len(waarde):
            raise OngeldigeWaardeError(f"{veld.id}: a choice is repeated")
        if not set(waarde) <= set(veld.keuzes):
            raise OngeldigeWaardeError(f"{veld.id}: not one of the allowed choices: {', '.join(veld.keuzes)}")
        return sorted(waarde, key=veld.keuzes.index)
    if not isinstance(waarde, str):
        raise OngeldigeWaardeError(f"{veld.id}: expected a string")
    return _tekstvorm(veld, waarde)


def _tekstvorm(veld: Veld, waarde: str) -> str:
    kind = veld.type
    tekst = waarde.strip()
    if not tekst:
        raise OngeldigeWaardeError(f"{veld.id}: must not be empty")
    if _CONTROL.search(tekst):
        raise OngeldigeWaardeError(f"{veld.id}: contains control characters")
    if kind in (Veldtype.TEKST, Veldtype.TEKST_LANG):
        limit = veld.max_lengte or (MAX_TEKST_LANG if kind is Veldtype.TEKST_LANG else 200)
        if len(tekst) > limit:
            raise OngeldigeWaardeError(f"{veld.id}: longer than {limit} characters")
        if kind is Veldtype.TEKST and ("\n" in tekst or "\r" in tekst):
            raise OngeldigeWaardeError(f"{veld.id}: must be a single line")
        return tekst
    if kind is Veldtype.DATUM:
        try:
            return dt.date.fromisoformat(tekst).isoformat() if len(tekst) == 10 else _fail(veld, "date")
        except ValueError:
            raise OngeldigeWaardeError(f"{veld.id}: expected a date as YYYY-MM-DD") from None
    if kind is Veldtype.BSN:
        digits = re.sub(r"[ .]", "", tekst)
        if not elfproef(digits):
            raise OngeldigeWaardeError(f"{veld.id}: not a valid BSN (nine digits passing the eleven-test)")
        return digits
    if kind is Veldtype.KEUZE:
        if tekst not in veld.keuzes:
            raise OngeldigeWaardeError(f"{veld.id}: not one of the allowed choices: {', '.join(veld.keuzes)}")
        return tekst
    if kind is Veldtype.POSTCODE:
        match = _POSTCODE.match(tekst.upper())
        if match is None:
            raise OngeldigeWaardeError(f"{veld.id}: expected a Dutch postcode such as 9401 AB")
        return f"{match.group(1)} {match.group(2)}"
    if kind is Veldtype.TELEFOON:
        if _TELEFOON.match(tekst) is None:
            raise OngeldigeWaardeError(f"{veld.id}: expected a telephone number")
        return tekst
    if kind is Veldtype.EMAIL:
        if len(tekst) > 254 or _EMAIL.match(tekst) is None:
            raise OngeldigeWaardeError(f"{veld.id}: expected an e-mail address")
        return tekst
    raise OngeldigeWaardeError(f"{veld.id}: unsupported veld type")  # pragma: no cover - every Veldtype is handled


def _fail(veld: Veld, what: str) -> str:
    raise OngeldigeWaardeError(f"{veld.id}: expected a {what} as YYYY-MM-DD")


def encode(waarde: JsonWaarde) -> bytes:
    """The canonical bytes of a normalised value (what the field cipher encrypts)."""
    return json.dumps(waarde, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def decode(data: bytes) -> JsonWaarde:
    value: JsonWaarde = json.loads(data.decode("utf-8"))
    return value

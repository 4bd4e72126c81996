"""Bewaartermijnen (retention periods) as ISO 8601 durations, counted in calendar terms.

Only the date part of ISO 8601 is used (PnYnMnWnD): retention is a matter of days, months and years.
Adding a month to 31 January gives the last day of February (the period never ends early).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re

_DUUR = re.compile(r"^P(?=\d)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")


def einde(begin: dt.datetime, duur: str) -> dt.datetime:
    """The moment a period of `duur` that started at `begin` ends.

    Raises:
        ValueError: `duur` is not a date-only ISO 8601 duration.
    """
    match = _DUUR.match(duur)
    if match is None:
        raise ValueError("not an ISO 8601 duration such as P2Y or P6M")
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    month_index = begin.month - 1 + months
    year = begin.year + years + month_index // 12
    month = month_index % 12 + 1
    day = min(begin.day, calendar.monthrange(year, month)[1])
    return begin.replace(year=year, month=month, day=day) + dt.timedelta(weeks=weeks, days=days)


def in_woorden(duur: str) -> str:
    """A duration in plain Dutch: "P2Y" -> "2 jaar", "P6M" -> "6 maanden", "P1Y6M" -> "1 jaar en 6 maanden".

    Raises:
        ValueError: `duur` is not a date-only ISO 8601 duration.
    """
    match = _DUUR.match(duur)
    if match is None:
        raise ValueError("not an ISO 8601 duration such as P2Y or P6M")
    namen = (("jaar", "jaar"), ("maand", "maanden"), ("week", "weken"), ("dag", "dagen"))
    delen = [
        f"{n} {een if n == 1 else meer}"
        for n, (een, meer) in zip((int(g or 0) for g in match.groups()), namen, strict=True)
        if n
    ]
    return delen[0] if len(delen) == 1 else f"{', '.join(delen[:-1])} en {delen[-1]}"


def langste_duur(duren: list[str], begin: dt.datetime) -> tuple[str, dt.datetime] | None:
    """The duration that ends latest from `begin`, with its end (None when there are none): the bewaartermijn
    a retention run names as its reason."""
    return max(((d, einde(begin, d)) for d in duren), key=lambda found: found[1], default=None)

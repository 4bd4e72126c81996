"""Dates and times as a Dutch reader expects them on a page: "ma 7 dec 2026", "7 dec 2026 09:14 CET".

Invariants:
- A moment (a timezone-aware datetime, stored in UTC) is always shown in Europe/Amsterdam with the zone's
  abbreviation (CET or CEST), so a page never shows a UTC time as if it were local.
- A day (a date) is shown as itself: a deadline or an overleg's date is a calendar day, not a moment.
- Pure: no request, no clock (the caller passes "today" where it matters).
"""

from __future__ import annotations

import datetime as dt

from service.domain.kalender import dag, lokaal

MAANDEN = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
DAGEN = ("ma", "di", "wo", "do", "vr", "za", "zo")


def datum(dag: dt.date) -> str:
    """A calendar day with its weekday: "ma 7 dec 2026"."""
    return f"{DAGEN[dag.weekday()]} {dag.day} {MAANDEN[dag.month - 1]} {dag.year}"


def moment(tijd: dt.datetime) -> str:
    """A moment in Dutch local time with its zone: "7 dec 2026 09:14 CET" (naive datetimes are read as UTC)."""
    hier = lokaal(tijd)
    return f"{hier.day} {MAANDEN[hier.month - 1]} {hier.year} {hier:%H:%M} {hier.tzname()}"


def als_moment(waarde: str) -> dt.datetime:
    """A log record's time text as an aware moment (to order records among other moments); an unreadable one
    sorts first (it is still shown, as itself)."""
    try:
        found = dt.datetime.fromisoformat(waarde.replace("Z", "+00:00"))
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return found if found.tzinfo is not None else found.replace(tzinfo=dt.UTC)


def moment_tekst(waarde: dt.datetime | str | None) -> str:
    """`moment` of a datetime or of a log record's time text ("2026-12-07T09:14:00.000000Z"); "—" for None."""
    if waarde is None:
        return "—"
    if isinstance(waarde, dt.datetime):
        return moment(waarde)
    try:
        return moment(dt.datetime.fromisoformat(waarde.replace("Z", "+00:00")))
    except ValueError:
        return waarde  # not a time: shown as itself, never hidden


def dag_tekst(waarde: dt.date | dt.datetime | None) -> str:
    """`datum` of a day, or of the Dutch calendar day of a moment; "—" for None."""
    if waarde is None:
        return "—"
    return datum(dag(waarde) if isinstance(waarde, dt.datetime) else waarde)


def maand(jaar_maand: str) -> str:
    """ "2026-01" as "jan 2026" (anything else as itself)."""
    jaar, _, nummer = jaar_maand.partition("-")
    if not (jaar.isdigit() and nummer.isdigit() and 1 <= int(nummer) <= 12):
        return jaar_maand
    return f"{MAANDEN[int(nummer) - 1]} {jaar}"


def duur(tijd: dt.timedelta) -> str:
    """A length of time in words, rounded down to its largest unit: "40 seconden", "3 minuten", "2 uur", "5 dagen"."""
    seconden = max(int(tijd.total_seconds()), 0)
    for grootte, enkel, meer in ((86400, "dag", "dagen"), (3600, "uur", "uur"), (60, "minuut", "minuten")):
        if seconden >= grootte:
            return meervoud(seconden // grootte, enkel, meer)
    return meervoud(seconden, "seconde", "seconden")


def dagen_te_laat(deadline: dt.date, vandaag: dt.date) -> int:
    """How many days `deadline` lies before `vandaag` (0 when it has not passed)."""
    return max(0, (vandaag - deadline).days)


def meervoud(aantal: int, enkel: str, meer: str) -> str:
    """ "1 actie", "3 acties": the count with the right form, never "actie(s)"."""
    return f"{aantal} {enkel if aantal == 1 else meer}"

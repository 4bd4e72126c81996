"""The Dutch calendar: the one time zone in which the service judges a day (a deadline, a report's year) and shows
a local time.

Invariants: a moment without a zone is UTC (that is how the stores hand them back); a day is the calendar day in
Europe/Amsterdam. Pure: no clock.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def lokaal(moment: dt.datetime) -> dt.datetime:
    """`moment` in Dutch local time (a moment without a zone is read as UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)
    return aware.astimezone(AMSTERDAM)


def dag(moment: dt.datetime) -> dt.date:
    """The Dutch calendar day of `moment`."""
    return lokaal(moment).date()

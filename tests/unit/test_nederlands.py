"""Dates and times on the pages: Dutch, in Europe/Amsterdam with the zone shown (winter CET, summer CEST)."""

from __future__ import annotations

import datetime as dt

from service.web import nederlands


def test_a_moment_is_shown_in_dutch_local_time_with_its_zone() -> None:
    assert nederlands.moment(dt.datetime(2026, 12, 7, 8, 14, tzinfo=dt.UTC)) == "7 dec 2026 09:14 CET"
    assert nederlands.moment(dt.datetime(2026, 7, 1, 22, 30, tzinfo=dt.UTC)) == "2 jul 2026 00:30 CEST"
    assert nederlands.moment_tekst("2026-03-29T01:30:00.000000Z") == "29 mrt 2026 03:30 CEST"  # just after the switch
    assert nederlands.moment_tekst("geen tijd") == "geen tijd" and nederlands.moment_tekst(None) == "—"


def test_days_months_durations_and_plurals() -> None:
    assert nederlands.datum(dt.date(2026, 12, 7)) == "ma 7 dec 2026"
    assert nederlands.dag_tekst(dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)) == "vr 1 jan 2027"  # Dutch day
    assert nederlands.maand("2026-01") == "jan 2026" and nederlands.maand("2026-13") == "2026-13"
    assert nederlands.duur(dt.timedelta(seconds=59)) == "59 seconden"
    assert nederlands.duur(dt.timedelta(hours=1, minutes=5)) == "1 uur"
    assert nederlands.duur(dt.timedelta(days=2, hours=3)) == "2 dagen"
    assert nederlands.meervoud(1, "probleem", "problemen") == "1 probleem"
    assert nederlands.meervoud(2, "probleem", "problemen") == "2 problemen"

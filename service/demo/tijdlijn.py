"""The demo's past: when each of its logged events happened, so the FG's charts and signals show a working year.

A real region's log grows over the year, mostly on working days in office hours. The demo installs a year's
work at once, so it dates each record itself: through the `now` the use cases take and a log writer whose clock
is the demo's (`VerstrekkingLog.met_klok`), never through a path the service offers anyone else.

Invariants:
- Every moment lies in [`begin`, `now`] (an aanlevering of a casus referred after the demo's `now` at its
  aanmelding), and never before `vloer`: the time of the log's last record or checkpoint when the demo is
  installed over an existing log, so records are appended in time order whatever the log held.
- `werktijd` moves a moment to the first working-day office moment at or after it (Europe/Amsterdam,
  `domain/kalender.py`), or leaves it as it is when that would pass `now`: an exception the demo tells truly.
- Deterministic: every random choice is the caller's seeded `random.Random`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from service.domain.kalender import AMSTERDAM, lokaal
from service.service_layer.logboek.schrijver import VerstrekkingLog
from service.service_layer.ports import LogWriter
from service.service_layer.unit_of_work import UnitOfWork

JAAR = dt.timedelta(days=365)  # how far back the demo's log begins
START = dt.timedelta(days=14)  # the values of casussen referred before then are supplied in the log's first days
_POGINGEN = 20
KANTOOR_VAN, KANTOOR_TOT = dt.time(8, 30), dt.time(17, 0)  # the demo's office hours (well inside the signals')


@dataclass(frozen=True, slots=True)
class Tijdlijn:
    """The span of the demo's log: from `begin` (a year before `now`, or `vloer` when later) to `now`."""

    now: dt.datetime
    vloer: dt.datetime | None = None  # the log's latest time before the demo (None: an empty log)

    @property
    def begin(self) -> dt.datetime:
        begin = self.now - JAAR
        return max(begin, self.vloer) if self.vloer is not None else begin

    def na(self, moment: dt.datetime) -> dt.datetime:
        """`moment`, but never before the log's latest time (`vloer`)."""
        return max(moment, self.vloer) if self.vloer is not None else moment

    def werktijd(self, moment: dt.datetime, rng: random.Random) -> dt.datetime:
        """The first office moment at or after `moment` (a random minute of that morning when it moved to another
        day), never before `vloer`; `moment` itself when the next office moment is after `now`."""
        moment = self.na(moment)
        if in_kantoortijd(moment):
            return moment
        lokaal_moment = lokaal(moment)
        dag = lokaal_moment.date()
        if lokaal_moment.time() >= KANTOOR_TOT or not _werkdag(dag):
            dag += dt.timedelta(days=1)
        while not _werkdag(dag):
            dag += dt.timedelta(days=1)
        begin = dt.datetime.combine(dag, KANTOOR_VAN, tzinfo=AMSTERDAM)
        if lokaal_moment.date() == dag and lokaal_moment.time() < KANTOOR_VAN:
            gevonden = begin + dt.timedelta(minutes=rng.randrange(90))
        else:
            gevonden = begin + dt.timedelta(minutes=rng.randrange(180))
        gevonden = gevonden.astimezone(dt.UTC)
        return gevonden if gevonden <= self.now else moment

    def tussen(self, van: dt.datetime, tot: dt.datetime, rng: random.Random) -> dt.datetime | None:
        """A random office moment in [van, tot] within the log's span (uniform over it, then `werktijd`); a moment
        outside office hours when a few draws found none (a span of a weekend or a night); None when the span is
        empty (it begins after `now`)."""
        van, tot = self.na(max(van, self.begin)), min(tot, self.now)
        if tot < van:
            return None
        moment = van
        for _ in range(_POGINGEN):
            moment = van + (tot - van) * rng.random()
            gevonden = self.werktijd(moment, rng)
            if gevonden <= tot and in_kantoortijd(gevonden):
                return gevonden
        return moment

    def buiten_kantoortijd(self, dagen_terug: int, rng: random.Random) -> dt.datetime:
        """An evening moment (20:00-23:00 local) `dagen_terug` days before `now` (or `now` itself when later)."""
        dag = lokaal(self.now).date() - dt.timedelta(days=dagen_terug)
        avond = dt.datetime.combine(dag, dt.time(20), tzinfo=AMSTERDAM) + dt.timedelta(minutes=rng.randrange(180))
        return self.na(min(avond.astimezone(dt.UTC), self.now))


def in_kantoortijd(moment: dt.datetime) -> bool:
    """Whether `moment` falls on a working day in the demo's office hours (Europe/Amsterdam)."""
    lokaal_moment = lokaal(moment)
    return _werkdag(lokaal_moment.date()) and KANTOOR_VAN <= lokaal_moment.time() < KANTOOR_TOT


def _werkdag(dag: dt.date) -> bool:
    return dag.weekday() < 5


class DemoKlok:
    """The clock of the demo's log writer: the moment the demo is at (`zet`), so the checkpoints it signs are
    dated in the demo's past as the records are."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def zet(self, moment: dt.datetime) -> dt.datetime:
        self.moment = moment
        return moment

    def __call__(self) -> dt.datetime:
        return self.moment


def laatste_tijd(uow: UnitOfWork, grootte: int) -> dt.datetime | None:
    """The latest time the log already names (its last record's, or its latest checkpoint's when later); None
    for an empty log. The demo's past begins no earlier."""
    if grootte == 0:
        return None
    tijden = [stored.columns[5] for stored in [uow.log.record(grootte - 1)] if stored is not None]
    checkpoint = uow.log.head().checkpoint
    if checkpoint is not None:
        tijden.append(checkpoint[1])
    aware = [t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC) for t in tijden]
    return max(aware) if aware else None


def in_het_verleden(log: LogWriter, klok: DemoKlok) -> LogWriter:
    """The log writer with the demo's clock: set at or before each record's time, so a checkpoint due after a
    record is dated at that record's own time (the writer signs at the later of its clock and the record)."""
    return log.met_klok(klok) if isinstance(log, VerstrekkingLog) else log

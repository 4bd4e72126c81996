"""Whether this process is ready to serve, and the log's checkpoint state for the metrics.

Invariants:
- Ready means all five checks pass: the database answers; the key material holds a KEK for every regime and
  the checkpoint signer; a field policy is active and compiles against the convenant in force; the log
  has no unsigned tail older than the checkpoint rule allows (`drempel`); and no restore is unfinished.
- A check never raises: whatever goes wrong in it makes it fail (its `code` says which check, never why in
  words that could carry a value).
- `Gereedheidsmeting` (one per app) runs the database check on every call and reuses the policy and checkpoint
  checks for `GELDIG` seconds after they passed: a probe every second costs one trivial query, as the status
  endpoint always did, and a failure is seen at once (a failed check is never reused).
- The checkpoint check allows the rule's time bound `T` (`DEELPOORT_CHECKPOINT_SECONDS`), the background
  sender's interval and `MARGE` on top: a log that is written to signs within `T`, and a quiet log's tail is
  signed by the sender within its interval after that. An empty tail is always fine, however old the checkpoint.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from service.domain.casus import utcnow
from service.domain.convenant import Regime
from service.service_layer.beleid.actief import active_access
from service.service_layer.services import Services
from service.service_layer.waarneming.meter import Checkpointstand

MARGE = dt.timedelta(seconds=30)
GELDIG = 2.0  # seconds a passed policy and checkpoint check is reused (`Gereedheidsmeting`)


@dataclass(frozen=True, slots=True)
class Controle:
    """One readiness check: its name (`database`, `sleutels`, `beleid`, `checkpoint`) and whether it passed."""

    naam: str
    ok: bool


@dataclass(frozen=True, slots=True)
class Gereedheid:
    controles: tuple[Controle, ...]

    @property
    def gereed(self) -> bool:
        return all(controle.ok for controle in self.controles)


def drempel(services: Services) -> dt.timedelta:
    """How old the newest checkpoint may be while records wait after it (see the module invariants)."""
    seconden = float(services.log.beleid.seconds)
    interval = services.getuigen.inrichting.interval_seconden if services.getuigen is not None else seconden
    return dt.timedelta(seconds=seconden + interval) + MARGE


def gereedheid(services: Services, *, now: dt.datetime | None = None, database: bool | None = None) -> Gereedheid:
    """Run the four checks now (`database`: the database check's outcome, when the caller just ran it)."""
    now = now or utcnow()
    database = services.database_ok() if database is None else database
    return Gereedheid(
        (
            Controle("database", database),
            Controle("sleutels", _sleutels(services)),
            Controle("beleid", database and _beleid(services)),
            Controle("checkpoint", database and _checkpoint(services, now)),
            Controle("herstel", database and _geen_herstel(services)),
        )
    )


class Gereedheidsmeting:
    """The readiness of one app, its slower checks reused for a while (see the module invariants)."""

    def __init__(self, *, geldig: float | None = None, klok: Callable[[], float] = time.monotonic) -> None:
        self._geldig = GELDIG if geldig is None else geldig
        self._klok = klok
        self._lock = threading.Lock()
        self._geslaagd: float | None = None  # when the policy and checkpoint checks last both passed

    def gereedheid(self, services: Services, *, now: dt.datetime | None = None) -> Gereedheid:
        """The four checks, the policy and checkpoint ones from the last `geldig` seconds if they passed then."""
        nu = self._klok()
        with self._lock:
            vers = self._geslaagd is not None and nu - self._geslaagd < self._geldig
        database = services.database_ok()
        if not (vers and database):
            uitslag = gereedheid(services, now=now, database=database)
            with self._lock:
                self._geslaagd = nu if all(c.ok for c in uitslag.controles if c.naam in _TRAAG) else None
            return uitslag
        controles = (Controle("database", True), Controle("sleutels", _sleutels(services)))
        herstel = (Controle("herstel", _geen_herstel(services)),)
        return Gereedheid(controles + tuple(Controle(naam, True) for naam in _TRAAG) + herstel)


_TRAAG = ("beleid", "checkpoint")


def checkpointstand(services: Services, *, now: dt.datetime | None = None) -> Checkpointstand | None:
    """(seconds since the newest checkpoint, or None without one; records after it), or None when the log cannot
    be read."""
    now = now or utcnow()
    try:
        with services.log.database.proof_reader() as reader:
            head = reader.head()
    except Exception:
        return None
    if head.checkpoint is None:
        return None, head.grootte
    grootte, tijd = head.checkpoint
    return max(0.0, (now - tijd).total_seconds()), head.grootte - grootte


def _geen_herstel(services: Services) -> bool:
    """No restore is unfinished (`deelpoort restore` marks the database until it has re-applied every
    destruction and verified the log: docs/backup.md); checked on every call, never reused."""
    try:
        return not services.herstel_bezig()
    except Exception:
        return False


def _sleutels(services: Services) -> bool:
    try:
        keyring = services.keys.keyring  # the secrets file's KEKs or the token's (DEELPOORT_SLEUTELS)
        return all(keyring.versions(regime) for regime in Regime) and services.keys.material.signer is not None
    except Exception:
        return False


def _beleid(services: Services) -> bool:
    try:
        with services.uow() as uow:
            active_access(services, uow.beleid)
    except Exception:
        return False
    return True


def _checkpoint(services: Services, now: dt.datetime) -> bool:
    stand = checkpointstand(services, now=now)
    if stand is None:
        return False
    leeftijd, staart = stand
    if staart == 0:
        return True
    return leeftijd is not None and dt.timedelta(seconds=leeftijd) <= drempel(services)

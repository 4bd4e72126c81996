"""Retention: destroying a casus's data at the end of its bewaartermijn (crypto-shredding), or earlier by a
decision of two beheerders (`casus/vernietigingsbesluit.py`), and showing beforehand what a run would destroy.

Invariants:
- Destroying deletes the casus's wrapped data key and its encrypted values in one transaction; the metadata
  needed for accountability (ids, dates, fase, the verstrekking log) stays, and the destruction itself is
  logged there (invariant 9).
- In that same transaction the BSN blind index of each of the casus's betrokkenen is deleted, and the
  destruction record names their pseudonymous ids (`vergeten`), so the lookup tables derived from the log drop
  their rows: after it, an access request by BSN finds nothing of the casus, while every log record stays and
  `audit verify` still passes (docs/bewaring.md).
- A casus's bewaartermijn runs from its afsluiting (or afwijzing) and is the longest bewaartermijn of the
  verwerkingsactiviteiten of its casustype in the register: data is kept as long as any activity that
  processed it may need it, and no longer.
- `bewaarplan` only reads: the dry run (`retention run --droog`) shows exactly what `retention_run` would do
  at the same moment (casus ids, dates, durations and fixed reasons: no personal data), and changes nothing.
- Copies (database backups) hold wrapped keys; they become harmless only when they expire. Backups must be
  kept for less than the retention margin (documented in the README), or shredding is not real there; a
  restore re-applies every destruction since the backup before the service opens (`herstel`, docs/backup.md).
- Every destruction, once its record is in the log, is noted in the destruction journal outside the database
  (`herstel.journaal.noteer`); a run first writes any the journal lacks (`journaal.bij`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

import structlog

from service.domain.bewaartermijn import langste_duur
from service.domain.casus import new_id, utcnow
from service.domain.convenant import Casustype, Convenant
from service.domain.verstrekking import Vernietiging, Vernietigingsreden
from service.service_layer.herstel import journaal
from service.service_layer.routeeroverleg.overleg import Verlopen, te_verlopen
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

log = structlog.get_logger("deelpoort.bewaring")


@dataclass(frozen=True, slots=True)
class TeVernietigen:
    """A casus whose bewaartermijn has ended, and why (ids, dates and codes only)."""

    casus: str
    casustype: Casustype
    sinds: dt.datetime  # its afsluiting (or afwijzing): where the bewaartermijn starts
    bewaartermijn: str  # the longest ISO 8601 duration among its casustype's verwerkingsactiviteiten
    einde: dt.datetime
    reden: Vernietigingsreden = Vernietigingsreden.BEWAARTERMIJN


@dataclass(frozen=True, slots=True)
class Bewaarplan:
    """What a retention run would do at `moment`."""

    moment: dt.datetime
    casussen: list[TeVernietigen] = field(default_factory=list)
    ongelogd: list[str] = field(default_factory=list)  # destroyed casussen whose record is not in the log yet
    routeeroverleg: Verlopen = field(default_factory=lambda: Verlopen(0, 0))


def einde_bewaartermijn(
    convenant: Convenant, casustype: Casustype, sinds: dt.datetime
) -> tuple[str, dt.datetime] | None:
    """The bewaartermijn of a casus of `casustype` closed at `sinds` (the longest of its casustype's
    verwerkingsactiviteiten, module invariants) and when it ends; None when the register has none."""
    duren = [va.bewaartermijn for va in convenant.verwerkingsactiviteiten if va.casustype is casustype]
    return langste_duur(duren, sinds)


def bewaarplan(services: Services, *, now: dt.datetime | None = None) -> Bewaarplan:
    """What `retention_run` would destroy and log at `now`, read without changing anything."""
    now = now or utcnow()
    convenant = services.convenant
    with services.uow() as uow:
        candidates = uow.casussen.closed_not_destroyed()
        destroyed = [casus_id for casus_id, _ in uow.casussen.destroyed()]
        ongelogd = uow.log.destroyed_without_record(destroyed)
    due = []
    for casus_id, casustype, since in candidates:
        found = einde_bewaartermijn(convenant, casustype, since)
        if found is not None and found[1] <= now:
            due.append(TeVernietigen(casus_id, casustype, since, found[0], found[1]))
    due.sort(key=lambda t: (t.einde, t.casus))
    return Bewaarplan(now, due, ongelogd, te_verlopen(services, now=now))


def shred_and_forget(uow: UnitOfWork, casus_id: str, now: dt.datetime) -> tuple[str, ...]:
    """Within the caller's transaction: shred the casus and delete its betrokkenen's blind index; returns their
    ids (what the destruction record forgets)."""
    uow.veldwaarden.shred(casus_id, now)
    return tuple(uow.casussen.forget_persons(casus_id))


def vernietig_casus(services: Services, casus_id: str, *, now: dt.datetime | None = None) -> None:
    """Crypto-shred one casus now (its values become unreadable everywhere, its persons unfindable by BSN), then
    log the destruction.

    The shredding commits first: a record must never claim a destruction that did not happen. Should the log
    append fail after it, the error is raised and the next `retention run` logs it (`log_missing`).

    Raises:
        LogNietBeschikbaarError: the data is destroyed but the log could not record it yet.
    """
    now = now or utcnow()
    with services.uow() as uow:
        casus = uow.casussen.get(casus_id)
        vergeten = shred_and_forget(uow, casus_id, now)
        uow.commit()
    if casus is not None:
        reden = Vernietigingsreden.BEWAARTERMIJN.value
        record = Vernietiging(new_id(), now, casus_id, casus.casustype.value, reden, vergeten)
        journaal.noteer(services, record, services.log.append(record).log_index)


def log_missing(services: Services, *, now: dt.datetime | None = None) -> list[str]:
    """Log the destructions that are not in the log yet (after an interrupted run); returns their ids."""
    now = now or utcnow()
    with services.uow() as uow:
        destroyed = uow.casussen.destroyed()
        missing = uow.log.destroyed_without_record([casus_id for casus_id, _ in destroyed])
        vergeten = {casus_id: tuple(uow.casussen.betrokkene_ids(casus_id)) for casus_id in missing}
    kinds = dict(destroyed)
    reden = Vernietigingsreden.BEWAARTERMIJN.value
    for casus_id in missing:
        record = Vernietiging(new_id(), now, casus_id, kinds[casus_id].value, reden, vergeten[casus_id])
        journaal.noteer(services, record, services.log.append(record).log_index)
    return missing


def retention_run(
    services: Services, *, now: dt.datetime | None = None, voortgang: Iterator[None] | None = None
) -> list[str]:
    """Shred every closed casus whose bewaartermijn has ended (the casussen of `bewaarplan`); returns their ids.
    `voortgang` is advanced once per casus destroyed."""
    now = now or utcnow()
    due = [t.casus for t in bewaarplan(services, now=now).casussen]
    log_missing(services, now=now)
    try:
        journaal.bij(services)
    except (journaal.JournaalBeschadigdError, OSError) as exc:  # destroying what is due matters more
        log.error("destruction_journal_unusable", error_type=type(exc).__name__)
    for casus_id in due:
        vernietig_casus(services, casus_id, now=now)
        if voortgang is not None:
            next(voortgang, None)
    return due

"""Retention: destroying a casus's data at the end of its bewaartermijn (crypto-shredding).

Invariants:
- Destroying deletes the casus's wrapped data key and its encrypted values in one transaction; the metadata
  needed for accountability (ids, dates, fase, the verstrekking log) stays, and the destruction itself is
  logged there (invariant 9).
- A casus's bewaartermijn runs from its afsluiting (or afwijzing) and is the longest bewaartermijn of the
  verwerkingsactiviteiten of its casustype in the register: data is kept as long as any activity that
  processed it may need it, and no longer.
- Copies (database backups) hold wrapped keys; they become harmless only when they expire. Backups must be
  kept for less than the retention margin (documented in the README), or shredding is not real there.
"""

from __future__ import annotations

import datetime as dt

from service.domain.bewaartermijn import langste
from service.domain.casus import new_id, utcnow
from service.domain.verstrekking import Vernietiging
from service.service_layer.services import Services


def vernietig_casus(services: Services, casus_id: str, *, now: dt.datetime | None = None) -> None:
    """Crypto-shred one casus now (its values become unreadable everywhere), then log the destruction.

    The shredding commits first: a record must never claim a destruction that did not happen. Should the log
    append fail after it, the error is raised and the next `retention run` logs it (`log_missing`).

    Raises:
        LogNietBeschikbaarError: the data is destroyed but the log could not record it yet.
    """
    now = now or utcnow()
    with services.uow() as uow:
        casus = uow.casussen.get(casus_id)
        uow.veldwaarden.shred(casus_id, now)
        uow.commit()
    if casus is not None:
        services.log.append(Vernietiging(new_id(), now, casus_id, casus.casustype.value, "bewaartermijn"))


def log_missing(services: Services, *, now: dt.datetime | None = None) -> list[str]:
    """Log the destructions that are not in the log yet (after an interrupted run); returns their ids."""
    now = now or utcnow()
    with services.uow() as uow:
        destroyed = uow.casussen.destroyed()
        missing = uow.log.destroyed_without_record([casus_id for casus_id, _ in destroyed])
    kinds = dict(destroyed)
    for casus_id in missing:
        services.log.append(Vernietiging(new_id(), now, casus_id, kinds[casus_id].value, "bewaartermijn"))
    return missing


def retention_run(services: Services, *, now: dt.datetime | None = None) -> list[str]:
    """Shred every closed casus whose bewaartermijn has ended; returns their ids."""
    now = now or utcnow()
    convenant = services.convenant
    with services.uow() as uow:
        candidates = uow.casussen.closed_not_destroyed()
    due = []
    for casus_id, casustype, since in candidates:
        duren = [va.bewaartermijn for va in convenant.verwerkingsactiviteiten if va.casustype is casustype]
        end = langste(duren, since)
        if end is not None and end <= now:
            due.append(casus_id)
    log_missing(services, now=now)
    for casus_id in due:
        vernietig_casus(services, casus_id, now=now)
    return due

"""Retention: destroying a casus's data at the end of its bewaartermijn (crypto-shredding).

Invariants:
- Destroying deletes the casus's wrapped data key and its encrypted values in one transaction; the metadata
  needed for accountability (ids, dates, fase, and later the verstrekking log) stays.
- A casus's bewaartermijn runs from its afsluiting (or afwijzing) and is the longest bewaartermijn of the
  verwerkingsactiviteiten of its casustype in the register: data is kept as long as any activity that
  processed it may need it, and no longer.
- Copies (database backups) hold wrapped keys; they become harmless only when they expire. Backups must be
  kept for less than the retention margin (documented in the README), or shredding is not real there.
"""

from __future__ import annotations

import datetime as dt

from service.domain.bewaartermijn import langste
from service.domain.casus import utcnow
from service.service_layer.services import Services


def vernietig_casus(services: Services, casus_id: str, *, now: dt.datetime | None = None) -> None:
    """Crypto-shred one casus now (its values become unreadable everywhere)."""
    with services.uow() as uow:
        uow.veldwaarden.shred(casus_id, now or utcnow())
        uow.commit()


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
    for casus_id in due:
        vernietig_casus(services, casus_id, now=now)
    return due

"""Helpers for the backup and restore tests: what a casus's destruction leaves in the database."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from service.adapters.orm import BetrokkeneRow, CasusSleutelRow, VeldwaardeRow
from service.audit.record import parse
from service.service_layer.services import Services


def sporen(services: Services, casus_id: str) -> dict[str, int]:
    """How many of the casus's data key rows, encrypted values and BSN blind index entries the database holds."""
    with services.engine.connect() as connection:
        sleutels = connection.execute(select(CasusSleutelRow.casus_id).where(CasusSleutelRow.casus_id == casus_id))
        waarden = connection.execute(select(VeldwaardeRow.veld).where(VeldwaardeRow.casus_id == casus_id))
        index = connection.execute(
            select(BetrokkeneRow.bsn_index).where(
                BetrokkeneRow.casus_id == casus_id, BetrokkeneRow.bsn_index.is_not(None)
            )
        )
        return {"sleutels": len(sleutels.all()), "waarden": len(waarden.all()), "bsn_index": len(index.all())}


def vernietigingsrecords(services: Services) -> list[dict[str, Any]]:
    """The log's destruction records, parsed, in log order."""
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records() if r.columns[3] == "vernietiging"]

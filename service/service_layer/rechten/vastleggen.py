"""The steps the rights use cases share: a BSN to a blind index, the records per casus, logging with the change.

Invariants:
- The BSN is used once, for the blind index, and never kept or repeated (an invalid one is named by its field).
- One record per casus the person is found in, naming only the person's betrokkene ids in that casus; none
  found: one record without casus or betrokkenen (`domain.rechten`).
- The records are appended in the caller's transaction, which holds the head lock taken first; the caller
  commits, then a checkpoint is signed (`beheer.stap.verzegel`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from service.adapters.rechten import Persoon
from service.domain.casus import Gebruiker, new_id
from service.domain.convenant import Regime
from service.domain.errors import OngeldigeInvoerError
from service.domain.rechten import Rechtenrecord, Soort
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

_ID = re.compile(r"[0-9a-f]{32}")


def is_id(value: str) -> bool:
    """Whether `value` has the shape of an id (a caller's text is never looked up or logged otherwise)."""
    return _ID.fullmatch(value) is not None


def bsn_index(services: Services, regime: Regime, bsn: str) -> str:
    """The person's blind index in `regime`.

    Raises:
        OngeldigeInvoerError: `bsn` is not a BSN of nine digits (the message never repeats it).
    """
    try:
        return services.keys.blind_index.bsn_hex(regime, bsn)
    except ValueError:
        raise OngeldigeInvoerError([("bsn", "must be a BSN of nine digits")]) from None


def regime_van(waarde: str) -> Regime:
    """Raises:
    OngeldigeInvoerError: not a regime.
    """
    try:
        return Regime(waarde)
    except ValueError:
        raise OngeldigeInvoerError([("regime", "must be regulier or cter")]) from None


def records(
    gebruiker: Gebruiker,
    soort: Soort,
    betreft: str,
    uitkomst: str,
    personen: Sequence[Persoon],
    codes: tuple[tuple[str, str | list[str]], ...],
    now: dt.datetime,
) -> list[Rechtenrecord]:
    """The log records of one step: one per casus in `personen` (or one without casus when there is none)."""
    per_casus: dict[str, tuple[str, list[str]]] = {}
    for persoon in personen:
        per_casus.setdefault(persoon.casus_id, (persoon.casustype, []))[1].append(persoon.betrokkene_id)
    groepen: list[tuple[str | None, str | None, tuple[str, ...]]] = [
        (casus, casustype, tuple(sorted(ids))) for casus, (casustype, ids) in sorted(per_casus.items())
    ] or [(None, None, ())]
    return [
        Rechtenrecord(
            id=new_id(),
            tijd=now,
            soort=soort,
            partner=gebruiker.partner_id,
            gebruiker=gebruiker.id,
            rol=gebruiker.rol,
            casus=casus,
            casustype=casustype,
            betrokkenen=ids,
            betreft=betreft,
            uitkomst=uitkomst,
            codes=codes,
        )
        for casus, casustype, ids in groepen
    ]


def leg_vast(services: Services, uow: UnitOfWork, size: int, entries: Sequence[Rechtenrecord]) -> None:
    """Append the records at `size` (the head lock is the caller's) and commit the whole step."""
    services.log.append_in(uow.log, size, list(entries))
    uow.commit()

"""The steps the rights use cases share: who acts for the Bureau ZVH, a BSN to a blind index, the records per
casus, logging with the change.

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
from service.domain.errors import NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.domain.rechten import Rechtenrecord, Soort
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

_ID = re.compile(r"[0-9a-f]{32}")
BUREAUROLLEN = frozenset({"fg", "procesregisseur"})  # who acts for the region on a person's request


def require_bureau(services: Services, gebruiker: Gebruiker, handeling: str) -> None:
    """Require an FG or a procesregisseur of a Bureau ZVH (the FG that oversees the whole log).

    Raises:
        NietToegestaanError: any other rol or partner; the message says who does `handeling`.
    """
    bureaus = {d.bureau for d in services.convenant.documenten if d.bureau}
    if gebruiker.rol not in BUREAUROLLEN or gebruiker.partner_id not in bureaus:
        raise NietToegestaanError(f"only an FG or a procesregisseur of the Bureau ZVH {handeling}")


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


def optioneel_regime(waarde: str | None, problemen: list[tuple[str, str]]) -> Regime | None:
    """The regime given (None when not given); a bad one is added to `problemen`."""
    try:
        return regime_van(waarde) if waarde is not None else None
    except OngeldigeInvoerError as exc:
        problemen += exc.problemen
        return None


def casusregime(
    uow: UnitOfWork, casus_id: str | None, gekozen: Regime | None, *, deelnemer: str | None = None
) -> Regime:
    """The regime of a step: its casus's when one is given, else `gekozen` (regulier when not given).

    Raises:
        NietGevondenError: no such casus (with `deelnemer`: or that partner never took part in it).
        OngeldigeInvoerError: `gekozen` differs from the casus's regime.
    """
    if casus_id is None:
        return gekozen or Regime.REGULIER
    casus = uow.casussen.get(casus_id) if is_id(casus_id) else None
    if casus is None or (deelnemer is not None and not any(d.partner_id == deelnemer for d in casus.deelnames)):
        raise NietGevondenError("no such casus for this partner" if deelnemer else "no such casus")
    regime = Regime.of(casus.casustype)
    if gekozen not in (None, regime):
        raise OngeldigeInvoerError([("regime", "differs from the casus's casustype")])
    return regime


def in_casus(personen: Sequence[Persoon], casus_id: str | None) -> list[Persoon]:
    """Where the person is found, within the casus when one is given.

    Raises:
        OngeldigeInvoerError: the person is not a betrokkene of the casus given.
    """
    if casus_id is None:
        return list(personen)
    found = [p for p in personen if p.casus_id == casus_id]
    if not found:
        raise OngeldigeInvoerError([("bsn", "the person is not a betrokkene of this casus")])
    return found


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

"""Which of a person's log records an uitstel defers today: for the FG's mark and the person's report.

Invariants:
- A record is deferred when an uitstel of the person (its blind index), not ended early and before its
  einddatum, covers it (`domain.rechten.Uitstel.dekt`): the deferring partner is the record's partner or a bron
  of a released veld, the record names one of the person's betrokkenen in the uitstel's regime, and it is of the
  uitstel's casus when one is given.
- Reads only; of several uitstellen covering a record, the one ending last is named.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from service.domain.rechten import Uitstel
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Stroom:
    """What the check reads of one log record: its index, the partners of the flow, its casus, its betrokkenen."""

    log_index: int
    partners: frozenset[str]
    casus: str | None
    betrokkenen: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Uitstelmarkering:
    """That a record is deferred: until when, by which partner, on which grondslag (names from the convenant)."""

    uitstel: str
    tot: dt.date
    partner: str
    partner_naam: str
    grondslag: str
    grondslag_naam: str
    artikel: str


def uitgesteld(
    services: Services, uow: UnitOfWork, indexes: Sequence[str], stromen: Iterable[Stroom], vandaag: dt.date
) -> dict[int, Uitstelmarkering]:
    """Per deferred record (by log index) the uitstel that defers it (the one ending last)."""
    geldend = [u for u in uow.rechten.uitstellen_met_index(indexes) if u.geldt(vandaag)]
    if not geldend:
        return {}
    personen: dict[tuple[str, str], frozenset[str]] = {}
    for u in geldend:
        key = (u.bsn_index, u.regime.value)
        if key not in personen:
            personen[key] = frozenset(p.betrokkene_id for p in uow.rechten.personen(u.bsn_index, u.regime))
    out: dict[int, Uitstelmarkering] = {}
    for stroom in stromen:
        dekkend = [
            u
            for u in geldend
            if u.dekt(stroom.partners, stroom.casus, stroom.betrokkenen, personen[(u.bsn_index, u.regime.value)])
        ]
        if dekkend:
            out[stroom.log_index] = markering(services, max(dekkend, key=lambda u: u.einddatum))
    return out


def markering(services: Services, uitstel: Uitstel) -> Uitstelmarkering:
    convenant = services.convenant
    partner = convenant.partner(uitstel.partner)
    grondslag = convenant.grondslag(uitstel.grondslag)
    return Uitstelmarkering(
        uitstel=uitstel.id,
        tot=uitstel.einddatum,
        partner=uitstel.partner,
        partner_naam=partner.naam if partner else uitstel.partner,
        grondslag=uitstel.grondslag,
        grondslag_naam=grondslag.naam if grondslag else uitstel.grondslag,
        artikel=grondslag.artikel if grondslag else "",
    )

"""Beperking of processing (AVG art. 18): entered and lifted by the Bureau ZVH, enforced in every verstrekking.

Invariants:
- Only an FG of a Bureau ZVH (one that oversees the whole log) or a procesregisseur of a Bureau ZVH enters, lifts
  or lists beperkingen (`NietToegestaanError` otherwise), also when an entry point already checked.
- A beperking names the doelen still allowed, each a doel of the convenant (possibly none); unknown input
  changes nothing.
- Entering and lifting are logged (soort `beperking`, `opheffing-beperking`) with the grond or reden as a
  code, in the transaction that makes the change; lifting twice is a conflict, never a second record.
- From the commit on, `verstrekken` withholds the person's values for every other doel, in every casus of the
  regime in which the person (its blind index) is a betrokkene, also casussen made later.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.errors import ConflictError, NietGevondenError, OngeldigeInvoerError
from service.domain.rechten import Beperking, Grond, Opheffingsreden, Soort
from service.service_layer.beheer.stap import verzegel
from service.service_layer.rechten.vastleggen import bsn_index, is_id, leg_vast, records, regime_van, require_bureau
from service.service_layer.services import Services

MAX_DOELEN = 50


def require_beperker(services: Services, gebruiker: Gebruiker) -> None:
    """Raises:
    NietToegestaanError: not an FG or procesregisseur of a Bureau ZVH.
    """
    require_bureau(services, gebruiker, "restricts processing")


def stel_in(
    services: Services,
    gebruiker: Gebruiker,
    bsn: str,
    grond: str,
    doelen: Sequence[str],
    regime: str = "regulier",
    *,
    now: dt.datetime | None = None,
) -> tuple[Beperking, int]:
    """Restrict the processing of the person's data in `regime` to `doelen`; returns it and in how many casussen
    the person is found now.

    Raises:
        NietToegestaanError: see `require_beperker`.
        OngeldigeInvoerError: a bad BSN, grond, doel or regime (every problem at once; nothing changed).
        LogNietBeschikbaarError: the log could not record (nothing changed).
    """
    require_beperker(services, gebruiker)
    problemen: list[tuple[str, str]] = []
    bekend = services.convenant.ids("doel")
    if len(doelen) > MAX_DOELEN:
        problemen.append(("doelen", f"at most {MAX_DOELEN}"))
    problemen += [
        (f"doelen[{i}]", "unknown doel (not in the convenant)") for i, d in enumerate(doelen) if d not in bekend
    ]
    if grond not in {g.value for g in Grond}:
        problemen.append(("grond", "must be one of " + ", ".join(g.value for g in Grond)))
    try:
        gekozen = regime_van(regime)
        index = bsn_index(services, gekozen, bsn)
    except OngeldigeInvoerError as exc:
        problemen += exc.problemen
    if problemen:
        raise OngeldigeInvoerError(problemen)
    now = now or utcnow()
    beperking = Beperking(
        new_id(), gekozen, index, frozenset(doelen), Grond(grond), now, gebruiker.id, gebruiker.partner_id
    )
    with services.uow() as uow:
        size = uow.log.lock_head()
        uow.rechten.add_beperking(beperking)
        personen = uow.rechten.personen(index, gekozen)
        codes = (("grond", grond), ("doelen", sorted(beperking.doelen)), ("regime", gekozen.value))
        leg_vast(
            services, uow, size, records(gebruiker, Soort.BEPERKING, beperking.id, "ingesteld", personen, codes, now)
        )
    verzegel(services)
    return beperking, len({p.casus_id for p in personen})


def hef_op(
    services: Services, gebruiker: Gebruiker, beperking_id: str, reden: str, *, now: dt.datetime | None = None
) -> Beperking:
    """Lift an active beperking, giving the reden as a code.

    Raises:
        NietToegestaanError: see `require_beperker`.
        OngeldigeInvoerError: an unknown reden.
        NietGevondenError: no such beperking.
        ConflictError: it was lifted already.
        LogNietBeschikbaarError: the log could not record (nothing changed).
    """
    require_beperker(services, gebruiker)
    if reden not in {r.value for r in Opheffingsreden}:
        raise OngeldigeInvoerError([("reden", "must be one of " + ", ".join(r.value for r in Opheffingsreden))])
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()
        beperking = uow.rechten.beperking(beperking_id) if is_id(beperking_id) else None
        if beperking is None:
            raise NietGevondenError("no such beperking")
        if not beperking.actief or beperking.bsn_index is None:
            raise ConflictError("the beperking was lifted already")
        personen = uow.rechten.personen(beperking.bsn_index, beperking.regime)
        if not uow.rechten.hef_op(beperking.id, now, gebruiker.id, Opheffingsreden(reden)):
            raise ConflictError("the beperking was lifted already")
        codes = (("reden", reden), ("regime", beperking.regime.value))
        stappen = records(gebruiker, Soort.OPHEFFING_BEPERKING, beperking.id, "opgeheven", personen, codes, now)
        leg_vast(services, uow, size, stappen)
    verzegel(services)
    return dataclasses.replace(
        beperking, bsn_index=None, opgeheven_op=now, opgeheven_door=gebruiker.id, opheffingsreden=Opheffingsreden(reden)
    )


def lijst(services: Services, gebruiker: Gebruiker) -> list[Beperking]:
    """Every beperking (active first, newest first): codes and dates, never a person.

    Raises:
        NietToegestaanError: see `require_beperker`.
    """
    require_beperker(services, gebruiker)
    with services.uow() as uow:
        return uow.rechten.beperkingen()

"""How often casussen were discussed, for the annual report: per overleg soort and in all, over a period.

Counts only (no casus ids leave here), of the overleggen the caller's partner chaired.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from service.domain.casus import Gebruiker
from service.domain.errors import NietToegestaanError, OngeldigeInvoerError
from service.service_layer.services import Services

RAPPORTROLLEN = frozenset({"procesregisseur", "procesondersteuner"})


@dataclass(frozen=True, slots=True)
class Besprekingen:
    besprekingen: int  # agendapunten: how often a casus was discussed
    casussen: int  # distinct casussen discussed


@dataclass(frozen=True, slots=True)
class Telling:
    van: dt.date
    tot: dt.date
    per_soort: Mapping[str, Besprekingen]
    totaal: Besprekingen  # over every soort (a casus discussed at two soorten counts once in `casussen`)


def tellen(services: Services, gebruiker: Gebruiker, van: dt.date, tot: dt.date) -> Telling:
    """Per overleg soort, how many agendapunten and distinct casussen the overleggen dated `van`..`tot` had.

    Raises:
        NietToegestaanError: not a procesregisseur or procesondersteuner of a Bureau ZVH.
        OngeldigeInvoerError: `tot` before `van`.
    """
    bureaus = {d.bureau for d in services.convenant.documenten if d.bureau}
    if gebruiker.rol not in RAPPORTROLLEN or gebruiker.partner_id not in bureaus:
        raise NietToegestaanError("only the Bureau ZVH counts its overleggen")
    if tot < van:
        raise OngeldigeInvoerError([("tot", "must not be before van")])
    with services.uow() as uow:
        rijen = uow.overleggen.telling(van, tot, gebruiker.partner_id)
    per_soort = {soort: Besprekingen(n, c) for soort, n, c in rijen if soort}
    totaal = next(Besprekingen(n, c) for soort, n, c in rijen if not soort)
    return Telling(van, tot, per_soort, totaal)

"""The annual report as a use case: decided by the policy, computed inside the service, logged as one aggregate
verstrekking before anything is returned.

Invariants:
- Only a partner and rol the active policy grants velden for (doel `managementinformatie`, casustype regulier)
  gets a report; the exact counts (`publicatie=False`) only the Bureau's rol `manager`. Every refusal is logged.
- The record names no casus and no person: casus None, no betrokkenen, per veld used its grondslag and the
  verwerkingsactiviteit with no places. It is durable before the report is returned (fail closed).
- For publication every table goes through `domain.onderdrukking` with the configured threshold.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from service.access import DecisionKey
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.convenant import Casustype
from service.domain.errors import NietToegestaanError, OngeldigeInvoerError
from service.domain.jaarrapport import Jaarrapport, Overlegtelling, jaarrapport
from service.domain.onderdrukking import Publicatie, onderdruk
from service.domain.overleg import Overleg
from service.domain.verstrekking import Ontvangstbewijs, Trace, Uitkomst, Verstrekking, VerstrektVeld, Weigering
from service.service_layer.beleid.actief import active_access
from service.service_layer.managementinformatie.feiten import WAARDEVELDEN, lees_feiten
from service.service_layer.services import Services

DOEL = "managementinformatie"
MANAGER = "manager"
EERSTE_JAAR = 2000
DREMPEL = 5  # the default threshold below which a published cell is withheld


@dataclass(frozen=True, slots=True)
class Rapportage:
    rapport: Jaarrapport
    publicaties: tuple[Publicatie, ...] | None  # None: the exact counts (internal view)
    verstrekking: Verstrekking
    bewijs: Ontvangstbewijs


@dataclass(frozen=True, slots=True)
class Vraag:
    jaar: int
    gemeente: str | None = None
    publicatie: bool = True
    drempel: int = DREMPEL


def rapporteer(
    services: Services, gebruiker: Gebruiker, vraag: Vraag, trace: Trace, *, now: dt.datetime | None = None
) -> Rapportage:
    """The report of `vraag.jaar`, for the region or one gemeente, published (suppressed) or exact.

    Raises:
        OngeldigeInvoerError: a year before 2000 or after this one, an unknown gemeente, a threshold below 1.
        NietToegestaanError: the policy grants this partner and rol nothing for the doel, or exact counts were asked
            by another rol than the Bureau's manager (logged as refused).
        GeenBeleidError: no usable active policy.
        LogNietBeschikbaarError: the log could not record (nothing returned).
    """
    now = now or utcnow()
    _controleer(services, vraag, now)
    convenant = services.convenant
    with services.uow() as uow:
        access = active_access(services, uow.beleid)
        key = DecisionKey(gebruiker.partner_id, gebruiker.rol, Casustype.REGULIER.value, DOEL)
        grants = dict(access.allowed_fields(key))
        toegestaan = bool(grants) and (vraag.publicatie or gebruiker.rol == MANAGER)
        if toegestaan:
            feiten = lees_feiten(uow, convenant, grants, dt.datetime(vraag.jaar + 1, 1, 1, tzinfo=dt.UTC))
            adviezen = {j: uow.adviezen.tel(dt.date(j, 1, 1), dt.date(j + 1, 1, 1)) for j in _jaren(vraag.jaar)}
            gehouden = uow.overleggen.lijst(
                dt.date(vraag.jaar, 1, 1), dt.date(vraag.jaar, 12, 31), partner=gebruiker.partner_id
            )
            overleggen = _overleggen(gehouden)
    va = convenant.verwerkingsactiviteit(Casustype.REGULIER, DOEL, now.date())
    partner = convenant.partner(gebruiker.partner_id)
    verstrekt = (
        tuple(
            VerstrektVeld(veld, grant.grondslag, va.id, va.versie, ())
            for veld, grant in sorted(grants.items())
            if veld in WAARDEVELDEN  # the velden actually read: a wider grant is not claimed as used
        )
        if toegestaan and va is not None
        else ()
    )
    verstrekking = Verstrekking(
        id=new_id(),
        tijd=now,
        partner=gebruiker.partner_id,
        oin=partner.oin if partner is not None else "",
        gebruiker=gebruiker.id,
        rol=gebruiker.rol,
        casus=None,
        casustype=Casustype.REGULIER.value,
        betrokkenen=(),
        doel=DOEL,
        uitkomst=Uitkomst.VERSTREKT if toegestaan else Uitkomst.GEWEIGERD,
        verstrekt=verstrekt,
        onthouden=(),
        beleidsversie=access.version,
        trace=trace,
        weigering=None if toegestaan else Weigering.GEEN_TOEGANG,
    )
    bewijs = services.log.append(verstrekking)  # durable before anything is returned (raises: fail closed)
    if not toegestaan:
        raise NietToegestaanError("the policy grants this partner and rol no managementinformatie (exact: manager)")
    rapport = jaarrapport(convenant, vraag.jaar, feiten, adviezen, overleggen, vraag.gemeente)
    publicaties = tuple(onderdruk(t, vraag.drempel) for t in rapport.tabellen) if vraag.publicatie else None
    return Rapportage(rapport, publicaties, verstrekking, bewijs)


def _jaren(jaar: int) -> tuple[int, ...]:
    return (jaar - 2, jaar - 1, jaar)


def _controleer(services: Services, vraag: Vraag, now: dt.datetime) -> None:
    problems = []
    if not EERSTE_JAAR <= vraag.jaar <= now.year:
        problems.append(("jaar", f"a year from {EERSTE_JAAR} to this year"))
    if vraag.gemeente is not None and vraag.gemeente not in services.convenant.ids("gemeente"):
        problems.append(("gemeente", "not a gemeente of the convenant"))
    if vraag.drempel < 1:
        problems.append(("drempel", "at least 1"))
    if problems:
        raise OngeldigeInvoerError(problems)


def _overleggen(overleggen: Sequence[Overleg]) -> list[Overlegtelling]:
    """Per soort: how many overleggen, agendapunten and distinct casussen (the Bureau chairs them all)."""
    gehouden: Counter[str] = Counter()
    besprekingen: Counter[str] = Counter()
    casussen: dict[str, set[str]] = {}
    for overleg in overleggen:
        gehouden[overleg.soort] += 1
        besprekingen[overleg.soort] += len(overleg.agenda)
        casussen.setdefault(overleg.soort, set()).update(p.casus for p in overleg.agenda)
    return [Overlegtelling(s, gehouden[s], besprekingen[s], len(casussen[s])) for s in sorted(gehouden)]

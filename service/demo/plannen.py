"""A plan van aanpak for the demo region's regular casussen in procesregie or advies: one doel and one actie,
their texts the casus's own synthetic `planDoelen` and `afspraken` values, so the at-rest scan of the demo covers
the plan's tables too; some acties are overdue, so the procesregisseur's werkvoorraad is not empty.

Invariants:
- The texts are supplied by the Bureau's procesregisseur (the regie) as an aanlevering the bronregels allow; its
  record is returned for the caller to log with the rest of the demo's records, in the same transaction.
- Everything is derived from the casus (its id, dates and deelnames): the same region gives the same plans.
- No history entries: the demo's history shows the casus's path through its fasen only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from service.domain.casus import Casus, Gebruiker, new_id
from service.domain.convenant import Casustype, Regime
from service.domain.plan import AFSPRAAKTEKST, DOELTEKST, Actie, ActieStatus, Doel, Leefgebied
from service.domain.veldwaarde import JsonWaarde
from service.domain.verstrekking import Verstrekking
from service.service_layer.casus import aanlevering
from service.service_layer.casus.aanlevering import BIJDRAGE, Herkomst
from service.service_layer.plan.stap import PLANFASEN
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

_STATUSSEN = (ActieStatus.OPEN, ActieStatus.IN_UITVOERING, ActieStatus.AFGEROND, ActieStatus.OPEN)


def maak_plan(
    services: Services,
    uow: UnitOfWork,
    casus: Casus,
    waarden: Mapping[tuple[str | None, str], JsonWaarde],
    gebruiker_id: str,
    now: dt.datetime,
) -> list[Verstrekking]:
    """Store a plan for `casus` from its own values when it has one to have; the aanlevering records to log.

    Raises:
        ValueError: the bronregels do not allow the Bureau to supply the plan's texts (a demo that does not fit).
    """
    document = services.convenant.document(casus.casustype)
    bureau = document.bureau if document is not None else None
    doeltekst, afspraak = waarden.get((None, DOELTEKST)), waarden.get((None, AFSPRAAKTEKST))
    if (
        casus.casustype is not Casustype.REGULIER
        or casus.fase not in PLANFASEN
        or bureau is None
        or not isinstance(doeltekst, str)
        or not isinstance(afspraak, str)
    ):
        return []
    regie = Gebruiker(gebruiker_id, bureau, "procesregisseur", gebruiker_id, True)
    ingang = aanlevering.beoordeel_in(
        services,
        uow,
        regie,
        (casus.id, casus.casustype, casus.fase),
        BIJDRAGE,
        {(None, DOELTEKST): doeltekst, (None, AFSPRAAKTEKST): afspraak},
        tuple(b.id for b in casus.betrokkenen),
        Herkomst(),
        now,
    )
    if ingang.besluit.weigering is not None:
        raise ValueError(f"the demo's plan does not fit the bronregels: {ingang.besluit.reden}")
    regime = Regime.of(casus.casustype)
    getal = int(casus.id[:8], 16)
    gemaakt = casus.gewijzigd_op
    doel = Doel(new_id(), casus.id, list(Leefgebied)[getal % len(Leefgebied)], gemaakt, bureau)
    uow.plannen.add_doel(doel, doeltekst, regime)
    eigenaar = next((d.partner_id for d in casus.deelnames if d.actief(now) and d.partner_id != bureau), bureau)
    deadline = gemaakt.date() + dt.timedelta(days=7 + getal % 28)
    status = _STATUSSEN[getal % len(_STATUSSEN)]
    actie = Actie(new_id(), casus.id, doel.id, eigenaar, deadline, status, gemaakt, gemaakt, bureau)
    uow.plannen.add_actie(actie, afspraak, regime)
    return [ingang.record]

"""Reading a plan van aanpak as metadata, and the regie's werkvoorraad of acties.

Invariants:
- Nothing here decrypts: the answers hold codes, ids and dates only (no text of any item), so reading them is
  no verstrekking; the texts leave only through `inzage.py`.
- A casus's plan is read by the partners that actively take part in it (others: "not found").
- The werkvoorraad lists the lopende acties (neither afgerond nor vervallen) of exactly the open casussen the
  caller holds the regie of; overdue (`verlopen`) is judged on the caller's day in Europe/Amsterdam.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from service.domain.casus import Casus, Gebruiker, utcnow
from service.domain.convenant import Regime
from service.domain.errors import NietToegestaanError
from service.domain.kalender import dag
from service.domain.levensloop import REGIEROLLEN, Gebeurtenis, Handeling, regisseert
from service.domain.plan import Actie, Plan
from service.service_layer.casus.regie import deelnemend
from service.service_layer.plan.stap import PLANFASEN
from service.service_layer.services import Services


def vandaag(now: dt.datetime) -> dt.date:
    """The day a deadline is judged on: the Dutch calendar day at `now`."""
    return dag(now)


@dataclass(frozen=True, slots=True)
class Planoverzicht:
    plan: Plan
    vandaag: dt.date  # the day `Actie.verlopen` is judged on
    ave_historie: tuple[Gebeurtenis, ...]  # the AVE-fase's changes, oldest first (without their toelichting)


def plan(services: Services, gebruiker: Gebruiker, casus_id: str, *, now: dt.datetime | None = None) -> Planoverzicht:
    """A casus's plan as metadata, with the history of its AVE-fase.

    Raises:
        NietGevondenError: no such casus for this partner.
    """
    now = now or utcnow()
    with services.uow() as uow:
        casus = deelnemend(uow, gebruiker, casus_id, now)
        inhoud = uow.plannen.plan(casus.id)
        historie = uow.historie.list(casus.id, Regime.of(casus.casustype))
    ave = tuple(dataclasses.replace(e, toelichting=None) for e in historie if e.handeling is Handeling.AVE_FASE)
    return Planoverzicht(inhoud, vandaag(now), ave)


def werkvoorraad(
    services: Services, gebruiker: Gebruiker, *, alleen_verlopen: bool = False, now: dt.datetime | None = None
) -> tuple[dt.date, list[Actie]]:
    """The lopende acties (with `alleen_verlopen`: only the overdue ones) of the open casussen whose regie the
    caller holds, soonest deadline first; and the day they were judged on.

    Raises:
        NietToegestaanError: the caller's rol never holds a regie.
    """
    now = now or utcnow()
    eigen = [c.id for c in casussen_in_regie(services, gebruiker, now=now)]
    dag = vandaag(now)
    with services.uow() as uow:
        acties = uow.plannen.lopende_acties(eigen, verlopen_op=dag if alleen_verlopen else None)
    return dag, acties


def casussen_in_regie(services: Services, gebruiker: Gebruiker, *, now: dt.datetime | None = None) -> list[Casus]:
    """The casussen in a fase with a plan (procesregie, advies) whose regie the caller holds, as metadata (no
    value is read): what the werkvoorraad's acties belong to, and which of them have none.

    Raises:
        NietToegestaanError: the caller's rol never holds a regie.
    """
    now = now or utcnow()
    if gebruiker.rol not in REGIEROLLEN:
        raise NietToegestaanError("the werkvoorraad of acties is the regie's")
    with services.uow() as uow:
        casussen = uow.casussen.list_for_partner(gebruiker.partner_id, now, fase=PLANFASEN)
    return [c for c in casussen if regisseert(services.convenant, c, gebruiker)]

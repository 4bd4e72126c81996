"""Adding to a casus's plan van aanpak: doelen per leefgebied, acties, afspraken and opschalingen (the regie).

Invariants: those of the package (`service_layer.plan`). Each item's text is its aanlevering; each item is a
history entry of the casus naming its soort and id, never its text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.casus import Casus, Gebruiker, neemt_deel, new_id, utcnow
from service.domain.convenant import Regime
from service.domain.plan import (
    AFSPRAAKTEKST,
    DOELTEKST,
    ESCALATIETEKST,
    OVERLEG_ID,
    Actie,
    ActieStatus,
    Afspraak,
    Doel,
    Leefgebied,
    Niveau,
    Opschaling,
    OpschalingStatus,
    Soort,
)
from service.service_layer.casus.aanlevering import Herkomst
from service.service_layer.casus.regie import Gegevens
from service.service_layer.plan.stap import Planwijziging, een_van, planstap, tekst
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class NieuweActie:
    partner: str  # the owning partner: takes part in the casus
    deadline: dt.date
    omschrijving: str | None
    doel: str | None = None  # the id of a doel of the same plan it serves


def doel_toevoegen(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    leefgebied: str,
    tekst_: str | None,
    *,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> Doel:
    """Add a doel in a leefgebied, with its text.

    Raises:
        The errors of `stap.planstap`.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    een_van("leefgebied", leefgebied, [g.value for g in Leefgebied], problems)
    tekst(services.convenant, "tekst", tekst_, DOELTEKST, problems, verplicht=True)
    doel_id = new_id()
    gemaakt: list[Doel] = []

    def schrijf(uow: UnitOfWork, casus: Casus, regime: Regime, now: dt.datetime) -> Gegevens:
        doel = Doel(doel_id, casus.id, Leefgebied(leefgebied), now, gebruiker.partner_id)
        uow.plannen.add_doel(doel, tekst_ or "", regime)
        gemaakt.append(doel)
        return {"leefgebied": doel.leefgebied.value}

    wijziging = Planwijziging(Soort.DOEL, doel_id, "toegevoegd", problems, {DOELTEKST: tekst_ or ""})
    planstap(services, gebruiker, casus_id, wijziging, schrijf, herkomst=herkomst, now=now)
    return gemaakt[0]


def actie_toevoegen(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    nieuw: NieuweActie,
    *,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> Actie:
    """Add an actie for a partner that takes part in the casus, with a deadline; its status starts open.

    Raises:
        The errors of `stap.planstap`; `OngeldigeInvoerError` also for an owning partner that does not take
        part in the casus, or a doel that is not one of this plan's.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    tekst(services.convenant, "omschrijving", nieuw.omschrijving, AFSPRAAKTEKST, problems, verplicht=True)
    actie_id = new_id()
    gemaakt: list[Actie] = []

    def controle(uow: UnitOfWork, casus: Casus, now: dt.datetime) -> list[tuple[str, str]]:
        out = []
        if not neemt_deel(casus, nieuw.partner, now):
            out.append(("partner", "not a partner that takes part in this casus"))
        if nieuw.doel is not None and nieuw.doel not in {d.id for d in uow.plannen.plan(casus.id).doelen}:
            out.append(("doel", "not a doel of this casus's plan"))
        return out

    def schrijf(uow: UnitOfWork, casus: Casus, regime: Regime, now: dt.datetime) -> Gegevens:
        actie = Actie(
            actie_id,
            casus.id,
            nieuw.doel,
            nieuw.partner,
            nieuw.deadline,
            ActieStatus.OPEN,
            now,
            now,
            gebruiker.partner_id,
        )
        uow.plannen.add_actie(actie, nieuw.omschrijving or "", regime)
        gemaakt.append(actie)
        return {"partner": actie.partner_id, "deadline": actie.deadline.isoformat(), "naar": actie.status.value}

    teksten = {AFSPRAAKTEKST: nieuw.omschrijving or ""}
    wijziging = Planwijziging(Soort.ACTIE, actie_id, "toegevoegd", problems, teksten, controle)
    planstap(services, gebruiker, casus_id, wijziging, schrijf, herkomst=herkomst, now=now)
    return gemaakt[0]


def afspraak_toevoegen(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    datum: dt.date,
    tekst_: str | None,
    overleg: str | None = None,
    *,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> Afspraak:
    """Record an afspraak made on `datum`, optionally in an overleg: one that has this casus on its agenda.

    Raises:
        The errors of `stap.planstap`.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    tekst(services.convenant, "tekst", tekst_, AFSPRAAKTEKST, problems, verplicht=True)
    if overleg is not None and not OVERLEG_ID.fullmatch(overleg):
        problems.append(("overleg", "the id of an overleg (32 lowercase hex characters)"))
    afspraak_id = new_id()
    gemaakt: list[Afspraak] = []

    def controle(uow: UnitOfWork, casus: Casus, now: dt.datetime) -> list[tuple[str, str]]:
        gevonden = uow.overleggen.get(overleg) if overleg is not None and not problems else None
        if overleg is not None and not problems and (gevonden is None or gevonden.agendapunt(casus.id) is None):
            return [("overleg", "no overleg with this casus on its agenda")]
        return []

    def schrijf(uow: UnitOfWork, casus: Casus, regime: Regime, now: dt.datetime) -> Gegevens:
        afspraak = Afspraak(afspraak_id, casus.id, datum, overleg, now, gebruiker.partner_id)
        uow.plannen.add_afspraak(afspraak, tekst_ or "", regime)
        gemaakt.append(afspraak)
        return {"overleg": overleg}

    teksten = {AFSPRAAKTEKST: tekst_ or ""}
    wijziging = Planwijziging(Soort.AFSPRAAK, afspraak_id, "toegevoegd", problems, teksten, controle)
    planstap(services, gebruiker, casus_id, wijziging, schrijf, herkomst=herkomst, now=now)
    return gemaakt[0]


def opschaling_toevoegen(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    niveau: str,
    datum: dt.date,
    reden: str | None,
    *,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> Opschaling:
    """Escalate to a partner's management, the lokale driehoek or the bestuur, with the reden; it starts open.

    Raises:
        The errors of `stap.planstap`.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    een_van("niveau", niveau, [n.value for n in Niveau], problems)
    tekst(services.convenant, "reden", reden, ESCALATIETEKST, problems, verplicht=True)
    opschaling_id = new_id()
    gemaakt: list[Opschaling] = []

    def schrijf(uow: UnitOfWork, casus: Casus, regime: Regime, now: dt.datetime) -> Gegevens:
        opschaling = Opschaling(
            opschaling_id, casus.id, Niveau(niveau), datum, OpschalingStatus.OPEN, None, now, None, gebruiker.partner_id
        )
        uow.plannen.add_opschaling(opschaling, reden or "", regime)
        gemaakt.append(opschaling)
        return {"niveau": opschaling.niveau.value, "naar": opschaling.status.value}

    wijziging = Planwijziging(Soort.OPSCHALING, opschaling_id, "toegevoegd", problems, {ESCALATIETEKST: reden or ""})
    planstap(services, gebruiker, casus_id, wijziging, schrijf, herkomst=herkomst, now=now)
    return gemaakt[0]

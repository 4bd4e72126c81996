"""Following a casus's plan van aanpak: an actie's status (its owning partner or the regie) and deadline (the
regie), closing an opschaling with its uitkomst, and the AVE-fase of a casus about verward gedrag.

Invariants: those of the package (`service_layer.plan`). Every change is a history entry of the casus with its
from and to (`van`, `naar`): codes and dates, never a text. The AVE-fase is set only on a casus whose onderwerp
is verward gedrag (`ConflictError` otherwise) and only by its regie, in any open fase (from the triage on, the
regie may judge where the person stands).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

from service.domain.casus import Casus, Gebruiker, utcnow
from service.domain.convenant import Fase, Regime
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError
from service.domain.levensloop import Gebeurtenis, Handeling, regisseert
from service.domain.plan import (
    AVE_FASEN,
    AVE_ONDERWERP,
    ESCALATIETEKST,
    Actie,
    ActieStatus,
    Opschaling,
    OpschalingStatus,
    OpschalingUitkomst,
    Soort,
)
from service.service_layer.casus.aanlevering import Herkomst
from service.service_layer.casus.regie import Gegevens, Stap, regiestap, toelichting_lengte
from service.service_layer.plan.stap import Planwijziging, Toegang, een_van, planstap, tekst
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork


class _Wie(enum.Enum):
    REGIE = "regie"
    REGIE_OF_EIGENAAR = "regie-of-eigenaar"


def _actie_toegang(
    services: Services, gebruiker: Gebruiker, actie_id: str, wie: _Wie, gevonden: list[Actie]
) -> Toegang:
    """The right to change an actie: the regie, or (for its status) the owning partner; the actie must be one of
    the casus (else "not found")."""

    def toegang(uow: UnitOfWork, casus: Casus) -> None:
        actie = uow.plannen.actie(casus.id, actie_id)
        if actie is None:
            raise NietGevondenError("no such actie in this casus")
        eigenaar = wie is _Wie.REGIE_OF_EIGENAAR and actie.partner_id == gebruiker.partner_id
        if not eigenaar and not regisseert(services.convenant, casus, gebruiker):
            raise NietToegestaanError("only the regie of this casus or the actie's own partner may change this")
        gevonden.append(actie)

    return toegang


def actie_status(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    actie_id: str,
    status: str,
    *,
    now: dt.datetime | None = None,
) -> Actie:
    """Set an actie's status (open, in-uitvoering, afgerond, vervallen): its owning partner or the regie.

    Raises:
        The errors of `stap.planstap`; `NietGevondenError` also for an actie that is not one of the casus.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    een_van("status", status, [s.value for s in ActieStatus], problems)
    gevonden: list[Actie] = []

    def schrijf(uow: UnitOfWork, casus: Casus, regime: Regime, now: dt.datetime) -> Gegevens:
        uow.plannen.wijzig_actie(actie_id, now, status=ActieStatus(status))
        return {"van": gevonden[0].status.value, "naar": status}

    wijziging = Planwijziging(Soort.ACTIE, actie_id, "status", problems)
    toegang = _actie_toegang(services, gebruiker, actie_id, _Wie.REGIE_OF_EIGENAAR, gevonden)
    planstap(services, gebruiker, casus_id, wijziging, schrijf, toegang=toegang, now=now)
    return dataclasses.replace(gevonden[0], status=ActieStatus(status), gewijzigd_op=now)


def actie_deadline(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    actie_id: str,
    deadline: dt.date,
    *,
    now: dt.datetime | None = None,
) -> Actie:
    """Move an actie's deadline (the regie).

    Raises:
        The errors of `stap.planstap`; `NietGevondenError` also for an actie that is not one of the casus.
    """
    now = now or utcnow()
    gevonden: list[Actie] = []

    def schrijf(uow: UnitOfWork, casus: Casus, regime: Regime, now: dt.datetime) -> Gegevens:
        uow.plannen.wijzig_actie(actie_id, now, deadline=deadline)
        return {"van": gevonden[0].deadline.isoformat(), "naar": deadline.isoformat()}

    wijziging = Planwijziging(Soort.ACTIE, actie_id, "deadline", [])
    toegang = _actie_toegang(services, gebruiker, actie_id, _Wie.REGIE, gevonden)
    planstap(services, gebruiker, casus_id, wijziging, schrijf, toegang=toegang, now=now)
    return dataclasses.replace(gevonden[0], deadline=deadline, gewijzigd_op=now)


def opschaling_afronden(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    opschaling_id: str,
    uitkomst: str,
    toelichting: str | None = None,
    *,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> Opschaling:
    """Close an open opschaling with its uitkomst and, optionally, a toelichting (a text, encrypted) (the regie).

    Raises:
        The errors of `stap.planstap`; `NietGevondenError` for an opschaling that is not one of the casus,
        `ConflictError` for one already afgerond.
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    een_van("uitkomst", uitkomst, [u.value for u in OpschalingUitkomst], problems)
    tekst(services.convenant, "toelichting", toelichting, ESCALATIETEKST, problems, verplicht=False)
    afgerond: list[Opschaling] = []

    def schrijf(uow: UnitOfWork, casus: Casus, regime: Regime, now: dt.datetime) -> Gegevens:
        opschaling = uow.plannen.opschaling(casus.id, opschaling_id)
        if opschaling is None:
            raise NietGevondenError("no such opschaling in this casus")
        if opschaling.status is OpschalingStatus.AFGEROND:
            raise ConflictError("this opschaling is already afgerond")
        uow.plannen.rond_af(opschaling, OpschalingUitkomst(uitkomst), toelichting, regime, now)
        afgerond.append(opschaling)
        return {"van": opschaling.status.value, "naar": OpschalingStatus.AFGEROND.value, "uitkomst": uitkomst}

    teksten = {ESCALATIETEKST: toelichting} if toelichting else {}
    wijziging = Planwijziging(Soort.OPSCHALING, opschaling_id, "afgerond", problems, teksten)
    planstap(services, gebruiker, casus_id, wijziging, schrijf, herkomst=herkomst, now=now)
    return dataclasses.replace(
        afgerond[0], status=OpschalingStatus.AFGEROND, uitkomst=OpschalingUitkomst(uitkomst), afgerond_op=now
    )


def ave_fase(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    fase: int,
    toelichting: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Gebeurtenis:
    """Set the AVE-fase (1-4) of a casus about verward gedrag (the regie); the history entry says from and to.

    Raises:
        NietGevondenError: no such casus for this partner.
        NietToegestaanError: the gebruiker does not hold the regie of the casus.
        OngeldigeInvoerError: a fase outside 1-4, or a toelichting that is too long.
        ConflictError: the casus is not about verward gedrag, is closed, or is already in that fase.
    """
    problems: list[tuple[str, str]] = []
    if fase not in AVE_FASEN:
        problems.append(("fase", f"between {AVE_FASEN[0]} and {AVE_FASEN[-1]}"))
    problems.extend(toelichting_lengte(toelichting))

    def wijzig(uow: UnitOfWork, casus: Casus, now: dt.datetime) -> tuple[Fase, Gegevens]:
        if AVE_ONDERWERP not in (casus.hoofdonderwerp, *casus.nevenonderwerpen):
            raise ConflictError(f"an AVE-fase belongs only to a casus about {AVE_ONDERWERP}")
        huidig = uow.plannen.ave_fase(casus.id)
        if huidig is not None and huidig.fase == fase:
            raise ConflictError(f"the casus is already in AVE-fase {fase}")
        uow.plannen.set_ave_fase(casus.id, fase, now)
        return casus.fase, {"van": huidig.fase if huidig else None, "naar": fase}

    stap = Stap(Handeling.AVE_FASE, toelichting, problems, open_vereist=True)
    return regiestap(services, gebruiker, casus_id, stap, wijzig, now=now)

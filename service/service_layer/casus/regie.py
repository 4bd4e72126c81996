"""The one sequence of every lifecycle change of a casus, and the checks it is made of.

Invariants:
- Every change checks, in this order: the caller's partner actively takes part in the casus and the caller has
  a rol that takes part in casussen (else `NietGevondenError`, the same as for a casus that does not exist),
  the caller holds the regie (`domain.levensloop.regisseert`, else `NietToegestaanError`), the input
  (`OngeldigeInvoerError`, every problem at once), the fase (`ConflictError` for a closed casus, or the change's
  own refusal). Nothing is written unless all checks pass; the change and its history entry commit in one
  unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from service.domain.casus import Casus, Gebruiker, neemt_deel, new_id, utcnow
from service.domain.convenant import Convenant, Fase, Regime
from service.domain.errors import (
    ConflictError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
    OngeldigeOvergangError,
)
from service.domain.levensloop import (
    CASUSROLLEN,
    OPEN,
    Gebeurtenis,
    Handeling,
    regisseert,
    toegestaan_vanuit,
    toegestane_besluiten,
    volgende_fase,
)
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

MAX_TOELICHTING = 2000

Gegevens = Mapping[str, str | int | None]


@dataclass(frozen=True, slots=True)
class Stap:
    """A lifecycle change as `regiestap` runs it: what it records, and the checks it needs."""

    handeling: Handeling
    toelichting: str | None
    problemen: list[tuple[str, str]]  # input problems found before the casus was read
    controle: Callable[[Casus, dt.datetime], list[tuple[str, str]]] | None = None  # input problems given the casus
    open_vereist: bool = False  # refused (ConflictError) once the casus is in a final fase


def regiestap(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    stap: Stap,
    wijzig: Callable[[UnitOfWork, Casus, dt.datetime], tuple[Fase, Gegevens]],
    *,
    now: dt.datetime | None,
) -> Gebeurtenis:
    """Run one lifecycle change: unit of work, regie check, input (every problem at once), open check, the change
    itself (`wijzig`, which may refuse with its own conflict), history entry, commit. Nothing is written unless
    every check passed: a raise anywhere rolls the unit of work back.

    Raises:
        NietGevondenError, NietToegestaanError: from `vereis_regie`.
        OngeldigeInvoerError: the step's problems, with those its `controle` finds given the casus.
        ConflictError: the step needs an open casus and it is closed; or `wijzig` refuses.
        OngeldigeOvergangError: `wijzig` found no transition from the casus's fase.
    """
    now = now or utcnow()
    with services.uow() as uow:
        casus = vereis_regie(uow, services.convenant, gebruiker, casus_id, now)
        weiger_invoer(stap.problemen + (stap.controle(casus, now) if stap.controle else []))
        if stap.open_vereist:
            vereis_open(casus)
        naar, gegevens = wijzig(uow, casus, now)
        entry = gebeurtenis(casus, gebruiker, now, stap.handeling, naar, stap.toelichting, gegevens)
        uow.historie.add(entry, Regime.of(casus.casustype))
        uow.casussen.touch(casus.id, entry.tijd)
        uow.commit()
    return entry


def overgang(casus: Casus, besluit: str) -> Fase:
    naar = volgende_fase(casus.fase, besluit)
    if naar is None:
        raise OngeldigeOvergangError(casus.fase.value, toegestaan_vanuit(casus.fase), toegestane_besluiten(casus.fase))
    return naar


def deelnemend(uow: UnitOfWork, gebruiker: Gebruiker, casus_id: str, now: dt.datetime) -> Casus:
    casus = uow.casussen.get(casus_id)
    if casus is None or gebruiker.rol not in CASUSROLLEN or not neemt_deel(casus, gebruiker.partner_id, now):
        raise NietGevondenError("no such casus for this partner")
    return casus


def vereis_regie(uow: UnitOfWork, convenant: Convenant, gebruiker: Gebruiker, casus_id: str, now: dt.datetime) -> Casus:
    """The casus, if `gebruiker` takes part in it and holds its regie.

    Raises:
        NietGevondenError: no such casus for this partner (or this rol never takes part).
        NietToegestaanError: the gebruiker takes part but does not hold the regie.
    """
    casus = deelnemend(uow, gebruiker, casus_id, now)
    if not regisseert(convenant, casus, gebruiker):
        raise NietToegestaanError("only the regie of this casus may do this")
    return casus


def vereis_open(casus: Casus) -> None:
    if casus.fase not in OPEN:
        raise ConflictError(f"the casus is {casus.fase.value}; its deelnemers and prioriteit are final")


def vereis_toelichting(toelichting: str | None, problems: list[tuple[str, str]]) -> None:
    if not toelichting or not toelichting.strip():
        problems.append(("toelichting", "required: say why"))
    elif len(toelichting) > MAX_TOELICHTING:
        problems.append(("toelichting", f"at most {MAX_TOELICHTING} characters"))


def toelichting_lengte(toelichting: str | None) -> list[tuple[str, str]]:
    if toelichting is not None and len(toelichting) > MAX_TOELICHTING:
        return [("toelichting", f"at most {MAX_TOELICHTING} characters")]
    return []


def weiger_invoer(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise OngeldigeInvoerError(problems)


def gebeurtenis(
    casus: Casus,
    gebruiker: Gebruiker,
    now: dt.datetime,
    handeling: Handeling,
    naar: Fase,
    toelichting: str | None,
    gegevens: Mapping[str, str | int | None],
) -> Gebeurtenis:
    return Gebeurtenis(
        id=new_id(),
        casus_id=casus.id,
        tijd=now,
        partner_id=gebruiker.partner_id,
        gebruiker_id=gebruiker.id,
        rol=gebruiker.rol,
        handeling=handeling,
        van_fase=casus.fase,
        naar_fase=naar,
        toelichting=toelichting or None,
        gegevens=dict(gegevens),
    )

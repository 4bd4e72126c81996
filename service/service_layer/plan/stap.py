"""The one sequence of every change to a casus's plan van aanpak, and the input checks the changes share.

Invariants: those of the package (`service_layer.plan`): who, input, fase, bronregels, then one unit of work
holding the change, its history entry and its aanlevering record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from service.domain.casus import Casus, Gebruiker, utcnow
from service.domain.convenant import Convenant, Fase, Regime
from service.domain.errors import ConflictError, NietToegestaanError
from service.domain.levensloop import Gebeurtenis, Handeling, regisseert
from service.domain.plan import Soort
from service.service_layer.casus import aanlevering
from service.service_layer.casus.aanlevering import BIJDRAGE, Herkomst
from service.service_layer.casus.regie import Gegevens, deelnemend, gebeurtenis, weiger_invoer
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

PLANFASEN = frozenset({Fase.PROCESREGIE, Fase.ADVIES})  # the fasen a plan van aanpak is made and followed in

Schrijf = Callable[[UnitOfWork, Casus, Regime, dt.datetime], Gegevens]
Controle = Callable[[UnitOfWork, Casus, dt.datetime], list[tuple[str, str]]]
Toegang = Callable[[UnitOfWork, Casus], None]


@dataclass(frozen=True, slots=True)
class Planwijziging:
    """One change to a plan as `planstap` runs it."""

    soort: Soort
    item: str  # the id of the item added or changed
    wijziging: str  # toegevoegd, status, deadline, afgerond
    problemen: list[tuple[str, str]]  # input problems found before the casus was read
    teksten: Mapping[str, str] = field(default_factory=dict)  # veld -> the text supplied (an aanlevering)
    controle: Controle | None = None  # input problems given the casus (and its plan)


def regie(convenant: Convenant, gebruiker: Gebruiker) -> Toegang:
    """The usual right: only the regie of the casus."""

    def toegang(_uow: UnitOfWork, casus: Casus) -> None:
        if not regisseert(convenant, casus, gebruiker):
            raise NietToegestaanError("only the regie of this casus may change its plan van aanpak")

    return toegang


def planstap(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    wijziging: Planwijziging,
    schrijf: Schrijf,
    *,
    toegang: Toegang | None = None,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> Gebeurtenis:
    """Run one change: deelname, right (`toegang`, default the regie), input, fase, bronregels for its texts,
    the change itself (`schrijf`), history entry, commit.

    Raises:
        NietGevondenError: no such casus for this partner (or no such item, from `toegang`).
        NietToegestaanError: the gebruiker may not make this change; or the bronregels refuse its text (logged).
        OngeldigeInvoerError: every input problem at once.
        ConflictError: the casus is not in procesregie or advies, or the item does not admit the change.
        CasusVernietigdError: the casus's data was destroyed.
        LogNietBeschikbaarError: the aanlevering or its refusal could not be logged (nothing stored).
    """
    now = now or utcnow()
    geweigerd: aanlevering.Aanlevering | None = None
    with services.uow() as uow:
        casus = deelnemend(uow, gebruiker, casus_id, now)
        (toegang or regie(services.convenant, gebruiker))(uow, casus)
        weiger_invoer(wijziging.problemen + (wijziging.controle(uow, casus, now) if wijziging.controle else []))
        vereis_planfase(casus)
        if wijziging.teksten:
            ingang = aanlevering.beoordeel_in(
                services,
                uow,
                gebruiker,
                (casus.id, casus.casustype, casus.fase),
                BIJDRAGE,
                {(None, veld): tekst for veld, tekst in wijziging.teksten.items()},
                tuple(b.id for b in casus.betrokkenen),
                herkomst or Herkomst(),
                now,
            )
            if ingang.besluit.weigering is not None:
                geweigerd = ingang
            else:
                aanlevering.log_in(services, uow, ingang)
        if geweigerd is None:
            regime = Regime.of(casus.casustype)
            gegevens: dict[str, str | int | None] = {
                "soort": wijziging.soort.value,
                "id": wijziging.item,
                "wijziging": wijziging.wijziging,
            }
            gegevens.update(schrijf(uow, casus, regime, now))
            entry = gebeurtenis(casus, gebruiker, now, Handeling.PLAN, casus.fase, None, gegevens)
            uow.historie.add(entry, regime)
            uow.casussen.touch(casus.id, now)
            uow.commit()
    if geweigerd is not None:
        raise aanlevering.weiger(services, geweigerd)
    return entry


def vereis_planfase(casus: Casus) -> None:
    if casus.fase not in PLANFASEN:
        raise ConflictError(f"the casus is {casus.fase.value}; a plan van aanpak is kept in procesregie or advies")


def tekst(
    convenant: Convenant, naam: str, waarde: str | None, veld: str, problems: list[tuple[str, str]], *, verplicht: bool
) -> None:
    """Check a text for the veld it counts as: present when required, not blank, at most its max_lengte."""
    if waarde is None or not waarde.strip():
        if verplicht or waarde is not None:
            problems.append((naam, "required: a text that is not blank"))
        return
    definitie = convenant.veld(veld)
    maximum = definitie.max_lengte if definitie is not None else None
    if maximum is not None and len(waarde) > maximum:
        problems.append((naam, f"at most {maximum} characters"))


def een_van(naam: str, waarde: str, toegestaan: Sequence[str], problems: list[tuple[str, str]]) -> None:
    if waarde not in toegestaan:
        problems.append((naam, f"must be one of: {', '.join(toegestaan)}"))

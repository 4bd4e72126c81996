"""Use cases of the casus lifecycle: triage, deelnemers, prioritering, afsluiting and the history.

Invariants:
- Every action checks, in this order: the caller's partner actively takes part in the casus and the caller
  has a rol that takes part in casussen (an fg or beheerder never does) (else `NietGevondenError`, the same as
  for a casus that does not exist), the caller holds the regie of the casus
  (`domain.levensloop.regisseert`, else `NietToegestaanError`), the input (`OngeldigeInvoerError`, every problem
  at once), and the fase (`OngeldigeOvergangError` naming the allowed transitions, or `ConflictError`).
  Nothing is written unless all checks pass; the change and its history entry commit in one unit of work.
- A final fase (afgewezen, afgesloten) ends every deelname, except, in a regular casus, that of the Bureau ZVH
  (it keeps the account of the casus) and, after an overdracht, the receiving partner, which takes part from
  then on as `deelnemer` so that it can ask for the doel `overdracht` (the register allows it after afsluiting).
  A CTER casus has no overdracht; when it closes nobody takes part any longer.
- CTER: weegploeg partners take part by right (from the aanmelding); any other partner only on an invitation
  naming a grondslag of the CTER register and a toelichting. Withdrawing the invitation ends its access at once.
"""

from __future__ import annotations

import datetime as dt

from service.domain.casus import Casus, Deelname, Gebruiker, neemt_deel, utcnow
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.errors import ConflictError
from service.domain.levensloop import (
    AFSLUITING,
    EERDERE_BESLUITEN,
    PRIORITEIT_MAX,
    PRIORITEIT_MIN,
    Besluit,
    Gebeurtenis,
    Handeling,
    Uitkomst,
)
from service.domain.veldwaarde import JsonWaarde
from service.service_layer.casus import aanlevering
from service.service_layer.casus.aanlevering import BIJDRAGE, Herkomst
from service.service_layer.casus.deelname import (
    Uitnodiging,
    beeindig_deelnames,
    blijft_na_afsluiting,
    overdracht_problemen,
    uitnodiging_problemen,
    van_rechtswege,
    weegploeg,
)
from service.service_layer.casus.regie import (
    MAX_TOELICHTING,
    Gegevens,
    Stap,
    deelnemend,
    gebeurtenis,
    overgang,
    regiestap,
    toelichting_lengte,
    vereis_regie,
    vereis_toelichting,
)
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

__all__ = [
    "MAX_TOELICHTING",
    "Uitnodiging",
    "aanmelding_entry",
    "afsluiten",
    "deelnemer_toevoegen",
    "deelnemer_verwijderen",
    "historie",
    "lees",
    "prioriteren",
    "triage",
    "vereis_regie",
    "weegploeg",
]


def triage(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    besluit: str,
    toelichting: str | None,
    *,
    now: dt.datetime | None = None,
) -> Gebeurtenis:
    """Start the triage of an aanmelding, or decide it: procesregie, uitgebreid-advies (`advies`, the value
    before the besluit named its soort, is still accepted and recorded as uitgebreid-advies) or afgewezen.

    Raises:
        NietGevondenError: no such casus for this partner.
        NietToegestaanError: the gebruiker does not hold the regie of the casus.
        OngeldigeInvoerError: unknown besluit or missing toelichting.
        OngeldigeOvergangError: the besluit does not fit the fase (the allowed transitions and besluiten are named).
    """
    problems: list[tuple[str, str]] = []
    besluit = EERDERE_BESLUITEN.get(besluit, besluit)
    if besluit not in {b.value for b in Besluit}:
        problems.append(("besluit", f"must be one of: {', '.join(b.value for b in Besluit)}"))
    vereis_toelichting(toelichting, problems)

    def wijzig(uow: UnitOfWork, casus: Casus, now: dt.datetime) -> tuple[Fase, Gegevens]:
        naar = overgang(casus, besluit)
        uow.casussen.set_fase(casus.id, naar, now)
        if naar is Fase.AFGEWEZEN:
            beeindig_deelnames(uow, services.convenant, casus, now)
        return naar, {"besluit": besluit}

    stap = Stap(Handeling.TRIAGE, toelichting, problems)
    return regiestap(services, gebruiker, casus_id, stap, wijzig, now=now)


def deelnemer_toevoegen(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    uitnodiging: Uitnodiging,
    *,
    now: dt.datetime | None = None,
) -> Gebeurtenis:
    """Add a partner to a casus with its rol there (in a CTER casus: an invitation with grondslag and toelichting).

    Raises:
        NietGevondenError: no such casus for this partner.
        NietToegestaanError: the gebruiker does not hold the regie of the casus.
        OngeldigeInvoerError: unknown partner or rol, a partner outside the casustype's convenant, a CTER
            invitation without a grondslag of the CTER register or without toelichting.
        ConflictError: the casus is closed, or the partner already takes part.
    """
    convenant = services.convenant

    def controle(casus: Casus, now: dt.datetime) -> list[tuple[str, str]]:
        return uitnodiging_problemen(convenant, casus, uitnodiging, now)

    def wijzig(uow: UnitOfWork, casus: Casus, now: dt.datetime) -> tuple[Fase, Gegevens]:
        if neemt_deel(casus, uitnodiging.partner, now):
            raise ConflictError("this partner already takes part in the casus")
        uow.casussen.add_deelname(
            Deelname(casus.id, uitnodiging.partner, uitnodiging.rol, now, grondslag=uitnodiging.grondslag)
        )
        return casus.fase, {"partner": uitnodiging.partner, "rol": uitnodiging.rol, "grondslag": uitnodiging.grondslag}

    stap = Stap(Handeling.DEELNEMER_TOEGEVOEGD, uitnodiging.toelichting, [], controle, open_vereist=True)
    return regiestap(services, gebruiker, casus_id, stap, wijzig, now=now)


def deelnemer_verwijderen(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    partner_id: str,
    toelichting: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Gebeurtenis:
    """End a partner's deelname (withdraw its invitation): from now on it gets nothing of this casus.

    Raises:
        NietGevondenError: no such casus for this partner.
        NietToegestaanError: the gebruiker does not hold the regie of the casus.
        OngeldigeInvoerError: a toelichting that is too long.
        ConflictError: the casus is closed, the partner does not take part, or it takes part by right (the
            Bureau ZVH in a regular casus, a weegploeg partner in a CTER casus).
    """

    def wijzig(uow: UnitOfWork, casus: Casus, now: dt.datetime) -> tuple[Fase, Gegevens]:
        if not neemt_deel(casus, partner_id, now):
            raise ConflictError("this partner does not take part in the casus")
        if partner_id in van_rechtswege(services.convenant, casus):
            raise ConflictError("this partner takes part by right and cannot be removed")
        uow.casussen.end_deelnames(casus.id, now, partner_id=partner_id)
        return casus.fase, {"partner": partner_id}

    stap = Stap(Handeling.DEELNEMER_VERWIJDERD, toelichting, toelichting_lengte(toelichting), open_vereist=True)
    return regiestap(services, gebruiker, casus_id, stap, wijzig, now=now)


def prioriteren(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    prioriteit: int | None,
    toelichting: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Gebeurtenis:
    """Set (or clear, with None) the prioriteit of an open casus in the werkvoorraad (1 most urgent, 5 least).

    Raises:
        NietGevondenError: no such casus for this partner.
        NietToegestaanError: the gebruiker does not hold the regie of the casus.
        OngeldigeInvoerError: a prioriteit outside 1..5 or a toelichting that is too long.
        ConflictError: the casus is closed.
    """
    problems: list[tuple[str, str]] = []
    if prioriteit is not None and not PRIORITEIT_MIN <= prioriteit <= PRIORITEIT_MAX:
        problems.append(("prioriteit", f"between {PRIORITEIT_MIN} and {PRIORITEIT_MAX}"))
    problems.extend(toelichting_lengte(toelichting))

    def wijzig(uow: UnitOfWork, casus: Casus, now: dt.datetime) -> tuple[Fase, Gegevens]:
        uow.casussen.set_prioriteit(casus.id, prioriteit, now)
        return casus.fase, {"prioriteit": prioriteit}

    stap = Stap(Handeling.PRIORITERING, toelichting, problems, open_vereist=True)
    return regiestap(services, gebruiker, casus_id, stap, wijzig, now=now)


def afsluiten(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    uitkomst: str,
    toelichting: str | None = None,
    overdracht: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Gebeurtenis:
    """Close a casus with its uitkomst and, optionally, a warm overdracht to a partner or another ZVH region.

    Raises:
        NietGevondenError: no such casus for this partner.
        NietToegestaanError: the gebruiker does not hold the regie of the casus.
        OngeldigeInvoerError: unknown uitkomst; an overdracht to an unknown partner, to a partner outside the
            convenant, in a casustype whose register has no doel overdracht; uitkomst overgedragen without one.
        OngeldigeOvergangError: the casus is not in procesregie or advies.
    """
    convenant = services.convenant
    problems: list[tuple[str, str]] = []
    if uitkomst not in {u.value for u in Uitkomst}:
        problems.append(("uitkomst", f"must be one of: {', '.join(u.value for u in Uitkomst)}"))
    if uitkomst == Uitkomst.OVERGEDRAGEN and overdracht is None:
        problems.append(("overdracht", "uitkomst overgedragen names the partner or region it was transferred to"))
    problems.extend(toelichting_lengte(toelichting))

    def controle(casus: Casus, now: dt.datetime) -> list[tuple[str, str]]:
        return overdracht_problemen(convenant, casus, overdracht, now) if overdracht is not None else []

    def wijzig(uow: UnitOfWork, casus: Casus, now: dt.datetime) -> tuple[Fase, Gegevens]:
        naar = overgang(casus, AFSLUITING)
        _vul_afsluiting(services, uow, gebruiker, casus, (uitkomst, overdracht), now)
        uow.casussen.set_fase(casus.id, naar, now)
        beeindig_deelnames(uow, convenant, casus, now)
        if overdracht is not None and not blijft_na_afsluiting(convenant, casus, overdracht):
            uow.casussen.add_deelname(Deelname(casus.id, overdracht, "deelnemer", now))
        return naar, {"uitkomst": uitkomst, "overdracht": overdracht}

    stap = Stap(Handeling.AFSLUITING, toelichting, problems, controle)
    return regiestap(services, gebruiker, casus_id, stap, wijzig, now=now)


def _vul_afsluiting(
    services: Services,
    uow: UnitOfWork,
    gebruiker: Gebruiker,
    casus: Casus,
    afsluiting: tuple[str, str | None],
    now: dt.datetime,
) -> None:
    """In the afsluiting's transaction: the regie holder supplies the casus velden `afsluitreden` (the uitkomst,
    one vocabulary) and `overdrachtAan` (the partner that took over, by name), as its aanlevering under the
    bronregels, so the aanmelder's terugkoppeling (doel `terugkoppeling`) can release them. A CTER casus has no
    terugkoppeling (under the Wet PGA the burgemeester informs): nothing is filled in there.

    Raises:
        NietToegestaanError: the bronregels do not let the regie holder supply them (the refusal is logged).
    """
    if casus.casustype is not Casustype.REGULIER:
        return
    uitkomst, overdracht = afsluiting
    values: dict[tuple[str | None, str], JsonWaarde] = {(None, "afsluitreden"): uitkomst}
    if overdracht is not None:
        partner = services.convenant.partner(overdracht)
        values[(None, "overdrachtAan")] = partner.naam if partner else overdracht
    ids = tuple(b.id for b in casus.betrokkenen)
    ingang = aanlevering.beoordeel_in(
        services, uow, gebruiker, (casus.id, casus.casustype, casus.fase), BIJDRAGE, values, ids, Herkomst(), now
    )
    if ingang.besluit.weigering is not None:
        raise aanlevering.weiger(services, ingang)
    aanlevering.sla_op(services, uow, ingang, (casus.id, Regime.of(casus.casustype)), values, now)


def historie(
    services: Services, gebruiker: Gebruiker, casus_id: str, *, now: dt.datetime | None = None
) -> list[Gebeurtenis]:
    """The history of a casus for a partner that actively takes part in it, oldest first.

    Raises:
        NietGevondenError: no such casus for this partner (also after its deelname ended).
    """
    now = now or utcnow()
    with services.uow() as uow:
        casus = deelnemend(uow, gebruiker, casus_id, now)
        return uow.historie.list(casus.id, Regime.of(casus.casustype))


def lees(services: Services, gebruiker: Gebruiker, casus_id: str, *, now: dt.datetime | None = None) -> Casus:
    """A casus's metadata with its betrokkenen ids and deelnames, for a partner that actively takes part.

    Raises:
        NietGevondenError: no such casus for this partner.
    """
    now = now or utcnow()
    with services.uow() as uow:
        return deelnemend(uow, gebruiker, casus_id, now)


def aanmelding_entry(casus: Casus, gebruiker: Gebruiker, now: dt.datetime) -> Gebeurtenis:
    """The first history entry of a casus: its aanmelding."""
    return gebeurtenis(
        casus, gebruiker, now, Handeling.AANMELDING, Fase.AANMELDING, None, {"casustype": casus.casustype}
    )

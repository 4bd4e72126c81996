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
from collections.abc import Mapping
from dataclasses import dataclass

from service.domain.casus import Casus, Deelname, Gebruiker, new_id, utcnow
from service.domain.convenant import Casustype, Convenant, Fase, Regime
from service.domain.errors import (
    ConflictError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
    OngeldigeOvergangError,
)
from service.domain.levensloop import (
    AFSLUITING,
    CASUSROLLEN,
    OPEN,
    PRIORITEIT_MAX,
    PRIORITEIT_MIN,
    Besluit,
    Gebeurtenis,
    Handeling,
    Uitkomst,
    regisseert,
    toegestaan_vanuit,
    volgende_fase,
)
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

MAX_TOELICHTING = 2000


@dataclass(frozen=True, slots=True)
class Uitnodiging:
    """A partner to add to a casus, with its rol there; for CTER also the grondslag of the invitation."""

    partner: str
    rol: str
    toelichting: str | None = None
    grondslag: str | None = None


def triage(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    besluit: str,
    toelichting: str | None,
    *,
    now: dt.datetime | None = None,
) -> Gebeurtenis:
    """Start the triage of an aanmelding, or decide it: procesregie, advies or afgewezen.

    Raises:
        NietGevondenError: no such casus for this partner.
        NietToegestaanError: the gebruiker does not hold the regie of the casus.
        OngeldigeInvoerError: unknown besluit or missing toelichting.
        OngeldigeOvergangError: the besluit does not fit the fase (the allowed transitions are named).
    """
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    if besluit not in {b.value for b in Besluit}:
        problems.append(("besluit", f"must be one of: {', '.join(b.value for b in Besluit)}"))
    _require_toelichting(toelichting, problems)
    with services.uow() as uow:
        casus = vereis_regie(uow, services.convenant, gebruiker, casus_id, now)
        _raise(problems)
        naar = volgende_fase(casus.fase, besluit)
        if naar is None:
            raise OngeldigeOvergangError(casus.fase.value, toegestaan_vanuit(casus.fase))
        uow.casussen.set_fase(casus.id, naar, now)
        if naar is Fase.AFGEWEZEN:
            _end_all(uow, services.convenant, casus, now)
        entry = _entry(casus, gebruiker, now, Handeling.TRIAGE, naar, toelichting, {"besluit": besluit})
        _save(uow, casus, entry)
    return entry


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
    now = now or utcnow()
    convenant = services.convenant
    with services.uow() as uow:
        casus = vereis_regie(uow, convenant, gebruiker, casus_id, now)
        problems = _check_uitnodiging(convenant, casus, uitnodiging, now)
        _raise(problems)
        _require_open(casus)
        if _active(casus, uitnodiging.partner, now):
            raise ConflictError("this partner already takes part in the casus")
        uow.casussen.add_deelname(
            Deelname(casus.id, uitnodiging.partner, uitnodiging.rol, now, grondslag=uitnodiging.grondslag)
        )
        gegevens = {"partner": uitnodiging.partner, "rol": uitnodiging.rol, "grondslag": uitnodiging.grondslag}
        entry = _entry(
            casus, gebruiker, now, Handeling.DEELNEMER_TOEGEVOEGD, casus.fase, uitnodiging.toelichting, gegevens
        )
        _save(uow, casus, entry)
    return entry


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
    now = now or utcnow()
    convenant = services.convenant
    problems: list[tuple[str, str]] = []
    if toelichting is not None and len(toelichting) > MAX_TOELICHTING:
        problems.append(("toelichting", f"at most {MAX_TOELICHTING} characters"))
    with services.uow() as uow:
        casus = vereis_regie(uow, convenant, gebruiker, casus_id, now)
        _raise(problems)
        _require_open(casus)
        if not _active(casus, partner_id, now):
            raise ConflictError("this partner does not take part in the casus")
        if partner_id in _by_right(convenant, casus):
            raise ConflictError("this partner takes part by right and cannot be removed")
        uow.casussen.end_deelnames(casus.id, now, partner_id=partner_id)
        entry = _entry(
            casus, gebruiker, now, Handeling.DEELNEMER_VERWIJDERD, casus.fase, toelichting, {"partner": partner_id}
        )
        _save(uow, casus, entry)
    return entry


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
    now = now or utcnow()
    problems: list[tuple[str, str]] = []
    if prioriteit is not None and not PRIORITEIT_MIN <= prioriteit <= PRIORITEIT_MAX:
        problems.append(("prioriteit", f"between {PRIORITEIT_MIN} and {PRIORITEIT_MAX}"))
    if toelichting is not None and len(toelichting) > MAX_TOELICHTING:
        problems.append(("toelichting", f"at most {MAX_TOELICHTING} characters"))
    with services.uow() as uow:
        casus = vereis_regie(uow, services.convenant, gebruiker, casus_id, now)
        _raise(problems)
        _require_open(casus)
        uow.casussen.set_prioriteit(casus.id, prioriteit, now)
        entry = _entry(
            casus, gebruiker, now, Handeling.PRIORITERING, casus.fase, toelichting, {"prioriteit": prioriteit}
        )
        _save(uow, casus, entry)
    return entry


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
    now = now or utcnow()
    convenant = services.convenant
    problems: list[tuple[str, str]] = []
    if uitkomst not in {u.value for u in Uitkomst}:
        problems.append(("uitkomst", f"must be one of: {', '.join(u.value for u in Uitkomst)}"))
    if uitkomst == Uitkomst.OVERGEDRAGEN and overdracht is None:
        problems.append(("overdracht", "uitkomst overgedragen names the partner or region it was transferred to"))
    if toelichting is not None and len(toelichting) > MAX_TOELICHTING:
        problems.append(("toelichting", f"at most {MAX_TOELICHTING} characters"))
    with services.uow() as uow:
        casus = vereis_regie(uow, convenant, gebruiker, casus_id, now)
        if overdracht is not None:
            problems.extend(_check_overdracht(convenant, casus, overdracht, now))
        _raise(problems)
        naar = volgende_fase(casus.fase, AFSLUITING)
        if naar is None:
            raise OngeldigeOvergangError(casus.fase.value, toegestaan_vanuit(casus.fase))
        uow.casussen.set_fase(casus.id, naar, now)
        _end_all(uow, convenant, casus, now)
        if overdracht is not None and not _active_after_close(convenant, casus, overdracht):
            uow.casussen.add_deelname(Deelname(casus.id, overdracht, "deelnemer", now))
        gegevens = {"uitkomst": uitkomst, "overdracht": overdracht}
        entry = _entry(casus, gebruiker, now, Handeling.AFSLUITING, naar, toelichting, gegevens)
        _save(uow, casus, entry)
    return entry


def historie(
    services: Services, gebruiker: Gebruiker, casus_id: str, *, now: dt.datetime | None = None
) -> list[Gebeurtenis]:
    """The history of a casus for a partner that actively takes part in it, oldest first.

    Raises:
        NietGevondenError: no such casus for this partner (also after its deelname ended).
    """
    now = now or utcnow()
    with services.uow() as uow:
        casus = _participating(uow, gebruiker, casus_id, now)
        return uow.historie.list(casus.id, Regime.of(casus.casustype))


def lees(services: Services, gebruiker: Gebruiker, casus_id: str, *, now: dt.datetime | None = None) -> Casus:
    """A casus's metadata with its betrokkenen ids and deelnames, for a partner that actively takes part.

    Raises:
        NietGevondenError: no such casus for this partner.
    """
    now = now or utcnow()
    with services.uow() as uow:
        return _participating(uow, gebruiker, casus_id, now)


def aanmelding_entry(casus: Casus, gebruiker: Gebruiker, now: dt.datetime) -> Gebeurtenis:
    """The first history entry of a casus: its aanmelding."""
    return _entry(casus, gebruiker, now, Handeling.AANMELDING, Fase.AANMELDING, None, {"casustype": casus.casustype})


def weegploeg(convenant: Convenant, gemeente: str) -> list[str]:
    """The partners that take part in a CTER casus about `gemeente` by right: its gemeente (veiligheid), and
    every politie and OM partner of the CTER convenant. A gemeente's veiligheid partner is found by the
    convenant's naming convention `gemeente-<gemeente>-veiligheid`.
    """
    document = convenant.document(Casustype.CTER)
    if document is None:
        return []
    out = []
    for partner in convenant.partners:
        if document.id not in partner.convenanten or partner.type not in document.weegploeg:
            continue
        if partner.type == "gemeente-veiligheid" and partner.id != f"gemeente-{gemeente}-veiligheid":
            continue
        out.append(partner.id)
    return out


# --- checks ---------------------------------------------------------------------------------------------------


def _participating(uow: UnitOfWork, gebruiker: Gebruiker, casus_id: str, now: dt.datetime) -> Casus:
    casus = uow.casussen.get(casus_id)
    if casus is None or gebruiker.rol not in CASUSROLLEN or not _active(casus, gebruiker.partner_id, now):
        raise NietGevondenError("no such casus for this partner")
    return casus


def vereis_regie(uow: UnitOfWork, convenant: Convenant, gebruiker: Gebruiker, casus_id: str, now: dt.datetime) -> Casus:
    """The casus, if `gebruiker` takes part in it and holds its regie.

    Raises:
        NietGevondenError: no such casus for this partner (or this rol never takes part).
        NietToegestaanError: the gebruiker takes part but does not hold the regie.
    """
    casus = _participating(uow, gebruiker, casus_id, now)
    if not regisseert(convenant, casus, gebruiker):
        raise NietToegestaanError("only the regie of this casus may do this")
    return casus


def _active(casus: Casus, partner_id: str, now: dt.datetime) -> bool:
    return any(d.partner_id == partner_id and d.actief(now) for d in casus.deelnames)


def _require_open(casus: Casus) -> None:
    if casus.fase not in OPEN:
        raise ConflictError(f"the casus is {casus.fase.value}; its deelnemers and prioriteit are final")


def _require_toelichting(toelichting: str | None, problems: list[tuple[str, str]]) -> None:
    if not toelichting or not toelichting.strip():
        problems.append(("toelichting", "required: say why"))
    elif len(toelichting) > MAX_TOELICHTING:
        problems.append(("toelichting", f"at most {MAX_TOELICHTING} characters"))


def _raise(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise OngeldigeInvoerError(problems)


def _check_uitnodiging(
    convenant: Convenant, casus: Casus, uitnodiging: Uitnodiging, now: dt.datetime
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    document = convenant.document(casus.casustype)
    partner = convenant.partner(uitnodiging.partner)
    if partner is None:
        problems.append(("partner", "unknown partner"))
    elif document is None or document.id not in partner.convenanten:
        problems.append(("partner", f"this partner did not sign the convenant for casustype '{casus.casustype}'"))
    if uitnodiging.rol not in CASUSROLLEN:
        problems.append(("rol", f"must be one of: {', '.join(CASUSROLLEN)}"))
    if uitnodiging.toelichting is not None and len(uitnodiging.toelichting) > MAX_TOELICHTING:
        problems.append(("toelichting", f"at most {MAX_TOELICHTING} characters"))
    invited = casus.casustype is Casustype.CTER and uitnodiging.partner not in _by_right(convenant, casus)
    if invited:
        if uitnodiging.grondslag not in _register_grondslagen(convenant, casus.casustype, now):
            problems.append(("grondslag", "an invitation names a grondslag of the CTER register"))
        if not uitnodiging.toelichting or not uitnodiging.toelichting.strip():
            problems.append(("toelichting", "required for an invitation: say why this partner is needed"))
    elif uitnodiging.grondslag is not None:
        problems.append(("grondslag", "only an invitation to a CTER casus names a grondslag"))
    return problems


def _check_overdracht(convenant: Convenant, casus: Casus, partner_id: str, now: dt.datetime) -> list[tuple[str, str]]:
    if convenant.verwerkingsactiviteit(casus.casustype, "overdracht", now.date()) is None:
        return [("overdracht", f"the register has no doel overdracht for casustype '{casus.casustype}'")]
    partner = convenant.partner(partner_id)
    document = convenant.document(casus.casustype)
    if partner is None:
        return [("overdracht", "unknown partner")]
    if document is None or document.id not in partner.convenanten:
        return [("overdracht", "this partner did not sign the convenant of the casus")]
    return []


def _register_grondslagen(convenant: Convenant, casustype: Casustype, now: dt.datetime) -> frozenset[str]:
    out: set[str] = set()
    for doel in convenant.ids("doel"):
        va = convenant.verwerkingsactiviteit(casustype, doel, now.date())
        if va is not None:
            out.update(va.grondslagen)
    return frozenset(out)


def _by_right(convenant: Convenant, casus: Casus) -> frozenset[str]:
    """Partners that take part by right: the Bureau ZVH in a regular casus, the weegploeg in a CTER casus."""
    if casus.casustype is Casustype.CTER:
        return frozenset(weegploeg(convenant, casus.gemeente))
    document = convenant.document(casus.casustype)
    return frozenset({document.bureau}) if document is not None and document.bureau else frozenset()


def _active_after_close(convenant: Convenant, casus: Casus, partner_id: str) -> bool:
    document = convenant.document(casus.casustype)
    return casus.casustype is Casustype.REGULIER and document is not None and partner_id == document.bureau


def _end_all(uow: UnitOfWork, convenant: Convenant, casus: Casus, now: dt.datetime) -> None:
    document = convenant.document(casus.casustype)
    kept = [document.bureau] if casus.casustype is Casustype.REGULIER and document and document.bureau else []
    uow.casussen.end_deelnames(casus.id, now, behalve=kept)


def _save(uow: UnitOfWork, casus: Casus, entry: Gebeurtenis) -> None:
    """Record the change in the history, mark the casus changed, and commit the change with its record."""
    uow.historie.add(entry, Regime.of(casus.casustype))
    uow.casussen.touch(casus.id, entry.tijd)
    uow.commit()


def _entry(
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

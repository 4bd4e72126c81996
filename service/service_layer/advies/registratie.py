"""Use cases of adviezen: register one, list them, count them for the annual report.

Invariants:
- Only a procesregisseur or procesondersteuner of the Bureau ZVH registers and reads adviezen (they answer the
  questions); anyone else gets `NietToegestaanError`, checked before the input.
- An advies stores no personal data (`domain.advies`): the input has no place for a person, a name or free text,
  and every value is checked against the convenant (asking partner, gemeente, onderwerp) or this module's codes.
  All problems are reported at once (`OngeldigeInvoerError`); nothing is stored unless all checks pass.
- An uitgebreid advies with betrokkenen names its casus: a regular casus the Bureau takes part in, in fase
  `advies`, with no advies yet. Its gemeente, onderwerp and asking partner (the aanmelder) come from the casus.
- Registering an advies is not logged as a verstrekking: it discloses nothing about anyone (no person, no field
  value leaves or enters). The record itself names who registered it and when. The persons of an uitgebreid
  advies with betrokkenen went through the casus's aanmelding and verstrekkingen, each logged there.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from service.domain.advies import (
    ADVIESROLLEN,
    Advies,
    Adviessoort,
    Adviestellingen,
    Antwoord,
    antwoord_problemen,
)
from service.domain.casus import Casus, Gebruiker, neemt_deel, new_id, utcnow
from service.domain.convenant import Casustype, Convenant, Fase
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

PAGINA = 100


@dataclass(frozen=True)
class AdviesInvoer:
    """An advies as a request gives it. `gemeente`, `onderwerp` and `vrager` are None for an advies with a casus
    (they come from the casus); for any other they are required."""

    soort: str
    antwoorden: Sequence[str]
    vrager: str | None = None
    gemeente: str | None = None
    onderwerp: str | None = None
    datum: dt.date | None = None
    casus: str | None = None


def registreer(
    services: Services, gebruiker: Gebruiker, invoer: AdviesInvoer, *, now: dt.datetime | None = None
) -> Advies:
    """Register an advies (metadata only).

    Raises:
        NietToegestaanError: the gebruiker is not a procesregisseur or procesondersteuner of the Bureau ZVH.
        OngeldigeInvoerError: every invalid or misplaced part at once (e.g. a casus on a kort advies).
        NietGevondenError: the named casus does not exist or the Bureau does not take part in it.
        ConflictError: the casus is not in fase advies, or already has its advies.
    """
    now = now or utcnow()
    with services.uow() as uow:
        advies = registreer_in(services, uow, gebruiker, invoer, now)
        uow.commit()
    return advies


def registreer_in(
    services: Services, uow: UnitOfWork, gebruiker: Gebruiker, invoer: AdviesInvoer, now: dt.datetime
) -> Advies:
    """`registreer` in the caller's unit of work, which commits it (the demo region registers a year of adviezen
    in its one transaction); every check is the same, nothing is stored when one fails.

    Raises:
        The errors of `registreer`.
    """
    convenant = services.convenant
    vereis_bureau(convenant, gebruiker)
    problems = _problemen(convenant, invoer, now.date())
    if problems:
        raise OngeldigeInvoerError(problems)
    casus = _casus(uow.casussen.get(invoer.casus), gebruiker, now) if invoer.casus else None
    if casus is not None and uow.adviezen.voor_casus(casus.id) is not None:
        raise ConflictError("this casus has its advies already")
    advies = Advies(
        id=new_id(),
        soort=Adviessoort(invoer.soort),
        datum=invoer.datum or now.date(),
        vrager=casus.aanmelder if casus else str(invoer.vrager),
        gemeente=casus.gemeente if casus else str(invoer.gemeente),
        onderwerp=casus.hoofdonderwerp if casus else str(invoer.onderwerp),
        antwoorden=tuple(Antwoord(a) for a in invoer.antwoorden),
        casus_id=casus.id if casus else None,
        geregistreerd_door=gebruiker.id,
        geregistreerd_partner=gebruiker.partner_id,
        geregistreerd_op=now,
    )
    uow.adviezen.add(advies)
    return advies


def lijst(
    services: Services,
    gebruiker: Gebruiker,
    jaar: int,
    *,
    soort: str | None = None,
    gemeente: str | None = None,
    pagina: int = 1,
) -> tuple[list[Advies], bool]:
    """The adviezen of `jaar` (newest first), optionally of one soort or gemeente: one page of `PAGINA`, and
    whether there is a next page.

    Raises:
        NietToegestaanError: the gebruiker is not a procesregisseur or procesondersteuner of the Bureau ZVH.
    """
    vereis_bureau(services.convenant, gebruiker)
    van, tot = dt.date(jaar, 1, 1), dt.date(jaar + 1, 1, 1)
    with services.uow() as uow:
        found = uow.adviezen.lijst(
            van,
            tot,
            soort=Adviessoort(soort) if soort else None,
            gemeente=gemeente,
            limit=PAGINA + 1,
            offset=(pagina - 1) * PAGINA,
        )
    return found[:PAGINA], len(found) > PAGINA


def lees(services: Services, gebruiker: Gebruiker, advies_id: str) -> Advies:
    """One advies.

    Raises:
        NietToegestaanError: the gebruiker is not a procesregisseur or procesondersteuner of the Bureau ZVH.
        NietGevondenError: there is no advies with this id.
    """
    vereis_bureau(services.convenant, gebruiker)
    with services.uow() as uow:
        advies = uow.adviezen.get(advies_id)
    if advies is None:
        raise NietGevondenError("no such advies")
    return advies


def tellingen(services: Services, jaar: int) -> Adviestellingen:
    """The adviezen of `jaar` counted per soort, gemeente, onderwerp and asking partner (for the annual report;
    no gebruiker check here: the caller decides who sees them, and they hold no personal data)."""
    with services.uow() as uow:
        rijen = uow.adviezen.tel(dt.date(jaar, 1, 1), dt.date(jaar + 1, 1, 1))
    return Adviestellingen(jaar, tuple(sorted(rijen, key=lambda r: (r.soort, r.gemeente, r.onderwerp, r.vrager))))


def vereis_bureau(convenant: Convenant, gebruiker: Gebruiker) -> None:
    """Raises NietToegestaanError unless `gebruiker` is a procesregisseur or procesondersteuner of the Bureau ZVH."""
    bureaus = {d.bureau for d in convenant.documenten if d.bureau}
    if gebruiker.partner_id not in bureaus or gebruiker.rol not in ADVIESROLLEN:
        raise NietToegestaanError("only a procesregisseur or procesondersteuner of the Bureau ZVH registers adviezen")


def _problemen(convenant: Convenant, invoer: AdviesInvoer, vandaag: dt.date) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if invoer.soort not in {s.value for s in Adviessoort}:
        problems.append(("soort", f"must be one of: {', '.join(s.value for s in Adviessoort)}"))
    problems += antwoord_problemen(invoer.antwoorden)
    if invoer.datum is not None and invoer.datum > vandaag:
        problems.append(("datum", "lies in the future"))
    if invoer.casus is not None:
        if invoer.soort != Adviessoort.UITGEBREID:
            problems.append(("casus", "only an uitgebreid advies names a casus (a kort advies has no persons)"))
        for name in ("vrager", "gemeente", "onderwerp"):
            if getattr(invoer, name) is not None:
                problems.append((name, "taken from the casus; leave it out"))
        return problems
    for name, kind in (("vrager", "partner"), ("gemeente", "gemeente"), ("onderwerp", "onderwerp")):
        value = getattr(invoer, name)
        if value is None:
            problems.append((name, "required"))
        elif value not in convenant.ids(kind):
            problems.append((name, f"unknown {kind} (not in the convenant)"))
    return problems


def _casus(casus: Casus | None, gebruiker: Gebruiker, now: dt.datetime) -> Casus:
    if casus is None or not neemt_deel(casus, gebruiker.partner_id, now):
        raise NietGevondenError("no such casus for this partner")
    if casus.casustype is not Casustype.REGULIER:
        raise ConflictError("a CTER casus is never linked to an advies (its regime stays apart)")
    if casus.fase is not Fase.ADVIES:
        raise ConflictError(
            f"the casus is in fase '{casus.fase.value}'; an uitgebreid advies names a casus in fase advies"
        )
    return casus

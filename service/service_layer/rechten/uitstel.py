"""Uitstel van informeren: a partner defers telling the person about its own flows (Wpg, Wet PGA, Veilig Thuis).

Invariants:
- Only a casusregisseur or procesregisseur enters or ends an uitstel, always for its own partner: the partner
  is the caller's, never a parameter, so no partner defers another's flows.
- With a casus, the partner must take or have taken part in it (else "not found", as for a casus it cannot
  see) and the person must be a betrokkene of it; without one, the uitstel covers the person in the regime.
- The grondslag is a convenant grondslag; the einddatum lies after today and at most `MAX_DAGEN` ahead.
- Entering and ending are logged (soort `uitstel`, `einde-uitstel`) with the partner, the grondslag and the
  einddatum as codes; the answer to the partner never says whether or where the person is known.
- The FG of a Bureau ZVH sees every uitstel, another FG and the partner's regisseurs those of their own partner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.domain.rechten import Soort, Uitstel
from service.service_layer.beheer.stap import verzegel
from service.service_layer.rechten.vastleggen import (
    bsn_index,
    casusregime,
    in_casus,
    is_id,
    leg_vast,
    optioneel_regime,
    records,
)
from service.service_layer.services import Services
from service.service_layer.verantwoording.raadplegen import FG, bereik

UITSTELLERS = frozenset({"casusregisseur", "procesregisseur"})
MAX_DAGEN = 5 * 366  # an uitstel is reviewed at least every five years: a longer one is entered again


def require_uitsteller(gebruiker: Gebruiker) -> None:
    """Raises:
    NietToegestaanError: not a casusregisseur or procesregisseur.
    """
    if gebruiker.rol not in UITSTELLERS:
        raise NietToegestaanError("only a casusregisseur or procesregisseur defers informing the person")


def stel_in(
    services: Services,
    gebruiker: Gebruiker,
    bsn: str,
    grondslag: str,
    einddatum: dt.date,
    casus_id: str | None = None,
    regime: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Uitstel:
    """Defer informing the person about the caller's partner's flows until `einddatum` (optionally in one casus).

    Raises:
        NietToegestaanError: see `require_uitsteller`.
        OngeldigeInvoerError: a bad BSN, grondslag, einddatum or regime, or the person is not in the casus.
        NietGevondenError: the casus does not exist or the partner never took part in it.
        LogNietBeschikbaarError: the log could not record (nothing changed).
    """
    require_uitsteller(gebruiker)
    now = now or utcnow()
    problemen: list[tuple[str, str]] = []
    if services.convenant.grondslag(grondslag) is None:
        problemen.append(("grondslag", "unknown grondslag (not in the convenant)"))
    if not now.date() < einddatum <= now.date() + dt.timedelta(days=MAX_DAGEN):
        problemen.append(("einddatum", f"must be after today and at most {MAX_DAGEN} days ahead"))
    gegeven = optioneel_regime(regime, problemen)
    if problemen:
        raise OngeldigeInvoerError(problemen)
    with services.uow() as uow:
        size = uow.log.lock_head()
        gekozen = casusregime(uow, casus_id, gegeven, deelnemer=gebruiker.partner_id)
        index = bsn_index(services, gekozen, bsn)
        personen = in_casus(uow.rechten.personen(index, gekozen, partner_id=gebruiker.partner_id), casus_id)
        uitstel = Uitstel(
            new_id(), gekozen, index, gebruiker.partner_id, casus_id, grondslag, einddatum, now, gebruiker.id
        )
        uow.rechten.add_uitstel(uitstel)
        codes = (("grondslag", grondslag), ("einddatum", einddatum.isoformat()), ("regime", gekozen.value))
        leg_vast(services, uow, size, records(gebruiker, Soort.UITSTEL, uitstel.id, "ingesteld", personen, codes, now))
    verzegel(services)
    return uitstel


def beeindig(services: Services, gebruiker: Gebruiker, uitstel_id: str, *, now: dt.datetime | None = None) -> Uitstel:
    """End an uitstel of the caller's partner before its einddatum (the person may be informed from now on).

    Raises:
        NietToegestaanError: see `require_uitsteller`.
        NietGevondenError: no such uitstel of this partner.
        ConflictError: it was ended already, or its einddatum has passed.
        LogNietBeschikbaarError: the log could not record (nothing changed).
    """
    require_uitsteller(gebruiker)
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()
        uitstel = uow.rechten.uitstel(uitstel_id) if is_id(uitstel_id) else None
        if uitstel is None or uitstel.partner != gebruiker.partner_id:
            raise NietGevondenError("no such uitstel of this partner")
        if not uitstel.geldt(now.date()) or not uow.rechten.beeindig(uitstel.id, now, gebruiker.id):
            raise ConflictError("the uitstel has ended already")
        personen = uow.rechten.personen(uitstel.bsn_index, uitstel.regime, partner_id=gebruiker.partner_id)
        if uitstel.casus is not None:
            personen = [p for p in personen if p.casus_id == uitstel.casus]
        codes = (("regime", uitstel.regime.value),)
        leg_vast(
            services, uow, size, records(gebruiker, Soort.EINDE_UITSTEL, uitstel.id, "beeindigd", personen, codes, now)
        )
    verzegel(services)
    return dataclasses.replace(uitstel, beeindigd_op=now, beeindigd_door=gebruiker.id)


def lijst(services: Services, gebruiker: Gebruiker) -> list[Uitstel]:
    """The uitstellen the caller may see (ids, codes and dates, never a person), newest first.

    Raises:
        NietToegestaanError: neither an FG nor a casusregisseur or procesregisseur.
    """
    if gebruiker.rol == FG:
        scope = bereik(services, gebruiker)
    else:
        require_uitsteller(gebruiker)
        scope = gebruiker.partner_id
    with services.uow() as uow:
        return uow.rechten.uitstellen(scope)

"""Correctie (AVG art. 16) and verwijdering (art. 17): the person's request routed to the partner that supplied
the value (its bron), tracked until that partner answers.

Invariants:
- Only an FG or a procesregisseur of a Bureau ZVH enters a verzoek or lists them all (`NietToegestaanError`
  otherwise). The person is named by a BSN used once for the blind index of one regime, never kept or repeated.
- Entering makes one verzoek per (casus, bron partner) of the places where the person's disputed velden hold a
  value, status doorgestuurd at once; a veld without a value for the person is reported as `geen-waarde`. The
  verzoek holds veld names and ids, never a value; no free toelichting is kept.
- Only the bron partner answers (a gebruiker of it with a rol of `BRONROLLEN`); another partner is told "not
  found", whatever exists. An answer is recorded once (a second is a conflict).
- `gecorrigeerd` is accepted only when the bron has supplied a new value (a bijdrage, held against the
  bronregels and logged as its aanlevering) at every disputed place since the verzoek; otherwise a conflict
  naming the velden. `verwijderd` deletes the bron's values at the places (and a deleted BSN's blind index) in
  the transaction that records the answer.
- Every step is logged (soort `correctieverzoek`, `afhandeling-correctieverzoek`), one record per casus naming
  the person's betrokkene ids there, in the transaction that makes the change.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from service.adapters.rechten import Persoon
from service.domain.casus import BetrokkeneRol, Gebruiker, new_id, utcnow
from service.domain.convenant import Onderwerp, Regime
from service.domain.correctie import (
    RESULTATEN,
    Afwijzingsreden,
    Correctieverzoek,
    Resultaat,
    Status,
    VerzoekSoort,
    niet_gecorrigeerd,
    routeer,
    van_bron,
)
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.domain.rechten import Rechtenrecord, Soort
from service.service_layer.beheer.stap import verzegel
from service.service_layer.rechten.vastleggen import (
    bsn_index,
    casusregime,
    in_casus,
    is_id,
    leg_vast,
    optioneel_regime,
    records,
    require_bureau,
)
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

BRONROLLEN = frozenset({"casusregisseur", "procesregisseur", "deelnemer"})
MAX_VELDEN = 50
GEEN_WAARDE = "geen-waarde"  # the uitkomst of a record of disputed velden without a value for the person


@dataclass(frozen=True, slots=True)
class GeenWaarde:
    """Disputed velden without a stored value for the person in a casus (None: the person was found nowhere)."""

    casus: str | None
    velden: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ingediend:
    """What an entry gave: the verzoeken routed, and what had no value."""

    aanvraag: str
    aantal_casussen: int
    verzoeken: tuple[Correctieverzoek, ...]
    geen_waarde: tuple[GeenWaarde, ...]


def require_bron(gebruiker: Gebruiker) -> None:
    """Raises:
    NietToegestaanError: the rol does not answer for a bron partner.
    """
    if gebruiker.rol not in BRONROLLEN:
        raise NietToegestaanError("only a casusregisseur, procesregisseur or deelnemer answers for its partner")


def dien_in(
    services: Services,
    gebruiker: Gebruiker,
    bsn: str,
    soort: str,
    velden: Sequence[str],
    casus_id: str | None = None,
    regime: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Ingediend:
    """Enter the person's correctie or verwijdering of `velden` (in one casus, or in every casus of the regime
    the person is a betrokkene of) and route it to the bron of each value.

    Raises:
        NietToegestaanError: see `vastleggen.require_bureau`.
        OngeldigeInvoerError: a bad BSN, soort, veld or regime, or the person is not in the casus given.
        NietGevondenError: the casus given does not exist.
        LogNietBeschikbaarError: the log could not record (nothing changed).
    """
    require_bureau(services, gebruiker, "enters a correctie or verwijdering")
    problemen = _invoerproblemen(services, soort, velden)
    gegeven = optioneel_regime(regime, problemen)
    if problemen:
        raise OngeldigeInvoerError(problemen)
    now = now or utcnow()
    aanvraag = new_id()
    with services.uow() as uow:
        size = uow.log.lock_head()
        gekozen = casusregime(uow, casus_id, gegeven)
        personen = in_casus(uow.rechten.personen(bsn_index(services, gekozen, bsn), gekozen), casus_id)
        verzoeken, geen, stappen = _route(
            services, uow, gebruiker, (aanvraag, VerzoekSoort(soort)), velden, personen, now
        )
        if not personen:
            geen = [GeenWaarde(None, tuple(sorted(set(velden))))]
            stappen = _stap(gebruiker, aanvraag, GEEN_WAARDE, [], VerzoekSoort(soort), geen[0].velden, gekozen, now)
        leg_vast(services, uow, size, stappen)
    verzegel(services)
    return Ingediend(aanvraag, len({p.casus_id for p in personen}), tuple(verzoeken), tuple(geen))


def _invoerproblemen(services: Services, soort: str, velden: Sequence[str]) -> list[tuple[str, str]]:
    problemen: list[tuple[str, str]] = []
    if soort not in {s.value for s in VerzoekSoort}:
        problemen.append(("soort", "must be one of " + ", ".join(s.value for s in VerzoekSoort)))
    if not velden or len(velden) > MAX_VELDEN:
        problemen.append(("velden", f"between 1 and {MAX_VELDEN} velden"))
    bekend = services.convenant.ids("veld")
    problemen += [
        (f"velden[{i}]", "unknown veld (not in the veldcatalogus)") for i, v in enumerate(velden) if v not in bekend
    ]
    return problemen


def _route(
    services: Services,
    uow: UnitOfWork,
    gebruiker: Gebruiker,
    aanvraag: tuple[str, VerzoekSoort],
    velden: Sequence[str],
    personen: Sequence[Persoon],
    now: dt.datetime,
) -> tuple[list[Correctieverzoek], list[GeenWaarde], list[Rechtenrecord]]:
    """Per casus the person is found in: the verzoeken to each bron, and what has no value; with their records."""
    aanvraag_id, soort = aanvraag
    casusvelden = {v.id for v in services.convenant.velden if v.onderwerp is Onderwerp.CASUS}
    verzoeken: list[Correctieverzoek] = []
    geen: list[GeenWaarde] = []
    stappen: list[Rechtenrecord] = []
    for casus_id in sorted({p.casus_id for p in personen}):
        hier = [p for p in personen if p.casus_id == casus_id]
        ids = tuple(sorted(p.betrokkene_id for p in hier))
        regime = Regime(hier[0].casustype)
        casus = uow.casussen.get(casus_id)
        hoofd = casus is not None and any(
            b.id in ids and b.rol is BetrokkeneRol.HOOFDPERSOON for b in casus.betrokkenen
        )
        routering = routeer(velden, casusvelden, ids, hoofd, uow.veldwaarden.herkomst(casus_id))
        for bron, plaatsen in routering.per_bron.items():
            verzoek = Correctieverzoek(
                new_id(), aanvraag_id, soort, regime, casus_id, ids, plaatsen, bron,
                Status.DOORGESTUURD, now, now, gebruiker.id, gebruiker.partner_id,
            )  # fmt: skip
            uow.rechten.add_correctieverzoek(verzoek)
            verzoeken.append(verzoek)
            doorgestuurd = Status.DOORGESTUURD.value
            stappen += records(gebruiker, Soort.CORRECTIEVERZOEK, verzoek.id, doorgestuurd, hier, _codes(verzoek), now)
        if routering.geen_waarde:
            geen.append(GeenWaarde(casus_id, routering.geen_waarde))
            stappen += _stap(gebruiker, aanvraag_id, GEEN_WAARDE, hier, soort, routering.geen_waarde, regime, now)
    return verzoeken, geen, stappen


def _stap(
    gebruiker: Gebruiker,
    aanvraag: str,
    uitkomst: str,
    personen: Sequence[Persoon],
    soort: VerzoekSoort,
    velden: tuple[str, ...],
    regime: Regime,
    now: dt.datetime,
) -> list[Rechtenrecord]:
    codes = (("aanvraag", aanvraag), ("verzoeksoort", soort.value), ("velden", list(velden)), ("regime", regime.value))
    return records(gebruiker, Soort.CORRECTIEVERZOEK, aanvraag, uitkomst, personen, codes, now)


def _codes(verzoek: Correctieverzoek) -> tuple[tuple[str, str | list[str]], ...]:
    return (
        ("aanvraag", verzoek.aanvraag),
        ("verzoeksoort", verzoek.soort.value),
        ("velden", list(verzoek.velden)),
        ("bron", verzoek.bron),
        ("regime", verzoek.regime.value),
    )


def handel_af(
    services: Services,
    gebruiker: Gebruiker,
    verzoek_id: str,
    resultaat: str,
    reden: str | None = None,
    *,
    now: dt.datetime | None = None,
) -> Correctieverzoek:
    """The bron partner's answer to a verzoek routed to it: gecorrigeerd, verwijderd or afgewezen (with a reden).

    Raises:
        NietToegestaanError: see `require_bron`.
        OngeldigeInvoerError: an unknown resultaat or reden, a reden missing (afgewezen) or given (otherwise),
            or a resultaat the verzoek's soort does not allow.
        NietGevondenError: no such verzoek routed to the caller's partner.
        ConflictError: answered already, or `gecorrigeerd` while a disputed place holds no new value of the bron.
        LogNietBeschikbaarError: the log could not record (nothing changed).
    """
    require_bron(gebruiker)
    gekozen, grond = _antwoord(resultaat, reden)
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()
        verzoek = uow.rechten.correctieverzoek(verzoek_id) if is_id(verzoek_id) else None
        if verzoek is None or verzoek.bron != gebruiker.partner_id:
            raise NietGevondenError("no such correctieverzoek for this partner")
        if not verzoek.open:
            raise ConflictError("the correctieverzoek was answered already")
        if gekozen not in RESULTATEN[verzoek.soort]:
            raise OngeldigeInvoerError([("resultaat", f"a {verzoek.soort.value} is not answered {gekozen.value}")])
        herkomst = uow.veldwaarden.herkomst(verzoek.casus)
        codes = _codes(verzoek)
        if gekozen is Resultaat.GECORRIGEERD and (ontbreekt := niet_gecorrigeerd(verzoek, herkomst)):
            raise ConflictError(
                "no new value of this partner since the verzoek for: " + ", ".join(ontbreekt) + " (supply it as a "
                "bijdrage to the casus first)"
            )
        if gekozen is Resultaat.VERWIJDERD:
            weg = van_bron(verzoek, herkomst)
            uow.veldwaarden.verwijder(verzoek.casus, weg)
            codes += (("verwijderd", sorted({veld for _, veld in weg})),)
        if grond is not None:
            codes += (("reden", grond.value),)
        if not uow.rechten.handel_af(verzoek.id, now, gebruiker.id, gekozen, grond):
            raise ConflictError("the correctieverzoek was answered already")
        personen = [Persoon(b, verzoek.casus, verzoek.regime.value) for b in verzoek.betrokkenen]
        soort = Soort.AFHANDELING_CORRECTIEVERZOEK
        leg_vast(services, uow, size, records(gebruiker, soort, verzoek.id, gekozen.value, personen, codes, now))
    verzegel(services)
    return uitgebreid(verzoek, now, gebruiker.id, gekozen, grond)


def uitgebreid(
    verzoek: Correctieverzoek, op: dt.datetime, door: str, resultaat: Resultaat, reden: Afwijzingsreden | None
) -> Correctieverzoek:
    """The verzoek as it stands after the answer."""
    return dataclasses.replace(
        verzoek, status=Status.AFGEHANDELD, afgehandeld_op=op, afgehandeld_door=door, resultaat=resultaat, reden=reden
    )


def _antwoord(resultaat: str, reden: str | None) -> tuple[Resultaat, Afwijzingsreden | None]:
    """Raises:
    OngeldigeInvoerError: see `handel_af`.
    """
    problemen: list[tuple[str, str]] = []
    if resultaat not in {r.value for r in Resultaat}:
        problemen.append(("resultaat", "must be one of " + ", ".join(r.value for r in Resultaat)))
    afgewezen = resultaat == Resultaat.AFGEWEZEN.value
    if afgewezen and reden not in {r.value for r in Afwijzingsreden}:
        problemen.append(("reden", "an afwijzing names one of " + ", ".join(r.value for r in Afwijzingsreden)))
    if not afgewezen and reden is not None:
        problemen.append(("reden", "only an afwijzing has a reden"))
    if problemen:
        raise OngeldigeInvoerError(problemen)
    return Resultaat(resultaat), Afwijzingsreden(reden) if afgewezen and reden else None


def voor_bron(services: Services, gebruiker: Gebruiker) -> list[Correctieverzoek]:
    """The verzoeken routed to the caller's partner (open first, newest first): ids, velden, codes and dates.

    Raises:
        NietToegestaanError: see `require_bron`.
    """
    require_bron(gebruiker)
    with services.uow() as uow:
        return uow.rechten.correctieverzoeken(bron=gebruiker.partner_id)


def lijst(services: Services, gebruiker: Gebruiker) -> list[Correctieverzoek]:
    """Every verzoek (open first, newest first), for the Bureau ZVH.

    Raises:
        NietToegestaanError: see `vastleggen.require_bureau`.
    """
    require_bureau(services, gebruiker, "reads the correctieverzoeken")
    with services.uow() as uow:
        return uow.rechten.correctieverzoeken()

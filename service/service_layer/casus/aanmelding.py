"""Use cases that store case data: aanmelding (referral) and bijdragen (contributions).

Invariants:
- All input is checked before anything is written; every problem is reported at once (`OngeldigeInvoerError`),
  named by its place (`betrokkenen[0].velden.bsn`), never echoing a value. Nothing is half-written: one
  unit of work per request, committed only at the end.
- Only velden of the veldcatalogus are accepted, each in its right place (betrokkene velden under a
  betrokkene, casus velden under `velden`), each value valid for its type.
- Who may refer and contribute:
  * refer: a gebruiker with rol casusregisseur, procesregisseur or procesondersteuner, of a partner that signed
    the convenant of the casustype; a CTER casus only by a partner of a weegploeg partnertype.
  * who takes part from the aanmelding on: the aanmelder (with the gebruiker's rol); in a regular casus also
    the Bureau ZVH (its procesregisseur triages); in a CTER casus the weegploeg of the casus's gemeente
    (gemeente, politie, OM) by right, and nobody else until invited (`levensloop.deelnemer_toevoegen`).
  * contribute: a gebruiker with rol casusregisseur, deelnemer, procesregisseur or procesondersteuner of a
    partner that actively takes part in the casus, while the casus is open. Anyone else gets
    `NietGevondenError` (the casus's existence is not revealed); a withdrawn or closed deelname counts as none.
- The aanmelding is the first entry of the casus's history.
- The contributing partner is recorded as the bron of each value and in a bijdrage record (names only).
- Only what the bronregels allow this partner to supply is stored (`casus/aanlevering.py`): one veld outside
  them refuses the whole request, logged as refused. An accepted aanmelding or bijdrage is logged as an
  aanlevering in the same transaction that stores its values.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from service.adapters.repository import CasusRepository
from service.domain.casus import (
    EERDERE_ONDERWERPEN,
    Betrokkene,
    BetrokkeneRol,
    Casus,
    Deelname,
    Gebruiker,
    new_id,
    onderwerp_problemen,
    utcnow,
)
from service.domain.convenant import Casustype, Convenant, Fase, Regime
from service.domain.convenant import Onderwerp as VeldOnderwerp
from service.domain.errors import ConflictError, NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.domain.veldwaarde import JsonWaarde, OngeldigeWaardeError, normaliseer
from service.service_layer.casus import aanlevering, levensloop
from service.service_layer.casus.aanlevering import AANMELDING, BIJDRAGE, Herkomst
from service.service_layer.services import Services

SORTERINGEN = CasusRepository.SORTERINGEN  # how the casussen list can be ordered
AANMELDER_ROLLEN = frozenset({"casusregisseur", "procesregisseur", "procesondersteuner"})
BIJDRAGER_ROLLEN = frozenset({"casusregisseur", "deelnemer", "procesregisseur", "procesondersteuner"})
MAX_BETROKKENEN = 50

Plaats = tuple[str | None, str]


@dataclass(frozen=True)
class BetrokkeneInvoer:
    rol: str
    velden: Mapping[str, Any]
    relatie: str | None = None
    id: str | None = None  # in a bijdrage: the existing betrokkene


@dataclass(frozen=True)
class Aanmelding:
    casustype: str
    gemeente: str
    onderwerp: str  # the hoofdonderwerp (an id of the convenant's onderwerpen; an old id is read as its successor)
    betrokkenen: Sequence[BetrokkeneInvoer]
    velden: Mapping[str, Any] = field(default_factory=dict)
    nevenonderwerpen: Sequence[str] = ()


@dataclass(frozen=True)
class Bijdrage:
    betrokkenen: Sequence[BetrokkeneInvoer] = ()
    velden: Mapping[str, Any] = field(default_factory=dict)


def aanmelden(
    services: Services,
    gebruiker: Gebruiker,
    aanmelding: Aanmelding,
    *,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> Casus:
    """Register a referral: the casus, its betrokkenen, a data key and every value encrypted, logged as the
    aanmelder's aanlevering.

    Raises:
        OngeldigeInvoerError: any invalid part of the aanmelding (all listed).
        NietToegestaanError: this partner or rol may not refer this casustype, or the bronregels do not allow
            it to supply a veld (named; the refusal is logged).
        GeenBeleidError: no usable field policy is in force (logged).
        LogNietBeschikbaarError: the log could not record it (nothing stored).
    """
    now = now or utcnow()
    convenant = services.convenant
    problems: list[tuple[str, str]] = []
    casustype = _one_of(aanmelding.casustype, [c.value for c in Casustype], "casustype", problems)
    if aanmelding.gemeente not in convenant.ids("gemeente"):
        problems.append(("gemeente", "unknown gemeente"))
    hoofdonderwerp = EERDERE_ONDERWERPEN.get(aanmelding.onderwerp, aanmelding.onderwerp)
    nevenonderwerpen = tuple(aanmelding.nevenonderwerpen)
    problems += onderwerp_problemen(convenant.ids("onderwerp"), hoofdonderwerp, nevenonderwerpen)
    if not aanmelding.betrokkenen or len(aanmelding.betrokkenen) > MAX_BETROKKENEN:
        problems.append(("betrokkenen", f"between 1 and {MAX_BETROKKENEN} betrokkenen"))
    hoofdpersonen = [b for b in aanmelding.betrokkenen if b.rol == BetrokkeneRol.HOOFDPERSOON]
    if len(hoofdpersonen) != 1:
        problems.append(("betrokkenen", "exactly one betrokkene must have rol hoofdpersoon"))
    casus_id = new_id()
    betrokkenen: list[Betrokkene] = []
    values: dict[Plaats, JsonWaarde] = {}
    for index, invoer in enumerate(aanmelding.betrokkenen):
        where = f"betrokkenen[{index}]"
        rol = _one_of(invoer.rol, [r.value for r in BetrokkeneRol], f"{where}.rol", problems)
        betrokkene = Betrokkene(
            new_id(), casus_id, BetrokkeneRol(rol) if rol else BetrokkeneRol.SYSTEEMLID, invoer.relatie
        )
        betrokkenen.append(betrokkene)
        verzamel(convenant, invoer.velden, VeldOnderwerp.BETROKKENE, betrokkene.id, f"{where}.velden", values, problems)
    verzamel(convenant, aanmelding.velden, VeldOnderwerp.CASUS, None, "velden", values, problems)
    if problems:
        raise OngeldigeInvoerError(problems)
    assert casustype is not None  # noqa: S101 - checked above
    kind = Casustype(casustype)
    vereis_mag_aanmelden(convenant, gebruiker, kind)

    onderwerpen = (hoofdonderwerp, nevenonderwerpen)
    casus = nieuwe_casus(convenant, gebruiker, (casus_id, kind, aanmelding.gemeente), onderwerpen, betrokkenen, now)
    regime = Regime.of(kind)
    with services.uow() as uow:
        ids = tuple(b.id for b in betrokkenen)
        ingang = aanlevering.beoordeel_in(
            services,
            uow,
            gebruiker,
            (casus_id, kind, Fase.AANMELDING),
            AANMELDING,
            values,
            ids,
            herkomst or Herkomst(),
            now,
        )
        if ingang.besluit.weigering is None:
            uow.casussen.add(casus)
            uow.veldwaarden.create_data_key(casus_id, regime, now)
            aanlevering.sla_op(services, uow, ingang, (casus_id, regime), values, now)
            uow.historie.add(levensloop.aanmelding_entry(casus, gebruiker, now), regime)
            uow.commit()
    if ingang.besluit.weigering is not None:
        raise aanlevering.weiger(services, _zonder_casus(ingang))
    return casus


def bijdragen(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    bijdrage: Bijdrage,
    *,
    herkomst: Herkomst | None = None,
    now: dt.datetime | None = None,
) -> list[str]:
    """Store a participating partner's contributed or updated values, logged as its aanlevering; returns the
    names stored.

    Raises:
        NietGevondenError: no such casus, or this partner does not take part in it (indistinguishable).
        NietToegestaanError: the rol may not contribute.
        ConflictError: the casus is closed.
        CasusVernietigdError: the casus's data was destroyed.
        OngeldigeInvoerError: any invalid part (all listed).
        NietToegestaanError: the bronregels do not allow this partner to supply a veld (named; logged).
        GeenBeleidError: no usable field policy is in force (logged).
        LogNietBeschikbaarError: the log could not record it (nothing stored).
    """
    now = now or utcnow()
    convenant = services.convenant
    with services.uow() as uow:
        casus = uow.casussen.get(casus_id)
        if casus is None or not _takes_part(casus, gebruiker.partner_id, now):
            raise NietGevondenError("no such casus for this partner")
        if gebruiker.rol not in BIJDRAGER_ROLLEN:
            raise NietToegestaanError(f"rol '{gebruiker.rol}' may not contribute case data")
        if casus.fase in (Fase.AFGESLOTEN, Fase.AFGEWEZEN):
            raise ConflictError(f"the casus is {casus.fase.value}; no contributions are accepted")
        known = {b.id for b in casus.betrokkenen}
        problems: list[tuple[str, str]] = []
        values: dict[Plaats, JsonWaarde] = {}
        if not bijdrage.betrokkenen and not bijdrage.velden:
            problems.append(("body", "contribute at least one veld"))
        for index, invoer in enumerate(bijdrage.betrokkenen):
            where = f"betrokkenen[{index}]"
            if invoer.id not in known:
                problems.append((f"{where}.id", "not a betrokkene of this casus"))
                continue
            verzamel(convenant, invoer.velden, VeldOnderwerp.BETROKKENE, invoer.id, f"{where}.velden", values, problems)
        verzamel(convenant, bijdrage.velden, VeldOnderwerp.CASUS, None, "velden", values, problems)
        if problems:
            raise OngeldigeInvoerError(problems)
        regime = Regime.of(casus.casustype)
        ids = tuple(b.id for b in casus.betrokkenen)
        ingang = aanlevering.beoordeel_in(
            services,
            uow,
            gebruiker,
            (casus_id, casus.casustype, casus.fase),
            BIJDRAGE,
            values,
            ids,
            herkomst or Herkomst(),
            now,
        )
        if ingang.besluit.weigering is None:
            aanlevering.sla_op(services, uow, ingang, (casus_id, regime), values, now)
            uow.casussen.touch(casus_id, now)
            uow.commit()
    if ingang.besluit.weigering is not None:
        raise aanlevering.weiger(services, ingang)
    return sorted(f"{b or 'casus'}/{v}" for b, v in values)


def _zonder_casus(ingang: aanlevering.Aanlevering) -> aanlevering.Aanlevering:
    """A refused aanmelding created no casus: its record names none."""
    return aanlevering.Aanlevering(ingang.besluit, dataclasses.replace(ingang.record, casus=None))


def _one_of(value: str, allowed: Sequence[str], name: str, problems: list[tuple[str, str]]) -> str | None:
    if value in allowed:
        return value
    problems.append((name, f"must be one of: {', '.join(allowed)}"))
    return None


def verzamel(
    convenant: Convenant,
    velden: Mapping[str, Any],
    onderwerp: VeldOnderwerp,
    betrokkene: str | None,
    where: str,
    values: dict[Plaats, JsonWaarde],
    problems: list[tuple[str, str]],
) -> None:
    """Add the canonical form of each of `velden` at its place (`betrokkene`, None for the casus) to `values`, or
    a problem named `<where>.<veld>`: a veld outside the veldcatalogus, in the wrong place, or an invalid value
    (never echoed)."""
    for name, raw in velden.items():
        veld = convenant.veld(name)
        if veld is None:
            problems.append((f"{where}.{name}", "unknown veld (not in the veldcatalogus)"))
        elif veld.onderwerp is not onderwerp:
            problems.append((f"{where}.{name}", f"this veld is about the {veld.onderwerp.value}, not here"))
        else:
            try:
                values[(betrokkene, name)] = normaliseer(veld, raw)
            except OngeldigeWaardeError as exc:
                problems.append((f"{where}.{name}", str(exc).removeprefix(f"{name}: ")))


def vereis_mag_aanmelden(convenant: Convenant, gebruiker: Gebruiker, casustype: Casustype) -> None:
    """Raises:
    NietToegestaanError: this gebruiker's rol or partner may not refer a casus of `casustype`.
    """
    if gebruiker.rol not in AANMELDER_ROLLEN:
        raise NietToegestaanError(f"rol '{gebruiker.rol}' may not refer a casus")
    partner = convenant.partner(gebruiker.partner_id)
    document = convenant.document(casustype)
    if partner is None or document is None or document.id not in partner.convenanten:
        raise NietToegestaanError(f"this partner did not sign the convenant for casustype '{casustype.value}'")
    if casustype is Casustype.CTER and partner.type not in document.weegploeg:
        raise NietToegestaanError("a CTER casus is referred only by a weegploeg partner (gemeente, politie, OM)")


def nieuwe_casus(
    convenant: Convenant,
    gebruiker: Gebruiker,
    casus: tuple[str, Casustype, str],
    onderwerpen: tuple[str, tuple[str, ...]],
    betrokkenen: list[Betrokkene],
    now: dt.datetime,
) -> Casus:
    """The casus (id, casustype, gemeente) as `gebruiker`'s aanmelding at `now` makes it: fase aanmelding, its
    hoofdonderwerp and nevenonderwerpen, and who takes part from then on (module invariants)."""
    casus_id, casustype, gemeente = casus
    return Casus(
        id=casus_id,
        casustype=casustype,
        fase=Fase.AANMELDING,
        gemeente=gemeente,
        hoofdonderwerp=onderwerpen[0],
        nevenonderwerpen=onderwerpen[1],
        aanmelder=gebruiker.partner_id,
        aangemeld_op=now,
        gewijzigd_op=now,
        betrokkenen=betrokkenen,
        deelnames=_first_deelnames(convenant, casus_id, gebruiker, casustype, gemeente, now),
    )


def _first_deelnames(
    convenant: Convenant, casus_id: str, gebruiker: Gebruiker, casustype: Casustype, gemeente: str, now: dt.datetime
) -> list[Deelname]:
    deelnames = [Deelname(casus_id, gebruiker.partner_id, gebruiker.rol, now)]
    document = convenant.document(casustype)
    bureau = document.bureau if document is not None else None
    if casustype is Casustype.REGULIER and bureau and bureau != gebruiker.partner_id:
        deelnames.append(Deelname(casus_id, bureau, "procesregisseur", now))  # Bureau ZVH triages
    if casustype is Casustype.CTER:  # the weegploeg takes part by right
        deelnames.extend(
            Deelname(casus_id, partner, "casusregisseur", now)
            for partner in levensloop.weegploeg(convenant, gemeente)
            if partner != gebruiker.partner_id
        )
    return deelnames


def _takes_part(casus: Casus, partner_id: str, now: dt.datetime) -> bool:
    return any(d.partner_id == partner_id and d.actief(now) for d in casus.deelnames)

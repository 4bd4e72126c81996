"""The verstrekking use case: release to a partner exactly what the convenant allows, after logging it.

Invariants (DESIGN 1, 2, 3):
- A veld is released only if (a) the active policy allows it for (partner, rol, casustype, doel) with a
  grondslag that the verwerkingsactiviteit for (casustype, doel) names, (b) the partner actively takes part in
  the casus, and (c) the doel is permitted in the casus's current fase by that verwerkingsactiviteit. Anything
  unknown releases nothing.
- Every request that names a casus is logged, released, empty or refused alike, with the grondslag and
  verwerkingsactiviteit per released veld and the withheld names; never a value.
- The use case is load -> decide -> decrypt what is released -> log -> answer: the decision is the pure
  `domain.beslissing.beslis`; only the velden it releases are decrypted, only at the places it releases them
  (a beperking of a betrokkene, loaded in the same unit of work, withholds its places).
- Log before release, fail closed: the values are returned to the caller only after `VerstrekkingLog.append`
  confirmed the record is durable. If it cannot, `LogNietBeschikbaarError` (503) and nothing is returned.
- A refusal reveals nothing more than its status: a casus the partner does not take part in is "not found",
  whether or not it exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol, TypeVar

from service.access import DecisionKey
from service.adapters.veldwaarden import OpgeslagenWaarde, Plaats
from service.domain.beslissing import (
    MAX_VELDEN,
    Aanvrager,
    Beleid,
    Beslissing,
    Feiten,
    Verzoek,
    als_verstrekking,
    beslis,
    mag_vragen,
    onbekende_namen,
)
from service.domain.casus import Betrokkene, Casus, Gebruiker, new_id, utcnow
from service.domain.convenant import Regime, Verwerkingsactiviteit
from service.domain.errors import (
    CasusVernietigdError,
    GeenBeleidError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)
from service.domain.overleg import Overlegdeelname
from service.domain.overleg import deelname as overlegdeelname
from service.domain.veldwaarde import JsonWaarde
from service.domain.verstrekking import Ontvangstbewijs, Trace, Verstrekking, Weigering
from service.service_layer.beleid.actief import active_access
from service.service_layer.ports import VersleuteldeWaarden
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

__all__ = ["MAX_VELDEN", "ONBEKEND", "Uitgifte", "Verzoek", "verstrekken"]

ONBEKEND = "onbekend"  # logged instead of an unknown doel: a caller's free text never enters the log
_CASUS_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class Uitgifte:
    """What the caller receives: the values, what was withheld, and the log receipt."""

    verstrekking: Verstrekking
    betrokkenen: tuple[tuple[Betrokkene, Mapping[str, JsonWaarde]], ...]
    casusvelden: Mapping[str, JsonWaarde]
    verwerkingsactiviteit: Verwerkingsactiviteit
    bewijs: Ontvangstbewijs


def verstrekken(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    verzoek: Verzoek,
    trace: Trace,
    *,
    certificaat_oin: str | None = None,
    now: dt.datetime | None = None,
) -> Uitgifte:
    """Load, decide, decrypt what is released, log durably, then hand out the allowed values for a doel.

    `verzoek.overleg` names the overleg it is asked in (docs/overleg.md): the record names it too.
    `certificaat_oin` is the OIN of the PKIoverheid client certificate the entry point accepted for this
    request (None when none was used); the log record names it.

    Raises (each after its refusal was logged):
        OngeldigeInvoerError: an unknown doel or veld (named).
        NietGevondenError: no such casus, or the partner does not take part in it.
        NietToegestaanError: the doel is not permitted in the casus's fase; in an overleg, the partner is not
            recorded as attending the agendapunt, or is an incidental participant without a recorded verklaring.
        NietGevondenError: in an overleg, no such overleg with this casus on its agenda.
        OngeldigeInvoerError: in an overleg, a doel other than casusoverleg.
        CasusVernietigdError: the casus's data was destroyed.
        GeenBeleidError: no usable active policy.
        LogNietBeschikbaarError: the log could not record (nothing disclosed).
    """
    now = now or utcnow()
    aanvrager = aanvrager_van(
        services, gebruiker, casus_id, verzoek.doel, trace, certificaat_oin, now, overleg=verzoek.overleg
    )
    with services.uow() as uow:
        casus, feiten, versleuteld, geen_beleid = _besluit_in(services, uow, gebruiker, aanvrager, verzoek, now)
        beslissing = beslis(feiten)
        # Decrypt only what the decision releases, at the places it releases (a beperking withholds places): a
        # withheld value never becomes plaintext, not even here.
        vrij = beslissing.vrijgegeven_plaatsen
        waarden = (
            versleuteld.ontsleutel(beslissing.vrijgegeven, vrij) if versleuteld and not beslissing.weigering else {}
        )
    verstrekking = als_verstrekking(beslissing, aanvrager, casus)
    bewijs = services.log.append(verstrekking)  # durable before anything is returned (raises: fail closed)
    if beslissing.weigering is not None:
        raise fout(beslissing, geen_beleid)
    assert casus is not None and feiten.verwerkingsactiviteit is not None  # noqa: S101 - released: both known
    betrokkenen, casusvelden = _uitgifte(casus, waarden)
    return Uitgifte(verstrekking, betrokkenen, casusvelden, feiten.verwerkingsactiviteit, bewijs)


def _besluit_in(
    services: Services, uow: UnitOfWork, gebruiker: Gebruiker, aanvrager: Aanvrager, verzoek: Verzoek, now: dt.datetime
) -> tuple[Casus | None, Feiten, VersleuteldeWaarden | None, GeenBeleidError | None]:
    """The casus and the facts a request is decided on, read in `uow` (the stored values stay encrypted)."""
    onbekend = onbekende_namen(services.convenant, verzoek)
    casus = uow.casussen.get(aanvrager.casus) if not onbekend and aanvrager.casus is not None else None
    feiten, versleuteld, geen_beleid = laad_feiten(
        services, uow, gebruiker, (verzoek, onbekend), casus, now, uow.veldwaarden.versleuteld
    )
    return casus, feiten, versleuteld, geen_beleid


def verstrekking_in(
    services: Services,
    uow: UnitOfWork,
    gebruiker: Gebruiker,
    casus_id: str,
    verzoek: Verzoek,
    trace: Trace,
    now: dt.datetime,
) -> Verstrekking:
    """The record of a request made at `now`, decided in the caller's transaction exactly as `verstrekken`
    decides it, for the caller to log in that transaction (`LogWriter.append_in`): nothing is decrypted and
    nothing released, so nothing leaves before it is logged. Only the demo asks (its past, `service/demo`)."""
    aanvrager = aanvrager_van(services, gebruiker, casus_id, verzoek.doel, trace, None, now, overleg=verzoek.overleg)
    casus, feiten, _, _ = _besluit_in(services, uow, gebruiker, aanvrager, verzoek, now)
    return als_verstrekking(beslis(feiten), aanvrager, casus)


def aanvrager_van(
    services: Services,
    gebruiker: Gebruiker,
    casus_id: str,
    doel: str,
    trace: Trace,
    certificaat_oin: str | None,
    now: dt.datetime,
    *,
    overleg: str | None = None,
) -> Aanvrager:
    """Who asks, as the log record names them: never a casus id, doel name or overleg id as the caller typed it."""
    convenant = services.convenant
    partner = convenant.partner(gebruiker.partner_id)
    return Aanvrager(
        id=new_id(),
        tijd=now,
        partner=gebruiker.partner_id,
        oin=partner.oin if partner else "",
        gebruiker=gebruiker.id,
        rol=gebruiker.rol,
        casus=casus_id if _CASUS_ID.fullmatch(casus_id) else None,  # never log what a caller typed as an id
        doel=doel if doel in convenant.ids("doel") else ONBEKEND,  # nor a doel name they typed
        trace=trace,
        certificaat_oin=certificaat_oin,
        overleg=overleg if overleg and _CASUS_ID.fullmatch(overleg) else None,
    )


class Aanwezig(Protocol):
    """What the decision needs to know of stored values before any is decrypted: where they are, and whose."""

    def plaatsen(self) -> dict[str, list[str | None]]: ...
    def bronnen(self) -> dict[Plaats, str]: ...


W = TypeVar("W", bound=Aanwezig)


def laad_feiten(
    services: Services,
    uow: UnitOfWork,
    gebruiker: Gebruiker,
    gevraagd: tuple[Verzoek, list[tuple[str, str]]],
    casus: Casus | None,
    now: dt.datetime,
    waarden: Callable[[str, Regime], W | None],
) -> tuple[Feiten, W | None, GeenBeleidError | None]:
    """The facts the decision reads about the request (`gevraagd`: the verzoek and its unknown names). Only for
    a partner that may ask (`mag_vragen`) are the policy and the stored tokens (`waarden`: the casus's field
    values, or its plan's texts) loaded at all; the tokens stay encrypted."""
    verzoek, onbekend = gevraagd
    if casus is None or not mag_vragen(casus, gebruiker.partner_id, verzoek.doel, now):
        return Feiten(gebruiker.partner_id, verzoek, onbekend, now, casus), None, None
    va = services.convenant.verwerkingsactiviteit(casus.casustype, verzoek.doel, now.date())
    overleg = _overleg(uow, verzoek, casus, gebruiker.partner_id)
    try:
        access = active_access(services, uow.beleid)
    except GeenBeleidError as exc:
        return Feiten(gebruiker.partner_id, verzoek, onbekend, now, casus, va, overleg=overleg), None, exc
    key = DecisionKey(gebruiker.partner_id, gebruiker.rol, casus.casustype.value, verzoek.doel)
    beleid = Beleid(access.version, access.allowed_fields(key))
    regime = Regime.of(casus.casustype)
    versleuteld = waarden(casus.id, regime)
    aanwezig = versleuteld.plaatsen() if versleuteld is not None else None
    bronnen = versleuteld.bronnen() if versleuteld is not None else None
    beperkt = uow.rechten.beperkt(casus.id, regime)  # AVG art. 18: restricted betrokkenen, doelen still allowed
    feiten = Feiten(
        gebruiker.partner_id,
        verzoek,
        onbekend,
        now,
        casus,
        va,
        beleid,
        aanwezig,
        bronnen=bronnen,
        beperkt=beperkt,
        overleg=overleg,
    )
    return feiten, versleuteld, None


def _overleg(uow: UnitOfWork, verzoek: Verzoek, casus: Casus, partner_id: str) -> Overlegdeelname | None:
    """The caller's place on the overleg the verzoek names (None when it names none)."""
    if verzoek.overleg is None:
        return None
    gevonden = uow.overleggen.get(verzoek.overleg) if _CASUS_ID.fullmatch(verzoek.overleg) else None
    return overlegdeelname(gevonden, verzoek.overleg, casus.id, casus.casustype, partner_id)


def fout(beslissing: Beslissing, geen_beleid: GeenBeleidError | None) -> Exception:
    """The domain error of a refusal (its message names names and codes, never a value)."""
    match beslissing.weigering:
        case Weigering.ONBEKENDE_NAAM | Weigering.AANLEVERDOEL:
            return OngeldigeInvoerError(list(beslissing.onbekend))
        case Weigering.GEEN_DEELNEMER:
            return NietGevondenError(beslissing.reden)
        case Weigering.OVERLEG:  # a wrong doel is input (400); an overleg without this casus "not found"
            return (
                OngeldigeInvoerError(list(beslissing.onbekend))
                if beslissing.onbekend
                else NietGevondenError(beslissing.reden)
            )
        case Weigering.AFWEZIG | Weigering.GEHEIMHOUDING:
            return NietToegestaanError(beslissing.reden)
        case Weigering.FASE:
            return NietToegestaanError(beslissing.reden)
        case Weigering.GEEN_BELEID:
            return geen_beleid or GeenBeleidError(beslissing.reden)
        case _:
            return CasusVernietigdError(beslissing.reden)


def _uitgifte(
    casus: Casus, waarden: Mapping[Plaats, OpgeslagenWaarde]
) -> tuple[tuple[tuple[Betrokkene, Mapping[str, JsonWaarde]], ...], Mapping[str, JsonWaarde]]:
    """The released values per betrokkene (in the casus's order) and of the casus itself; `waarden` holds the
    decrypted values of the released velden only."""
    per_betrokkene: dict[str, dict[str, JsonWaarde]] = {b.id: {} for b in casus.betrokkenen}
    casusvelden: dict[str, JsonWaarde] = {}
    for (betrokkene, veld), waarde in sorted(waarden.items(), key=lambda item: (item[0][0] or "", item[0][1])):
        if betrokkene is None:
            casusvelden[veld] = waarde.waarde
        elif betrokkene in per_betrokkene:
            per_betrokkene[betrokkene][veld] = waarde.waarde
    betrokkenen = tuple((b, per_betrokkene[b.id]) for b in casus.betrokkenen if per_betrokkene[b.id])
    return betrokkenen, casusvelden

"""The verstrekking use case: release to a partner exactly what the convenant allows, after logging it.

Invariants (DESIGN 1, 2, 3):
- A veld is released only if (a) the active policy allows it for (partner, rol, casustype, doel) with a
  grondslag that the verwerkingsactiviteit for (casustype, doel) names, (b) the partner actively takes part in
  the casus, and (c) the doel is permitted in the casus's current fase by that verwerkingsactiviteit. Anything
  unknown releases nothing.
- Every request that names a casus is logged, released, empty or refused alike, with the grondslag and
  verwerkingsactiviteit per released veld and the withheld names; never a value.
- Log before release, fail closed: the values are returned to the caller only after `VerstrekkingLog.append`
  confirmed the record is durable. If it cannot, `LogNietBeschikbaarError` (503) and nothing is returned.
- A refusal reveals nothing more than its status: a casus the partner does not take part in is "not found",
  whether or not it exists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass

from service.access import DecisionKey, Grant
from service.adapters.veldwaarden import OpgeslagenWaarde
from service.domain.casus import Betrokkene, Casus, Gebruiker, new_id, utcnow
from service.domain.convenant import Convenant, Regime, Verwerkingsactiviteit
from service.domain.errors import (
    CasusVernietigdError,
    GeenBeleidError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)
from service.domain.veldwaarde import JsonWaarde
from service.domain.verstrekking import (
    Ontvangstbewijs,
    Trace,
    Uitkomst,
    Verstrekking,
    VerstrektVeld,
    Weigering,
)
from service.service_layer.beleid.actief import active_access
from service.service_layer.services import Services

MAX_VELDEN = 200
ONBEKEND = "onbekend"  # logged instead of an unknown doel: a caller's free text never enters the log
_CASUS_ID = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, slots=True)
class Verzoek:
    doel: str
    velden: tuple[str, ...] | None = None  # None: everything the convenant allows


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
    now: dt.datetime | None = None,
) -> Uitgifte:
    """Decide, log durably, then hand out the allowed values of a casus for a doel.

    Raises (each after its refusal was logged):
        OngeldigeInvoerError: an unknown doel or veld (named).
        NietGevondenError: no such casus, or the partner does not take part in it.
        NietToegestaanError: the doel is not permitted in the casus's fase.
        CasusVernietigdError: the casus's data was destroyed.
        GeenBeleidError: no usable active policy.
        LogNietBeschikbaarError: the log could not record (nothing disclosed).
    """
    now = now or utcnow()
    convenant = services.convenant
    partner = convenant.partner(gebruiker.partner_id)
    casus_ref = casus_id if _CASUS_ID.fullmatch(casus_id) else None  # never log what a caller typed as an id
    doel_ref = verzoek.doel if verzoek.doel in convenant.ids("doel") else ONBEKEND  # nor a doel name they typed
    refusal = _Refusal(services, gebruiker, partner.oin if partner else "", casus_ref, doel_ref, trace, now)

    problems = _unknown_names(convenant, verzoek)
    if problems:
        refusal.log(Weigering.ONBEKENDE_NAAM, None)
        raise OngeldigeInvoerError(problems)

    with services.uow() as uow:
        casus = uow.casussen.get(casus_id) if casus_ref else None
        if casus is None or not any(d.partner_id == gebruiker.partner_id and d.actief(now) for d in casus.deelnames):
            refusal.log(Weigering.GEEN_DEELNEMER, None)
            raise NietGevondenError("no such casus for this partner")
        refusal.casustype = casus.casustype.value
        va = convenant.verwerkingsactiviteit(casus.casustype, verzoek.doel, now.date())
        if va is None or casus.fase not in va.fasen:
            refusal.log(Weigering.FASE, None)
            raise NietToegestaanError(_fase_reason(verzoek.doel, casus, va))
        try:
            access = active_access(services, uow.beleid)
        except GeenBeleidError:
            refusal.log(Weigering.GEEN_BELEID, None)
            raise
        key = DecisionKey(gebruiker.partner_id, gebruiker.rol, casus.casustype.value, verzoek.doel)
        grants = {v: g for v, g in access.allowed_fields(key).items() if g.grondslag in va.grondslagen}
        wanted = grants.keys() if verzoek.velden is None else set(verzoek.velden) & grants.keys()
        try:
            stored, existing = uow.veldwaarden.read_only(casus.id, Regime.of(casus.casustype), wanted)
        except CasusVernietigdError:
            refusal.log(Weigering.VERNIETIGD, access.version)
            raise
    verstrekking, betrokkenen, casusvelden = _decide(
        casus, verzoek, grants, va, stored, existing, refusal.base(access.version)
    )
    bewijs = services.log.append(verstrekking)  # durable before anything is returned (raises: fail closed)
    return Uitgifte(verstrekking, betrokkenen, casusvelden, va, bewijs)


def _decide(
    casus: Casus,
    verzoek: Verzoek,
    grants: Mapping[str, Grant],
    va: Verwerkingsactiviteit,
    stored: Mapping[tuple[str | None, str], OpgeslagenWaarde],
    existing: frozenset[str],
    base: dict[str, object],
) -> tuple[Verstrekking, tuple[tuple[Betrokkene, Mapping[str, JsonWaarde]], ...], Mapping[str, JsonWaarde]]:
    """`stored` holds the decrypted values of granted velden only; `existing` names every veld with a value."""
    asked = set(verzoek.velden) if verzoek.velden is not None else existing | set(grants)
    released_names = sorted(asked & set(grants) & existing)
    withheld = sorted((set(verzoek.velden) if verzoek.velden is not None else existing) - set(grants))
    per_betrokkene: dict[str, dict[str, JsonWaarde]] = {b.id: {} for b in casus.betrokkenen}
    casusvelden: dict[str, JsonWaarde] = {}
    plaatsen: dict[str, list[str]] = {veld: [] for veld in released_names}
    for (betrokkene, veld), waarde in sorted(stored.items(), key=lambda item: (item[0][0] or "", item[0][1])):
        if veld not in plaatsen:
            continue
        if betrokkene is None:
            casusvelden[veld] = waarde.waarde
            plaatsen[veld].append("casus")
        elif betrokkene in per_betrokkene:
            per_betrokkene[betrokkene][veld] = waarde.waarde
            plaatsen[veld].append(betrokkene)
    verstrekt = tuple(
        VerstrektVeld(veld, grants[veld].grondslag, va.id, va.versie, tuple(plaatsen[veld])) for veld in released_names
    )
    if not verstrekt:
        uitkomst = Uitkomst.LEEG
    elif withheld:
        uitkomst = Uitkomst.GEDEELTELIJK
    else:
        uitkomst = Uitkomst.VERSTREKT
    verstrekking = Verstrekking(
        **base,  # type: ignore[arg-type]
        betrokkenen=tuple(b.id for b in casus.betrokkenen),
        uitkomst=uitkomst,
        verstrekt=verstrekt,
        onthouden=tuple(withheld),
    )
    betrokkenen = tuple((b, per_betrokkene[b.id]) for b in casus.betrokkenen if per_betrokkene[b.id])
    return verstrekking, betrokkenen, casusvelden


class _Refusal:
    """Builds and logs the record of a refused request (the refusal itself is raised by the caller)."""

    def __init__(
        self,
        services: Services,
        gebruiker: Gebruiker,
        oin: str,
        casus_id: str | None,
        doel: str,
        trace: Trace,
        now: dt.datetime,
    ) -> None:
        self._services = services
        self._gebruiker = gebruiker
        self._oin = oin
        self._casus_id = casus_id
        self._doel = doel
        self._trace = trace
        self._now = now
        self.casustype: str | None = None

    def base(self, beleidsversie: str | None) -> dict[str, object]:
        return {
            "id": new_id(),
            "tijd": self._now,
            "partner": self._gebruiker.partner_id,
            "oin": self._oin,
            "gebruiker": self._gebruiker.id,
            "rol": self._gebruiker.rol,
            "casus": self._casus_id,
            "casustype": self.casustype,
            "doel": self._doel,
            "beleidsversie": beleidsversie,
            "trace": self._trace,
        }

    def log(self, weigering: Weigering, beleidsversie: str | None) -> None:
        record = Verstrekking(
            **self.base(beleidsversie),  # type: ignore[arg-type]
            betrokkenen=(),
            uitkomst=Uitkomst.GEWEIGERD,
            verstrekt=(),
            onthouden=(),
            weigering=weigering,
        )
        self._services.log.append(record)


def _unknown_names(convenant: Convenant, verzoek: Verzoek) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    if verzoek.doel not in convenant.ids("doel"):
        problems.append(("doel", "unknown doel (not in the convenant)"))
    for index, veld in enumerate(verzoek.velden or ()):
        if convenant.veld(veld) is None:
            problems.append((f"velden[{index}]", "unknown veld (not in the veldcatalogus)"))
    if verzoek.velden is not None and len(verzoek.velden) > MAX_VELDEN:
        problems.append(("velden", f"at most {MAX_VELDEN} names"))
    return problems


def _fase_reason(doel: str, casus: Casus, va: Verwerkingsactiviteit | None) -> str:
    if va is None:
        return f"the register of verwerkingsactiviteiten has no activity for doel '{doel}' in this casustype"
    permitted = ", ".join(sorted(f.value for f in va.fasen))
    return f"doel '{doel}' is not permitted in fase '{casus.fase.value}' ({va.id} permits: {permitted})"

"""The inflow side of every flow: what a partner supplies to a casus is held against the bronregels and logged
as an aanlevering (DESIGN invariant 12).

Invariants:
- The bronregels are the active field policy's lines for the doelen `aanmelding` and `bijdrage`; the decision
  is the pure `domain.aanlevering.beoordeel`. A partner never supplies a veld they do not grant.
- All or nothing: one veld outside the bronregels refuses the whole aanlevering. The refusal is logged durably
  (uitkomst geweigerd, reden `bronregel`, the refused names in `onthouden`, no betrokkenen) before
  `NietToegestaanError` names every refused veld; nothing is stored.
- An accepted aanlevering's record is appended in the caller's transaction, which holds the log's head lock
  (`VerstrekkingLog.append_in`): the stored values and their record commit together or not at all. Its
  `partner` is the bron, each veld names the bron's grondslag and the places supplied; never a value.
- No usable policy refuses every aanlevering (`GeenBeleidError`, logged as refused like a verstrekking).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.access import Access, DecisionKey
from service.domain.aanlevering import Aanleverbesluit, beoordeel
from service.domain.casus import Gebruiker, new_id
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.errors import GeenBeleidError, NietToegestaanError
from service.domain.veldwaarde import JsonWaarde
from service.domain.verstrekking import AANLEVERING, Trace, Verstrekking, Weigering
from service.service_layer.beleid.actief import active_access
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

AANMELDING = "aanmelding"  # the doel of the values supplied with an aanmelding
BIJDRAGE = "bijdrage"  # the doel of the values supplied later by a partner that takes part

Plaats = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class Herkomst:
    """Where an aanlevering came from, beyond the gebruiker: the request's trace and client certificate."""

    trace: Trace | None = None  # None: the service starts a trace of its own (a command, the demo)
    certificaat_oin: str | None = None


@dataclass(frozen=True, slots=True)
class Aanlevering:
    """An aanlevering judged in the caller's transaction: the decision and its log record."""

    besluit: Aanleverbesluit
    record: Verstrekking


def beoordeel_in(
    services: Services,
    uow: UnitOfWork,
    gebruiker: Gebruiker,
    casus: tuple[str | None, Casustype, Fase],
    doel: str,
    values: Mapping[Plaats, JsonWaarde],
    betrokkenen: Sequence[str],
    herkomst: Herkomst,
    now: dt.datetime,
    regels: Bronregels | None = None,
) -> Aanlevering:
    """Judge `values` supplied by `gebruiker`'s partner for `doel` to the casus (id, casustype, fase) in the
    caller's transaction; `betrokkenen` are the casus's betrokkene ids (in order), of which the record names
    those the values are about. `regels`: the bronregels already read in this transaction (the demo judges
    hundreds of aanleveringen in one); by default they are read here."""
    casus_id, casustype, fase = casus
    partner = services.convenant.partner(gebruiker.partner_id)
    bron = (gebruiker, partner.oin if partner else "")
    plaatsen: dict[str, list[str | None]] = {}
    for betrokkene, veld in values:
        plaatsen.setdefault(veld, []).append(betrokkene)
    try:
        regels = regels or bronregels(services, uow)
    except GeenBeleidError as exc:
        besluit = Aanleverbesluit((), tuple(sorted(plaatsen)), Weigering.GEEN_BELEID, str(exc))
        return Aanlevering(besluit, _record(bron, (casus_id, casustype), doel, besluit, None, (), herkomst, now))
    besluit = regels.beoordeel(gebruiker.partner_id, gebruiker.rol, (casustype, fase), doel, plaatsen, now.date())
    genoemd = _genoemd(betrokkenen, values) if besluit.weigering is None else ()
    record = _record(bron, (casus_id, casustype), doel, besluit, regels.access.version, genoemd, herkomst, now)
    return Aanlevering(besluit, record)


@dataclass(frozen=True, slots=True)
class Bronregels:
    """The bronregels of the policy in force (one compiled version), asked per aanlevering or per veld."""

    services: Services
    access: Access

    def beoordeel(
        self,
        partner: str,
        rol: str,
        casus: tuple[Casustype, Fase],
        doel: str,
        plaatsen: Mapping[str, Sequence[str | None]],
        op: dt.date,
    ) -> Aanleverbesluit:
        """The decision on `partner`, acting in `rol`, supplying values at `plaatsen` for `doel` to a casus of that
        casustype in that fase, on date `op` (the register's activity in force then)."""
        casustype, fase = casus
        grants = self.access.allowed_fields(DecisionKey(partner, rol, casustype.value, doel))
        va = self.services.convenant.verwerkingsactiviteit(casustype, doel, op)
        return beoordeel(self.services.convenant, partner, grants, va, fase, plaatsen)

    def mag(self, partner: str, rol: str, casus: tuple[Casustype, Fase], doel: str, veld: str, op: dt.date) -> bool:
        """Whether `partner` acting in `rol` may supply `veld` for `doel` (the demo's generated past)."""
        return self.beoordeel(partner, rol, casus, doel, {veld: [None]}, op).weigering is None


def bronregels(services: Services, uow: UnitOfWork) -> Bronregels:
    """The bronregels in force, read in the caller's transaction.

    Raises:
        GeenBeleidError: no usable field policy is in force.
    """
    return Bronregels(services, active_access(services, uow.beleid))


def log_in(services: Services, uow: UnitOfWork, aanlevering: Aanlevering) -> None:
    """Append an accepted aanlevering's record in the caller's transaction (it takes the head lock here; the
    caller commits)."""
    size = uow.log.lock_head()
    services.log.append_in(uow.log, size, [aanlevering.record])


def sla_op(
    services: Services,
    uow: UnitOfWork,
    aanlevering: Aanlevering,
    casus: tuple[str, Regime],
    values: Mapping[Plaats, JsonWaarde],
    now: dt.datetime,
) -> None:
    """Store an accepted aanlevering in the caller's transaction: its record (`log_in`), the values encrypted with
    the bron recorded, a supplied `bsn`'s blind index, and the bijdrage row (names only). The casus and its data
    key exist; the caller commits."""
    log_in(services, uow, aanlevering)
    bewaar(services, uow, casus, values, (aanlevering.record.partner, aanlevering.record.gebruiker), now)


def bewaar(
    services: Services,
    uow: UnitOfWork,
    casus: tuple[str, Regime],
    values: Mapping[Plaats, JsonWaarde],
    bron: tuple[str, str],
    op: dt.datetime,
) -> None:
    """Store values accepted under the bronregels in the caller's transaction, as supplied at `op` by `bron` (the
    partner and the gebruiker that acted for it): encrypted with the bron recorded, a supplied `bsn`'s blind
    index, and the bijdrage row (names only). Its log record is the caller's (`sla_op`: the aanlevering; an
    import: its own record). The casus and its data key exist; the caller commits."""
    casus_id, regime = casus
    partner, gebruiker_id = bron
    uow.veldwaarden.store(casus_id, regime, values, partner, op)
    for (betrokkene, veld), waarde in values.items():
        if veld == "bsn" and betrokkene is not None and isinstance(waarde, str):
            uow.casussen.set_bsn_index(betrokkene, services.keys.blind_index.bsn_hex(regime, waarde))
    uow.veldwaarden.record_contribution(casus_id, partner, gebruiker_id, values, op)


def weiger(services: Services, aanlevering: Aanlevering) -> Exception:
    """Log a refused aanlevering durably (its own transaction) and return the error to raise.

    Raises:
        LogNietBeschikbaarError: the refusal could not be logged.
    """
    services.log.append(aanlevering.record)
    if aanlevering.besluit.weigering is Weigering.GEEN_BELEID:
        return GeenBeleidError(aanlevering.besluit.reden)
    return NietToegestaanError(aanlevering.besluit.reden)


def _genoemd(betrokkenen: Sequence[str], values: Mapping[Plaats, JsonWaarde]) -> tuple[str, ...]:
    """The betrokkenen an accepted aanlevering is about: those whose own values were supplied, and everyone of
    the casus when a value of the casus itself was (as a verstrekking counts a casus value as about them all)."""
    plaatsen = {betrokkene for betrokkene, _ in values}
    return tuple(b for b in betrokkenen if None in plaatsen or b in plaatsen)


def _record(
    bron: tuple[Gebruiker, str],
    casus: tuple[str | None, Casustype],
    doel: str,
    besluit: Aanleverbesluit,
    beleidsversie: str | None,
    betrokkenen: tuple[str, ...],
    herkomst: Herkomst,
    now: dt.datetime,
) -> Verstrekking:
    """The log record of an aanlevering by `bron` (the gebruiker and its partner's OIN)."""
    gebruiker, oin = bron
    trace = herkomst.trace or Trace(secrets.token_hex(16), secrets.token_hex(8))
    return Verstrekking(
        id=new_id(),
        tijd=now,
        partner=gebruiker.partner_id,
        oin=oin,
        gebruiker=gebruiker.id,
        rol=gebruiker.rol,
        casus=casus[0],
        casustype=casus[1].value,
        betrokkenen=betrokkenen,
        doel=doel,
        uitkomst=besluit.uitkomst,
        verstrekt=besluit.verstrekt,
        onthouden=besluit.geweigerd,
        beleidsversie=beleidsversie,
        trace=trace,
        weigering=besluit.weigering,
        certificaat_oin=herkomst.certificaat_oin,
        soort=AANLEVERING,
    )

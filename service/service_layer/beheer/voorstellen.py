"""Beheer with four eyes: proposals to change the field policy, suspend a partner, change the convenant
(`convenantwijziging`) or destroy a casus early (`casusvernietiging`), approved by a second beheerder, with every
step in the tamper-evident log (invariant 8).

Invariants:
- Nothing takes effect when proposed. Only `keur_goed` by a beheerder other than the proposer changes the
  active policy version, a partner's state or the convenant in force, in the same transaction that marks the
  proposal approved and appends its history records to the log: all of it commits, or none of it.
- Every transaction that writes beheer state takes the log's append lock first (`LogStore.lock_head`). That
  serialises proposals and approvals across workers and hosts, so of two proposals against the same base
  version the second approval sees the first one's activation and is refused as stale (409), never merged.
- An approval of a policy proposal requires its base version to be still active: what the approver saw in the
  diff is exactly what changes. A rollback is a proposal of an older version, through the same four eyes.
- A proposal about a beheerder or FG (soorten gebruiker-*, `identiteit.gebruikersbeheer`) takes effect the same
  way; rejecting a proposal to create one leaves that gebruiker removed.
- Suspending a partner refuses all its gebruikers from the next request on (authentication reads
  `partners.actief` per request), so its verstrekkingen stop at once in every worker.
- The history (who, when, toelichting or reden, versions before and after) is read back from the log, and
  only by a beheerder or an FG (`LEZERS`): the FG of any partner, since it records the convenant's changes that
  every partner shares, not verstrekkingen to one of them.
- After each committed beheer step a checkpoint is signed (`stap.verzegel`): history records are rare and
  matter, so they do not wait in the unsigned tail of the log for the next verstrekkingen.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from service.access import PolicyError, policy_from_rows
from service.audit.record import RecordError, parse
from service.domain.beheer import BEHEERDER, Handeling, Soort, Status, Voorstel
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.errors import (
    ConflictError,
    NietBeschikbaarError,
    NietGevondenError,
    NietToegestaanError,
    OngeldigeInvoerError,
)
from service.domain.verstrekking import Vernietiging
from service.service_layer.beheer import casusvernietiging
from service.service_layer.beheer import convenantwijziging as convenantbeheer
from service.service_layer.beheer.stap import besluit, dien_in, require_beheerder, tekst, verzegel
from service.service_layer.beleid import invoer as beleidsinvoer
from service.service_layer.beleid.invoer import Bestand, Nieuw, Wijziging
from service.service_layer.herstel import journaal
from service.service_layer.identiteit import gebruikersbeheer
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

LEZERS = frozenset({BEHEERDER, "fg"})  # the rollen that may read the history
_VOORSTEL_ID = re.compile(r"[0-9a-f]{32}")


def stel_beleid_voor(
    services: Services,
    gebruiker: Gebruiker,
    toelichting: str,
    *,
    bestanden: list[Bestand] | None = None,
    wijziging: Wijziging | None = None,
    versie: str | None = None,
    now: dt.datetime | None = None,
) -> Voorstel:
    """Propose a new field policy version: a complete set of files, a change to the active one, or an older
    stored version (rollback). Exactly one of `bestanden`, `wijziging`, `versie`.

    Raises:
        NietToegestaanError: the gebruiker is not a beheerder.
        OngeldigeInvoerError: every problem at once, each named by its place (file:line, wijziging.toevoegen[i]).
        ConflictError: the proposal equals the active version, or the active version changed meanwhile.
    """
    require_beheerder(gebruiker)
    toelichting = tekst("toelichting", toelichting)
    if sum(x is not None for x in (bestanden, wijziging, versie)) != 1:
        raise OngeldigeInvoerError([("body", "give exactly one of bestanden, wijziging, versie")])
    older = None
    with services.uow() as uow:
        basis = uow.beleid.active_version()
        stored_basis = uow.beleid.load(basis) if basis is not None else None
        if versie is not None:
            older = uow.beleid.load(versie)
            if older is None:
                raise OngeldigeInvoerError([("versie", "no such stored policy version")])
    if stored_basis is None:
        raise ConflictError("no field policy is active: install one with 'deelpoort db upgrade' first")
    nieuw: Nieuw
    if bestanden is not None:
        nieuw = beleidsinvoer.uit_bestanden(stored_basis.model, bestanden, services.convenant)
    elif wijziging is not None:
        nieuw = beleidsinvoer.uit_wijziging(stored_basis, wijziging, services.convenant)
    else:
        assert older is not None  # noqa: S101 - checked above
        nieuw = beleidsinvoer.uit_versie(older, services.convenant)
    if nieuw.policy.version == basis:
        raise ConflictError("the proposed version is the active version: nothing would change")
    voorstel = Voorstel(
        new_id(),
        Soort.BELEID,
        Status.OPEN,
        toelichting,
        gebruiker.id,
        now or utcnow(),
        basis,
        nieuw.policy.version,
        None,
    )
    with services.uow() as uow:
        size = uow.log.lock_head()
        if uow.beleid.active_version() != basis:
            raise ConflictError("the active policy version changed while proposing: propose again")
        uow.beleid.store(
            nieuw.policy.version,
            nieuw.policy.model_text,
            nieuw.regels,
            f"voorstel {voorstel.id}",
            voorstel.voorgesteld_op,
        )
        dien_in(services, uow, size, gebruiker, voorstel)
    verzegel(services)
    return voorstel


def stel_partnerwijziging_voor(
    services: Services,
    gebruiker: Gebruiker,
    toelichting: str,
    partner: str,
    *,
    actief: bool,
    now: dt.datetime | None = None,
) -> Voorstel:
    """Propose to suspend a partner (`actief=False`) or lift its suspension (`actief=True`).

    Raises:
        NietToegestaanError: the gebruiker is not a beheerder.
        OngeldigeInvoerError: an unknown partner, or an empty toelichting.
        ConflictError: the partner is already in that state.
    """
    require_beheerder(gebruiker)
    toelichting = tekst("toelichting", toelichting)
    if services.convenant.partner(partner) is None:
        raise OngeldigeInvoerError([("partner.id", "not a partner of the convenant")])
    if not actief and partner in {d.bureau for d in services.convenant.documenten}:
        # Its beheerders (and procesregisseurs) would be refused at once: nobody could approve lifting it.
        raise ConflictError("the Bureau ZVH cannot be suspended: its beheerders could never lift the suspension")
    soort = Soort.PARTNER_HERSTEL if actief else Soort.PARTNER_SCHORSING
    with services.uow() as uow:
        size = uow.log.lock_head()
        if uow.voorstellen.partner_actief(partner) in (None, actief):
            raise ConflictError(f"partner is already {'active' if actief else 'suspended'}")
        basis = uow.beleid.active_version()
        voorstel = Voorstel(
            new_id(), soort, Status.OPEN, toelichting, gebruiker.id, now or utcnow(), basis, None, partner
        )
        dien_in(services, uow, size, gebruiker, voorstel)
    verzegel(services)
    return voorstel


def keur_goed(
    services: Services,
    gebruiker: Gebruiker,
    voorstel_id: str,
    *,
    opmerking: str | None = None,
    now: dt.datetime | None = None,
) -> Voorstel:
    """Approve a proposal as the second beheerder; it takes effect atomically with this approval.

    `opmerking` is the approver's own word on it (optional): kept with the decision (as a rejection's reden is)
    and the goedkeuring record's toelichting; without it that record repeats the proposal's toelichting.

    Raises:
        NietGevondenError: no such proposal.
        NietToegestaanError: not a beheerder, or the proposer (four eyes).
        OngeldigeInvoerError: an opmerking longer than a toelichting may be (nothing changed).
        ConflictError: already decided; the base version is no longer active (stale); the version no longer fits
            the convenant; or the partner is no longer in the state the proposal started from.
    """
    require_beheerder(gebruiker)
    opmerking = tekst("opmerking", opmerking) if opmerking and opmerking.strip() else None
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()  # first: serialises every beheer decision (see the module invariants)
        voorstel = _get(uow, voorstel_id)
        if voorstel.voorgesteld_door == gebruiker.id:
            raise NietToegestaanError("four eyes: a proposal is approved by another beheerder than its proposer")
        if voorstel.status is not Status.OPEN:
            raise ConflictError(f"the proposal is already {voorstel.status.value}")
        voor = uow.beleid.active_version()
        na = voor
        convenant: tuple[str | None, str | None] = (None, None)
        vernietiging: list[Vernietiging] = []  # soort casus-vernietiging: its destruction record
        if voorstel.soort is Soort.BELEID:
            na = _activeer(services, uow, voorstel, voor, gebruiker, now)
        elif voorstel.soort is Soort.CONVENANT:
            convenant = (convenantbeheer.activeer(services, uow, voorstel, gebruiker, now), voorstel.convenantversie)
        elif voorstel.soort is Soort.CASUS_VERNIETIGING:
            vernietiging.append(casusvernietiging.uitvoeren(uow, voorstel, now))
        elif voorstel.gebruiker is not None:
            gebruikersbeheer.voer_uit(uow, voorstel, now)
        else:
            actief = voorstel.soort is Soort.PARTNER_HERSTEL
            assert voorstel.partner is not None  # noqa: S101 - a partner proposal always names its partner
            if uow.voorstellen.partner_actief(voorstel.partner) is not (not actief):
                raise ConflictError("the partner's state changed since the proposal: propose again")
            uow.voorstellen.set_partner_actief(voorstel.partner, actief)
        if not uow.voorstellen.decide(voorstel.id, Status.GOEDGEKEURD, gebruiker.id, now, opmerking):
            raise ConflictError("the proposal was decided meanwhile")
        records = [
            besluit(
                gebruiker,
                voorstel,
                Handeling.GOEDKEURING,
                opmerking or voorstel.toelichting,
                voor,
                voor,
                now,
                convenant=(convenant[0], convenant[0]),
            ),
            besluit(
                gebruiker, voorstel, Handeling.ACTIVERING, voorstel.toelichting, voor, na, now, convenant=convenant
            ),
        ]
        services.log.append_in(uow.log, size, [*records, *vernietiging])
        uow.commit()
        result = _get(uow, voorstel_id)
    for vernietigd in vernietiging:  # after the commit: its record follows the two besluit records
        journaal.noteer(services, vernietigd, size + len(records))
    if voorstel.soort is Soort.CONVENANT:
        services.convenanten.ververs()
    verzegel(services)
    return result


def wijs_af(
    services: Services, gebruiker: Gebruiker, voorstel_id: str, reden: str, *, now: dt.datetime | None = None
) -> Voorstel:
    """Reject an open proposal with a reason (its proposer may withdraw it this way too); nothing changes.

    Raises:
        NietGevondenError: no such proposal.
        NietToegestaanError: not a beheerder.
        OngeldigeInvoerError: an empty reden.
        ConflictError: already decided.
    """
    require_beheerder(gebruiker)
    reden = tekst("reden", reden)
    now = now or utcnow()
    with services.uow() as uow:
        size = uow.log.lock_head()
        voorstel = _get(uow, voorstel_id)
        if not uow.voorstellen.decide(voorstel.id, Status.AFGEWEZEN, gebruiker.id, now, reden):
            raise ConflictError(f"the proposal is already {voorstel.status.value}")
        gebruikersbeheer.na_afwijzing(uow, voorstel, now)
        actief = uow.beleid.active_version()
        afwijzing = besluit(gebruiker, voorstel, Handeling.AFWIJZING, reden, actief, actief, now)
        services.log.append_in(uow.log, size, [afwijzing])
        uow.commit()
        result = _get(uow, voorstel_id)
    verzegel(services)
    return result


def voorstel(services: Services, voorstel_id: str) -> Voorstel:
    """One proposal.

    Raises:
        NietGevondenError: no such proposal.
    """
    with services.uow() as uow:
        return _get(uow, voorstel_id)


def voorstellen(services: Services) -> list[Voorstel]:
    """Every proposal, newest first."""
    with services.uow() as uow:
        return uow.voorstellen.list()


@dataclass(frozen=True, slots=True)
class Gebeurtenis:
    """One history record of beheer as the log holds it (`log_index` lets the FG ask its inclusion proof)."""

    log_index: int
    tijd: str
    handeling: str
    voorstel: str
    onderwerp: str
    partner: str
    gebruiker: str
    toelichting: str
    versie_voor: str | None
    versie_na: str | None
    betreft: str | None
    convenant_voor: str | None = None  # records of convenant proposals (older records lack these keys)
    convenant_na: str | None = None


def geschiedenis(services: Services, gebruiker: Gebruiker) -> list[Gebeurtenis]:
    """Every beheer record in the log, oldest first.

    Raises:
        NietToegestaanError: the gebruiker is neither a beheerder nor an FG.
        NietBeschikbaarError: a record is not readable (tampering: `deelpoort audit verify` names it).
    """
    if gebruiker.rol not in LEZERS:
        raise NietToegestaanError(f"rol '{gebruiker.rol}' may not read the beheer history")
    with services.uow() as uow:
        stored = list(uow.voorstellen.history())
    out = []
    for index, data in stored:
        try:
            record: dict[str, Any] = parse(data)
            out.append(
                Gebeurtenis(
                    index,
                    str(record["tijd"]),
                    str(record["uitkomst"]),
                    str(record["voorstel"]),
                    str(record["onderwerp"]),
                    str(record["partner"]),
                    str(record["gebruiker"]),
                    str(record["toelichting"]),
                    record["versieVoor"],
                    record["versieNa"],
                    record["betreft"],
                    record.get("convenantVoor"),
                    record.get("convenantNa"),
                )
            )
        except (RecordError, KeyError):
            raise NietBeschikbaarError(
                "the beheer history in the log is damaged; run 'deelpoort audit verify'"
            ) from None
    return out


def _activeer(
    services: Services, uow: UnitOfWork, voorstel: Voorstel, voor: str | None, gebruiker: Gebruiker, now: dt.datetime
) -> str:
    assert voorstel.versie is not None  # noqa: S101 - a policy proposal always names its version
    if voor != voorstel.basisversie:
        raise ConflictError(
            "stale: the active policy version is no longer the one this proposal was made against; propose again"
        )
    stored = uow.beleid.load(voorstel.versie)
    try:
        if (
            stored is None
            or policy_from_rows(stored.model, stored.lines, services.convenant).version != voorstel.versie
        ):
            raise ConflictError("the proposed version is missing or does not match its hash")
    except PolicyError:
        raise ConflictError("the proposed version no longer fits the convenant: propose again") from None
    uow.beleid.activate(voorstel.versie, gebruiker.id, f"voorstel {voorstel.id}: {voorstel.toelichting}", now)
    return voorstel.versie


def _get(uow: UnitOfWork, voorstel_id: str) -> Voorstel:
    found = uow.voorstellen.get(voorstel_id) if _VOORSTEL_ID.fullmatch(voorstel_id) else None
    if found is None:
        raise NietGevondenError("no such proposal")
    return found

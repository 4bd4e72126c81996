"""Convenant changes with four eyes: adding partners, partnertypen, rollen, doelen, grondslagen, or a new
version of a verwerkingsactiviteit, proposed by one beheerder and put in force by another (invariant 8).

Invariants:
- A proposal only adds: it is the convenant in force with entries appended to sections of one document
  (`versies.voeg_toe`), so nothing already agreed changes or disappears. A new version of a
  verwerkingsactiviteit is an addition too: the next `versie` number of that activity, valid from a date that
  is later than its previous version's and not in the past, so no earlier verstrekking changes basis.
- The proposed version is validated by the same loader as the files (every problem at once, each naming the
  file and entry) and must keep the active field policy valid; it is stored when proposed, with its hash.
- Approval needs the convenant version and the policy version the proposal was made against still in force
  (else 409 stale), so the decisions change exactly as its diff said; then the version is put in force, new partners are
  registered, and the history records are logged, all in one transaction.
- What the change does to decisions is visible before approval: `verschil` compiles the active policy under
  both versions (a partner of a type that existing lines name gains those lines' velden at once).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from service.access import PolicyError, policy_from_rows
from service.convenant import ConvenantError
from service.convenant.versies import TOE_TE_VOEGEN as TOE_TE_VOEGEN  # the sections a proposal may add to
from service.convenant.versies import Documenten, bestand_van, laad, versie, voeg_toe
from service.domain.beheer import Handeling, Soort, Status, Voorstel
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.convenant import Convenant
from service.domain.errors import ConflictError, OngeldigeInvoerError
from service.service_layer.beheer.stap import besluit, require_beheerder, tekst, verzegel
from service.service_layer.register.versies import documenten_in_werking, in_werking, registreer_partners
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

MAX_TOEVOEGINGEN = 200


@dataclass(frozen=True, slots=True)
class Toevoeging:
    """One entry to add: the section (`TOE_TE_VOEGEN`), the entry as the convenant files write it, and the
    document it goes to when not the proposal's (a new partner also signing the CTER convenant: `deelnemers`)."""

    sectie: str
    inhoud: Mapping[str, Any]
    document: str | None = None


def stel_voor(
    services: Services,
    gebruiker: Gebruiker,
    toelichting: str,
    document: str,
    toevoegingen: Sequence[Toevoeging],
    *,
    now: dt.datetime | None = None,
) -> Voorstel:
    """Propose a new convenant version: the one in force with `toevoegingen` added to `document` (or to the
    document a toevoeging names).

    Raises:
        NietToegestaanError: the gebruiker is not a beheerder.
        OngeldigeInvoerError: every problem at once (unknown document or section, an entry the loader refuses,
            a verwerkingsactiviteit version out of order or back-dated, a policy that would no longer fit).
        ConflictError: the convenant in force changed while proposing.
    """
    require_beheerder(gebruiker)
    toelichting = tekst("toelichting", toelichting)
    now = now or utcnow()
    basis, documenten = documenten_in_werking(services)
    nieuw_documenten = _nieuwe_versie(services, documenten, document, toevoegingen, now.date())
    with services.uow() as uow:
        size = uow.log.lock_head()
        if in_werking(services, uow) != basis:
            raise ConflictError("the convenant in force changed while proposing: propose again")
        beleid = uow.beleid.active_version()
        voorstel = Voorstel(
            new_id(),
            Soort.CONVENANT,
            Status.OPEN,
            toelichting,
            gebruiker.id,
            now,
            beleid,  # approval needs this policy version still active too: the diff was computed under it
            None,
            None,
            convenantbasis=basis,
            convenantversie=versie(nieuw_documenten),
        )
        _bewaar_basis(uow, services, basis, now)
        uow.convenanten.store(versie(nieuw_documenten), nieuw_documenten, f"voorstel {voorstel.id}", now)
        uow.voorstellen.add(voorstel)
        record = besluit(gebruiker, voorstel, Handeling.VOORSTEL, toelichting, beleid, beleid, convenant=(basis, basis))
        services.log.append_in(uow.log, size, [record])
        uow.commit()
    verzegel(services)
    return voorstel


def activeer(services: Services, uow: UnitOfWork, voorstel: Voorstel, gebruiker: Gebruiker, now: dt.datetime) -> str:
    """Put the proposed version in force, in the caller's (approval) transaction; returns the version before.

    Raises:
        ConflictError: stale (another version came into force), the stored version is missing or altered, or
            the active field policy does not fit it.
    """
    assert voorstel.convenantversie is not None and voorstel.convenantbasis is not None  # noqa: S101
    voor = in_werking(services, uow)
    if voor != voorstel.convenantbasis or uow.beleid.active_version() != voorstel.basisversie:
        raise ConflictError(
            "stale: the convenant or field policy in force is no longer the one this proposal was made against"
            " (its diff would not hold); propose again"
        )
    documenten = uow.convenanten.load(voorstel.convenantversie)
    if documenten is None or versie(documenten) != voorstel.convenantversie:
        raise ConflictError("the proposed convenant version is missing or does not match its hash")
    try:
        convenant = laad(documenten)
    except ConvenantError:
        raise ConflictError("the proposed convenant version no longer loads") from None
    if _beleid_past_niet(uow, convenant):
        raise ConflictError("the active field policy does not fit the proposed convenant: propose again")
    _bewaar_basis(uow, services, voor, now)
    uow.convenanten.activate(voorstel.convenantversie, gebruiker.id, f"voorstel {voorstel.id}", now)
    registreer_partners(uow, convenant)
    return voor


def _bewaar_basis(uow: UnitOfWork, services: Services, basis: str, now: dt.datetime) -> None:
    """Before the first change, store and put in force the files' version the service ran on, so the history
    of versions in force starts where the installation started."""
    if uow.convenanten.active_version() is None:
        uow.convenanten.store(basis, services.convenanten.seed_documenten, "convenants/ (installatie)", now)
        uow.convenanten.activate(basis, "installatie", "versie uit convenants/", now)


def _nieuwe_versie(
    services: Services, documenten: Documenten, document: str, toevoegingen: Sequence[Toevoeging], today: dt.date
) -> dict[str, str]:
    problems: list[tuple[str, str]] = []
    if not toevoegingen or len(toevoegingen) > MAX_TOEVOEGINGEN:
        problems.append(("toevoegingen", f"give 1 to {MAX_TOEVOEGINGEN} entries to add"))
    huidig = services.convenant
    per_bestand: dict[str, list[tuple[str, Mapping[str, Any]]]] = {}
    for i, toevoeging in enumerate(toevoegingen):
        where = f"toevoegingen[{i}]"
        doel_document = toevoeging.document or document
        bestand = bestand_van(documenten, doel_document)
        if bestand is None:
            problems.append(
                (f"{where}.document" if toevoeging.document else "document", f"no convenant document {doel_document!r}")
            )
        if toevoeging.sectie not in TOE_TE_VOEGEN:
            problems.append((f"{where}.sectie", f"one of {', '.join(TOE_TE_VOEGEN)}"))
        elif toevoeging.sectie == "verwerkingsactiviteiten":
            problems.extend(_volgorde(huidig, where, toevoeging.inhoud, today))
        elif toevoeging.sectie == "deelnemers" and set(toevoeging.inhoud) != {"partner"}:
            problems.append((f"{where}.inhoud", 'a deelnemer is {"partner": <partner id>}'))
        if bestand is not None:
            per_bestand.setdefault(bestand, []).append((toevoeging.sectie, toevoeging.inhoud))
    if problems:
        raise OngeldigeInvoerError(sorted(set(problems), key=problems.index))
    nieuw_documenten = dict(documenten)
    for bestand, entries in per_bestand.items():
        nieuw_documenten = voeg_toe(nieuw_documenten, bestand, entries)
    try:
        convenant = laad(nieuw_documenten)
    except ConvenantError as exc:
        raise OngeldigeInvoerError([(f"{p.file}: {p.entry}", p.message) for p in exc.problems]) from None
    with services.uow() as uow:
        misfits = _beleid_past_niet(uow, convenant)
    if misfits:
        raise OngeldigeInvoerError(
            [("toevoegingen", f"the active field policy would no longer fit: {m}") for m in misfits[:20]]
        )
    return nieuw_documenten


def _volgorde(huidig: Convenant, where: str, inhoud: Mapping[str, Any], today: dt.date) -> list[tuple[str, str]]:
    """A verwerkingsactiviteit version must follow its predecessor and never be back-dated."""
    problems: list[tuple[str, str]] = []
    vorige = [va for va in huidig.verwerkingsactiviteiten if va.id == inhoud.get("id")]
    verwacht = max((va.versie for va in vorige), default=0) + 1
    if inhoud.get("versie") != verwacht:
        problems.append((f"{where}.inhoud.versie", f"must be {verwacht}, the next version of this activity"))
    try:
        vanaf = dt.date.fromisoformat(str(inhoud.get("geldig_vanaf")))
    except ValueError:
        return [*problems, (f"{where}.inhoud.geldig_vanaf", "a date (yyyy-mm-dd)")]
    if vanaf < today:
        problems.append((f"{where}.inhoud.geldig_vanaf", "not in the past: earlier verstrekkingen keep their basis"))
    if any(va.geldig_vanaf >= vanaf for va in vorige):
        problems.append((f"{where}.inhoud.geldig_vanaf", "must be later than the previous version's"))
    return problems


def _beleid_past_niet(uow: UnitOfWork, convenant: Convenant) -> list[str]:
    """Why the active field policy would not fit `convenant` ("file:line: message" each); empty when it fits."""
    actief = uow.beleid.active_version()
    stored = uow.beleid.load(actief) if actief is not None else None
    if stored is None:
        return []
    try:
        policy_from_rows(stored.model, stored.lines, convenant)
    except PolicyError as exc:
        return list(exc.problems)
    return []

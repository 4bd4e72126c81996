"""Convenant versions: installing the files as the seed, listing versions, exporting the one in force.

Invariants:
- `convenants/` is the seed of a new installation: `installeer` stores the files as a version and puts it in
  force only when no version is in force yet (or always, for the demo). After that, the convenant changes
  only through an approved proposal (`beheer.convenantwijziging`).
- The partners table follows the convenant in force: partners it adds are registered (active); a partner's
  suspension state is never changed here.
- `exporteer` writes the version in force back as files that load as exactly that version (checked after
  writing), so the repository can hold the approved state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from service.adapters.convenant_store import Convenantactivering
from service.convenant.versies import Documenten, laad, lees_map, versie
from service.domain.casus import utcnow
from service.domain.convenant import Convenant
from service.domain.errors import NietBeschikbaarError
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

INSTALLATIE = "installatie"


def installeer(
    services: Services, directory: Path, *, activeer: str = "als-geen", now: dt.datetime | None = None
) -> tuple[str, bool]:
    """Store the convenant files of `directory` as a version; put it in force if `activeer` says so.

    `activeer`: "als-geen" (only when none is in force: a new installation) or "altijd" (the demo follows the
    files). Returns (version, whether it was put in force now).

    Raises:
        ConvenantError: the files are invalid (every problem listed).
    """
    documenten = lees_map(directory)
    convenant = laad(documenten)
    nieuw = versie(documenten)
    now = now or utcnow()
    with services.uow() as uow:
        uow.convenanten.store(nieuw, documenten, f"{directory.name}/ ({INSTALLATIE})", now)
        actief = uow.convenanten.active_version()
        activate = actief != nieuw and (activeer == "altijd" or actief is None)
        if activate:
            uow.convenanten.activate(nieuw, INSTALLATIE, f"versie uit {directory.name}/", now)
            registreer_partners(uow, convenant)
        uow.commit()
    services.convenanten.ververs()
    return nieuw, activate


def registreer_partners(uow: UnitOfWork, convenant: Convenant) -> None:
    """Register the convenant's partners that the partners table lacks (active), in the caller's transaction."""
    bekend = {p.id for p in uow.partners.list()}
    nieuw = [p for p in convenant.partners if p.id not in bekend]
    if nieuw:
        uow.partners.add(nieuw)


def in_werking(services: Services, uow: UnitOfWork) -> str:
    """The version in force, read in the caller's transaction (the files' version before any was stored)."""
    return uow.convenanten.active_version() or services.convenanten.seed.versie


def versie_in_werking(services: Services) -> str:
    """The version in force now (for a page that shows whether a proposal went stale)."""
    with services.uow() as uow:
        return in_werking(services, uow)


def documenten_van(services: Services, uow: UnitOfWork, versie: str) -> Documenten | None:
    """A version's documents as stored; the files the service started with for their own (unstored) version."""
    stored = uow.convenanten.load(versie)
    if stored is None and versie == services.convenanten.seed.versie:
        return services.convenanten.seed_documenten
    return stored


@dataclass(frozen=True, slots=True)
class Convenantoverzicht:
    in_werking: str  # the version in force (the files' version before any was stored)
    opgeslagen: bool  # False: nothing stored yet, the files the service started with are in force
    activeringen: list[Convenantactivering]


def overzicht(services: Services) -> Convenantoverzicht:
    with services.uow() as uow:
        actief = uow.convenanten.active_version()
        activeringen = uow.convenanten.activations()
    return Convenantoverzicht(actief or services.convenanten.seed.versie, actief is not None, activeringen)


def documenten_in_werking(services: Services) -> tuple[str, Documenten]:
    """The version in force and its documents.

    Raises:
        NietBeschikbaarError: the stored version is missing or altered.
    """
    with services.uow() as uow:
        actief = in_werking(services, uow)
        documenten = documenten_van(services, uow, actief)
    if documenten is None or versie(documenten) != actief:
        raise NietBeschikbaarError("the convenant version in force is missing or altered")
    return actief, documenten


def exporteer(services: Services, directory: Path) -> tuple[str, list[str], list[str]]:
    """Write the version in force to `directory` (one YAML file per document, texts exactly as stored) and
    remove other `*.yaml` there, so the directory loads as exactly that version (checked after writing).

    Returns (version, files written, files removed).

    Raises:
        NietBeschikbaarError: the stored version is missing or altered, or the written files do not load back.
    """
    actief, documenten = documenten_in_werking(services)
    directory.mkdir(parents=True, exist_ok=True)
    removed = sorted(p.name for p in directory.glob("*.yaml") if p.name not in documenten)
    for name in removed:
        (directory / name).unlink()
    for name, text in documenten.items():
        (directory / name).write_text(text, encoding="utf-8")
    if versie(lees_map(directory)) != actief:
        raise NietBeschikbaarError("the exported files do not read back as the version in force")
    return actief, sorted(documenten), removed

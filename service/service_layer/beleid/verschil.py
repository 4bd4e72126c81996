"""The decision diff of a proposal: every (partner, rol, casustype, doel, veld) decision it changes.

What a beheerder must see before approving (invariant 8), grouped per (partner, rol, casustype, doel) so it
reads as "who gains or loses which velden for which doel, on which grondslag".

Invariants:
- A policy proposal's diff compares the compiled tables of its base version and its proposed version, the
  same tables a request is answered from; approval needs the base version still active, so an approved
  change alters the active table exactly as its diff said.
- A partner suspension loses every decision the partner has under the base version; lifting it gains them.
- A convenant proposal compiles the active policy under the convenant version it was made against and under
  the proposed one: a new partner of a type (or a new rol or doel) that existing lines name shows the velden
  it gains at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from service.access.diff import Change, changes
from service.access.table import DecisionTable
from service.convenant.versies import toegevoegde_regels
from service.domain.beheer import Soort
from service.domain.decision import DecisionKey
from service.domain.errors import ConflictError, GeenBeleidError, NietBeschikbaarError
from service.service_layer.beheer.voorstellen import voorstel as get_voorstel
from service.service_layer.beleid.actief import compiled
from service.service_layer.register.versies import documenten_van
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Beslissing:
    veld: str
    was: str | None  # grondslag before, None when not allowed
    wordt: str | None  # grondslag after, None when not allowed

    @property
    def soort(self) -> str:
        if self.was is None:
            return "gekregen"
        return "verloren" if self.wordt is None else "gewijzigd"


@dataclass(frozen=True, slots=True)
class Groep:
    partner: str
    rol: str
    casustype: str
    doel: str
    beslissingen: tuple[Beslissing, ...]


@dataclass(frozen=True, slots=True)
class Verschil:
    voorstel: str
    basisversie: str | None
    versie: str | None
    groepen: tuple[Groep, ...]
    convenantregels: tuple[tuple[str, str], ...] = ()  # a convenant proposal: (file, line) it adds

    def aantal(self, soort: str) -> int:
        return sum(b.soort == soort for g in self.groepen for b in g.beslissingen)


def verschil(services: Services, voorstel_id: str) -> Verschil:
    """The decisions the proposal changes, grouped.

    Raises:
        NietGevondenError: no such proposal.
        ConflictError: a version involved no longer fits the convenant (the proposal cannot be approved).
    """
    found = get_voorstel(services, voorstel_id)
    regels: tuple[tuple[str, str], ...] = ()
    if found.basisversie is None:
        raise ConflictError("the proposal has no base version to compare with")
    try:
        with services.uow() as uow:
            old = compiled(services, uow.beleid, found.basisversie).table
            if found.soort is Soort.BELEID:
                assert found.versie is not None  # noqa: S101 - a policy proposal always names its version
                new = compiled(services, uow.beleid, found.versie).table
            elif found.soort is Soort.CONVENANT:
                assert found.convenantversie and found.convenantbasis  # noqa: S101 - always set for this soort
                bron = services.convenanten
                try:
                    voor, na = bron.stand(found.convenantbasis), bron.stand(found.convenantversie)
                except NietBeschikbaarError as exc:
                    raise ConflictError(f"no diff: {exc}") from None
                old = compiled(services, uow.beleid, found.basisversie, voor).table
                new = compiled(services, uow.beleid, found.basisversie, na).table
                regels = _convenantregels(services, uow, found.convenantbasis, found.convenantversie)
            elif found.gebruiker is not None or found.casus is not None:
                new = old  # a beheerder or FG changes, or a casus is destroyed: the field policy stays as it is
            else:
                without = _without(old, found.partner or "")
                old, new = (without, old) if found.soort is Soort.PARTNER_HERSTEL else (old, without)
    except GeenBeleidError as exc:
        raise ConflictError(f"no diff: {exc}") from None
    return Verschil(found.id, found.basisversie, found.versie, _grouped(list(changes(old, new))), regels)


def _convenantregels(services: Services, uow: UnitOfWork, basis: str, versie: str) -> tuple[tuple[str, str], ...]:
    """The lines the proposed convenant version adds to its base (both as stored)."""
    oud = documenten_van(services, uow, basis) or {}
    return tuple(toegevoegde_regels(oud, documenten_van(services, uow, versie) or {}))


def _without(table: DecisionTable, partner: str) -> DecisionTable:
    kept = {key: fields for key, fields in table.allowed.items() if key.partner != partner}
    return DecisionTable(table.version, MappingProxyType(kept), table.denied_by)


def _grouped(found: list[Change]) -> tuple[Groep, ...]:
    groups: dict[DecisionKey, list[Beslissing]] = {}
    for change in found:
        groups.setdefault(change.key, []).append(Beslissing(change.veld, change.old, change.new))
    return tuple(
        Groep(key.partner, key.rol, key.casustype, key.doel, tuple(beslissingen))
        for key, beslissingen in groups.items()
    )

"""What a proposal changes, summarised for the beheerder who judges it (issue 24.4): first its impact per partner
type, rol, casustype and doel, partners with the very same change taken together; then the policy lines it adds
and removes, as the CSV files hold them.

Invariants:
- The summary only regroups the decision diff (`verschil.Verschil`), the same diff approval is held to: every
  decision of the diff is in exactly one row, and a row names exactly the partners that have all of its decisions
  for its (rol, casustype, doel) and no other change there. Nothing is summed away: a row's velden are listed.
- The lines added and removed are those of the stored versions themselves (a multiset difference of the stored
  lines' values), so what the beheerder reads is what will be compiled, comments and order aside.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePosixPath

from service.domain.beheer import Soort, Voorstel
from service.service_layer.beleid.verschil import Beslissing, Verschil
from service.service_layer.services import Services


@dataclass(frozen=True, slots=True)
class Impactregel:
    """One line of the summary: these partners (all of `partnertype`) gain, lose or re-ground these velden."""

    partnertype: str
    partners: tuple[str, ...]  # partner ids, sorted
    rol: str
    casustype: str
    doel: str
    beslissingen: tuple[Beslissing, ...]  # sorted by veld

    def van(self, soort: str) -> tuple[Beslissing, ...]:
        """The decisions of one soort: 'gekregen', 'verloren' or 'gewijzigd'."""
        return tuple(b for b in self.beslissingen if b.soort == soort)


@dataclass(frozen=True, slots=True)
class Beleidsregels:
    """The policy lines a proposal of soort beleid adds and removes: (file, line) pairs, the line as in the CSV."""

    erbij: tuple[tuple[str, str], ...]
    eraf: tuple[tuple[str, str], ...]


def samenvatting(diff: Verschil, partnertypen: Mapping[str, str]) -> tuple[Impactregel, ...]:
    """The diff regrouped: per (partner type, rol, casustype, doel, the exact decisions), the partners that have it.

    `partnertypen` maps a partner id to its type id (a partner the convenant no longer names keeps its id as type).
    Sorted by partner type, rol, casustype, doel, then the first partner.
    """
    groepen: dict[tuple[str, str, str, str, tuple[Beslissing, ...]], list[str]] = {}
    for groep in diff.groepen:
        beslissingen = tuple(sorted(groep.beslissingen, key=lambda b: (b.veld, b.was or "", b.wordt or "")))
        sleutel = (partnertypen.get(groep.partner, groep.partner), groep.rol, groep.casustype, groep.doel, beslissingen)
        groepen.setdefault(sleutel, []).append(groep.partner)
    regels = [
        Impactregel(type_, tuple(sorted(partners)), rol, casustype, doel, beslissingen)
        for (type_, rol, casustype, doel, beslissingen), partners in groepen.items()
    ]
    return tuple(sorted(regels, key=lambda r: (r.partnertype, r.rol, r.casustype, r.doel, r.partners)))


def beleidsregels(services: Services, voorstel: Voorstel) -> Beleidsregels | None:
    """The lines a policy proposal adds to and removes from its base version; None for other soorten (their
    change is not to the policy files) or when a version is not stored."""
    if voorstel.soort is not Soort.BELEID or voorstel.basisversie is None or voorstel.versie is None:
        return None
    with services.uow() as uow:
        oud, nieuw = uow.beleid.load(voorstel.basisversie), uow.beleid.load(voorstel.versie)
    if oud is None or nieuw is None:
        return None
    oude, nieuwe = _regels(oud.lines), _regels(nieuw.lines)
    return Beleidsregels(_na_elkaar(nieuwe - oude), _na_elkaar(oude - nieuwe))


def _regels(lines: tuple[tuple[str, tuple[str, ...]], ...]) -> Counter[tuple[str, str]]:
    """(file name, CSV line) of each stored line, counted (a line may stand twice); `bron` is "path:line"."""
    return Counter((PurePosixPath(bron.rsplit(":", 1)[0]).name, ", ".join(("p", *values))) for bron, values in lines)


def _na_elkaar(regels: Counter[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(regels.elements()))

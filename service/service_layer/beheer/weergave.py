"""What the beheer pages show besides the results of the beheer use cases: names for the ids they hold, the
active field policy as readable lines per file (to copy a line into a change), and what a proposal would be
refused for (so a form can name every problem at once, also when its toelichting is missing).

Invariants:
- Read-only: nothing here writes, and nothing here decides; deciding is `beheer`'s alone. `controleer` runs
  the same validation as `beheer.stel_beleid_voor` and stores nothing.
- A name is shown next to its id, never instead of it: two gebruikers may carry the same name.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from service.domain.errors import OngeldigeInvoerError
from service.service_layer.beleid import invoer as beleidsinvoer
from service.service_layer.beleid.invoer import Bestand, Wijziging, bestand_van
from service.service_layer.services import Services


@dataclass(frozen=True, slots=True)
class Persoon:
    """Who a gebruiker id is, as far as the pages need: a name and the name of its partner."""

    id: str
    naam: str
    partner: str


def personen(services: Services, ids: Iterable[str]) -> dict[str, Persoon]:
    """The known gebruikers among `ids` (an id that is no gebruiker, e.g. "installatie", is left out)."""
    with services.uow() as uow:
        found = uow.gebruikers.namen(ids)
    out = {}
    for ident, (naam, partner_id) in found.items():
        partner = services.convenant.partner(partner_id)
        out[ident] = Persoon(ident, naam, partner.naam if partner is not None else partner_id)
    return out


def actieve_bestanden(services: Services) -> tuple[str | None, dict[str, list[str]]]:
    """The active version and its policy lines per file ("p, sub, rol, ..."), files in name order."""
    with services.uow() as uow:
        versie = uow.beleid.active_version()
        stored = uow.beleid.load(versie) if versie is not None else None
    by_file: dict[str, list[str]] = {}
    for bron, values in stored.lines if stored is not None else ():
        by_file.setdefault(bestand_van(bron), []).append("p, " + ", ".join(values))
    return versie, dict(sorted(by_file.items()))


def actieve_versie(services: Services) -> str | None:
    with services.uow() as uow:
        return uow.beleid.active_version()


def controleer(
    services: Services, *, bestanden: list[Bestand] | None = None, wijziging: Wijziging | None = None
) -> list[tuple[str, str]]:
    """The problems (name, reason) for which proposing these files or this change would be refused, as
    `beheer.stel_beleid_voor` names them; empty when the policy itself is valid. Nothing is stored."""
    with services.uow() as uow:
        basis = uow.beleid.active_version()
        stored = uow.beleid.load(basis) if basis is not None else None
    if stored is None:
        return []
    try:
        if bestanden is not None:
            beleidsinvoer.uit_bestanden(stored.model, bestanden, services.convenant)
        elif wijziging is not None:
            beleidsinvoer.uit_wijziging(stored, wijziging, services.convenant)
    except OngeldigeInvoerError as exc:
        return list(exc.problemen)
    return []

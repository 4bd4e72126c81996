"""The beheer history as the pages list it (`/beheer/geschiedenis`, `/fg/beheer`): in groups, newest first, paged.

A region's year of beheer is mostly credential records (every koppeling renews its token every few months);
the decisions a beheerder or FG looks for (proposals, approvals, rejections, what took effect) are a few dozen
among them. So the list offers the groups with their counts, and pages of `PER` records with the total.

Invariants:
- Every record is in exactly one group (`groep`); the groups' counts add up to the whole history.
- A page holds at most `PER` records, newest first; the page number is clamped to the pages there are.
- An unknown group or a page that is not a number is refused (`ValueError`, a Dutch sentence for a 400 page),
  never guessed at.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from service.domain.identiteit import Gebruikershandeling
from service.service_layer.beheer.voorstellen import Gebeurtenis

PER = 50
GROEPEN = {
    "besluiten": "Voorstellen en besluiten",
    "gebruikers": "Gebruikers aangemaakt, geschorst of verwijderd",
    "tokens": "Tokens uitgegeven, vernieuwd of ingetrokken",
}
_TOKENS = frozenset(
    {Gebruikershandeling.TOKEN_UITGIFTE, Gebruikershandeling.TOKEN_VERNIEUWD, Gebruikershandeling.TOKEN_INTREKKING}
)


def groep(gebeurtenis: Gebeurtenis) -> str:
    """The group of a record: a direct change to a gebruiker or its token, or a step of a proposal."""
    if gebeurtenis.onderwerp != "gebruiker":
        return "besluiten"
    return "tokens" if gebeurtenis.handeling in _TOKENS else "gebruikers"


@dataclass(frozen=True, slots=True)
class Lijst:
    rijen: list[Gebeurtenis]  # this page's records, newest first
    groep: str | None  # None: every group
    nummer: int
    paginas: int
    totaal: int  # records in the selection
    alle: int  # records in the history
    tellingen: dict[str, int]  # per group (every group named, zero included)
    ingediend: dict[str, dt.datetime]  # voorstel id -> when it was proposed (steps name their proposal by its day)

    def query(self, **wijziging: Any) -> str:
        """The query string of this list with `wijziging` applied (a value None leaves the key out)."""
        waarden = {"groep": self.groep, "pagina": self.nummer if self.nummer > 1 else None, **wijziging}
        return "&".join(f"{k}={v}" for k, v in waarden.items() if v is not None)


def lijst(gebeurtenissen: list[Gebeurtenis], groep_: str | None, pagina: str | None) -> Lijst:
    """The page `pagina` (from 1) of the records of `groep_` (None or "": all) among `gebeurtenissen` (oldest
    first, as `beheer.geschiedenis` gives them).

    Raises:
        ValueError: an unknown group, or a page that is not a positive number.
    """
    if groep_ and groep_ not in GROEPEN:
        raise ValueError(f"Onbekende groep; kies uit: {', '.join(GROEPEN)}.")
    if pagina is not None and (not pagina.isdigit() or int(pagina) < 1):
        raise ValueError("Het paginanummer is een getal vanaf 1.")
    tellingen = dict.fromkeys(GROEPEN, 0)
    for gebeurtenis in gebeurtenissen:
        tellingen[groep(gebeurtenis)] += 1
    gekozen = [g for g in reversed(gebeurtenissen) if not groep_ or groep(g) == groep_]
    paginas = max(1, -(-len(gekozen) // PER))
    nummer = min(int(pagina or 1), paginas)
    rijen = gekozen[(nummer - 1) * PER : nummer * PER]
    ingediend = {
        g.voorstel: dt.datetime.fromisoformat(g.tijd)
        for g in gebeurtenissen
        if g.voorstel and g.handeling == "voorstel"
    }
    return Lijst(rijen, groep_ or None, nummer, paginas, len(gekozen), len(gebeurtenissen), tellingen, ingediend)

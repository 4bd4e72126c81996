"""The FG's verantwoording in tests: the fixture casus's values (none may ever be shown to the FG)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID

# Every value the fixture casus holds: none of them may appear in anything the FG is shown.
CASE_VALUES = (
    BSN_HOOFDPERSOON,
    BSN_SYSTEEMLID,
    "Testpersoon-Synthetisch",
    "Testkind",
    "1990-04-01",
    "Synthetisch signaal",
    "zorgmijdend",
)


@dataclass(frozen=True)
class Logboek:
    """The `logboek` fixture: a casus with a released, a partly released and a refused verstrekking."""

    casus: dict[str, Any]
    fg: str  # bearer token of an FG
    politie: str
    procesregisseur: str

"""What the functionaris gegevensbescherming (FG) asks of the verstrekking log: selections and signals.

Invariants:
- A selection names only metadata that the log's query columns or derived tables hold (partner, casus, doel,
  grondslag, period, uitkomst); it never carries a field value, a BSN or a name.
- Signal thresholds are explicit values with a documented meaning (`Drempels`), never hidden constants.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

MAX_PAGINA_GROOTTE = 200
# Every uitkomst a log record the FG sees can have: of a verstrekking (verstrekt, gedeeltelijk, leeg, geweigerd),
# a destruction (vernietigd) and an import (geimporteerd, `domain.importeren`). The FG's filters offer these.
UITKOMSTEN = ("verstrekt", "gedeeltelijk", "leeg", "geweigerd", "vernietigd", "geimporteerd")


@dataclass(frozen=True, slots=True)
class Selectie:
    """A filter over the verstrekking log. Every given criterion must hold (AND); `None` means any."""

    partner: str | None = None
    casus: str | None = None
    doel: str | None = None
    grondslag: str | None = None
    uitkomst: str | None = None
    van: dt.datetime | None = None  # inclusive
    tot: dt.datetime | None = None  # exclusive
    betrokkenen: tuple[str, ...] | None = None  # betrokkene ids (an access request), None: any


@dataclass(frozen=True, slots=True)
class Pagina:
    """Which page in which order: `nieuwste_eerst` sorts on time descending (ties in log order)."""

    nummer: int = 1
    grootte: int = 50
    nieuwste_eerst: bool = True

    def __post_init__(self) -> None:
        if self.nummer < 1 or not 1 <= self.grootte <= MAX_PAGINA_GROOTTE:
            raise ValueError("page number from 1, page size from 1 to MAX_PAGINA_GROOTTE")

    @property
    def offset(self) -> int:
        return (self.nummer - 1) * self.grootte


@dataclass(frozen=True, slots=True)
class Drempels:
    """Thresholds of the anomaly signals (settings `DEELPOORT_SIGNAAL_*`, explained in the README).

    - volume: a partner's records in the latest `venster_dagen` exceed `volume_factor` times its average per
      window over the `basis_vensters` windows before, and number at least `volume_minimum`.
    - weigeringen: a partner had at least `weigeringen` refused requests in the latest window.
    - geen deelnemer: any record in the window of a partner that is no longer an active convenant partner.
    - buiten kantoortijd: a partner's records in the window outside weekdays `kantoor_van`..`kantoor_tot` hours
      (Europe/Amsterdam) number at least `buiten_kantoortijd`.
    """

    venster_dagen: int = 7
    basis_vensters: int = 8
    volume_factor: int = 3
    volume_minimum: int = 20
    weigeringen: int = 10
    kantoor_van: int = 7
    kantoor_tot: int = 19
    buiten_kantoortijd: int = 5


@dataclass(frozen=True, slots=True)
class Signaal:
    """One anomaly: its kind (a fixed code), the partner it concerns, the figure and the threshold it passed."""

    soort: str  # "volume" | "weigeringen" | "geen-deelnemer" | "buiten-kantoortijd" | a beveiligingssignaal
    partner: str
    aantal: int
    drempel: int
    toelichting: str


BRONNEN = ("cli", "fg")  # who ran a full verification: `deelpoort audit verify`, or an FG from the API or pages
MAX_PROBLEMEN = 50  # problems kept per controle (the first bad index is always kept separately)


@dataclass(frozen=True, slots=True)
class Integriteitscontrole:
    """The stored outcome of one full verification of the verstrekking log and its lookup tables.

    Holds only sizes, indexes and the verifier's problem texts (which name indexes and sizes, never a value).
    """

    id: str
    begonnen_op: dt.datetime
    klaar_op: dt.datetime
    bron: str  # one of BRONNEN
    gebruiker: str | None  # the FG's gebruiker id when bron is "fg"
    grootte: int  # records verified
    checkpoints: int
    problemen: tuple[str, ...]  # the records, tree and checkpoints (at most MAX_PROBLEMEN)
    eerste_fout: int | None  # the first bad index of the records, tree and checkpoints
    tabellen_gedekt: int  # records the lookup tables cover, checked against them
    tabellen_problemen: tuple[str, ...]
    tabellen_eerste_fout: int | None

    @property
    def intact(self) -> bool:
        return not self.problemen and not self.tabellen_problemen

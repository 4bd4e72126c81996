"""The tables of a ZVH annual report, computed from facts per casus: pure counting, no storage, no decryption.

Invariants:
- A `Casusfeiten` holds codes, dates and derived classes only (an age band, not a birth date; problematiek as
  three flags; the reach beyond the gemeente as a code); it is built inside the service from the casus's
  metadata, its history and the values the policy grants doel `managementinformatie`, and never leaves it.
  What leaves is a `Tabel` of counts.
- Periods are calendar years of Dutch dates. A casus is "in procesregie" from its triage besluit procesregie until
  its afsluiting; "actief gedurende" a year when those two overlap the year; "actief op 31 december" when it had
  started and not ended by the end of that day. Ages are whole years on the day they are counted.
- Every count is of casussen (or of persons, where the table says so); a casus counts once per cell.
- Each table is built here with its totals, so that a total is always the sum it claims to be; the suppression
  of small cells for publication is `domain.onderdrukking`'s.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

LEEFTIJDSKLASSEN = ("t/m 17", "18 t/m 23", "24 t/m 40", "41 t/m 65", "ouder dan 65")
_KLASSEGRENZEN = (17, 23, 40, 65)  # the oldest age of each band but the last
ONBEKEND = "onbekend"
WACHTTIJD = dt.timedelta(days=14)  # the werkvoorraad counts casussen that waited longer than two weeks


class Problematiek(enum.StrEnum):
    PSYCHISCH = "psychisch"  # psychische problematiek / verward gedrag
    LVB = "lvb"  # licht verstandelijke beperking, vastgesteld of vermoed
    VERSLAVING = "verslaving"


class Reikwijdte(enum.StrEnum):
    """The veld `reikwijdte`'s keuzes: how far beyond its own gemeente a casus reaches."""

    EIGEN_GEMEENTE = "eigen-gemeente"
    ANDERE_GEMEENTE_PROVINCIE = "andere-gemeente-provincie"
    ANDERE_PROVINCIE = "andere-provincie"
    LANDELIJK = "landelijk"
    BUITENLAND = "buitenland"


@dataclass(frozen=True, slots=True)
class Casusfeiten:
    """What the report counts of one regular casus (see the module invariants)."""

    gemeente: str
    hoofdonderwerp: str
    aanmelder: str  # the referring partner
    aangemeld_op: dt.date
    nevenonderwerpen: tuple[str, ...] = ()
    besluit: str | None = None  # the triage's outcome: procesregie, uitgebreid-advies, afgewezen (None: not yet)
    besluit_op: dt.date | None = None
    afgesloten_op: dt.date | None = None
    uitkomst: str | None = None  # the afsluiting's uitkomst
    overgedragen_aan: str | None = None  # the partnertype (or "zvh") of the partner that took over
    geboortedatum: dt.date | None = None  # of the hoofdpersoon, only to derive bands; never leaves
    minderjarigen: bool | None = None  # a person younger than 18 at aanmelding in the system (None: unknown)
    personen: int = 1
    problematiek: frozenset[Problematiek] = field(default_factory=frozenset)
    reikwijdte: Reikwijdte | None = None

    @property
    def procesregie(self) -> bool:
        return self.besluit == "procesregie"

    def in_procesregie_gedurende(self, jaar: int) -> bool:
        start, einde = dt.date(jaar, 1, 1), dt.date(jaar, 12, 31)
        return (
            self.procesregie
            and self.besluit_op is not None
            and self.besluit_op <= einde
            and (self.afgesloten_op is None or self.afgesloten_op >= start)
        )

    def in_procesregie_op(self, dag: dt.date) -> bool:
        return (
            self.procesregie
            and self.besluit_op is not None
            and self.besluit_op <= dag
            and (self.afgesloten_op is None or self.afgesloten_op > dag)
        )


def leeftijdsklasse(geboortedatum: dt.date | None, op: dt.date) -> str:
    """The age band on day `op` ("onbekend" without a birth date, or one after `op`)."""
    if geboortedatum is None or geboortedatum > op:
        return ONBEKEND
    leeftijd = op.year - geboortedatum.year - ((op.month, op.day) < (geboortedatum.month, geboortedatum.day))
    return next(
        (k for k, grens in zip(LEEFTIJDSKLASSEN, _KLASSEGRENZEN, strict=False) if leeftijd <= grens),
        LEEFTIJDSKLASSEN[-1],
    )


@dataclass(frozen=True, slots=True)
class Tabel:
    """A table of counts: `cellen[i][j]` is row `rijen[i]`, column `kolommen[j]`. With `totaalrij` the last row
    is "Totaal" (the column sums), with `totaalkolom` the last column (the row sums); both are part of `cellen`
    and `rijen`/`kolommen`, built by `tabel` so they always add up."""

    id: str
    titel: str
    rijen: tuple[str, ...]
    kolommen: tuple[str, ...]
    cellen: tuple[tuple[int, ...], ...]
    totaalrij: bool = False
    totaalkolom: bool = False
    toelichting: str = ""

    def cel(self, rij: str, kolom: str) -> int:
        return self.cellen[self.rijen.index(rij)][self.kolommen.index(kolom)]


def tabel(
    id_: str,
    titel: str,
    rijen: Sequence[str],
    kolommen: Sequence[str],
    waarden: Sequence[Sequence[int]],
    *,
    totaalrij: bool = False,
    totaalkolom: bool = False,
    toelichting: str = "",
) -> Tabel:
    """A `Tabel` with its totals computed from `waarden` (rows by columns, without totals)."""
    cellen = [list(r) + ([sum(r)] if totaalkolom else []) for r in waarden]
    if totaalrij:
        breedte = len(kolommen) + (1 if totaalkolom else 0)
        cellen.append([sum(r[j] for r in cellen) for j in range(breedte)])
    return Tabel(
        id_,
        titel,
        tuple(rijen) + (("Totaal",) if totaalrij else ()),
        tuple(kolommen) + (("Totaal",) if totaalkolom else ()),
        tuple(tuple(r) for r in cellen),
        totaalrij,
        totaalkolom,
        toelichting,
    )


def tel(feiten: Iterable[Casusfeiten], *voorwaarden: Callable[..., object]) -> int:
    """How many casussen meet every condition (each called with the casus's facts; `...` so a lambda may bind
    its loop variable as a default argument)."""
    return sum(1 for f in feiten if all(v(f) for v in voorwaarden))


def in_jaar(dag: dt.date | None, jaar: int) -> bool:
    return dag is not None and dag.year == jaar

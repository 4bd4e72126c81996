"""The report's tables as the API and the pages show them: per cell the count (None where withheld for
publication) and its text ("12", or "x" where withheld), and one table as CSV.

Invariants: reads only the counts of a `Rapportage`; a withheld cell's count never appears in a weergave.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from service.domain.jaarcijfers import Tabel
from service.service_layer.managementinformatie.rapport import Rapportage


@dataclass(frozen=True, slots=True)
class Tabelweergave:
    tabel: Tabel  # for id, titel, toelichting, labels and the totals flags (its counts are not read from here)
    waarden: tuple[tuple[int | None, ...], ...]
    teksten: tuple[tuple[str, ...], ...]

    @property
    def id(self) -> str:
        return self.tabel.id


def weergaven(rapportage: Rapportage) -> list[Tabelweergave]:
    """Every table of the report: suppressed when published, exact otherwise."""
    if rapportage.publicaties is not None:
        return [Tabelweergave(p.tabel, p.waarden, p.weergave) for p in rapportage.publicaties]
    return [
        Tabelweergave(t, t.cellen, tuple(tuple(str(v) for v in rij) for rij in t.cellen))
        for t in rapportage.rapport.tabellen
    ]


def als_csv(weergave: Tabelweergave) -> str:
    """One table as CSV: a header of the column labels, then per row its label and its cells' texts."""
    uit = io.StringIO()
    schrijver = csv.writer(uit, lineterminator="\r\n")
    schrijver.writerow(["", *weergave.tabel.kolommen])
    for label, rij in zip(weergave.tabel.rijen, weergave.teksten, strict=True):
        schrijver.writerow([label, *rij])
    return uit.getvalue()

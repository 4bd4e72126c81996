"""Small-cell suppression of a table for publication: no published figure, and no figure that can be worked out
from the published ones, counts fewer than the threshold of casussen (or persons).

Invariants:
- Primary: every cell (totals included) with 0 < n < drempel is withheld. A 0 is shown: it says nobody, and
  withholding it would protect no one.
- Complementary: a table with totals is a set of linear equations (each row with a total column, each column
  with a total row: the cells add up to the total). More cells are withheld until no withheld cell is determined
  by the published cells: neither by the equations (checked exactly, by the rank of the equations over the
  withheld cells: `bepaalbaar`) nor by the equations with the fact that counts are never negative (interval
  propagation: `begrensd`). The rule "never one withheld cell in a line" picks the first candidates.
- Every withheld cell is shown the same: "x". Were a small cell shown as "< k" and a complementary one as "x", a
  reader would know the first lies in 1..k-1 and the second is 0 or at least k, and with a published total
  that gap can pin a cell down exactly (row 0, 1, 5 with total 6: "x", "< 5", "x", "6" can only hide a 1).
- Deterministic: the same table and threshold give the same pattern (the smallest candidate first, then by
  position). Only counts of the table are read; nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction

from service.domain.jaarcijfers import Tabel

Cel = tuple[int, int]  # (row, column) of a table's `cellen`
VERBORGEN = "x"  # how a withheld cell is shown (small, or withheld so that a small one cannot be worked out)


@dataclass(frozen=True, slots=True)
class Publicatie:
    """A table as published: `weergave[i][j]` is the figure or "x"; `waarden` is None where withheld; `primair`
    and `aanvullend` say which cells were withheld and why (for the Bureau, never published)."""

    tabel: Tabel
    drempel: int
    weergave: tuple[tuple[str, ...], ...]
    waarden: tuple[tuple[int | None, ...], ...]
    primair: frozenset[Cel]
    aanvullend: frozenset[Cel]


def lijnen(tabel: Tabel) -> list[list[Cel]]:
    """The table's equations as lines of cells whose last cell is the total of the others."""
    n, m = len(tabel.rijen), len(tabel.kolommen)
    out: list[list[Cel]] = []
    if tabel.totaalkolom:
        out += [[(i, j) for j in range(m)] for i in range(n)]
    if tabel.totaalrij:
        out += [[(i, j) for i in range(n)] for j in range(m)]
    return out


def onderdruk(tabel: Tabel, drempel: int) -> Publicatie:
    """The table with its small cells withheld, and enough others that none can be worked out (module docs)."""
    if drempel < 1:
        raise ValueError("the threshold is a positive number of casussen")
    waarde = {(i, j): v for i, rij in enumerate(tabel.cellen) for j, v in enumerate(rij)}
    primair = frozenset(c for c, v in waarde.items() if 0 < v < drempel)
    weg = set(primair)
    regels = lijnen(tabel)
    while True:
        eenzaam = next((lijn for lijn in regels if sum(c in weg for c in lijn) == 1), None)
        if eenzaam is not None:
            weg.add(_kandidaat(eenzaam, weg, waarde))
            continue
        open_ = bepaalbaar(regels, weg) | begrensd(regels, weg, waarde)
        if not open_:
            break
        weg.add(_kandidaat(_lijn_om_te_openen(regels, min(open_), weg), weg, waarde))
    aanvullend = frozenset(weg - primair)
    weergave = tuple(
        tuple(VERBORGEN if (i, j) in primair or (i, j) in aanvullend else str(v) for j, v in enumerate(rij))
        for i, rij in enumerate(tabel.cellen)
    )
    waarden = tuple(
        tuple(None if (i, j) in weg else v for j, v in enumerate(rij)) for i, rij in enumerate(tabel.cellen)
    )
    return Publicatie(tabel, drempel, weergave, waarden, primair, aanvullend)


def _lijn_om_te_openen(regels: Sequence[Sequence[Cel]], cel: Cel, weg: set[Cel]) -> Sequence[Cel]:
    """A line through `cel` with a published cell left; failing that, any line with a withheld and a published
    cell (withholding more there adds an unknown to the equations that pin `cel` down)."""
    door = [lijn for lijn in regels if cel in lijn and any(c not in weg for c in lijn)]
    if door:
        return door[0]
    return next(lijn for lijn in regels if any(c in weg for c in lijn) and any(c not in weg for c in lijn))


def _kandidaat(lijn: Sequence[Cel], weg: set[Cel], waarde: dict[Cel, int]) -> Cel:
    """The cell of `lijn` to withhold next: the smallest published one, a non-total before a total, a non-zero
    before a zero (a withheld 0 hides little), then by position."""
    vrij = [c for c in lijn if c not in weg]
    if not vrij:
        raise ValueError("a line with every cell withheld needs no more")
    totaal = lijn[-1]
    return min(vrij, key=lambda c: (c == totaal, waarde[c] == 0, waarde[c], c))


def bepaalbaar(regels: Iterable[Sequence[Cel]], weg: set[Cel] | frozenset[Cel]) -> set[Cel]:
    """The withheld cells that the published cells and the table's equations determine exactly.

    The equations restricted to the withheld cells (the published values only move to the right-hand side, so
    they do not change which cells are determined) are brought to reduced row echelon form, exactly, in
    fractions. A withheld cell is determined iff the unit vector of its unknown lies in their row space, i.e. iff
    the row whose pivot it is has no other non-zero entry.
    """
    onbekend = sorted(weg)
    index = {c: k for k, c in enumerate(onbekend)}
    vergelijkingen: list[list[Fraction]] = []
    for lijn in regels:
        rij = [Fraction(0)] * len(onbekend)
        for c in lijn[:-1]:
            if c in index:
                rij[index[c]] += 1
        if lijn[-1] in index:
            rij[index[lijn[-1]]] -= 1
        if any(rij):
            vergelijkingen.append(rij)
    return {onbekend[k] for k in _eenheidsrijen(vergelijkingen)}


def begrensd(regels: Sequence[Sequence[Cel]], weg: set[Cel], waarde: dict[Cel, int]) -> set[Cel]:
    """The withheld cells whose value the published cells pin down with the lines' sums and non-negativity: a
    reader knows only that a withheld cell ("x") holds 0 or more; each line narrows its withheld cells to the
    range its total and the others' ranges leave, until nothing changes (interval propagation)."""
    oneindig = sum(waarde.values()) + 1  # more than any cell can hold; the reader's "no upper bound"
    laag = dict.fromkeys(weg, 0)
    hoog = dict.fromkeys(weg, oneindig)
    for c, v in waarde.items():
        if c not in weg:
            laag[c] = hoog[c] = v
    for _ in range(4 * len(weg) + 4):
        gewijzigd = False
        for lijn in regels:
            *delen, totaal = lijn
            grenzen = {
                totaal: (sum(laag[c] for c in delen), sum(hoog[c] for c in delen)),
                **{
                    c: (
                        laag[totaal] - sum(hoog[d] for d in delen if d != c),
                        hoog[totaal] - sum(laag[d] for d in delen if d != c),
                    )
                    for c in delen
                },
            }
            for c, (onder, boven) in grenzen.items():
                onder, boven = max(laag[c], onder), min(hoog[c], boven)
                if c in weg and (onder, boven) != (laag[c], hoog[c]) and onder <= boven:
                    laag[c], hoog[c], gewijzigd = onder, boven, True
        if not gewijzigd:
            break
    return {c for c in weg if laag[c] == hoog[c]}


def _eenheidsrijen(matrix: list[list[Fraction]]) -> set[int]:
    """The columns whose pivot row in the reduced row echelon form of `matrix` is a unit vector."""
    rijen = [r[:] for r in matrix]
    spillen: list[int] = []
    breedte = len(rijen[0]) if rijen else 0
    for kolom in range(breedte):
        rang = len(spillen)
        spil = next((r for r in range(rang, len(rijen)) if rijen[r][kolom]), None)
        if spil is None:
            continue
        rijen[rang], rijen[spil] = rijen[spil], rijen[rang]
        rijen[rang] = [x / rijen[rang][kolom] for x in rijen[rang]]
        for r in range(len(rijen)):
            if r != rang and rijen[r][kolom]:
                factor = rijen[r][kolom]
                rijen[r] = [x - factor * y for x, y in zip(rijen[r], rijen[rang], strict=True)]
        spillen.append(kolom)
    return {k for r, k in enumerate(spillen) if sum(1 for x in rijen[r] if x) == 1}

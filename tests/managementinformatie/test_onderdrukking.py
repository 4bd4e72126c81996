"""Small-cell suppression cannot be undone: an attacker who knows the published table (the figures, which cells
are withheld, and that counts are never negative) searches every table consistent with it; no withheld cell may
have only one possible value. Checked on hand-made tables and on many random small ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.jaarcijfers import tabel
from service.domain.onderdrukking import Publicatie, lijnen, onderdruk

K = 5


def _mogelijke_waarden(publicatie: Publicatie) -> dict[tuple[int, int], set[int]]:
    """Every assignment of the withheld cells that satisfies every published equation and what the markers say
    (a withheld "x" holds 0 or more), found by search (a line with one unknown left fixes it, otherwise the
    first unknown takes each value it may); per withheld cell the values it takes. Independent of the code under
    test: it knows only the published table and the meaning of its markers."""
    t = publicatie.tabel
    regels = lijnen(t)
    grens = max(max(r) for r in t.cellen) + 1  # no cell exceeds the largest: a bound stronger than a reader's
    weg = sorted(publicatie.primair | publicatie.aanvullend)
    bereik = {c: set(range(grens)) for c in weg}
    bekend = {(i, j): v for i, r in enumerate(publicatie.waarden) for j, v in enumerate(r) if v is not None}
    mogelijk: dict[tuple[int, int], set[int]] = {c: set() for c in weg}

    def zoek(waarde: dict[tuple[int, int], int]) -> None:
        for lijn in regels:
            open_ = [c for c in lijn if c not in waarde]
            if len(open_) == 1:
                c = open_[0]
                som = sum(waarde[d] for d in lijn[:-1] if d != c)
                v = waarde[lijn[-1]] - som if c != lijn[-1] else som
                if v in bereik[c]:
                    zoek({**waarde, c: v})
                return
        rest = [c for c in weg if c not in waarde]
        if rest:
            for v in sorted(bereik[rest[0]]):
                zoek({**waarde, rest[0]: v})
            return
        if all(sum(waarde[c] for c in lijn[:-1]) == waarde[lijn[-1]] for lijn in regels):
            for c in weg:
                mogelijk[c].add(waarde[c])

    zoek(dict(bekend))
    return mogelijk


def _veilig(publicatie: Publicatie) -> None:
    for cel, waarden in _mogelijke_waarden(publicatie).items():
        assert len(waarden) > 1, (cel, waarden, publicatie.weergave)


def test_a_small_cell_is_shown_as_less_than_k_and_its_row_and_column_get_a_partner() -> None:
    t = tabel("t", "t", ("a", "b", "c"), ("x", "y"), [[2, 10], [7, 8], [9, 12]], totaalrij=True, totaalkolom=True)
    p = onderdruk(t, K)
    assert p.weergave[0][0] == "x" and p.primair == {(0, 0)}
    assert p.aanvullend  # without a partner the 2 is the row total 12 minus 10
    assert all(p.waarden[i][j] is None for i, j in p.aanvullend)
    assert p.weergave[3][2] == "48"  # the grand total stays
    _veilig(p)


def test_a_zero_is_published_and_a_table_without_small_cells_is_untouched() -> None:
    t = tabel("t", "t", ("a", "b"), ("x",), [[0], [12]], totaalrij=True)
    p = onderdruk(t, K)
    assert p.weergave == (("0",), ("12",), ("12",)) and not p.primair and not p.aanvullend


def test_two_small_cells_protect_each_other() -> None:
    """1 + 1 + 30 = 32: with both 1s withheld, the published 30 and 32 leave 0 + 2, 1 + 1 or 2 + 0."""
    t = tabel("t", "t", ("a", "b", "c"), ("x",), [[1], [1], [30]], totaalrij=True)
    p = onderdruk(t, K)
    _veilig(p)
    assert p.weergave == (("x",), ("x",), ("30",), ("32",))


def test_without_totals_only_the_small_cells_go() -> None:
    t = tabel("t", "t", ("a", "b"), ("2024", "2025"), [[3, 40], [12, 1]])
    p = onderdruk(t, K)
    assert p.weergave == (("x", "40"), ("12", "x")) and not p.aanvullend


def test_a_gap_between_markers_would_pin_a_cell_so_every_withheld_cell_looks_the_same() -> None:
    """0, 1, 5 with total 6: were the 1 shown as "< 5" and the others as "x" (0 or at least 5), only 1 fits."""
    t = tabel("t", "t", ("a",), ("x", "y", "z"), [[0, 1, 5]], totaalkolom=True)
    p = onderdruk(t, K)
    assert set(p.weergave[0]) <= {"x", "0", "1", "5", "6"} and "1" not in p.weergave[0]
    assert {w for w in p.weergave[0] if w not in ("0", "6", "5")} == {"x"}
    _veilig(p)


_CEL = st.integers(min_value=0, max_value=7)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=3).flatmap(
        lambda n: st.integers(min_value=1, max_value=2).flatmap(
            lambda m: st.lists(st.lists(_CEL, min_size=m, max_size=m), min_size=n, max_size=n)
        )
    ),
    st.booleans(),
    st.booleans(),
)
def test_no_random_small_table_can_be_undone(waarden: list[list[int]], totaalrij: bool, totaalkolom: bool) -> None:
    n, m = len(waarden), len(waarden[0])
    t = tabel(
        "t",
        "t",
        [f"r{i}" for i in range(n)],
        [f"k{j}" for j in range(m)],
        waarden,
        totaalrij=totaalrij,
        totaalkolom=totaalkolom,
    )
    p = onderdruk(t, K)
    assert {c for i, r in enumerate(t.cellen) for j, v in enumerate(r) if 0 < v < K for c in [(i, j)]} == p.primair
    _veilig(p)


def test_a_total_that_bounds_pin_down_is_withheld_too() -> None:
    """x + y = 0 and x + z = 1 in the columns: non-negativity gives x = y = 0 and z = 1, though the equations
    alone leave them free; the bounds check must withhold more."""
    t = tabel("t", "t", ("a", "b"), ("k", "l"), [[0, 1], [6, 7]], totaalrij=True, totaalkolom=True)
    p = onderdruk(t, K)
    assert p.waarden[0][1] is None
    _veilig(p)

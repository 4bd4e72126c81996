"""Small-cell suppression cannot be undone: an attacker who knows the published table (the figures, which cells
are "< k" and which "x", and that an "x" holds 0 or at least k) enumerates every table consistent with it; no
withheld cell may have only one possible value. Checked on hand-made tables and on many random small ones."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain.jaarcijfers import tabel
from service.domain.onderdrukking import Publicatie, lijnen, onderdruk

K = 5


def _mogelijke_waarden(publicatie: Publicatie) -> dict[tuple[int, int], set[int]]:
    """Every assignment of the withheld cells that satisfies every published equation and what the markers say
    ("< k": 1..k-1; "x": 0 or k and up), found by search (a line with one unknown left fixes it, otherwise the
    first unknown takes each value it may); per withheld cell the values it takes. Independent of the code under
    test: it knows only the published table and the meaning of its markers."""
    t = publicatie.tabel
    regels = lijnen(t)
    grens = sum(sum(r) for r in t.cellen) + 1
    weg = sorted(publicatie.primair | publicatie.aanvullend)
    bereik = {
        c: set(range(1, publicatie.drempel)) if c in publicatie.primair else {0, *range(publicatie.drempel, grens)}
        for c in weg
    }
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
    assert p.weergave[0][0] == "< 5" and p.primair == {(0, 0)}
    assert p.aanvullend  # without a partner the 2 is the row total 12 minus 10
    assert all(p.waarden[i][j] is None for i, j in p.aanvullend)
    assert p.weergave[3][2] == "48"  # the grand total stays
    _veilig(p)


def test_a_zero_is_published_and_a_table_without_small_cells_is_untouched() -> None:
    t = tabel("t", "t", ("a", "b"), ("x",), [[0], [12]], totaalrij=True)
    p = onderdruk(t, K)
    assert p.weergave == (("0",), ("12",), ("12",)) and not p.primair and not p.aanvullend


def test_two_ones_adding_up_to_a_published_two_are_not_left_alone() -> None:
    """Both cells are "< 5", yet 1 + 1 = 2 pins both down: the total must go too (bounds, not just equations)."""
    t = tabel("t", "t", ("a", "b", "c"), ("x",), [[1], [1], [30]], totaalrij=True)
    p = onderdruk(t, K)
    _veilig(p)
    assert p.weergave[0][0] == "< 5" and p.weergave[1][0] == "< 5"


def test_without_totals_only_the_small_cells_go() -> None:
    t = tabel("t", "t", ("a", "b"), ("2024", "2025"), [[3, 40], [12, 1]])
    p = onderdruk(t, K)
    assert p.weergave == (("< 5", "40"), ("12", "< 5")) and not p.aanvullend


_CEL = st.integers(min_value=0, max_value=9)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(min_value=1, max_value=3).flatmap(
        lambda n: st.integers(min_value=1, max_value=3).flatmap(
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

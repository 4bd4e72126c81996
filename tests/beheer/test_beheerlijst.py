"""The beheer history's list (`web/beheerlijst.py`): groups that add up, pages of at most PER, bad input refused."""

from __future__ import annotations

import pytest

from service.service_layer.beheer.voorstellen import Gebeurtenis
from service.web import beheerlijst
from service.web.beheer import voorstel_in


def _gebeurtenis(index: int, onderwerp: str, handeling: str) -> Gebeurtenis:
    return Gebeurtenis(
        index, f"2026-01-01T00:00:{index % 60:02d}Z", handeling, "", onderwerp, "p", "g", "t", None, None, None
    )


# 7 decisions, 60 token records, 3 gebruiker records, oldest first.
HISTORIE = (
    [_gebeurtenis(i, "beleid", "voorstel") for i in range(7)]
    + [_gebeurtenis(7 + i, "gebruiker", "token-vernieuwd") for i in range(60)]
    + [_gebeurtenis(67 + i, "gebruiker", "aangemaakt") for i in range(3)]
)


def test_the_groups_add_up_to_the_history() -> None:
    lijst = beheerlijst.lijst(HISTORIE, None, None)
    assert lijst.tellingen == {"besluiten": 7, "gebruikers": 3, "tokens": 60}
    assert sum(lijst.tellingen.values()) == lijst.alle == lijst.totaal == 70


def test_pages_hold_at_most_per_records_newest_first() -> None:
    eerste = beheerlijst.lijst(HISTORIE, None, "1")
    tweede = beheerlijst.lijst(HISTORIE, None, "2")
    assert eerste.paginas == 2 and len(eerste.rijen) == beheerlijst.PER and len(tweede.rijen) == 70 - beheerlijst.PER
    assert [e.log_index for e in eerste.rijen + tweede.rijen] == list(range(69, -1, -1))
    assert beheerlijst.lijst(HISTORIE, None, "99").nummer == 2  # clamped to the pages there are


def test_a_group_lists_only_its_records() -> None:
    lijst = beheerlijst.lijst(HISTORIE, "gebruikers", None)
    assert lijst.totaal == 3 and {e.handeling for e in lijst.rijen} == {"aangemaakt"} and lijst.paginas == 1
    assert lijst.query(pagina=2) == "groep=gebruikers&pagina=2"


@pytest.mark.parametrize(
    ("groep", "pagina"), [("onbekend", None), (None, "0"), (None, "-1"), (None, "twee"), ("besluiten", "1e")]
)
def test_bad_input_is_refused(groep: str | None, pagina: str | None) -> None:
    with pytest.raises(ValueError, match=r"groep|paginanummer"):
        beheerlijst.lijst(HISTORIE, groep, pagina)


def test_a_text_naming_a_proposal_is_split_into_its_id_and_the_rest() -> None:
    ident = "0123456789abcdef" * 2
    assert voorstel_in(f"voorstel {ident}") == (ident, "")
    assert voorstel_in(f"voorstel {ident}: Terug naar de vorige versie.") == (ident, "Terug naar de vorige versie.")
    for tekst in (
        "versie uit policies/",
        f"voorstel {ident[:31]}",
        f"het voorstel {ident}",
        f"voorstel {ident.upper()}",
    ):
        assert voorstel_in(tekst) == (None, tekst)

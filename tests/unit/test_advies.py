"""The pure rules of adviezen and onderwerpen (no database): antwoord codes, hoofd- and nevenonderwerpen, and
the counts the annual report reads."""

from __future__ import annotations

import pytest

from service.domain.advies import Adviessoort, Adviestellingen, Telrij, antwoord_problemen
from service.domain.casus import onderwerp_problemen
from service.domain.convenant import Fase
from service.domain.levensloop import toegestane_besluiten

LIJST = frozenset({"zeden", "stalking", "jeugd"})


@pytest.mark.parametrize(
    ("antwoorden", "names"),
    [
        (["advies-gegeven"], []),
        (["advies-gegeven", "doorverwezen"], []),
        ([], ["antwoorden"]),
        (["gebeld"], ["antwoorden[0]"]),
        (["doorverwezen", "doorverwezen"], ["antwoorden[1]"]),
    ],
    ids=["one", "two", "none", "unknown", "twice"],
)
def test_antwoorden_are_known_codes_at_least_one_none_twice(antwoorden: list[str], names: list[str]) -> None:
    assert [name for name, _ in antwoord_problemen(antwoorden)] == names


@pytest.mark.parametrize(
    ("hoofd", "neven", "names"),
    [
        ("zeden", (), []),
        ("zeden", ("stalking", "jeugd"), []),
        ("overlast", (), ["onderwerp"]),
        ("zeden", ("zeden",), ["nevenonderwerpen[0]"]),
        ("zeden", ("jeugd", "jeugd"), ["nevenonderwerpen[1]"]),
        ("zeden", ("jeugd", "brand"), ["nevenonderwerpen[1]"]),
        ("zeden", ("jeugd",) * 6, ["nevenonderwerpen", *(f"nevenonderwerpen[{i}]" for i in range(1, 6))]),
    ],
    ids=["hoofd", "hoofd-and-neven", "unknown-hoofd", "neven-is-hoofd", "neven-twice", "unknown-neven", "too-many"],
)
def test_onderwerpen_come_from_the_list_distinct(hoofd: str, neven: tuple[str, ...], names: list[str]) -> None:
    assert [name for name, _ in onderwerp_problemen(LIJST, hoofd, neven)] == names


def test_counts_per_attribute_and_uitgebreid_with_and_without_betrokkenen() -> None:
    rijen = (
        Telrij(Adviessoort.KORT, "emmen", "zeden", "politie", False, 3),
        Telrij(Adviessoort.KORT, "assen", "zeden", "ggz", False, 1),
        Telrij(Adviessoort.UITGEBREID, "emmen", "jeugd", "politie", False, 2),
        Telrij(Adviessoort.UITGEBREID, "emmen", "jeugd", "politie", True, 5),
    )
    telling = Adviestellingen(2026, rijen)
    assert telling.totaal == 11
    assert telling.per("soort") == {"kort": 4, "uitgebreid": 7}
    assert telling.per("gemeente", Adviessoort.KORT) == {"assen": 1, "emmen": 3}
    assert telling.per("vrager") == {"ggz": 1, "politie": 10}
    assert telling.uitgebreid() == {"anoniem": 2, "metBetrokkenen": 5}


def test_the_besluiten_each_fase_accepts() -> None:
    assert toegestane_besluiten(Fase.AANMELDING) == ("in-behandeling", "afgewezen")
    assert toegestane_besluiten(Fase.TRIAGE) == ("procesregie", "uitgebreid-advies", "afgewezen")
    assert toegestane_besluiten(Fase.ADVIES) == ()

"""The Dutch pattern tables take the first pattern that matches the whole text (`meldingen/patronen.py`), so a
particular text must come before the general pattern that would also match it."""

from __future__ import annotations

import re

import pytest

from service.meldingen import beheer, configuratie, logboek, opdrachten
from service.meldingen.patronen import Tabel


def test_a_particular_reason_is_not_swallowed_by_the_general_one() -> None:
    assert configuratie.sleutelmateriaal("checkpoint_signing.name: missing or not a string") == (
        "checkpoint_signing.name: ontbreekt of is geen tekst"
    )
    assert configuratie.sleutelmateriaal("kek.regulier.primary: missing or not a version number") == (
        "kek.regulier.primary: ontbreekt of is geen versienummer"
    )
    assert configuratie.sleutelmateriaal("development: missing or not true/false") == (
        "development: ontbreekt of is niet true/false"
    )


def _tabellen() -> list[tuple[str, Tabel]]:
    return [
        (f"{module.__name__}.{naam}", waarde)
        for module in (beheer, configuratie, logboek, opdrachten)
        for naam, waarde in vars(module).items()
        if isinstance(waarde, tuple)
        and waarde
        and isinstance(waarde[0], tuple)
        and isinstance(waarde[0][0], re.Pattern)
    ]


@pytest.mark.parametrize(("naam", "tabel"), _tabellen(), ids=[naam for naam, _ in _tabellen()])
def test_no_pattern_without_groups_is_shadowed_by_an_earlier_one(naam: str, tabel: Tabel) -> None:
    """A pattern that is plain text (no group, no class, no repetition) is its own example: no earlier pattern
    may match it, or it could never be used."""
    for index, (patroon, _) in enumerate(tabel):
        tekst = patroon.pattern[1:-1]
        if re.search(r"[()\[\]*+?|{}]", tekst.replace("\\(", "").replace("\\)", "").replace("\\.", "")):
            continue
        tekst = tekst.replace("\\", "")
        eerder = [p.pattern for p, _ in tabel[:index] if p.match(tekst)]
        assert not eerder, (naam, tekst, eerder)

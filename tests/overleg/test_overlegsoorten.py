"""Overleg soorten: the fixed two, and the thematic tables a region configures in its convenant (strictly read)."""

from __future__ import annotations

import re

import pytest

from service.convenant import ConvenantError, parse_convenant_text
from service.convenant.versies import TOE_TE_VOEGEN
from service.domain.convenant import Casustype, Convenant
from tests.foundation.test_convenant_loader import GOOD


def test_the_drenthe_convenants_configure_the_thematic_tables_and_a_cter_casustafel(convenant: Convenant) -> None:
    soorten = {
        s: convenant.overlegsoort(s)
        for s in (
            "casusoverleg",
            "procesregieoverleg",
            "pga-tafel",
            "levensloopaanpak",
            "stalking",
            "mensenhandel",
            "nazorg-ex-gedetineerden",
            "cter-casustafel",
        )
    }
    assert all(soorten.values()), soorten
    assert {s for s, v in soorten.items() if v and v.casustype is Casustype.CTER} == {"cter-casustafel"}
    assert convenant.overlegsoort("koffie") is None
    assert "overlegsoorten" in TOE_TE_VOEGEN  # a region adds a table by a four-eyes convenant change


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (
            "overlegsoorten: [{id: casusoverleg, naam: Eigen casusoverleg}]\n",
            r"'casusoverleg' is a fixed overleg soort",
        ),
        ("overlegsoorten: [{id: Stalking, naam: Stalking}]\n", r"id: must be lower-case kebab-case"),
        ("overlegsoorten: [{id: stalking, naam: Stalking, casustype: cter}]\n", r"casustype: Unknown field"),
        ("overlegsoorten: [{id: stalking}]\n", r"naam: Missing data"),
        ("overlegsoorten: [{id: stalking, naam: A}, {id: stalking, naam: B}]\n", r"id 'stalking' is already defined"),
    ],
    ids=["fixed-id", "not-kebab", "unknown-key", "missing-naam", "duplicate"],
)
def test_a_bad_overlegsoort_is_refused_naming_it(extra: str, expected: str) -> None:
    with pytest.raises(ConvenantError) as caught:
        parse_convenant_text([("convenants/x.yaml", GOOD + extra)])
    messages = [str(p) for p in caught.value.problems]
    assert any(re.search(expected, m) for m in messages), messages


def test_a_soort_takes_the_casustype_of_its_convenant() -> None:
    loaded = parse_convenant_text([("x.yaml", GOOD + "overlegsoorten: [{id: stalking, naam: Stalking}]\n")])
    soort = loaded.overlegsoort("stalking")
    assert soort is not None and soort.casustype is Casustype.REGULIER

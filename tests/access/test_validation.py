"""A policy that does not fit the convenant is refused whole, each problem named with file and line."""

from __future__ import annotations

import re

import pytest

from service.access import PolicyError, policy_from_text
from service.domain.convenant import Convenant
from tests.helpers.projectdata import MODEL_TEXT

GOOD = "p, zvh, procesregisseur, regulier, triage, identificatie, avg-6-1-e-wgs, allow"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (GOOD.replace("zvh,", "zhv,"), r"unknown subject 'zhv'"),
        (GOOD.replace("procesregisseur", "directeur"), r"unknown rol 'directeur'"),
        (GOOD.replace("regulier", "geheim"), r"unknown casustype 'geheim'"),
        (GOOD.replace("triage", "nieuwsgierigheid"), r"unknown doel 'nieuwsgierigheid'"),
        (GOOD.replace("identificatie", "schoenmaat"), r"unknown veld or categorie 'schoenmaat'"),
        (GOOD.replace("avg-6-1-e-wgs", "eigen-idee"), r"unknown grondslag 'eigen-idee'"),
        (GOOD.replace("allow", "maybe"), r"effect must be 'allow' or 'deny'"),
        (GOOD.replace("regulier", "*"), r"names its casustype, doel and veld or categorie explicitly"),
        (GOOD.replace("identificatie", "gezondheid"), r"does not cover veld 'lvb' .gevoeligheid bijzonder"),
        (GOOD.replace("identificatie", "politie").replace("avg-6-1-e-wgs", "avg-9-uavg-30"), "'wapenbezit'"),
        (GOOD.replace("identificatie", "afsluiting"), r"veld 'afsluitreden' .* is outside the verwerkingsactiviteit"),
        (GOOD.replace("avg-6-1-e-wgs", "wmo-5-1-6"), r"'wmo-5-1-6' is not a grondslag of the verwerkingsactiviteit"),
        ("p, ggz, deelnemer, regulier, aanmelding, plan, avg-6-1-e-wgs, allow", r"categorie 'plan'\) is outside"),
        ("p, zorg, deelnemer, cter, casusoverleg, identificatie, wet-pga-3, allow", r"'mee-drenthe' did not sign"),
        ("p, *, fg, *, *, *, avg-6-1-e-wgs, deny", r"a deny line has grondslag '-'"),
        ("g, ggz-drenthe, politie", r"only 'p' lines belong in a policy file"),
        ("p, zvh, procesregisseur, regulier, triage", r"expected 7 values after 'p'"),
    ],
    ids=[
        "unknown-subject", "unknown-rol", "unknown-casustype", "unknown-doel", "unknown-veld", "unknown-grondslag",
        "bad-effect", "wildcard-allow", "health-without-art9", "police-without-wpg", "outside-register",
        "grondslag-not-in-register", "doel-without-categorie", "cter-to-non-signers", "deny-with-grondslag",
        "role-link-in-file", "short-line",
    ],
)  # fmt: skip
def test_a_bad_line_is_refused_with_file_line_and_reason(convenant: Convenant, line: str, expected: str) -> None:
    text = f"# header\n{GOOD}\n{line}\n"
    with pytest.raises(PolicyError) as caught:
        policy_from_text(MODEL_TEXT, [("policies/test.csv", text)], convenant)
    assert any(p.startswith("policies/test.csv:3: ") and re.search(expected, p) for p in caught.value.problems), (
        caught.value.problems
    )


def test_the_good_line_alone_is_accepted(convenant: Convenant) -> None:
    policy = policy_from_text(MODEL_TEXT, [("policies/test.csv", GOOD)], convenant)
    assert len(policy.lines) == 1 and len(policy.version) == 64


def test_an_empty_policy_is_refused(convenant: Convenant) -> None:
    with pytest.raises(PolicyError, match="invalid"):
        policy_from_text(MODEL_TEXT, [("policies/test.csv", "# nothing\n")], convenant)


def test_the_version_changes_with_any_line_its_order_or_the_model(convenant: Convenant) -> None:
    other = "p, zvh, procesregisseur, regulier, triage, contact, avg-6-1-e-wgs, allow"
    versions = {
        policy_from_text(model, [("a.csv", text)], convenant).version
        for model, text in [
            (MODEL_TEXT, f"{GOOD}\n{other}"),
            (MODEL_TEXT, f"{other}\n{GOOD}"),
            (MODEL_TEXT, GOOD),
            (MODEL_TEXT.replace("some(where (p.eft == allow))", "some(where (p.eft == allow)) "), GOOD),
            (MODEL_TEXT + "\n# a comment\n", GOOD),
        ]
    }
    assert len(versions) == 3  # whitespace and comments in the model do not change the version; order does

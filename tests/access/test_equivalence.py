"""The compiled table answers exactly what plain Casbin `enforce()` answers: exhaustively on the demo policy,
and on random policies with deny lines, role chains and wildcards."""

from __future__ import annotations

import dataclasses
import itertools
import math
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.access import Access, DecisionKey, Policy, PolicyLine
from service.access.enforcer import plain_enforcer
from service.access.table import compile_table
from service.domain.convenant import Convenant
from tests.helpers.projectdata import MODEL_TEXT

# Every STRIDE-th decision of the demo's (partner, rol, casustype, doel, veld) product, starting at OFFSET: a
# fixed, deterministic sample (a failure names its decision and reproduces as it is). STRIDE is prime, so the
# sample walks through every partner, rol and veld instead of repeating one column. DEELPOORT_TEST_EXHAUSTIVE=1
# (CI sets it) checks every decision.
EXHAUSTIVE = os.environ.get("DEELPOORT_TEST_EXHAUSTIVE") == "1"
STRIDE, OFFSET = (1, 0) if EXHAUSTIVE else (7, 3)


DELEN = 4  # the (casustype, doel) blocks are checked in this many parts, so that the test workers share them


def _blokken(convenant: Convenant) -> list[tuple[str, str, int, range]]:
    """Per (casustype, doel) in order: the indexes of its block of (partner, rol, veld) in the sample."""
    velden, partners, rollen = convenant.ids("veld"), convenant.ids("partner"), convenant.ids("rol")
    block = len(partners) * len(rollen) * len(velden)
    out, position = [], 0
    for casustype, doel in itertools.product(sorted(convenant.casustypen()), sorted(convenant.ids("doel"))):
        first = (OFFSET - position) % STRIDE  # the first index of this block in the sample
        out.append((casustype, doel, position, range(first, block, STRIDE)))
        position += block
    return out


def test_the_parts_together_are_the_whole_sample(convenant: Convenant) -> None:
    universe = (convenant.ids("partner"), convenant.ids("rol"), convenant.casustypen(), convenant.ids("doel"))
    total = math.prod(len(kind) for kind in universe) * len(convenant.ids("veld"))
    blokken = _blokken(convenant)
    genomen = [position + index for _, _, position, indexes in blokken for index in indexes]
    assert genomen == list(range(OFFSET, total, STRIDE)), "the sample must cover what it says"
    assert {n % DELEN for n in range(len(blokken))} == set(range(DELEN))  # every part has blocks to check


@pytest.mark.slow
@pytest.mark.parametrize("deel", range(DELEN))
def test_the_table_equals_casbin_for_every_demo_decision(
    convenant: Convenant, access: Access, policy: Policy, deel: int
) -> None:
    """Every (partner, rol, casustype, doel, veld) of the demo, or the fixed sample above, of the (casustype,
    doel) blocks of this part. For speed, plain Casbin gets per (casustype, doel) only the lines that could match
    it (same value or '*'): lines with another casustype or doel never match."""
    velden = sorted(convenant.ids("veld"))
    partners_rollen = list(itertools.product(sorted(convenant.ids("partner")), sorted(convenant.ids("rol"))))
    checked = allowed = 0
    for nummer, (casustype, doel, _, indexes) in enumerate(_blokken(convenant)):
        if nummer % DELEN != deel or not indexes:
            continue
        relevant = tuple(
            line for line in policy.lines if line.casustype in ("*", casustype) and line.doel in ("*", doel)
        )
        enforcer = plain_enforcer(dataclasses.replace(policy, lines=relevant))
        for index in indexes:
            (partner, rol), veld = partners_rollen[index // len(velden)], velden[index % len(velden)]
            table = access.allowed_fields(DecisionKey(partner, rol, casustype, doel))
            expected = enforcer.enforce(partner, rol, casustype, doel, veld)
            assert (veld in table) == expected, (partner, rol, casustype, doel, veld)
            checked += 1
            allowed += expected
    assert checked > 0
    assert 0 < allowed < checked // 4, "the demo policy should allow some, and far from all, decisions"


# --- random policies over a small universe with a two-level subject chain and a categorie level ---------------
PARTNERS = ("pa", "pb", "pc", "pd")
TYPES = {"pa": "t1", "pb": "t1", "pc": "t2", "pd": "t3"}
DOMEINEN = {"t1": "d1", "t2": "d1", "t3": "d2"}
VELDEN = ("va", "vb", "vc", "vd", "ve")
CATEGORIEEN = {"va": "c1", "vb": "c1", "vc": "c2", "vd": "c2", "ve": "c3"}
ROLLEN, CASUSTYPEN, DOELEN = ("r1", "r2"), ("regulier", "cter"), ("o1", "o2", "o3")

subjects = st.sampled_from(("*", *PARTNERS, *set(TYPES.values()), *set(DOMEINEN.values()), "onbekend"))
objects = st.sampled_from(("*", *VELDEN, *set(CATEGORIEEN.values()), "onbekend"))


@st.composite
def lines(draw: st.DrawFn) -> PolicyLine:
    allow = draw(st.booleans())
    return PolicyLine(
        f"random.csv:{draw(st.integers(1, 999))}",
        draw(subjects),
        draw(st.sampled_from(("*", *ROLLEN))),
        draw(st.sampled_from(("*", *CASUSTYPEN))),
        draw(st.sampled_from(("*", *DOELEN))),
        draw(objects),
        draw(st.sampled_from(("g1", "g2"))) if allow else "-",
        "allow" if allow else "deny",
    )


def _random_policy(policy_lines: list[PolicyLine]) -> Policy:
    partner_links = tuple(TYPES.items()) + tuple(DOMEINEN.items())
    return Policy(MODEL_TEXT, tuple(policy_lines), partner_links, tuple(CATEGORIEEN.items()))


def _matches(line: PolicyLine, partner: str, rol: str, casustype: str, doel: str, veld: str) -> bool:
    """A reference reading of the model's matcher, written independently of the compiler."""
    subjects_of_partner = {partner, TYPES[partner], DOMEINEN[TYPES[partner]]}
    return (
        (line.sub == "*" or line.sub in subjects_of_partner)
        and line.rol in ("*", rol)
        and line.casustype in ("*", casustype)
        and line.doel in ("*", doel)
        and line.obj in ("*", veld, CATEGORIEEN[veld])
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines(), min_size=0, max_size=25))
def test_the_table_equals_casbin_on_random_policies(drawn: list[PolicyLine]) -> None:
    policy_lines = [dataclasses.replace(line, source=f"random.csv:{i}") for i, line in enumerate(drawn, start=1)]
    policy = _random_policy(policy_lines)
    table = compile_table(policy, partners=PARTNERS, rollen=ROLLEN, casustypen=CASUSTYPEN, doelen=DOELEN, velden=VELDEN)
    enforcer = plain_enforcer(policy)
    for request in itertools.product(PARTNERS, ROLLEN, CASUSTYPEN, DOELEN, VELDEN):
        partner, rol, casustype, doel, veld = request
        decision = table.decide(DecisionKey(partner, rol, casustype, doel), veld)
        assert decision.allowed == enforcer.enforce(*request), request
        if decision.allowed:
            first = next(line for line in policy_lines if line.allow and _matches(line, *request))
            assert (decision.grondslag, decision.regel) == (first.grondslag, first.source)
        else:
            assert decision.grondslag is None


def test_grondslag_comes_from_the_first_matching_allow_line() -> None:
    policy = _random_policy(
        [
            PolicyLine("x.csv:1", "t1", "*", "regulier", "o1", "c1", "g1", "allow"),
            PolicyLine("x.csv:2", "pa", "r1", "regulier", "o1", "va", "g2", "allow"),
        ]
    )
    table = compile_table(policy, partners=PARTNERS, rollen=ROLLEN, casustypen=CASUSTYPEN, doelen=DOELEN, velden=VELDEN)
    decision = table.decide(DecisionKey("pa", "r1", "regulier", "o1"), "va")
    assert (decision.allowed, decision.grondslag, decision.regel) == (True, "g1", "x.csv:1")

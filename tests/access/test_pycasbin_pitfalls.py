"""Known pycasbin pitfalls, each shown to exist in the library and shown not to reach Deelpoort's answers."""

from __future__ import annotations

import csv
from pathlib import Path

import casbin

from service.access import DecisionKey, Policy, PolicyLine
from service.access.enforcer import plain_enforcer
from service.access.table import compile_table
from tests.helpers.projectdata import MODEL_TEXT

PARTNERS, ROLLEN, CASUSTYPEN, DOELEN, VELDEN = ("pa", "pb"), ("r1",), ("regulier",), ("o1",), ("va", "vb")
LINKS = (("pa", "t1"), ("pb", "t1"))
VELD_LINKS = (("va", "c1"), ("vb", "c1"))


def _policy(*lines: PolicyLine) -> Policy:
    return Policy(MODEL_TEXT, lines, LINKS, VELD_LINKS)


def _table(policy: Policy):  # type: ignore[no-untyped-def]
    return compile_table(policy, partners=PARTNERS, rollen=ROLLEN, casustypen=CASUSTYPEN, doelen=DOELEN, velden=VELDEN)


ALLOW_TYPE = PolicyLine("x.csv:1", "t1", "r1", "regulier", "o1", "c1", "g1", "allow")
DENY_PA_VA = PolicyLine("x.csv:2", "pa", "*", "*", "*", "va", "-", "deny")
DENY_ALL_VA = PolicyLine("x.csv:3", "*", "*", "*", "*", "va", "-", "deny")


def test_implicit_permissions_include_deny_lines_so_they_are_never_read_as_allowed() -> None:
    policy = _policy(ALLOW_TYPE, DENY_PA_VA)
    enforcer = plain_enforcer(policy)
    implicit = enforcer.get_implicit_permissions_for_user("pa")
    assert ["pa", "*", "*", "*", "va", "-", "deny"] in implicit  # the pitfall: a deny line among "permissions"
    decision = _table(policy).decide(DecisionKey("pa", "r1", "regulier", "o1"), "va")
    assert not decision.allowed and decision.regel == "x.csv:2"
    assert not enforcer.enforce("pa", "r1", "regulier", "o1", "va")


def _files(tmp_path: Path, policy: Policy, *, with_links: bool = False) -> tuple[str, str]:
    model_path, policy_path = tmp_path / "model.conf", tmp_path / "policy.csv"
    model_path.write_text(MODEL_TEXT)
    with policy_path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerows([["p", *line.values()] for line in policy.lines])
        if with_links:
            writer.writerows([["g", *link] for link in LINKS] + [["g2", *link] for link in VELD_LINKS])
    return str(model_path), str(policy_path)


BUCKET_MODEL = """
[request_definition]
r = partner, rol, veld
[policy_definition]
p = sub, rol, obj, eft
[policy_effect]
e = some(where (p.eft == allow)) && !some(where (p.eft == deny))
[matchers]
m = (p.sub == "*" || r.partner == p.sub) && (p.rol == "*" || r.rol == p.rol) && r.veld == p.obj
"""


def test_exact_key_bucketing_skips_wildcard_deny_lines_but_the_table_does_not(tmp_path: Path) -> None:
    # FastEnforcer buckets lines by the exact values of the chosen keys (subject, rol): a deny line with a '*'
    # subject lands in another bucket and is never consulted for ('pb', 'r1'), so the request fails open.
    (tmp_path / "m.conf").write_text(BUCKET_MODEL)
    (tmp_path / "p.csv").write_text("p, pb, r1, va, allow\np, *, *, va, deny\n")
    fast = casbin.FastEnforcer(str(tmp_path / "m.conf"), str(tmp_path / "p.csv"), cache_key_order=[0, 1])
    plain = casbin.Enforcer(str(tmp_path / "m.conf"), str(tmp_path / "p.csv"))
    assert plain.enforce("pb", "r1", "va") is False
    assert fast.enforce("pb", "r1", "va") is True, "FastEnforcer no longer fails open here; update this test"
    # The same two lines in Deelpoort's model: the compiled table lets the wildcard deny win.
    policy = _policy(PolicyLine("x.csv:1", "pb", "r1", "regulier", "o1", "va", "g1", "allow"), DENY_ALL_VA)
    assert plain_enforcer(policy).enforce("pb", "r1", "regulier", "o1", "va") is False
    assert _table(policy).decide(DecisionKey("pb", "r1", "regulier", "o1"), "va").allowed is False


def test_reloading_a_plain_enforcer_drops_role_links_the_adapter_does_not_hold(tmp_path: Path) -> None:
    policy = _policy(ALLOW_TYPE)
    enforcer = casbin.Enforcer(*_files(tmp_path, policy))
    enforcer.add_named_grouping_policies("g", [list(link) for link in LINKS])
    enforcer.add_named_grouping_policies("g2", [list(link) for link in VELD_LINKS])
    assert enforcer.enforce("pa", "r1", "regulier", "o1", "va")
    enforcer.load_policy()  # what a worker would do on "policy changed": the links vanish
    assert not enforcer.enforce("pa", "r1", "regulier", "o1", "va")
    # Deelpoort never reloads in place: a compiled table is immutable and replaced by reference.
    table = _table(policy)
    assert table.decide(DecisionKey("pa", "r1", "regulier", "o1"), "va").allowed
    assert table.allowed_fields(DecisionKey("pa", "r1", "regulier", "o1")) == table.allowed_fields(
        DecisionKey("pa", "r1", "regulier", "o1")
    )

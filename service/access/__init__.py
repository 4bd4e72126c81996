"""The field policy: Casbin model and lines, validated against the convenant, compiled into a decision table.

This package is the only importer of casbin. Use it as:

    policy = load_policy(PROJECT_ROOT / "policies", convenant)   # raises PolicyError listing every problem
    access = Access.compile(policy, convenant)
    access.allowed_fields(DecisionKey(partner, rol, casustype, doel))   # {veld: Grant}
    access.decide(key, veld) / access.require(key, veld)

Invariants: deny by default (anything unknown yields nothing); explicit deny lines win; every allowed veld
carries its grondslag; the answer equals plain Casbin `enforce()` on the same model and lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from service.access.policy import FIELDS, Policy, PolicyLine, convenant_fingerprint, make_policy, parse_lines
from service.access.table import DecisionTable, compile_table
from service.access.validate import validate
from service.domain.convenant import Convenant
from service.domain.decision import Decision, DecisionKey, Grant
from service.domain.errors import NietToegestaanError

MODEL_FILE = "model.conf"

__all__ = [
    "Access",
    "Decision",
    "DecisionKey",
    "Grant",
    "Policy",
    "PolicyError",
    "PolicyLine",
    "convenant_fingerprint",
    "load_policy",
    "policy_from_rows",
    "policy_from_text",
]


class PolicyError(Exception):
    """The policy is invalid; `problems` lists every problem as "file:line: message"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__(f"the field policy is invalid ({len(problems)} problem(s))")
        self.problems = problems


def policy_from_text(model_text: str, files: list[tuple[str, str]], convenant: Convenant) -> Policy:
    """Parse and validate policy files given as (name, text), in order.

    Raises:
        PolicyError: listing every problem at once.
    """
    lines: list[PolicyLine] = []
    problems: list[str] = []
    for name, text in files:
        parsed, found = parse_lines(name, text)
        lines += parsed
        problems += found
    return _validated(model_text, lines, problems, convenant)


def policy_from_rows(model_text: str, rows: Iterable[tuple[str, Sequence[str]]], convenant: Convenant) -> Policy:
    """A stored version's lines, given as (bron "file:line", seven values) in order, validated again.

    A stored version is validated against the current convenant every time it is loaded: a partner, doel or
    grondslag removed from the convenant since makes the version invalid rather than silently partial.

    Raises:
        PolicyError: listing every problem at once.
    """
    lines: list[PolicyLine] = []
    problems: list[str] = []
    for bron, values in rows:
        if len(values) != len(FIELDS) or any(not value for value in values):
            problems.append(f"{bron}: expected {len(FIELDS)} non-empty values ({', '.join(FIELDS)})")
            continue
        lines.append(PolicyLine(bron, *values))
    return _validated(model_text, lines, problems, convenant)


def _validated(model_text: str, lines: list[PolicyLine], problems: list[str], convenant: Convenant) -> Policy:
    """The policy of these lines, or PolicyError with the parse `problems` and every validation problem."""
    policy = make_policy(model_text, lines, convenant)
    problems = problems + validate(policy, convenant)
    if not lines and not problems:
        problems.append("no policy lines: nothing could ever be shared")
    if problems:
        raise PolicyError(problems)
    return policy


def load_policy(directory: Path, convenant: Convenant) -> Policy:
    """Load `model.conf` and every `*.csv` (sorted by name) from `directory`."""
    model_path = directory / MODEL_FILE
    if not model_path.is_file():
        raise PolicyError([f"{model_path}: missing model file"])
    files = [(f"{directory.name}/{p.name}", p.read_text(encoding="utf-8")) for p in sorted(directory.glob("*.csv"))]
    if not files:
        raise PolicyError([f"{directory}: no policy files (*.csv)"])
    return policy_from_text(model_path.read_text(encoding="utf-8"), files, convenant)


@dataclass(frozen=True)
class Access:
    """The compiled policy of one version: answers field decisions by lookup."""

    policy: Policy
    table: DecisionTable

    @classmethod
    def compile(cls, policy: Policy, convenant: Convenant) -> Access:
        table = compile_table(
            policy,
            partners=tuple(sorted(convenant.ids("partner"))),
            rollen=tuple(sorted(convenant.ids("rol"))),
            casustypen=tuple(sorted(convenant.casustypen())),
            doelen=tuple(sorted(convenant.ids("doel"))),
            velden=tuple(sorted(convenant.ids("veld"))),
        )
        return cls(policy, table)

    @property
    def version(self) -> str:
        return self.policy.version

    def allowed_fields(self, key: DecisionKey) -> Mapping[str, Grant]:
        return self.table.allowed_fields(key)

    def decide(self, key: DecisionKey, veld: str) -> Decision:
        return self.table.decide(key, veld)

    def require(self, key: DecisionKey, veld: str) -> Decision:
        """Like `decide`, but a refusal raises `NietToegestaanError` (naming the veld, never a value)."""
        decision = self.decide(key, veld)
        if not decision.allowed:
            raise NietToegestaanError(f"veld '{veld}' may not be shared for doel '{key.doel}'")
        return decision

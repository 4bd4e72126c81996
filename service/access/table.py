"""The compiled decision table: (partner, rol, casustype, doel) -> {veld: Grant}.

Invariants:
- Compiled once per policy version, then immutable (read-only mappings of frozen values); answering is one
  dictionary lookup, whatever the policy's size.
- It answers exactly what plain Casbin `enforce()` answers for the model in `policies/model.conf` (tests prove
  it): a veld is allowed iff some allow line matches and no deny line matches. Of several matching allow lines
  the first in file order gives the grondslag.
- Unknown keys yield nothing (deny by default).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from service.access.expand import Expander, one_or_all
from service.access.policy import Policy
from service.domain.decision import Decision, DecisionKey, Grant

_EMPTY: Mapping[str, Grant] = MappingProxyType({})


@dataclass(frozen=True)
class DecisionTable:
    version: str
    allowed: Mapping[DecisionKey, Mapping[str, Grant]]
    denied_by: Mapping[tuple[DecisionKey, str], str]  # the first deny line that matched, for explanations

    def allowed_fields(self, key: DecisionKey) -> Mapping[str, Grant]:
        """Every veld this key may receive, each with its grant; empty for anything unknown."""
        return self.allowed.get(key, _EMPTY)

    def decide(self, key: DecisionKey, veld: str) -> Decision:
        grant = self.allowed.get(key, _EMPTY).get(veld)
        if grant is not None:
            return Decision(key, veld, True, grant.grondslag, grant.regel)
        return Decision(key, veld, False, None, self.denied_by.get((key, veld)))


def compile_table(
    policy: Policy,
    *,
    partners: tuple[str, ...],
    rollen: tuple[str, ...],
    casustypen: tuple[str, ...],
    doelen: tuple[str, ...],
    velden: tuple[str, ...],
) -> DecisionTable:
    """Expand every line over the given universe and apply deny-overrides."""
    expander = Expander(policy, partners, velden)
    allowed: dict[DecisionKey, dict[str, Grant]] = {}
    denied: dict[tuple[DecisionKey, str], str] = {}
    for line in policy.lines:
        targets = expander.velden_of(line.obj)
        if not targets:
            continue
        for partner in expander.partners_of(line.sub):
            for rol in one_or_all(line.rol, rollen):
                for casustype in one_or_all(line.casustype, casustypen):
                    for doel in one_or_all(line.doel, doelen):
                        key = DecisionKey(partner, rol, casustype, doel)
                        if line.allow:
                            grants = allowed.setdefault(key, {})
                            for veld in targets:
                                if veld not in grants:
                                    grants[veld] = Grant(line.grondslag, line.source)
                        else:
                            for veld in targets:
                                denied.setdefault((key, veld), line.source)
    frozen: dict[DecisionKey, Mapping[str, Grant]] = {}
    for key, grants in allowed.items():
        kept = {veld: grant for veld, grant in grants.items() if (key, veld) not in denied}
        if kept:
            frozen[key] = MappingProxyType(kept)
    return DecisionTable(policy.version, MappingProxyType(frozen), MappingProxyType(denied))

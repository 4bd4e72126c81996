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


_Key = tuple[str, str, str, str]  # (partner, rol, casustype, doel): plain tuples while compiling, for speed


@dataclass(frozen=True)
class DecisionTable:
    version: str
    allowed: Mapping[DecisionKey, Mapping[str, Grant]]
    denied_by: Mapping[tuple[_Key, str], str]  # the first deny line that matched, for explanations

    def allowed_fields(self, key: DecisionKey) -> Mapping[str, Grant]:
        """Every veld this key may receive, each with its grant; empty for anything unknown."""
        return self.allowed.get(key, _EMPTY)

    def decide(self, key: DecisionKey, veld: str) -> Decision:
        grant = self.allowed.get(key, _EMPTY).get(veld)
        if grant is not None:
            return Decision(key, veld, True, grant.grondslag, grant.regel)
        plain = (key.partner, key.rol, key.casustype, key.doel)
        return Decision(key, veld, False, None, self.denied_by.get((plain, veld)))


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
    allowed: dict[_Key, dict[str, Grant]] = {}
    denied: dict[tuple[_Key, str], str] = {}
    for line in policy.lines:
        targets = expander.velden_of(line.obj)
        if not targets:
            continue
        grant = Grant(line.grondslag, line.source) if line.allow else None
        for partner in expander.partners_of(line.sub):
            for rol in one_or_all(line.rol, rollen):
                for casustype in one_or_all(line.casustype, casustypen):
                    for doel in one_or_all(line.doel, doelen):
                        key = (partner, rol, casustype, doel)
                        if grant is not None:
                            grants = allowed.setdefault(key, {})
                            for veld in targets:
                                grants.setdefault(veld, grant)
                        else:
                            for veld in targets:
                                denied.setdefault((key, veld), line.source)
    frozen: dict[DecisionKey, Mapping[str, Grant]] = {}
    for key, grants in allowed.items():
        kept = {veld: g for veld, g in grants.items() if (key, veld) not in denied}
        if kept:
            frozen[DecisionKey(*key)] = MappingProxyType(kept)
    return DecisionTable(policy.version, MappingProxyType(frozen), MappingProxyType(denied))

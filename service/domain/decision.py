"""A field decision: may this veld reach this partner, and why (or why not).

Invariants:
- `allowed` is True only together with a `grondslag` (deny by default: no rule, no grondslag, no field).
- `regel` names the policy line that decided ("policies/zvh-drenthe.csv:12"), or None when no line matched.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class DecisionKey:
    """What a decision is asked for (everything but the veld)."""

    partner: str
    rol: str
    casustype: str
    doel: str


@dataclass(frozen=True, slots=True)
class Grant:
    """An allowed veld: the grondslag it rests on and the policy line that allowed it."""

    grondslag: str
    regel: str


@dataclass(frozen=True, slots=True)
class Decision:
    key: DecisionKey
    veld: str
    allowed: bool
    grondslag: str | None
    regel: str | None

    def __post_init__(self) -> None:
        if self.allowed and not self.grondslag:
            raise ValueError("an allowed field must carry its grondslag")

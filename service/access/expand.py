"""Expanding the names in a policy line (subject, rol, casustype, doel, object) into the sets they cover.

Invariants:
- Expansion is exact and mirrors the model's matcher: a subject covers a partner when it is that partner, its
  partnertype or its domein (the transitive `g` links), `*` covers everything; an object covers a veld when it
  is that veld or its categorie (`g2`), `*` covers every veld. An unknown name covers nothing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping

from service.access.policy import WILDCARD, Policy


def _closure(links: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    """For every member, every group it reaches through the links (itself included)."""
    parents: dict[str, set[str]] = defaultdict(set)
    for child, parent in links:
        parents[child].add(parent)
    reach: dict[str, set[str]] = {}
    for start in list(parents):
        seen, todo = {start}, [start]
        while todo:
            for parent in parents.get(todo.pop(), ()):
                if parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
        reach[start] = seen
    return reach


class Expander:
    def __init__(self, policy: Policy, partners: Iterable[str], velden: Iterable[str]) -> None:
        self.partners = tuple(partners)
        self.velden = tuple(velden)
        self._members = self._invert(_closure(policy.partner_links), self.partners)
        self._fields = self._invert(_closure(policy.veld_links), self.velden)

    @staticmethod
    def _invert(reach: Mapping[str, set[str]], members: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
        out: dict[str, list[str]] = defaultdict(list)
        for member in members:
            for group in reach.get(member, {member}):
                out[group].append(member)
        return {group: tuple(found) for group, found in out.items()}

    def partners_of(self, sub: str) -> tuple[str, ...]:
        return self.partners if sub == WILDCARD else self._members.get(sub, ())

    def velden_of(self, obj: str) -> tuple[str, ...]:
        return self.velden if obj == WILDCARD else self._fields.get(obj, ())


def one_or_all(value: str, everything: Iterable[str]) -> tuple[str, ...]:
    return tuple(everything) if value == WILDCARD else (value,)

"""Which decisions change between two compiled policies: what a beheerder must see before approving a change."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from service.access.table import DecisionTable
from service.domain.decision import DecisionKey


@dataclass(frozen=True, slots=True)
class Change:
    key: DecisionKey
    veld: str
    old: str | None  # grondslag before, None when not allowed
    new: str | None  # grondslag after, None when not allowed

    def describe(self) -> str:
        """The change as `deelpoort policy diff` prints it (in Dutch, for the beheerder who reads it)."""
        k = self.key
        where = f"{k.partner} {k.rol} {k.casustype} {k.doel} {self.veld}"
        if self.old is None:
            return f"+ {where} (toegestaan, grondslag {self.new})"
        if self.new is None:
            return f"- {where} (niet meer toegestaan, was grondslag {self.old})"
        return f"~ {where} (grondslag {self.old} -> {self.new})"


def changes(old: DecisionTable, new: DecisionTable) -> Iterator[Change]:
    """Every (key, veld) whose decision or grondslag differs, in a stable order."""
    keys = sorted(set(old.allowed) | set(new.allowed), key=lambda k: (k.partner, k.rol, k.casustype, k.doel))
    for key in keys:
        before, after = old.allowed_fields(key), new.allowed_fields(key)
        for veld in sorted(set(before) | set(after)):
            was = before[veld].grondslag if veld in before else None
            now = after[veld].grondslag if veld in after else None
            if was != now:
                yield Change(key, veld, was, now)

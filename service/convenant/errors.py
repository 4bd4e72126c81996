"""The one error of the convenant loader, carrying every problem found."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong in a convenant file: where it is and what is wrong."""

    file: str
    entry: str  # e.g. "velden[12] (id 'achternaam')" or "convenant"
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.entry}: {self.message}"


class ConvenantError(Exception):
    """The convenant registry is invalid; `problems` lists everything found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"the convenant registry is invalid ({len(self.problems)} problem(s)):\n{lines}")

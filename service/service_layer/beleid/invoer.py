"""What a beheerder proposes, turned into a policy version: validated exactly like the files.

A proposal keeps the Casbin model of the active version (the compiled table and its equivalence with plain
Casbin are proven for that model only) and is one of: a complete set of policy files (as uploaded text), a
change to the active version (lines to add to a named file, lines to remove), or an older stored version again
(rollback). Every problem is reported at once, named by its place: "zvh-drenthe.csv:12" for an uploaded file,
"wijziging.toevoegen[0]" or "wijziging.verwijderen[1]" for a change.

Invariants:
- The lines of a version are grouped by file, files in name order, as `load_policy` reads a directory; a
  change appends its new lines at the end of their file. So `deelpoort policy export` writes files that load
  as exactly the same version (same hash).
- Nothing is stored here; this module only builds and validates.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import dataclass

from service.access import Policy, PolicyError, PolicyLine, policy_from_rows
from service.access.policy import parse_lines
from service.adapters.policy_store import StoredLine, StoredPolicy
from service.domain.convenant import Convenant
from service.domain.errors import OngeldigeInvoerError

BESTANDSNAAM = re.compile(r"^[a-z0-9][a-z0-9._-]{0,75}\.csv$")
MAX_BESTANDEN = 50


@dataclass(frozen=True, slots=True)
class Bestand:
    """An uploaded policy file: its name (e.g. "zvh-drenthe.csv") and text."""

    naam: str
    inhoud: str


@dataclass(frozen=True, slots=True)
class Toevoeging:
    bestand: str  # the file the line belongs to, e.g. "zvh-drenthe.csv"
    regel: str  # one policy line, "p, sub, rol, casustype, doel, veld, grondslag, allow|deny"


@dataclass(frozen=True, slots=True)
class Wijziging:
    toevoegen: tuple[Toevoeging, ...] = ()
    verwijderen: tuple[str, ...] = ()  # lines to remove, matched by their values


@dataclass(frozen=True, slots=True)
class Nieuw:
    """A validated proposed version and the lines to store (each with its file and place)."""

    policy: Policy
    regels: tuple[StoredLine, ...]


def bestand_van(bron: str) -> str:
    """The file name part of a stored line's bron ("policies/zvh-drenthe.csv:12" -> "zvh-drenthe.csv")."""
    return bron.rsplit(":", 1)[0].rsplit("/", 1)[-1]


def uit_bestanden(model: str, bestanden: Sequence[Bestand], convenant: Convenant) -> Nieuw:
    """A complete new set of policy files.

    Raises:
        OngeldigeInvoerError: a bad file name, or every problem of every line at once.
    """
    problems: list[tuple[str, str]] = []
    if not bestanden:
        problems.append(("bestanden", "at least one policy file is needed"))
    if len(bestanden) > MAX_BESTANDEN:
        problems.append(("bestanden", f"at most {MAX_BESTANDEN} files"))
    names = [b.naam for b in bestanden]
    for index, name in enumerate(names):
        if not BESTANDSNAAM.match(name):
            problems.append((f"bestanden[{index}].naam", "a file name like 'zvh-drenthe.csv' (a-z, 0-9, . _ -)"))
        elif names.count(name) > 1:
            problems.append((f"bestanden[{index}].naam", "file names must be unique"))
    if problems:
        raise OngeldigeInvoerError(problems)
    rows: list[StoredLine] = []
    for bestand in sorted(bestanden, key=lambda b: b.naam):
        lines, found = parse_lines(bestand.naam, bestand.inhoud)
        problems += [_named(problem) for problem in found]
        rows += [(line.source, line.values()) for line in lines]
    return _validated(model, rows, rows, problems, convenant)


def uit_wijziging(basis: StoredPolicy, wijziging: Wijziging, convenant: Convenant) -> Nieuw:
    """The active version with lines added (at the end of their file) and removed.

    Raises:
        OngeldigeInvoerError: every problem at once (a line to remove that is not there, bad lines, ...).
    """
    problems: list[tuple[str, str]] = []
    if not wijziging.toevoegen and not wijziging.verwijderen:
        problems.append(("wijziging", "add or remove at least one line"))
    weg: set[tuple[str, ...]] = set()
    for index, regel in enumerate(wijziging.verwijderen):
        where = f"wijziging.verwijderen[{index}]"
        line = _one_line(where, regel, problems)
        if line is None:
            continue
        if all(values != line.values() for _, values in basis.lines):
            problems.append((where, "no such line in the active version"))
        weg.add(line.values())
    added: dict[str, list[tuple[str, PolicyLine]]] = {}
    for index, toevoeging in enumerate(wijziging.toevoegen):
        where = f"wijziging.toevoegen[{index}]"
        if not BESTANDSNAAM.match(toevoeging.bestand):
            problems.append((f"{where}.bestand", "a file name like 'zvh-drenthe.csv' (a-z, 0-9, . _ -)"))
            continue
        line = _one_line(where, toevoeging.regel, problems)
        if line is not None:
            added.setdefault(toevoeging.bestand, []).append((where, line))
    by_file: dict[str, list[StoredLine]] = {}
    checked: dict[str, list[StoredLine]] = {}
    for bron, values in basis.lines:
        if tuple(values) not in weg:
            by_file.setdefault(bestand_van(bron), []).append((bron, values))
            checked.setdefault(bestand_van(bron), []).append((bron, values))
    for name, lines in added.items():
        start = len(by_file.get(name, []))
        for offset, (where, line) in enumerate(lines, start=1):
            by_file.setdefault(name, []).append((f"{name}:+{start + offset}", line.values()))
            checked.setdefault(name, []).append((where, line.values()))
    rows = [row for name in sorted(by_file) for row in by_file[name]]
    named = [row for name in sorted(checked) for row in checked[name]]
    return _validated(basis.model, rows, named, problems, convenant)


def uit_versie(stored: StoredPolicy, convenant: Convenant) -> Nieuw:
    """An older stored version proposed again (rollback), validated against today's convenant.

    Raises:
        OngeldigeInvoerError: the version no longer fits the convenant (every problem at once).
    """
    return _validated(stored.model, list(stored.lines), list(stored.lines), [], convenant)


def _one_line(where: str, text: str, problems: list[tuple[str, str]]) -> PolicyLine | None:
    lines, found = parse_lines(where, text)
    problems += [(where, _named(p)[1]) for p in found]
    if not found and len(lines) != 1:
        problems.append((where, "exactly one policy line"))
        return None
    return dataclasses.replace(lines[0], source=where) if lines and not found else None


def _validated(
    model: str,
    rows: list[StoredLine],
    named: list[StoredLine],
    problems: list[tuple[str, str]],
    convenant: Convenant,
) -> Nieuw:
    """Validate `named` (the same lines as `rows`, named by their place in the request); store-ready `rows`."""
    try:
        policy_from_rows(model, named, convenant)
    except PolicyError as exc:
        problems = problems + [_named(problem) for problem in exc.problems]
    if problems:
        raise OngeldigeInvoerError(problems)
    return Nieuw(policy_from_rows(model, rows, convenant), tuple(rows))


_PLACE = re.compile(r"^(\S+:\+?\d+|wijziging\.\w+\[\d+\](?::\d+)?): (.*)$", re.DOTALL)


def _named(problem: str) -> tuple[str, str]:
    """ "file:line: message" -> ("file:line", "message"); a problem of the whole policy is named "beleid"."""
    match = _PLACE.match(problem)
    return (match.group(1), match.group(2)) if match else ("beleid", problem)

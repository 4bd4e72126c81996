"""Policy files on disk (`policies/` or any directory like it), checked, compared and explained without a
database: what `deelpoort policy check|diff|explain` show before a version is ever stored or proposed.

Invariants:
- A directory is validated exactly as `installeer` and a proposal validate it (`load_policy` against the
  convenant files given), and compiled into the same table a request is answered from; nothing is stored.
- The convenant is read before the policy, so an invalid convenant is reported first; an invalid policy
  raises with every problem at once.
- A diff lists every (partner, rol, casustype, doel, veld) decision that differs, in a stable order, as one
  line each ("+" gained, "-" lost, "~" another grondslag).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from service.access import Access, load_policy
from service.access.diff import changes
from service.convenant import load_convenanten
from service.domain.convenant import Convenant
from service.domain.decision import Decision, DecisionKey


@dataclass(frozen=True, slots=True)
class Samenvatting:
    """A checked policy directory: its version and how much it decides."""

    versie: str
    regels: int  # policy lines
    toestaan: int  # of which allow lines (the rest deny)
    combinaties: int  # (partner, rol, casustype, doel) combinations that receive at least one veld
    toegestane_velden: int  # allowing field decisions over all combinations


@dataclass(frozen=True, slots=True)
class Bestandsverschil:
    """The decisions that differ between two policy directories, one described line per decision."""

    wijzigingen: tuple[str, ...]
    van: str  # short version of the old directory
    naar: str  # short version of the new directory


@dataclass(frozen=True, slots=True)
class Uitleg:
    """The decision for one veld and the version of the policy that made it."""

    beslissing: Decision
    versie: str


def controleer(directory: Path, convenanten_dir: Path) -> Samenvatting:
    """Validate the policy in `directory` against the convenant files in `convenanten_dir`.

    Raises:
        ConvenantError: the convenant files are invalid.
        PolicyError: the policy files are invalid (every problem listed).
    """
    access = _compiled(directory, load_convenanten(convenanten_dir))
    lines = access.policy.lines
    return Samenvatting(
        versie=access.version,
        regels=len(lines),
        toestaan=sum(line.allow for line in lines),
        combinaties=len(access.table.allowed),
        toegestane_velden=sum(len(v) for v in access.table.allowed.values()),
    )


def verschil(oud: Path, nieuw: Path, convenanten_dir: Path) -> Bestandsverschil:
    """Every decision that differs between the policies in `oud` and `nieuw` (both under the same convenant).

    Raises:
        ConvenantError: the convenant files are invalid.
        PolicyError: either policy is invalid (`oud` is checked first).
    """
    convenant = load_convenanten(convenanten_dir)
    before, after = _compiled(oud, convenant), _compiled(nieuw, convenant)
    return Bestandsverschil(
        tuple(change.describe() for change in changes(before.table, after.table)),
        before.policy.short_version,
        after.policy.short_version,
    )


def uitleg(directory: Path, convenanten_dir: Path, key: DecisionKey, veld: str) -> Uitleg:
    """The decision for `veld` under `key` and the policy line that made it (deny by default: no line, no veld).

    Raises:
        ConvenantError: the convenant files are invalid.
        PolicyError: the policy files are invalid.
    """
    access = _compiled(directory, load_convenanten(convenanten_dir))
    return Uitleg(access.decide(key, veld), access.version)


def _compiled(directory: Path, convenant: Convenant) -> Access:
    return Access.compile(load_policy(directory, convenant), convenant)

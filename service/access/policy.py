"""A field policy as data: the model text, its lines in order, and the role links derived from the convenant.

Invariants:
- A `Policy` is immutable. Its `version` is the SHA-256 of the canonical model text (comments and blank lines
  removed, whitespace normalised) and the canonical policy lines in order, so two equal policies have the same
  version on every worker, and any change of a line, its order or the model gives another version.
- Role links are never read from policy files: `g` links partner -> partnertype -> domein and `g2` links
  veld -> categorie are derived from the convenant, the single source of truth for who and what exists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

from service.domain.convenant import Convenant

WILDCARD = "*"
NO_GRONDSLAG = "-"
FIELDS = ("sub", "rol", "casustype", "doel", "obj", "grondslag", "eft")


@dataclass(frozen=True, slots=True)
class PolicyLine:
    """One `p` line: subject, rol, casustype, doel, object (veld or categorie), grondslag and effect."""

    source: str  # "policies/zvh-drenthe.csv:12"
    sub: str
    rol: str
    casustype: str
    doel: str
    obj: str
    grondslag: str
    eft: str

    @property
    def allow(self) -> bool:
        return self.eft == "allow"

    def values(self) -> tuple[str, ...]:
        return (self.sub, self.rol, self.casustype, self.doel, self.obj, self.grondslag, self.eft)

    def canonical(self) -> str:
        return "p, " + ", ".join(self.values())


@dataclass(frozen=True)
class Policy:
    model_text: str
    lines: tuple[PolicyLine, ...]
    partner_links: tuple[tuple[str, str], ...]  # g: partner -> partnertype, partnertype -> domein
    veld_links: tuple[tuple[str, str], ...]  # g2: veld -> categorie
    version: str = field(init=False)

    def __post_init__(self) -> None:
        digest = hashlib.sha256()
        digest.update(canonical_model(self.model_text).encode("utf-8"))
        for line in self.lines:
            digest.update(b"\n" + line.canonical().encode("utf-8"))
        object.__setattr__(self, "version", digest.hexdigest())

    @property
    def short_version(self) -> str:
        return self.version[:12]


def canonical_model(text: str) -> str:
    lines = (" ".join(raw.split("#", 1)[0].split()) for raw in text.splitlines())
    return "\n".join(line for line in lines if line)


def links_from(convenant: Convenant) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    """The `g` and `g2` role links the convenant implies, in a stable order."""
    partner_links = [(p.id, p.type) for p in convenant.partners]
    partner_links += [(t.id, t.domein.value) for t in convenant.partnertypen]
    veld_links = [(v.id, v.categorie) for v in convenant.velden]
    return tuple(partner_links), tuple(veld_links)


def convenant_fingerprint(convenant: Convenant) -> str:
    """What of the convenant a compiled table depends on besides the policy: the universe `Access.compile`
    expands over and the role links. Equal fingerprints and equal policy versions give equal tables."""
    digest = hashlib.sha256()
    for ids in (*(convenant.ids(kind) for kind in ("partner", "rol", "doel", "veld")), convenant.casustypen()):
        digest.update(("\n".join(sorted(ids)) + "\x1e").encode())
    partner_links, veld_links = links_from(convenant)
    digest.update(repr((partner_links, veld_links)).encode())
    return digest.hexdigest()


def parse_lines(source: str, text: str) -> tuple[list[PolicyLine], list[str]]:
    """Parse a policy CSV into lines; returns (lines, problems), every problem as "file:line: message".

    Only `p` lines are accepted: role links come from the convenant, so a `g` line in a file is an error.
    """
    lines: list[PolicyLine] = []
    problems: list[str] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        where = f"{source}:{number}"
        parts = [part.strip() for part in stripped.split(",")]
        if parts[0] != "p":
            problems.append(f"{where}: only 'p' lines belong in a policy file (role links come from the convenant)")
            continue
        if len(parts) != len(FIELDS) + 1:
            problems.append(f"{where}: expected {len(FIELDS)} values after 'p' ({', '.join(FIELDS)})")
            continue
        if any(not part for part in parts):
            problems.append(f"{where}: empty value")
            continue
        lines.append(PolicyLine(where, *parts[1:]))
    return lines, problems


def make_policy(model_text: str, lines: Sequence[PolicyLine], convenant: Convenant) -> Policy:
    partner_links, veld_links = links_from(convenant)
    return Policy(model_text, tuple(lines), partner_links, veld_links)

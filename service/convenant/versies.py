"""Convenant versions: the convenant files as one hashed unit, and additions made to their text.

A version is the set of convenant documents, each a file name with its YAML text. Its id is the SHA-256 of
those names and texts, so the same files always give the same version, and a stored version whose text was
altered no longer matches its id.

Invariants:
- `voeg_toe` changes nothing but the sections it adds to: it inserts the new entries as lines at the end of
  the section's list in the named document's text, so comments, order and citations of the rest stay as
  written, and exporting a version gives back files a reviewer can diff line by line.
- Whatever `voeg_toe` produces is validated by the same loader as the files (`parse_convenant_text`), so a
  version in the database is never held to a weaker standard than the files in the repository.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from service.convenant.errors import ConvenantError, Problem
from service.convenant.loader import MAX_FILE_BYTES, parse_convenant_text
from service.domain.convenant import Convenant

Documenten = Mapping[str, str]  # file name -> YAML text

# What a proposal may add. Gemeenten, categorieen and velden change what is stored and encrypted per casus:
# they come with a release of the service, never through beheer. `deelnemers` is the list in a document's
# `convenant:` header of partners defined in another file that signed this convenant too ({"partner": id}).
TOE_TE_VOEGEN = (
    "partnertypen",
    "partners",
    "rollen",
    "doelen",
    "grondslagen",
    "verwerkingsactiviteiten",
    "deelnemers",
    "overlegsoorten",
)

_TOP_LEVEL = re.compile(r"^[^\s#-]")


def versie(documenten: Documenten) -> str:
    """The version id: SHA-256 over the canonical JSON of the sorted (name, text) pairs."""
    canonical = json.dumps(sorted(documenten.items()), ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def lees_map(directory: Path) -> dict[str, str]:
    """The documents of a directory of convenant files (`*.yaml`), by bare file name.

    Raises:
        ConvenantError: no files, or a file larger than the loader accepts.
    """
    files = sorted(directory.glob("*.yaml")) if directory.is_dir() else []
    if not files:
        raise ConvenantError([Problem(str(directory), "directory", "no convenant files (*.yaml) found")])
    too_large = [p for p in files if p.stat().st_size > MAX_FILE_BYTES]
    if too_large:
        raise ConvenantError([Problem(p.name, "file", f"larger than {MAX_FILE_BYTES} bytes") for p in too_large])
    return {p.name: p.read_text(encoding="utf-8") for p in files}


def laad(documenten: Documenten) -> Convenant:
    """The registry of a version, validated exactly like the files.

    Raises:
        ConvenantError: every problem found, each naming the file and the entry.
    """
    return parse_convenant_text(sorted(documenten.items()))


def bestand_van(documenten: Documenten, document_id: str) -> str | None:
    """The file name of the document whose `convenant.id` is `document_id`."""
    for name, text in sorted(documenten.items()):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        header = data.get("convenant") if isinstance(data, dict) else None
        if isinstance(header, dict) and header.get("id") == document_id:
            return name
    return None


def voeg_toe(
    documenten: Documenten, bestand: str, toevoegingen: Sequence[tuple[str, Mapping[str, Any]]]
) -> dict[str, str]:
    """A copy of `documenten` with each (sectie, entry) added at the end of that section of `bestand`.

    An entry is written as one YAML flow mapping (JSON syntax, a subset of YAML), indented like the section's
    existing items; a section the file lacks is appended at its end. The result is not validated here: `laad`
    does that, exactly as for the files.

    Raises:
        ValueError: an unknown file, or a section outside `TOE_TE_VOEGEN` (a programming error: the service
            layer checks both first).
    """
    if bestand not in documenten:
        raise ValueError(f"no convenant file {bestand!r}")
    lines = documenten[bestand].splitlines()
    for sectie, entry in toevoegingen:
        if sectie not in TOE_TE_VOEGEN:
            raise ValueError(f"section {sectie!r} cannot be added to")
        if sectie == "deelnemers":
            lines = _insert_deelnemer(lines, json.dumps(entry.get("partner"), ensure_ascii=False))
        else:
            lines = _insert(lines, sectie, json.dumps(dict(entry), ensure_ascii=False))
    result = dict(documenten)
    result[bestand] = "\n".join(lines) + "\n"
    return result


def toegevoegde_regels(oud: Documenten, nieuw: Documenten) -> list[tuple[str, str]]:
    """The (file, line) pairs `nieuw` has beyond `oud`: what a beheerder reads before approving a change."""
    out: list[tuple[str, str]] = []
    for name in sorted(nieuw):
        before = oud.get(name, "").splitlines()
        out.extend((name, line[2:]) for line in difflib.ndiff(before, nieuw[name].splitlines()) if line[:2] == "+ ")
    return out


def _insert(lines: list[str], sectie: str, item: str) -> list[str]:
    header = re.compile(rf"^{re.escape(sectie)}:\s*(\[\s*\])?\s*(#.*)?$")
    start = next((i for i, line in enumerate(lines) if header.match(line)), None)
    if start is None:
        while lines and not lines[-1].strip():
            lines = lines[:-1]
        return [*lines, "", f"{sectie}:", f"  - {item}"]
    lines = list(lines)
    if "[" in lines[start]:  # `sectie: []`: an empty flow list becomes a block list
        lines[start] = f"{sectie}:"
    last, indent = start, "  "
    for i in range(start + 1, len(lines)):
        line = lines[i]
        if _TOP_LEVEL.match(line):
            break
        stripped = line.lstrip()
        if stripped and not stripped.startswith("#"):
            if stripped.startswith("- ") and last == start:
                indent = line[: len(line) - len(stripped)]
            last = i
    return [*lines[: last + 1], f"{indent}- {item}", *lines[last + 1 :]]


def _insert_deelnemer(lines: list[str], partner: str) -> list[str]:
    """Add `partner` to the `deelnemers` list inside the `convenant:` header (block or flow style)."""
    lines = list(lines)
    header = next((i for i, line in enumerate(lines) if re.match(r"^convenant:\s*(#.*)?$", line)), None)
    if header is None:
        return lines  # no header: the loader reports the file as invalid
    end = next((i for i in range(header + 1, len(lines)) if _TOP_LEVEL.match(lines[i])), len(lines))
    key = next((i for i in range(header + 1, end) if re.match(r"^\s+deelnemers:", lines[i])), None)
    if key is None:
        return [*lines[: header + 1], f"  deelnemers: [{partner}]", *lines[header + 1 :]]
    flow = re.match(r"^(\s+deelnemers:\s*)\[(.*)\](\s*(#.*)?)$", lines[key])
    if flow:
        items = [x for x in (flow.group(2).strip(),) if x]
        lines[key] = f"{flow.group(1)}[{', '.join([*items, partner])}]{flow.group(3)}"
        return lines
    last, indent = key, "    "
    for i in range(key + 1, end):
        stripped = lines[i].lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if not stripped.startswith("- "):
            break
        indent, last = lines[i][: len(lines[i]) - len(stripped)], i
    return [*lines[: last + 1], f"{indent}- {partner}", *lines[last + 1 :]]

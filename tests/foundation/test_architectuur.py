"""docs/architectuur.md is the newcomer's map: every path it names exists, and every module is on it."""

from __future__ import annotations

import re
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]
SERVICE = PROJECT / "service"
DOC = PROJECT / "docs" / "architectuur.md"
TOP = ("service_layer", "domain", "access", "crypto", "audit", "adapters", "api", "web", "cli", "demo", "convenant")


def _named_paths() -> set[Path]:
    """Every `service/...` path the table and text name, resolved as a reader would: a path below a capability
    package (`casus/regie.py`) is in the service layer."""
    named: set[Path] = set()
    for token in re.findall(r"`([a-z_/]+(?:\.py)?/?)`", DOC.read_text(encoding="utf-8")):
        if not (token.endswith((".py", "/")) and (token.count("/") or token.endswith(".py"))):
            continue
        if token.startswith(("tests/", "shared/")) or token == "wsgi.py":
            continue  # outside the package: the tests and the design documents beside the project
        token = token.removeprefix("service/")
        first = token.split("/", 1)[0]
        base = SERVICE if first in TOP or "/" not in token else SERVICE / "service_layer"
        named.add((base / token).resolve())
    return named


def test_every_path_the_map_names_exists() -> None:
    missing = sorted(str(p.relative_to(PROJECT)) for p in _named_paths() if not p.exists())
    assert not missing, f"docs/architectuur.md names paths that do not exist: {missing}"


def test_every_module_is_on_the_map() -> None:
    named = _named_paths()
    modules = [
        p.resolve()
        for p in SERVICE.rglob("*.py")
        if p.name != "__init__.py" and "migrations" not in p.parts and "__pycache__" not in p.parts
    ]
    absent = sorted(str(m.relative_to(PROJECT)) for m in modules if not any(m == n or n in m.parents for n in named))
    assert not absent, f"modules that docs/architectuur.md does not place: {absent}"

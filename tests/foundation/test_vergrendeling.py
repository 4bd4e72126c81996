"""The lock file (`requirements.lock`, issue 25.6): what `make install` installs is exactly it, hash-checked.

Invariants checked here:
- Every dependency pyproject.toml names (the service's and the dev extra's, the build system's too) is pinned in
  the lock with `==` to a version its range admits: a range widened or a dependency added without `make lock`
  fails here, not as an ImportError somewhere else.
- Every pin carries at least one sha256 hash (pip's hash-checking mode needs all of them).
- The Makefile installs with `--require-hashes` from the lock and the project itself with `--no-deps`, so nothing
  outside the lock is resolved on install.
- Every extra that a locked package asks of another locked package (pip-audit asks `CacheControl[filecache]`) is
  carried on that package's pin (`cachecontrol[filecache]==…`). Without it pip (23.2 here) resolves the extra as a
  requirement of its own, takes the newest release from PyPI and refuses it for having no hash: the lock installed
  until cachecontrol 0.15.0 came out and then failed on every new machine (CI, stop 32). `make lock` therefore
  runs pip-compile with `--no-strip-extras`.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from service.settings import PROJECT_ROOT

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[([A-Za-z0-9._,-]+)\])?==([^\s\\;]+)")


def _pins() -> dict[str, tuple[Version, list[str]]]:
    """name -> (version, hashes) of every requirement in the lock file."""
    pins: dict[str, tuple[Version, list[str]]] = {}
    current: str | None = None
    for line in (PROJECT_ROOT / "requirements.lock").read_text().splitlines():
        match = _PIN.match(line)
        if match:
            current = canonicalize_name(match.group(1))
            assert current not in pins, f"{current} is pinned twice"
            pins[current] = (Version(match.group(3)), [])
        elif current is not None and (hash_ := re.search(r"--hash=sha256:([0-9a-f]{64})", line)):
            pins[current][1].append(hash_.group(1))
        elif line and not line.startswith((" ", "#")):
            current = None
    return pins


def _pinned_extras() -> dict[str, frozenset[str]]:
    """name -> the extras written on its pin (`cachecontrol[filecache]==…` -> {"filecache"})."""
    extras: dict[str, frozenset[str]] = {}
    for line in (PROJECT_ROOT / "requirements.lock").read_text().splitlines():
        if match := _PIN.match(line):
            named = match.group(2) or ""
            extras[canonicalize_name(match.group(1))] = frozenset(e.strip() for e in named.split(",") if e.strip())
    return extras


def _declared() -> list[Requirement]:
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    names = project["project"]["dependencies"] + project["project"]["optional-dependencies"]["dev"]
    names += project["build-system"]["requires"]
    return [Requirement(name) for name in names]


@pytest.mark.parametrize("requirement", _declared(), ids=str)
def test_every_declared_dependency_is_pinned_within_its_range(requirement: Requirement) -> None:
    pins = _pins()
    name = canonicalize_name(requirement.name)
    assert name in pins, f"{requirement} is not in requirements.lock: run `make lock`"
    version, _ = pins[name]
    assert requirement.specifier.contains(version, prereleases=True), (
        f"requirements.lock pins {name}=={version}, outside {requirement}: run `make lock`"
    )


def test_every_pin_is_hashed() -> None:
    pins = _pins()
    assert len(pins) > 50  # the parser read the file (the service alone needs more than fifty packages)
    unhashed = sorted(name for name, (_, hashes) in pins.items() if not hashes)
    assert unhashed == []


def test_make_install_takes_only_the_lock() -> None:
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    rule = makefile.split("$(STAMP): pyproject.toml requirements.lock", 1)[1].split("\n\n", 1)[0]
    installs = [line.strip() for line in rule.splitlines() if "pip install" in line]
    assert installs == [
        "$(BIN)/python -m pip install --quiet --require-hashes -r requirements.lock",
        "$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .",
    ]


def _asked_extras() -> list[tuple[str, Requirement]]:
    """(who asks, requirement) for every requirement with extras, between packages of the lock, that applies here.

    Read from the installed metadata (`make install` installs exactly the lock); a requirement behind an extra of
    its asker counts when the asker's pin carries that extra.
    """
    pins, pinned_extras = _pins(), _pinned_extras()
    asked: list[tuple[str, Requirement]] = [("pyproject.toml", requirement) for requirement in _declared()]
    for name in pins:
        try:
            requires = metadata.distribution(name).requires or []
        except metadata.PackageNotFoundError:
            continue  # a build-only dependency (--all-build-deps) that is not installed in the venv
        for text in requires:
            requirement = Requirement(text)
            environments = [{"extra": extra} for extra in ("", *pinned_extras[name])]
            if requirement.marker is None or any(requirement.marker.evaluate(env) for env in environments):
                asked.append((name, requirement))
    return [(who, requirement) for who, requirement in asked if requirement.extras]


def test_every_extra_asked_of_a_locked_package_is_on_its_pin() -> None:
    pinned_extras = _pinned_extras()
    asked = _asked_extras()
    assert any(who == "pip-audit" for who, _ in asked)  # the metadata was read: pip-audit asks CacheControl[filecache]
    missing = sorted(
        f"{who} asks {requirement}, the lock pins {canonicalize_name(requirement.name)} without "
        f"[{','.join(sorted(requirement.extras - pinned_extras[canonicalize_name(requirement.name)]))}]"
        for who, requirement in asked
        if canonicalize_name(requirement.name) in pinned_extras
        and not requirement.extras <= pinned_extras[canonicalize_name(requirement.name)]
    )
    assert missing == [], "run `make lock` (pip-compile --no-strip-extras): " + "; ".join(missing)

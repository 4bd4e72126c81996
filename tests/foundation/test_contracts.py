"""The import-linter contracts (pyproject.toml) catch a forbidden import: each row adds one to a copy of the
package and expects `lint-imports` to fail naming the contract it breaks; the untouched copy passes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

# (id, module that gains the import, the import, the contract that must break)
FORBIDDEN = [
    ("api-imports-adapters", "api/status.py", "from service.adapters import orm", "reach the parts only through"),
    ("web-imports-crypto", "web/grafieken.py", "import service.crypto", "reach the parts only through"),
    ("cli-imports-access", "cli/db.py", "import service.access", "reach the parts only through"),
    ("demo-imports-audit", "demo/regio.py", "import service.audit", "reach the parts only through"),
    ("api-imports-web", "api/status.py", "import service.web", "Entry points are independent"),
    ("web-imports-sqlalchemy", "web/grafieken.py", "import sqlalchemy", "Only adapters (and the composition root)"),
    ("adapters-import-audit", "adapters/historie.py", "import service.audit", "Adapters only store and read"),
    ("adapters-import-access", "adapters/historie.py", "import service.access", "Adapters only store and read"),
    (
        "use-case-imports-sqlalchemy",
        "service_layer/casus/aanmelding.py",
        "import sqlalchemy",
        "Only the unit of work touches SQLAlchemy",
    ),
    ("adapters-import-service-layer", "adapters/historie.py", "import service.service_layer", "Layers"),
    ("domain-imports-flask", "domain/casus.py", "import flask", "The domain imports only the standard library"),
    ("service-layer-imports-cryptography", "service_layer/sleutelbeheer.py", "import cryptography", "cryptography"),
    ("web-imports-casbin", "web/grafieken.py", "import casbin", "Only service.access imports casbin"),
    ("meldingen-import-service-layer", "meldingen/opdrachten.py", "import service.service_layer", "only the domain"),
    ("meldingen-import-click", "meldingen/patronen.py", "import click", "service.meldingen imports only the domain"),
]


def _lint(copy: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(copy)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(copy / "pyproject.toml"), "--no-cache"],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("contracts")
    shutil.copytree(PROJECT / "service", copy / "service", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(PROJECT / "pyproject.toml", copy / "pyproject.toml")
    return copy


def test_the_package_as_it_is_keeps_every_contract(pristine: Path) -> None:
    result = _lint(pristine)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [pytest.param(*row[1:], id=row[0]) for row in FORBIDDEN])
def test_a_forbidden_import_breaks_its_contract(
    pristine: Path, tmp_path: Path, module: str, line: str, contract: str
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(pristine, copy)
    target = copy / "service" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # added by the test\n", encoding="utf-8")
    result = _lint(copy)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout

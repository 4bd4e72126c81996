"""npm packages the tests use (a real OpenID Provider, axe-core): each folder holds a package.json and a
package-lock.json, and `npm ci` installs exactly the locked versions there, once per run.

The install runs under a file lock (xdist workers share the folder) and is skipped when the pinned package is
already there in the pinned version; a folder whose install fails is reported through the caller's
`unavailable`, which skips or (when CI requires the component) fails.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

NPM_SECONDS = 300


def _installed(directory: Path, package: str) -> bool:
    wanted = json.loads((directory / "package.json").read_text(encoding="utf-8"))["dependencies"][package]
    found = directory / "node_modules" / package / "package.json"
    return found.exists() and json.loads(found.read_text(encoding="utf-8")).get("version") == wanted


def npm_ci(directory: Path, package: str, unavailable: Callable[[str], None]) -> Path:
    """Install `directory`'s locked dependencies once (when `package` is missing or another version than the
    pinned one); returns the folder of `package` under node_modules. `unavailable(reason)` must not return."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        unavailable("node or npm is missing")
    digest = hashlib.sha256(bytes(directory)).hexdigest()[:16]
    lock = Path(tempfile.gettempdir()) / f"deelpoort-npm-{digest}.lock"
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not _installed(directory, package):
            done = subprocess.run(
                ["npm", "ci", "--no-audit", "--no-fund"],
                cwd=directory,
                capture_output=True,
                text=True,
                timeout=NPM_SECONDS,
                check=False,
            )
            if done.returncode != 0:
                unavailable(f"`npm ci` in {directory} failed: {done.stderr[-500:]}")
    return directory / "node_modules" / package

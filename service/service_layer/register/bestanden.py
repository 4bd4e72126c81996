"""Convenant files on disk (`convenants/` or any directory like it), read and validated without a database:
what `deelpoort convenant check` shows before a version is ever stored.

Invariants:
- The files are validated exactly as at start and as `versies.installeer` validates them; nothing is stored.
"""

from __future__ import annotations

from pathlib import Path

from service.convenant import load_convenanten
from service.domain.convenant import Convenant


def lees(directory: Path) -> Convenant:
    """The convenant registry in `directory` (every `*.yaml`), validated across all files.

    Raises:
        ConvenantError: listing every problem (file, entry, message), including a directory without files.
    """
    return load_convenanten(directory)

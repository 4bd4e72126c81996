"""Writing key files: mode 0600 from the first byte, never over an existing file unless asked (then atomically).

Invariants:
- A key file is written only after its material validated (`parse_key_material`), so a file written here always
  loads.
- A new file is created exclusively (O_EXCL) with mode 0600 and synced; replacing one goes through a temporary
  file in the same folder and `os.replace`, so a reader sees the old or the new file, never half of one.
"""

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from service.crypto.material import DEVELOPMENT_KEYS_FILENAME, generate_key_material, parse_key_material


def write_key_file(path: str | os.PathLike[str], material: Mapping[str, Any], *, overwrite: bool = False) -> Path:
    """Write key material as JSON to `path` with mode 0600 (atomically when overwriting).

    Raises:
        KeyMaterialError: `material` is invalid.
        FileExistsError: `path` exists and `overwrite` is false.
        OSError: The file cannot be written.
    """
    parse_key_material(material)
    target = Path(path)
    data = (json.dumps(material, indent=2, sort_keys=True) + "\n").encode("utf-8")
    if not overwrite:
        write_new_file(target, data)
        return target
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        write_new_file(temporary, data)
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target


def write_development_keys(directory: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Generate development key material and write it to `directory`/development-keys.json (mode 0600).

    Raises:
        FileExistsError: The file exists and `overwrite` is false (existing data would become unreadable).
        OSError: The directory or file cannot be written.
    """
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    return write_key_file(folder / DEVELOPMENT_KEYS_FILENAME, generate_key_material(True), overwrite=overwrite)


def write_new_file(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(descriptor, 0o600)  # the umask could only have narrowed it, but make it exact
        os.write(descriptor, data)
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

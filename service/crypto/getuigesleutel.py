"""The witness's (getuige's) key file: its name and Ed25519 private key, as JSON, readable by its owner only.

    {"soort": "deelpoort-getuigesleutel/v1", "naam": "getuige.example/w1", "ed25519_private_key": "<base64>"}

Invariants:
- A key file is written once: `schrijf_getuigesleutel` refuses an existing path, and the file appears whole or
  not at all (written to a temporary file, synced, then hard-linked into place, which fails if the path exists).
- The file has mode 0600 from the moment it exists; `lees_getuigesleutel` refuses a file that others can read or
  write, and anything that is not exactly this format (unknown entries, a wrong length, an invalid name).
- Errors raise `KeyMaterialError` naming the file and the entry, never the key.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import stat
from pathlib import Path

from service.crypto.cosigning import Cosigner
from service.crypto.errors import KeyMaterialError
from service.crypto.sleutelbestand import write_new_file as _write_new_file

SOORT = "deelpoort-getuigesleutel/v1"
_VELDEN = {"soort", "naam", "ed25519_private_key"}


def schrijf_getuigesleutel(path: str | os.PathLike[str], naam: str) -> Cosigner:
    """Generate a witness key named `naam` and write it to the new file `path` (mode 0600).

    Raises:
        KeyMaterialError: `naam` is not a valid key name.
        FileExistsError: `path` exists (a witness's key is never replaced by accident).
        OSError: The file cannot be written.
    """
    private_key = Cosigner.generate_private_key()
    cosigner = Cosigner(naam, private_key)
    document = {"soort": SOORT, "naam": naam, "ed25519_private_key": base64.b64encode(private_key).decode("ascii")}
    target = Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(8)}.tmp")
    try:
        _write_new_file(temporary, (json.dumps(document, indent=2) + "\n").encode("utf-8"))
        os.link(temporary, target)  # atomic, and fails when `target` exists
    finally:
        temporary.unlink(missing_ok=True)
    _sync_directory(target.parent)
    return cosigner


def lees_getuigesleutel(path: str | os.PathLike[str]) -> Cosigner:
    """The witness key in the file `path`.

    Raises:
        KeyMaterialError: The file is missing, unreadable, readable or writable by others, or not a witness key.
    """
    source = Path(path)
    try:
        mode = source.stat().st_mode
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyMaterialError(f"{source}: witness key file cannot be read ({type(exc).__name__})") from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise KeyMaterialError(f"{source}: witness key file is accessible to others (chmod 600 it)")
    try:
        document = json.loads(text)
    except ValueError:
        raise KeyMaterialError(f"{source}: witness key file is not JSON") from None
    if not isinstance(document, dict) or set(document) != _VELDEN or document["soort"] != SOORT:
        raise KeyMaterialError(f"{source}: not a witness key file ({SOORT} with naam and ed25519_private_key)")
    naam, encoded = document["naam"], document["ed25519_private_key"]
    if not isinstance(naam, str) or not isinstance(encoded, str):
        raise KeyMaterialError(f"{source}: naam and ed25519_private_key are strings")
    try:
        private_key = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise KeyMaterialError(f"{source}: ed25519_private_key is not base64") from None
    try:
        return Cosigner(naam, private_key)
    except KeyMaterialError as exc:
        raise KeyMaterialError(f"{source}: {exc}") from None


def _sync_directory(directory: Path) -> None:
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)

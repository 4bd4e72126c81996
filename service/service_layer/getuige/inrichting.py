"""A witness's configuration: one TOML file naming its key file, its storage file and the logs it witnesses.

    sleutelbestand = "getuige-sleutel.json"        # from `deelpoort getuige sleutel`
    opslag = "getuige.sqlite3"                     # the witness's own SQLite file (created when missing)

    [[log]]
    origin = "deelpoort.example/zvh-drenthe/verstrekkingen"
    vkey = "deelpoort.example/checkpoint+1a2b3c4d+AQ..."   # the log's checkpoint verifier key

Relative paths are relative to the directory of the configuration file. A log may be listed more than once with
the same origin and another vkey (a key rotation): a checkpoint signed by either is accepted.

Invariants:
- `lees_configuratie` returns a configuration only if every entry is known and valid: at least one log, every
  vkey a valid Ed25519 signed-note checkpoint key (type 0x01); otherwise `GetuigeConfigError` names the entry.
- Reading the configuration reads no key material and opens no storage (`service_layer.getuige.open_getuige`
  does, and reports those problems as `GetuigeConfigError` too).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from service.crypto import CheckpointVerifier, KeyMaterialError
from service.settings import SettingsError

_VELDEN = {"sleutelbestand", "opslag", "log"}
_LOGVELDEN = {"origin", "vkey"}


class GetuigeConfigError(SettingsError):
    """The witness's configuration (file, key file or storage) is invalid; the message names the entry."""


@dataclass(frozen=True)
class GetuigeConfig:
    """A witness's validated configuration.

    Attributes:
        sleutelbestand: The witness's key file.
        opslag: The witness's SQLite storage file.
        logs: Per log origin, the checkpoint verifier keys the witness trusts (at least one origin).
    """

    sleutelbestand: Path
    opslag: Path
    logs: Mapping[str, tuple[CheckpointVerifier, ...]]


def lees_configuratie(pad: Path) -> GetuigeConfig:
    """Read and validate the witness configuration file `pad`.

    Raises:
        GetuigeConfigError: The file cannot be read, is not TOML, or an entry is missing, unknown or invalid.
    """
    try:
        document = tomllib.loads(pad.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise GetuigeConfigError(f"{pad}: cannot read the witness configuration ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise GetuigeConfigError(f"{pad}: not valid TOML ({exc})") from None
    return configuratie(document, pad.parent, str(pad))


def configuratie(document: Mapping[str, Any], basis: Path, bron: str = "configuration") -> GetuigeConfig:
    """Validate a parsed configuration `document`; relative paths are taken from `basis`.

    Raises:
        GetuigeConfigError: An entry is missing, unknown or invalid (the message starts with `bron`).
    """
    onbekend = sorted(set(document) - _VELDEN)
    if onbekend:
        raise GetuigeConfigError(f"{bron}: unknown entry {onbekend[0]!r} (known: {', '.join(sorted(_VELDEN))})")
    sleutelbestand = basis / _tekst(document, "sleutelbestand", bron)
    opslag = basis / _tekst(document, "opslag", bron)
    entries = document.get("log")
    if not isinstance(entries, list) or not entries:
        raise GetuigeConfigError(f"{bron}: at least one [[log]] with origin and vkey is required")
    logs: dict[str, tuple[CheckpointVerifier, ...]] = {}
    for nummer, entry in enumerate(entries, start=1):
        waar = f"{bron}: [[log]] number {nummer}"
        if not isinstance(entry, dict) or set(entry) != _LOGVELDEN:
            raise GetuigeConfigError(f"{waar}: needs exactly origin and vkey")
        origin, vkey = _tekst(entry, "origin", waar), _tekst(entry, "vkey", waar)
        if origin != origin.strip() or any(ord(teken) < 0x20 for teken in origin):
            raise GetuigeConfigError(f"{waar}: origin must be one line without surrounding spaces")
        try:
            verifier = CheckpointVerifier.from_verifier_key(vkey)
        except KeyMaterialError as exc:
            raise GetuigeConfigError(f"{waar}: vkey is not a log checkpoint key ({exc})") from None
        logs[origin] = (*logs.get(origin, ()), verifier)
    return GetuigeConfig(sleutelbestand, opslag, logs)


def _tekst(document: Mapping[str, Any], naam: str, waar: str) -> str:
    waarde = document.get(naam)
    if not isinstance(waarde, str) or not waarde:
        raise GetuigeConfigError(f"{waar}: {naam} must be a non-empty string")
    return waarde

"""Key material: generating, loading, validating and rotating the keys of one Deelpoort installation.

Key file format (JSON, keys base64 with padding, RFC 4648 section 4)::

    {
      "format": "deelpoort-keys/v1",
      "development": true,
      "kek": {
        "regulier": {"primary": 2, "versions": {"1": "<32 bytes>", "2": "<32 bytes>"}},
        "cter":     {"primary": 1, "versions": {"1": "<32 bytes>"}}
      },
      "blind_index": {"regulier": "<32 bytes>", "cter": "<32 bytes>"},
      "checkpoint_signing": {"name": "deelpoort", "private_key": "<32-byte Ed25519 seed>"},
      "oidc_client_secrets": {"<partner id>": "<client secret>"}
    }

`kek` may be left out where the KEKs are in a PKCS#11 token (`DEELPOORT_SLEUTELS=pkcs11`, docs/sleutels-hsm.md):
the material then has no keyring, and the composition root refuses it for the `bestand` backend.
`oidc_client_secrets` is optional: the client secret each partner's identity provider issued to Deelpoort (the
OpenID Connect set-up itself is `DEELPOORT_OIDC_BESTAND`); development material usually has none.

Invariants:
- Loading validates everything before any key is used and fails with `KeyMaterialError` naming the
  offending entry by its path ("kek.cter.versions.2"), never showing key bytes.
- Every secret key is distinct from every other: no KEK doubles as another regime's KEK or as a blind index
  key, and the two regimes' blind index keys differ (otherwise the index would link the regimes).
- The "development" marker is required and preserved by every transformation here, so the composition
  root can refuse development keys in production (`KeyMaterial.development`), as well as keys read from
  the repository's keys/ directory (`KeyMaterial.path`).
- Key files are written with mode 0600.
- OpenID Connect client secrets are never shown: not in a repr, not in an error message (which names the
  partner only).
- Rotation is a pure transformation of the JSON document: `add_kek_version` adds a new primary version;
  `retire_kek_version` removes an old non-primary one. Whether a DEK is still wrapped under a version is
  known only to the database, so the caller checks that (with `kek_version_of`) before retiring.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from service.crypto.blind_index import INDEX_KEY_SIZE, BlindIndex
from service.crypto.client_secrets import client_secrets
from service.crypto.errors import KeyMaterialError
from service.crypto.keyring import KEK_SIZE, MAX_KEK_VERSION, KekRing, Keyring
from service.crypto.signing import PRIVATE_KEY_SIZE, CheckpointSigner, check_key_name
from service.domain.convenant import Regime

FORMAT = "deelpoort-keys/v1"
DEFAULT_SIGNER_NAME = "deelpoort"
DEVELOPMENT_KEYS_FILENAME = "development-keys.json"
KEYS_FILE_ENV = "DEELPOORT_KEYS_FILE"
KEYS_JSON_ENV = "DEELPOORT_KEYS_JSON"
_TOP_LEVEL = frozenset({"format", "development", "kek", "blind_index", "checkpoint_signing", "oidc_client_secrets"})

JsonObject = dict[str, Any]


@dataclass(frozen=True, slots=True)
class KeyMaterial:
    """Validated key material, ready for use.

    Attributes:
        development: True for generated development keys; production must refuse these.
        keyring: The KEKs of both regimes; None when the file has no `kek` section (the KEKs are in a token).
        blind_index: The blind index keys of both regimes.
        signer: The checkpoint signing key.
        path: The file the material was read from, or None when it came from a string or mapping.
        oidc_client_secrets: Per partner id, the client secret of Deelpoort at that partner's identity provider.
    """

    development: bool
    keyring: KekRing | None
    blind_index: BlindIndex
    signer: CheckpointSigner
    path: Path | None = None
    oidc_client_secrets: Mapping[str, str] = field(default_factory=dict, repr=False)


def generate_key_material(
    development: bool, *, signer_name: str = DEFAULT_SIGNER_NAME, with_keks: bool = True
) -> JsonObject:
    """Fresh random key material as a JSON-serialisable document (every KEK at version 1).

    Args:
        development: Marks the material as development keys (production refuses them).
        signer_name: The signed-note key name of the checkpoint signing key.
        with_keks: False leaves the `kek` section out (the KEKs are in a PKCS#11 token).

    Raises:
        KeyMaterialError: `signer_name` is not a valid key name.
    """
    check_key_name(signer_name)
    document: JsonObject = {
        "format": FORMAT,
        "development": bool(development),
        "blind_index": {regime.value: _new_secret(INDEX_KEY_SIZE) for regime in Regime},
        "checkpoint_signing": {
            "name": signer_name,
            "private_key": _b64(CheckpointSigner.generate_private_key()),
        },
    }
    if with_keks:
        document["kek"] = {regime.value: {"primary": 1, "versions": {"1": _new_secret(KEK_SIZE)}} for regime in Regime}
    return document


def parse_key_material(document: object, *, path: Path | None = None) -> KeyMaterial:
    """Validate a key material document and build the key objects.

    Args:
        document: The decoded JSON document.
        path: Where it was read from, if from a file.

    Raises:
        KeyMaterialError: Anything is missing, malformed, unknown or reused; the message names it.
    """
    top = _object(document, "key material")
    unknown = sorted(set(top) - _TOP_LEVEL)
    if unknown:
        raise KeyMaterialError(f"key material: unknown entry {unknown[0]!r}")
    if top.get("format") != FORMAT:
        raise KeyMaterialError(f"format: missing or not {FORMAT!r}")
    development = top.get("development")
    if not isinstance(development, bool):
        raise KeyMaterialError("development: missing or not true/false")

    seen: dict[bytes, str] = {}
    keyring = None if top.get("kek") is None else _parse_keks(top.get("kek"), seen)

    index_section = _object(top.get("blind_index"), "blind_index")
    _no_unknown_regimes(index_section, "blind_index")
    index_keys = {
        regime: _secret(index_section.get(regime.value), f"blind_index.{regime.value}", INDEX_KEY_SIZE, seen)
        for regime in Regime
    }

    signing = _object(top.get("checkpoint_signing"), "checkpoint_signing")
    unknown = sorted(set(signing) - {"name", "private_key"})
    if unknown:
        raise KeyMaterialError(f"checkpoint_signing: unknown entry {unknown[0]!r}")
    name = signing.get("name")
    if not isinstance(name, str):
        raise KeyMaterialError("checkpoint_signing.name: missing or not a string")
    private_key = _secret(signing.get("private_key"), "checkpoint_signing.private_key", PRIVATE_KEY_SIZE, seen)

    return KeyMaterial(
        development=development,
        keyring=keyring,
        blind_index=BlindIndex(index_keys),
        signer=CheckpointSigner(name, private_key),
        path=path,
        oidc_client_secrets=client_secrets(top.get("oidc_client_secrets")),
    )


def key_material_from_json(text: str) -> KeyMaterial:
    """Load key material from a JSON string (for example the value of DEELPOORT_KEYS_JSON).

    Raises:
        KeyMaterialError: The text is not JSON or the material is invalid.
    """
    return parse_key_material(_decode_json(text, "key material"))


def load_key_material(path: str | os.PathLike[str]) -> KeyMaterial:
    """Load key material from a JSON file (for example the one DEELPOORT_KEYS_FILE names).

    Raises:
        KeyMaterialError: The file cannot be read, is not JSON, or the material is invalid.
    """
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        reason = error.strerror if isinstance(error, OSError) else "not UTF-8"
        raise KeyMaterialError(f"key file {file}: cannot be read ({reason})") from None
    return parse_key_material(_decode_json(text, f"key file {file}"), path=file.resolve())


def key_material_from_environment(environ: Mapping[str, str]) -> KeyMaterial:
    """Load key material from DEELPOORT_KEYS_FILE or DEELPOORT_KEYS_JSON (exactly one must be set).

    Raises:
        KeyMaterialError: Neither or both are set, or the material is invalid.
    """
    file, text = environ.get(KEYS_FILE_ENV), environ.get(KEYS_JSON_ENV)
    if file and text:
        raise KeyMaterialError(f"set {KEYS_FILE_ENV} or {KEYS_JSON_ENV}, not both")
    if file:
        return load_key_material(file)
    if text:
        return key_material_from_json(text)
    raise KeyMaterialError(f"no keys: set {KEYS_FILE_ENV} or {KEYS_JSON_ENV}")


def add_kek_version(material: Mapping[str, Any], regime: Regime) -> JsonObject:
    """A copy of `material` with a new random KEK version for `regime`, made primary.

    After loading the result, rewrap every DEK of the regime (`Keyring.rewrap`) before retiring the old
    version.

    Raises:
        KeyMaterialError: `material` is invalid.
        ValueError: `regime` is not a regime.
    """
    if parse_key_material(material).keyring is None:
        raise KeyMaterialError("kek: the key material has no KEKs (they are in a PKCS#11 token)")
    document = copy.deepcopy(dict(material))
    section = document["kek"][Regime(regime).value]
    version = max(int(existing) for existing in section["versions"]) + 1
    if version > MAX_KEK_VERSION:
        raise KeyMaterialError(f"kek.{Regime(regime).value}: no KEK versions left")
    section["versions"][str(version)] = _new_secret(KEK_SIZE)
    section["primary"] = version
    return document


def retire_kek_version(material: Mapping[str, Any], regime: Regime, version: int) -> JsonObject:
    """A copy of `material` without KEK `version` of `regime`.

    The caller must first make sure no wrapped DEK still names this version (`kek_version_of`); DEKs
    wrapped under a retired version can no longer be unwrapped.

    Raises:
        KeyMaterialError: `material` is invalid, the version does not exist, or it is the primary version.
        ValueError: `regime` is not a regime.
    """
    if parse_key_material(material).keyring is None:
        raise KeyMaterialError("kek: the key material has no KEKs (they are in a PKCS#11 token)")
    name = Regime(regime).value
    document = copy.deepcopy(dict(material))
    section = document["kek"][name]
    if str(version) not in section["versions"]:
        raise KeyMaterialError(f"kek.{name}.versions.{version}: no such version")
    if section["primary"] == version:
        raise KeyMaterialError(f"kek.{name}.versions.{version}: is the primary version and cannot be retired")
    del section["versions"][str(version)]
    return document


def without_keks(material: Mapping[str, Any]) -> JsonObject:
    """A copy of `material` without its `kek` section (the end of a migration to a PKCS#11 token).

    The caller must first make sure no wrapped DEK still names a version of the file (`kek_version_of`).

    Raises:
        KeyMaterialError: `material` is invalid.
    """
    parse_key_material(material)
    document = copy.deepcopy(dict(material))
    document.pop("kek", None)
    return document


def with_client_secret(material: Mapping[str, Any], partner: str, secret: str) -> JsonObject:
    """A copy of `material` with `secret` as the OpenID Connect client secret of `partner` (replacing one).

    Raises:
        KeyMaterialError: `material` is invalid, or the secret or partner id is not acceptable (the message
            names the partner, never the secret).
    """
    parse_key_material(material)
    document = copy.deepcopy(dict(material))
    document.setdefault("oidc_client_secrets", {})[partner] = secret
    parse_key_material(document)
    return document


def _parse_keks(section: object, seen: dict[bytes, str]) -> Keyring:
    kek_section = _object(section, "kek")
    _no_unknown_regimes(kek_section, "kek")
    keks: dict[Regime, dict[int, bytes]] = {}
    primary: dict[Regime, int] = {}
    for regime in Regime:
        keks[regime], primary[regime] = _parse_regime_keks(kek_section.get(regime.value), regime, seen)
    return Keyring(keks, primary)


def _parse_regime_keks(section: object, regime: Regime, seen: dict[bytes, str]) -> tuple[dict[int, bytes], int]:
    where = f"kek.{regime.value}"
    entry = _object(section, where)
    unknown = sorted(set(entry) - {"primary", "versions"})
    if unknown:
        raise KeyMaterialError(f"{where}: unknown entry {unknown[0]!r}")
    versions = _object(entry.get("versions"), f"{where}.versions")
    if not versions:
        raise KeyMaterialError(f"{where}.versions: no KEK versions")
    keys: dict[int, bytes] = {}
    for label, value in versions.items():
        if not _is_version_label(label):
            raise KeyMaterialError(f"{where}.versions: {label!r} is not a version number (1, 2, ...)")
        keys[int(label)] = _secret(value, f"{where}.versions.{label}", KEK_SIZE, seen)
    primary = entry.get("primary")
    if isinstance(primary, bool) or not isinstance(primary, int):
        raise KeyMaterialError(f"{where}.primary: missing or not a version number")
    if primary not in keys:
        raise KeyMaterialError(f"{where}.primary: version {primary} is not in {where}.versions")
    return keys, primary


def _is_version_label(label: object) -> bool:
    return (
        isinstance(label, str)
        and label.isascii()
        and label.isdigit()
        and label == str(int(label))
        and 1 <= int(label) <= MAX_KEK_VERSION
    )


def _secret(value: object, where: str, size: int, seen: dict[bytes, str]) -> bytes:
    if value is None:
        raise KeyMaterialError(f"{where}: missing")
    if not isinstance(value, str):
        raise KeyMaterialError(f"{where}: not a base64 string")
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise KeyMaterialError(f"{where}: not valid base64") from None
    if len(key) != size:
        raise KeyMaterialError(f"{where}: must be {size} bytes, is {len(key)}")
    if key in seen:
        raise KeyMaterialError(f"{where}: same key as {seen[key]}; every key must be distinct")
    seen[key] = where
    return key


def _object(value: object, where: str) -> Mapping[str, Any]:
    if value is None:
        raise KeyMaterialError(f"{where}: missing")
    if not isinstance(value, Mapping):
        raise KeyMaterialError(f"{where}: not an object")
    return value


def _no_unknown_regimes(section: Mapping[str, Any], where: str) -> None:
    unknown = sorted(set(section) - {regime.value for regime in Regime})
    if unknown:
        raise KeyMaterialError(f"{where}: unknown regime {unknown[0]!r}")


def _decode_json(text: str, where: str) -> object:
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise KeyMaterialError(f"{where}: not valid JSON ({error.msg} at line {error.lineno})") from None


def _new_secret(size: int) -> str:
    return _b64(secrets.token_bytes(size))


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")

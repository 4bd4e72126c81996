"""Key management use cases: production and development key material, checking a secrets file, rotation (a new
KEK version, then rewrap every data key of a regime) and retiring an old KEK version.

Invariants:
- Rotation rewraps data keys (one per casus), never field values, in batches that each commit on their own:
  an interrupted rotation resumes where it stopped, and readers always find a key they can unwrap (the old
  wrapped form until its batch commits, the new one after).
- A KEK version is retired only when no data key is wrapped under it any more.
- A key file is rewritten whole and atomically (mode 0600), after the new material validated; new key
  material (production or development) is written only where no key file exists (existing data would become
  unreadable), production material never into `keys/` and never marked as development material.
- Checking a secrets file reports what it holds (versions, the checkpoint key's public verifier key) and never a
  secret.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from service.crypto import (
    KeyMaterialError,
    add_kek_version,
    generate_key_material,
    load_key_material,
    retire_kek_version,
    with_client_secret,
    write_key_file,
)
from service.crypto import write_development_keys as _write_development_keys
from service.domain.casus import utcnow
from service.domain.convenant import Regime
from service.domain.errors import ConflictError
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT


def key_versions(services: Services, regime: Regime) -> dict[int, int]:
    """How many data keys each KEK version of `regime` wraps."""
    with services.uow() as uow:
        return uow.veldwaarden.key_versions(regime)


def rewrap_all(
    services: Services, regime: Regime, *, batch_size: int = 500, progress: Callable[[int], None] | None = None
) -> int:
    """Rewrap every data key of `regime` that is not under the primary KEK version; returns how many.

    Raises:
        CryptoError: a stored wrapped key does not unwrap (it is left as it was).
        ConflictError: a batch changed nothing although keys remain (another rotation with other key material).
    """
    total = 0
    while True:
        with services.uow() as uow:
            changed = uow.veldwaarden.rewrap_batch(regime, batch_size, utcnow())
            uow.commit()
        if changed == 0:
            remaining = sum(
                n for v, n in key_versions(services, regime).items() if v != services.keys.primary_version(regime)
            )
            if remaining:
                raise ConflictError(f"{remaining} data key(s) could not be rewrapped; is another rotation running?")
            return total
        total += changed
        if progress is not None:
            progress(changed)


def check_retirable(services: Services, regime: Regime, version: int) -> None:
    """Refuse to retire `version` while any data key is wrapped under it.

    Raises:
        ConflictError: data keys still use the version, or it is the primary version.
    """
    if version == services.keys.primary_version(regime):
        raise ConflictError(f"KEK version {version} of {regime.value} is the primary version")
    still = key_versions(services, regime).get(version, 0)
    if still:
        raise ConflictError(
            f"{still} data key(s) of {regime.value} are still wrapped under KEK version {version}; "
            "run `deelpoort keys rotate --rewrap-only` first"
        )


def write_development_keys(directory: Path) -> Path:
    """Generate development key material into `directory` (for development only); returns the file written.

    Raises:
        FileExistsError: a key file exists there already (it is kept).
        OSError: the directory or file cannot be written.
    """
    return _write_development_keys(directory)


def write_production_keys(path: Path, *, met_kek: bool = True) -> Path:
    """Generate fresh production key material (never marked as development keys) into the new file `path`,
    mode 0600; returns the file written. Without `met_kek` the file has no KEKs (they are in a PKCS#11 token).

    Raises:
        FileExistsError: `path` exists (it is kept: data under its keys would become unreadable).
        KeyMaterialError: `path` is inside the repository's `keys/` (development keys only).
        OSError: the file cannot be written.
    """
    if path.resolve().is_relative_to((PROJECT_ROOT / "keys").resolve()):
        raise KeyMaterialError("production key material is never written into keys/ (development keys only)")
    return write_key_file(path, generate_key_material(False, with_keks=met_kek))


@dataclass(frozen=True, slots=True)
class Sleutelbestand:
    """What a secrets file holds, told without a secret (what `deelpoort keys check` prints)."""

    pad: Path
    development: bool
    kek: dict[str, tuple[int, tuple[int, ...]]]  # regime -> (primary version, every version); empty: in a token
    ondertekenaar: str  # the checkpoint key as its public verifier key (C2SP signed note), never the private key
    oidc_partners: tuple[str, ...] = ()  # the partners with an OpenID Connect client secret (never the secret)


def check_key_file(path: Path, *, production: bool) -> Sleutelbestand:
    """Validate the secrets file `path` as the service would load it; in production also refuse development
    material and material from `keys/`.

    Raises:
        KeyMaterialError: the material is invalid (naming the key), or unacceptable in production.
        OSError: the file cannot be read.
    """
    material = load_key_material(path)
    if production and material.development:
        raise KeyMaterialError(f"{path}: development keys, which production refuses")
    if production and path.resolve().is_relative_to((PROJECT_ROOT / "keys").resolve()):
        raise KeyMaterialError(f"{path}: key material in keys/, which production refuses")
    keyring = material.keyring
    kek = {} if keyring is None else {r.value: (keyring.primary_version(r), keyring.versions(r)) for r in Regime}
    return Sleutelbestand(
        path,
        material.development,
        kek,
        material.signer.verifier.verifier_key,
        tuple(sorted(material.oidc_client_secrets)),
    )


def primary_version(services: Services, regime: Regime) -> int:
    """The KEK version of `regime` that wraps new data keys."""
    return services.keys.primary_version(regime)


def add_kek_version_to_file(key_file: Path, regime: Regime) -> None:
    """Add a new random KEK version of `regime` to `key_file` and make it primary (rewrap afterwards).

    Raises:
        KeyMaterialError: the file's material is invalid, or no KEK versions are left.
        ValueError: the file is not JSON.
        OSError: the file cannot be read or written.
    """
    document = json.loads(key_file.read_text(encoding="utf-8"))
    write_key_file(key_file, add_kek_version(document, regime), overwrite=True)


def retire_kek_version_from_file(key_file: Path, regime: Regime, version: int) -> None:
    """Remove KEK `version` of `regime` from `key_file` (call `check_retirable` first).

    Raises:
        KeyMaterialError: the file's material is invalid, the version does not exist, or it is the primary one.
        ValueError: the file is not JSON.
        OSError: the file cannot be read or written.
    """
    document = json.loads(key_file.read_text(encoding="utf-8"))
    write_key_file(key_file, retire_kek_version(document, regime, version), overwrite=True)


def set_client_secret_in_file(key_file: Path, partner: str, secret: str) -> None:
    """Put `secret` in `key_file` as the OpenID Connect client secret of `partner` (atomically, mode 0600).

    Raises:
        KeyMaterialError: the file's material is invalid, or the secret is not acceptable.
        ValueError: the file is not JSON.
        OSError: the file cannot be read or written.
    """
    document = json.loads(key_file.read_text(encoding="utf-8"))
    write_key_file(key_file, with_client_secret(document, partner, secret), overwrite=True)

"""Key management with the KEKs in a PKCS#11 token (`DEELPOORT_SLEUTELS=pkcs11`, docs/sleutels-hsm.md): the first
KEKs, a new KEK version, destroying an old one, finishing a migration from the secrets file, and what `keys status`
shows for either backend.

Invariants:
- A KEK is generated and destroyed only inside the token; no step here sees its bytes.
- A token KEK is destroyed only when no data key is wrapped under it and it is not the primary version (the rule
  of `sleutelbeheer.check_retirable`, shared with the file backend).
- The secrets file's KEKs (its `kek` section) are removed only when no data key of either regime is wrapped under
  any of them any more, i.e. after the migration's rewrap; the rest of the file (blind index, checkpoint key,
  client secrets) is kept as it was, atomically and with mode 0600.
- Rotation and migration are the same operation: a new primary KEK in the token, then `rewrap_all`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from service.crypto import without_keks as _without_keks
from service.crypto import write_key_file
from service.crypto.token_keyring import BESTAND, TokenKeyring
from service.domain.convenant import Regime
from service.domain.errors import ConflictError
from service.service_layer.services import Services
from service.service_layer.sleutelbeheer import check_retirable, key_versions


@dataclass(frozen=True, slots=True)
class KekVersie:
    """One KEK version of a regime as `keys status` shows it."""

    versie: int
    bron: str  # bestand (the secrets file), token, or onbekend (data keys name it, the keyring has no such KEK)
    primair: bool
    data_keys: int


def kek_overzicht(services: Services, regime: Regime) -> list[KekVersie]:
    """Every KEK version of `regime`: the keyring's (file or token, read now) and any the data keys name."""
    services.keys.reload()  # read the token (or the file) as it is now, not as this process last saw it
    counts = key_versions(services, regime)
    keyring = services.keys.keyring
    primary = keyring.primary_version(regime)
    versies = sorted({*keyring.versions(regime), *counts})
    return [KekVersie(v, services.keys.kek_bron(regime, v), v == primary, counts.get(v, 0)) for v in versies]


def token_keyring(services: Services) -> TokenKeyring:
    """The token keyring in use.

    Raises:
        ConflictError: the KEKs are not in a token (`DEELPOORT_SLEUTELS` is not pkcs11).
    """
    keyring = services.keys.keyring
    if not isinstance(keyring, TokenKeyring):
        raise ConflictError("the KEKs are not in a PKCS#11 token: set DEELPOORT_SLEUTELS=pkcs11")
    return keyring


def eerste_keks(keyring: TokenKeyring) -> dict[Regime, int]:
    """Generate a KEK in the token for every regime that has none yet; returns the versions made.

    Each gets the version after every KEK of its regime in the secrets file, so that migrating is a rotation.

    Raises:
        KeyMaterialError: the token refused.
    """
    made: dict[Regime, int] = {}
    for regime in Regime:
        if not any(keyring.bron(regime, v) != BESTAND for v in keyring.versions(regime)):
            made[regime] = keyring.create_kek(regime)
    return made


def nieuwe_kek(services: Services, regime: Regime) -> int:
    """Generate the next KEK version of `regime` in the token and make it primary (rewrap afterwards).

    Raises:
        ConflictError: the KEKs are not in a token.
        KeyMaterialError: the token refused.
    """
    version = token_keyring(services).create_kek(regime)
    services.keys.reload()
    return version


def vernietig_kek(services: Services, regime: Regime, version: int) -> None:
    """Destroy KEK `version` of `regime` in the token, once no data key is wrapped under it.

    Raises:
        ConflictError: the KEKs are not in a token, data keys still use the version, it is the primary one, or it
            is one of the secrets file's (those go with `rond_migratie_af`).
        KeyMaterialError: the token has no such KEK, or refused.
    """
    keyring = token_keyring(services)
    check_retirable(services, regime, version)
    if services.keys.kek_bron(regime, version) == BESTAND:
        raise ConflictError(
            f"KEK version {version} of {regime.value} is in the secrets file, not in the token: "
            "remove the file's KEKs with `deelpoort keys migratie-afronden`"
        )
    keyring.destroy_kek(regime, version)
    services.keys.reload()


def rond_migratie_af(services: Services, key_file: Path) -> None:
    """Remove the KEKs from the secrets file `key_file` once no data key is wrapped under any of them.

    Raises:
        ConflictError: the KEKs are not in a token, or data keys are still wrapped under a KEK of the file.
        ValueError: the file is not JSON.
        KeyMaterialError: the file's material is invalid.
        OSError: the file cannot be read or written.
    """
    token_keyring(services)
    for regime in Regime:
        for versie in kek_overzicht(services, regime):
            if versie.bron == BESTAND and versie.data_keys:
                raise ConflictError(
                    f"{versie.data_keys} data key(s) of {regime.value} are still wrapped under KEK version "
                    f"{versie.versie} of the secrets file; run `deelpoort keys rotate --regime {regime.value} "
                    "--rewrap-only` first"
                )
    document = json.loads(key_file.read_text(encoding="utf-8"))
    write_key_file(key_file, _without_keks(document), overwrite=True)
    services.keys.reload()

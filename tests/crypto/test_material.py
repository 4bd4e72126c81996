"""Key material: generation, loading, validation that names the key, development marker, rotation, files."""

from __future__ import annotations

import copy
import json
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from service.crypto import (
    CryptoError,
    FieldCipher,
    KeyMaterialError,
    add_kek_version,
    generate_key_material,
    key_material_from_environment,
    key_material_from_json,
    load_key_material,
    parse_key_material,
    retire_kek_version,
    write_development_keys,
    write_key_file,
)
from service.domain.convenant import Regime

Document = dict[str, Any]


def _secrets(document: Document) -> list[str]:
    found = [value for section in document["kek"].values() for value in section["versions"].values()]
    return [*found, *document["blind_index"].values(), document["checkpoint_signing"]["private_key"]]


def _set(path: str, value: Any) -> Callable[[Document], None]:
    *parents, last = path.split(".")

    def change(document: Document) -> None:
        target = document
        for part in parents:
            target = target[part]
        target[last] = value

    return change


def _delete(path: str) -> Callable[[Document], None]:
    *parents, last = path.split(".")

    def change(document: Document) -> None:
        target = document
        for part in parents:
            target = target[part]
        del target[last]

    return change


def _copy(source: str, target: str) -> Callable[[Document], None]:
    def change(document: Document) -> None:
        value: Any = document
        for part in source.split("."):
            value = value[part]
        _set(target, value)(document)

    return change


# (id, how the valid document is broken, a fragment the error message must contain)
BROKEN: list[tuple[str, Callable[[Document], None], str]] = [
    ("unknown top-level entry", _set("extra", 1), "unknown entry 'extra'"),
    ("format missing", _delete("format"), "format"),
    ("format of another version", _set("format", "deelpoort-keys/v2"), "format"),
    ("development marker missing", _delete("development"), "development"),
    ("development marker not a boolean", _set("development", "yes"), "development"),
    ("kek not an object", _set("kek", []), "kek: not an object"),
    ("kek of a regime missing", _delete("kek.cter"), "kek.cter: missing"),
    ("kek of an unknown regime", _set("kek.zorg", {}), "kek: unknown regime 'zorg'"),
    ("kek versions missing", _delete("kek.cter.versions"), "kek.cter.versions: missing"),
    ("kek versions empty", _set("kek.cter.versions", {}), "kek.cter.versions: no KEK versions"),
    ("kek version not base64", _set("kek.regulier.versions.1", "not base64!"), "kek.regulier.versions.1: not valid"),
    ("kek version too short", _set("kek.regulier.versions.1", "AAAAAAAAAAAAAAAAAAAAAA=="), "is 16"),
    ("kek version not a string", _set("kek.regulier.versions.1", 12), "kek.regulier.versions.1: not a base64"),
    ("kek version null", _set("kek.regulier.versions.1", None), "kek.regulier.versions.1: missing"),
    ("kek version label zero", _copy("kek.cter.versions.1", "kek.cter.versions.0"), "'0' is not a version"),
    ("kek version label padded", _copy("kek.cter.versions.1", "kek.cter.versions.01"), "'01' is not a version"),
    ("kek version label text", _copy("kek.cter.versions.1", "kek.cter.versions.one"), "'one' is not a version"),
    ("kek entry unknown", _set("kek.cter.retired", []), "kek.cter: unknown entry 'retired'"),
    ("primary missing", _delete("kek.regulier.primary"), "kek.regulier.primary"),
    ("primary as text", _set("kek.regulier.primary", "1"), "kek.regulier.primary"),
    ("primary as boolean", _set("kek.regulier.primary", True), "kek.regulier.primary"),
    ("primary not a version", _set("kek.regulier.primary", 2), "kek.regulier.primary: version 2"),
    ("regimes share a kek", _copy("kek.regulier.versions.1", "kek.cter.versions.1"), "kek.cter.versions.1: same key"),
    ("blind index missing", _delete("blind_index"), "blind_index: missing"),
    ("blind index of a regime missing", _delete("blind_index.cter"), "blind_index.cter: missing"),
    ("blind index of an unknown regime", _set("blind_index.zorg", "x"), "blind_index: unknown regime"),
    ("blind index too long", _set("blind_index.cter", "A" * 64), "blind_index.cter: must be 32 bytes"),
    ("regimes share a blind index key", _copy("blind_index.regulier", "blind_index.cter"), "blind_index.cter: same"),
    ("blind index key is a kek", _copy("kek.cter.versions.1", "blind_index.cter"), "same key as kek.cter"),
    ("signing missing", _delete("checkpoint_signing"), "checkpoint_signing: missing"),
    ("signing name missing", _delete("checkpoint_signing.name"), "checkpoint_signing.name"),
    ("signing name with a space", _set("checkpoint_signing.name", "de log"), "checkpoint_signing.name"),
    ("signing key missing", _delete("checkpoint_signing.private_key"), "checkpoint_signing.private_key: missing"),
    ("signing key too short", _set("checkpoint_signing.private_key", "AAAA"), "checkpoint_signing.private_key"),
    ("signing entry unknown", _set("checkpoint_signing.public_key", "x"), "checkpoint_signing: unknown entry"),
]


@pytest.mark.parametrize(("break_it", "named"), [row[1:] for row in BROKEN], ids=[row[0] for row in BROKEN])
def test_broken_material_is_refused_naming_the_key_and_never_its_bytes(
    document: Document, break_it: Callable[[Document], None], named: str
) -> None:
    secrets = _secrets(document)
    break_it(document)

    with pytest.raises(KeyMaterialError) as raised:
        key_material_from_json(json.dumps(document))

    message = str(raised.value)
    assert named in message
    assert not any(secret in message for secret in secrets if isinstance(secret, str) and len(secret) > 8)


@pytest.mark.parametrize(
    ("text", "named"),
    [("", "not valid JSON"), ("{", "not valid JSON"), ("[]", "key material: not an object"), ("null", "missing")],
    ids=["empty", "unterminated", "a list", "null"],
)
def test_text_that_is_no_key_document_is_refused(text: str, named: str) -> None:
    with pytest.raises(KeyMaterialError, match=re.escape(named)):
        key_material_from_json(text)


def test_load_errors_are_not_the_opaque_crypto_error() -> None:
    assert not issubclass(KeyMaterialError, CryptoError)


@pytest.mark.parametrize("development", [True, False], ids=["development", "production"])
def test_generated_material_round_trips_and_keeps_the_development_marker(development: bool) -> None:
    document = generate_key_material(development)

    material = key_material_from_json(json.dumps(document))
    again = key_material_from_json(json.dumps(document))

    assert document["development"] is development
    assert material.development is development
    assert material.path is None
    data_key, wrapped = material.keyring.new_data_key(Regime.CTER, "c1")
    token = FieldCipher(data_key).encrypt("naam", b"Jan")
    assert FieldCipher(again.keyring.unwrap(Regime.CTER, "c1", wrapped)).decrypt("naam", token) == b"Jan"
    assert again.blind_index.bsn(Regime.CTER, "999900110") == material.blind_index.bsn(Regime.CTER, "999900110")
    assert again.signer.key_id == material.signer.key_id


def test_generated_material_is_fresh_every_time() -> None:
    assert set(_secrets(generate_key_material(True))).isdisjoint(_secrets(generate_key_material(True)))


def test_development_keys_are_written_with_mode_0600(tmp_path: Path) -> None:
    path = write_development_keys(tmp_path / "keys")

    assert path == tmp_path / "keys" / "development-keys.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    material = load_key_material(path)
    assert material.development is True
    assert material.path == path.resolve()


def test_development_keys_are_not_overwritten_unless_asked(tmp_path: Path) -> None:
    path = write_development_keys(tmp_path)
    before = path.read_text()

    with pytest.raises(FileExistsError):
        write_development_keys(tmp_path)
    assert path.read_text() == before

    write_development_keys(tmp_path, overwrite=True)
    assert path.read_text() != before
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [entry.name for entry in tmp_path.iterdir()] == ["development-keys.json"]


def test_invalid_material_is_never_written(tmp_path: Path, document: Document) -> None:
    del document["blind_index"]

    with pytest.raises(KeyMaterialError, match="blind_index"):
        write_key_file(tmp_path / "keys.json", document)
    assert not (tmp_path / "keys.json").exists()


def test_unreadable_key_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(KeyMaterialError, match=r"missing\.json"):
        load_key_material(tmp_path / "missing.json")


def test_key_file_that_is_not_json_is_named(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text("development = true\n")

    with pytest.raises(KeyMaterialError, match=r"keys\.json: not valid JSON"):
        load_key_material(path)


def test_environment_file_or_json(tmp_path: Path, document: Document) -> None:
    path = write_key_file(tmp_path / "keys.json", document)

    from_file = key_material_from_environment({"DEELPOORT_KEYS_FILE": str(path)})
    from_json = key_material_from_environment({"DEELPOORT_KEYS_JSON": json.dumps(document)})

    assert from_file.path == path.resolve()
    assert from_json.path is None
    assert from_file.signer.key_id == from_json.signer.key_id


@pytest.mark.parametrize(
    ("environ", "named"),
    [({}, "no keys"), ({"DEELPOORT_KEYS_FILE": "a", "DEELPOORT_KEYS_JSON": "{}"}, "not both")],
    ids=["neither", "both"],
)
def test_environment_must_name_exactly_one_source(environ: dict[str, str], named: str) -> None:
    with pytest.raises(KeyMaterialError, match=re.escape(named)):
        key_material_from_environment(environ)


def test_adding_a_kek_version_makes_it_primary_and_keeps_the_rest(document: Document) -> None:
    original = copy.deepcopy(document)

    rotated = add_kek_version(document, Regime.REGULIER)

    assert document == original
    assert rotated["kek"]["regulier"]["primary"] == 2
    assert rotated["kek"]["regulier"]["versions"]["1"] == document["kek"]["regulier"]["versions"]["1"]
    assert rotated["kek"]["cter"] == document["kek"]["cter"]
    assert rotated["development"] is True
    assert parse_key_material(rotated).keyring.versions(Regime.REGULIER) == (1, 2)


def test_retiring_an_old_kek_version(document: Document) -> None:
    rotated = add_kek_version(add_kek_version(document, Regime.CTER), Regime.CTER)

    retired = retire_kek_version(rotated, Regime.CTER, 1)

    assert parse_key_material(retired).keyring.versions(Regime.CTER) == (2, 3)
    assert retired["development"] is True


@pytest.mark.parametrize(
    ("version", "named"),
    [(2, "is the primary version"), (7, "no such version")],
    ids=["the primary version", "an unknown version"],
)
def test_retiring_is_refused_for(document: Document, version: int, named: str) -> None:
    rotated = add_kek_version(document, Regime.CTER)

    with pytest.raises(KeyMaterialError, match=re.escape(f"kek.cter.versions.{version}: {named}")):
        retire_kek_version(rotated, Regime.CTER, version)


def test_rotating_invalid_material_is_refused(document: Document) -> None:
    document["development"] = None

    with pytest.raises(KeyMaterialError, match="development"):
        add_kek_version(document, Regime.CTER)


def test_material_without_kek_section_has_no_keyring_and_the_file_backend_refuses_it(
    document: dict[str, Any], tmp_path: Path
) -> None:
    """The KEKs may live in a PKCS#11 token: the secrets file then has no `kek` section, and only the `pkcs11`
    backend accepts it (docs/sleutels-hsm.md)."""
    from service.bootstrap import load_keys
    from service.settings import Settings, SettingsError

    del document["kek"]
    assert parse_key_material(document).keyring is None
    with pytest.raises(KeyMaterialError, match="no KEKs"):
        add_kek_version(document, Regime.REGULIER)
    key_file = tmp_path / "keys.json"
    write_key_file(key_file, document)
    with pytest.raises(SettingsError, match="DEELPOORT_SLEUTELS=pkcs11"):
        load_keys(Settings(instance_path=tmp_path, keys_file=key_file))
    generated = generate_key_material(False, with_keks=False)
    assert "kek" not in generated and parse_key_material(generated).keyring is None

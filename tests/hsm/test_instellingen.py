"""The `DEELPOORT_SLEUTELS` and `DEELPOORT_PKCS11_*` settings: read strictly, the PIN never shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import DEVELOPMENT_PKCS11_MODULE, Settings, SettingsError, Sleutelopslag

PIN = "geheim-1234"

REFUSED = [
    ("an unknown backend", {"DEELPOORT_SLEUTELS": "hsm"}, "must be 'bestand' or 'pkcs11'"),
    ("no token label", {"DEELPOORT_SLEUTELS": "pkcs11", "DEELPOORT_PKCS11_PIN": PIN}, "DEELPOORT_PKCS11_TOKEN"),
    ("no PIN", {"DEELPOORT_SLEUTELS": "pkcs11", "DEELPOORT_PKCS11_TOKEN": "t"}, "exactly one of them"),
    (
        "two PINs",
        {
            "DEELPOORT_SLEUTELS": "pkcs11",
            "DEELPOORT_PKCS11_TOKEN": "t",
            "DEELPOORT_PKCS11_PIN": PIN,
            "DEELPOORT_PKCS11_PIN_FILE": "/etc/deelpoort/pkcs11.pin",
        },
        "exactly one of them",
    ),
    ("an empty module path", {"DEELPOORT_PKCS11_MODULE": ""}, "must not be empty"),
]


@pytest.mark.parametrize(("name", "environ", "message"), REFUSED, ids=[row[0] for row in REFUSED])
def test_a_bad_pkcs11_setting_is_refused_naming_it(name: str, environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError, match=message) as raised:
        Settings.from_env(environ)
    assert PIN not in str(raised.value)


def test_the_pin_is_never_in_the_settings_repr_and_the_module_defaults_to_softhsm_in_development() -> None:
    settings = Settings.from_env(
        {"DEELPOORT_SLEUTELS": "pkcs11", "DEELPOORT_PKCS11_TOKEN": "deelpoort", "DEELPOORT_PKCS11_PIN": PIN}
    )
    assert settings.sleutels is Sleutelopslag.PKCS11 and PIN not in repr(settings)
    assert settings.pkcs11_module_pad == DEVELOPMENT_PKCS11_MODULE and settings.lees_pkcs11_pin() == PIN
    assert Settings.from_env({}).sleutels is Sleutelopslag.BESTAND


PIN_FILES = [
    ("the first line, trimmed", f"  {PIN} \nignored second line\n", PIN),
    ("empty", "\n\n", None),
    ("missing", None, None),
]


@pytest.mark.parametrize(("name", "text", "expected"), PIN_FILES, ids=[row[0] for row in PIN_FILES])
def test_the_pin_file(tmp_path: Path, name: str, text: str | None, expected: str | None) -> None:
    pin_file = tmp_path / "pkcs11.pin"
    if text is not None:
        pin_file.write_text(text, encoding="utf-8")
    settings = Settings(sleutels=Sleutelopslag.PKCS11, pkcs11_token="t", pkcs11_pin_file=pin_file)
    if expected is not None:
        assert settings.lees_pkcs11_pin() == expected
        return
    with pytest.raises(SettingsError, match=str(pin_file)) as raised:
        settings.lees_pkcs11_pin()
    assert PIN not in str(raised.value)


def test_keys_generate_without_kek_writes_a_file_that_keys_check_reads_as_kekless(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from service.cli import main

    target = tmp_path / "sleutels.json"
    env = {"DEELPOORT_INSTANCE_PATH": str(tmp_path / "instance")}
    made = CliRunner().invoke(main, ["keys", "generate", "--zonder-kek", "--uitvoer", str(target)], env=env)
    assert made.exit_code == 0, made.output
    checked = CliRunner().invoke(main, ["keys", "check", "--bestand", str(target)], env=env)
    assert checked.exit_code == 0, checked.output
    assert "kek: geen in dit bestand (DEELPOORT_SLEUTELS=pkcs11" in checked.output
    assert "kek regulier" not in checked.output
    refused = CliRunner().invoke(main, ["keys", "status"], env={**env, "DEELPOORT_KEYS_FILE": str(target)})
    assert refused.exit_code == 2 and "geen kek-sectie" in refused.output

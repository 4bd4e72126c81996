"""The KEKs in a token, on a real database (SQLite and PostgreSQL): a verstrekking through the app, migrating from
the secrets file (a rotation into the token), rotating and retiring in the token through `deelpoort keys`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from flask.testing import FlaskClient
from sqlalchemy import select

from service import create_app
from service.adapters.orm import CasusSleutelRow
from service.bootstrap import build_services
from service.cli import main
from service.crypto.hsm_token import Pkcs11Token
from service.domain.convenant import Regime
from service.domain.errors import ConflictError
from service.service_layer.services import Services
from service.service_layer.sleutelbeheer_hsm import nieuwe_kek, vernietig_kek
from service.settings import Settings, SettingsError
from tests.helpers.casus import BSN_HOOFDPERSOON, aanmelding, bearer, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.softhsm import PIN, SoftHsm
from tests.hsm.conftest import pkcs11_settings


def _refer(client: FlaskClient, token: str, n: int) -> list[str]:
    ids = []
    for _ in range(n):
        response = client.post("/v1/casussen", json=aanmelding(), headers=bearer(token))
        assert response.status_code == 201, response.get_json()
        ids.append(response.get_json()["id"])
    return ids


def _read_all(services: Services, ids: list[str]) -> dict[str, Any]:
    with services.uow() as uow:
        return {c: {k: v.waarde for k, v in uow.veldwaarden.read(c, Regime.REGULIER).items()} for c in ids}


def _wrapped(services: Services) -> dict[str, bytes]:
    with services.engine.connect() as connection:
        rows = connection.execute(select(CasusSleutelRow.casus_id, CasusSleutelRow.wrapped)).all()
    return {row.casus_id: row.wrapped for row in rows}


def gebouwd_app(client: FlaskClient) -> Services:
    services: Services = client.application.extensions["deelpoort"]
    return services


def _env(settings: Settings) -> dict[str, str]:
    env = {
        "DEELPOORT_DATABASE_URL": settings.database_url,
        "DEELPOORT_INSTANCE_PATH": str(settings.instance_path),
        "DEELPOORT_KEYS_FILE": str(settings.keys_file),
        "DEELPOORT_SLEUTELS": settings.sleutels.value,
    }
    if settings.pkcs11_token:
        env |= {"DEELPOORT_PKCS11_TOKEN": settings.pkcs11_token, "DEELPOORT_PKCS11_PIN": PIN}
    return env


def _keys(settings: Settings, *args: str) -> Result:
    return CliRunner().invoke(main, ["keys", *args], env=_env(settings))


@pytest.fixture
def gebouwd() -> Iterator[list[Services]]:
    made: list[Services] = []
    yield made
    for services in made:
        services.engine.dispose()


def test_a_verstrekking_through_the_app_with_the_keks_in_the_token(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    response = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert response.status_code == 201, response.get_json()
    hoofdpersoon = next(b for b in response.get_json()["betrokkenen"] if b["rol"] == "hoofdpersoon")
    assert hoofdpersoon["velden"]["bsn"] == BSN_HOOFDPERSOON
    wrapped = _wrapped(services)[casus["id"]]
    assert wrapped[0] == 2 and int.from_bytes(wrapped[1:5], "big") == 2  # wrapped in the token, under its KEK v2
    assert services.keys.kek_bron(Regime.REGULIER, 2) == "token"


def test_migrating_from_the_secrets_file_is_a_rotation_into_the_token(
    settings: Settings, seeded_database: None, key_file: Path, leeg_token: str, gebouwd: list[Services]
) -> None:
    in_file = Settings(instance_path=settings.instance_path, database_url=settings.database_url, keys_file=key_file)
    before_app = create_app(in_file)
    gebouwd.append(before_app.extensions["deelpoort"])
    politie = add_gebruiker(gebouwd[0], "politie-noord-nederland", "casusregisseur")
    ids = _refer(before_app.test_client(), politie, 3)
    before = _read_all(gebouwd[0], ids)
    in_token = pkcs11_settings(in_file, leeg_token)

    refused = _keys(in_token, "status")
    assert refused.exit_code != 0 and "geen KEK voor regime regulier" in refused.output
    assert "keys pkcs11-init" in refused.output
    made = _keys(in_token, "pkcs11-init")
    assert made.exit_code == 0, made.output
    assert f"regulier: KEK v2 gemaakt in token {leeg_token}" in made.output
    status = _keys(in_token, "status")
    assert "regulier: primair v2 (token); datasleutels per KEK: v1 (bestand): 3, v2 (token): 0" in status.output

    early = _keys(in_token, "migratie-afronden")
    assert early.exit_code != 0 and "3 datasleutel(s) van regulier zijn nog verpakt onder KEK-versie 1" in early.output
    assert "kek" in json.loads(key_file.read_text())  # refused: nothing changed

    rotated = _keys(in_token, "rotate", "--regime", "regulier", "--rewrap-only")
    assert rotated.exit_code == 0 and "3 datasleutel(s) opnieuw verpakt" in rotated.output, rotated.output
    done = _keys(in_token, "migratie-afronden")
    assert done.exit_code == 0, done.output
    document = json.loads(key_file.read_text())
    assert "kek" not in document and {"blind_index", "checkpoint_signing"} <= set(document)
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"

    after = build_services(in_token)
    gebouwd.append(after)
    assert _read_all(after, ids) == before
    assert all(w[0] == 2 for w in _wrapped(after).values())
    status = _keys(in_token, "status")
    assert "regulier: primair v2 (token); datasleutels per KEK: v2 (token): 3" in status.output
    with pytest.raises(SettingsError, match="DEELPOORT_SLEUTELS=pkcs11"):  # the file alone opens nothing now
        build_services(in_file)


def test_rotate_and_retire_in_the_token(
    client: FlaskClient,
    politie: str,
    procesregisseur: str,
    hsm_settings: Settings,
    key_file: Path,
    gebouwd: list[Services],
) -> None:
    chosen = pkcs11_settings(hsm_settings, str(hsm_settings.pkcs11_token), keys_file=key_file)
    ids = _refer(client, politie, 3)
    primary = _keys(chosen, "retire", "--regime", "regulier", "--version", "2")
    assert primary.exit_code != 0 and "primaire versie" in primary.output
    rotated = _keys(chosen, "rotate", "--regime", "regulier")
    assert rotated.exit_code == 0, rotated.output
    assert "regulier: KEK v3 gemaakt in het PKCS#11-token" in rotated.output
    assert "3 datasleutel(s) opnieuw verpakt" in rotated.output
    later = _refer(client, politie, 1)  # the running app, built before the rotation, wraps under v3 at once
    assert int.from_bytes(_wrapped(gebouwd_app(client))[later[0]][1:5], "big") == 3
    disclosed = vraag(client, procesregisseur, ids[0], doel="triage")  # and reads a DEK the CLI rewrapped
    assert disclosed.status_code == 201, disclosed.get_json()
    assert any(b["velden"].get("bsn") == BSN_HOOFDPERSOON for b in disclosed.get_json()["betrokkenen"])
    from_file = _keys(chosen, "retire", "--regime", "regulier", "--version", "1")
    assert from_file.exit_code != 0 and "staat in het geheimenbestand" in from_file.output
    retired = _keys(chosen, "retire", "--regime", "regulier", "--version", "2")
    assert retired.exit_code == 0 and "v2 vernietigd" in retired.output, retired.output

    token = Pkcs11Token(str(chosen.pkcs11_module_pad), str(chosen.pkcs11_token), PIN)
    token.refresh()
    assert sorted(v for r, v in token.keks() if r is Regime.REGULIER) == [3]
    services = build_services(chosen)
    gebouwd.append(services)
    assert set(_read_all(services, ids + later)) == set(ids + later)
    assert {int.from_bytes(w[1:5], "big") for w in _wrapped(services).values()} == {3}


def test_a_kek_with_data_keys_under_it_is_not_destroyed(client: FlaskClient, politie: str, services: Services) -> None:
    ids = _refer(client, politie, 2)
    assert nieuwe_kek(services, Regime.REGULIER) == 3  # a new primary, the data keys not yet rewrapped
    with pytest.raises(ConflictError, match="2 data key\\(s\\) of regulier are still wrapped under KEK version 2"):
        vernietig_kek(services, Regime.REGULIER, 2)
    assert services.keys.keyring.versions(Regime.REGULIER) == (1, 2, 3)
    assert set(_read_all(services, ids)) == set(ids)


@pytest.fixture
def productie(tmp_path: Path, hsm: SoftHsm) -> dict[str, object]:
    """What a production start with the KEKs in a token needs besides the token (a file without KEKs)."""
    from service.crypto import generate_key_material, write_key_file

    key_file = tmp_path / "productie-keys.json"
    write_key_file(key_file, generate_key_material(False, with_keks=False))
    return {
        "omgeving": "production",
        "database_url": f"sqlite:///{tmp_path / 'nooit.sqlite3'}",
        "instance_path": tmp_path / "instance",
        "keys_file": key_file,
        "secret_key": "s" * 40,
        "vertrouwde_proxies": "127.0.0.1",
        "pkcs11_module": str(hsm.module),
        "vernietigingsjournaal": tmp_path / "vernietigingsjournaal.jsonl",  # production requires it (docs/backup.md)
    }


def _productie_env(values: dict[str, object], **extra: str) -> dict[str, str]:
    names = {
        "omgeving": "DEELPOORT_ENV",
        "database_url": "DEELPOORT_DATABASE_URL",
        "instance_path": "DEELPOORT_INSTANCE_PATH",
        "keys_file": "DEELPOORT_KEYS_FILE",
        "secret_key": "DEELPOORT_SECRET_KEY",
        "vertrouwde_proxies": "DEELPOORT_VERTROUWDE_PROXIES",
        "pkcs11_module": "DEELPOORT_PKCS11_MODULE",
        "vernietigingsjournaal": "DEELPOORT_VERNIETIGINGSJOURNAAL",
    }
    return {names[k]: str(v) for k, v in values.items()} | {"DEELPOORT_SLEUTELS": "pkcs11"} | extra


REFUSALS = [
    ("a missing token", {"DEELPOORT_PKCS11_TOKEN": "geen-token"}, "'geen-token': not found"),
    ("a missing module", {"DEELPOORT_PKCS11_MODULE": "/nonexistent/libhsm.so"}, "/nonexistent/libhsm.so: cannot"),
    ("no module set", {"DEELPOORT_PKCS11_MODULE": ""}, "needs DEELPOORT_PKCS11_MODULE"),
    ("a regime without a KEK", {"EEN_REGIME": "1"}, "no KEK for regime cter"),
    ("no PIN", {"DEELPOORT_PKCS11_PIN": ""}, "needs the token's user PIN"),
]


@pytest.mark.parametrize(("name", "change", "message"), REFUSALS, ids=[row[0] for row in REFUSALS])
def test_production_refuses_to_start_naming_what_is_wrong(
    productie: dict[str, object],
    leeg_token: str,
    hsm: SoftHsm,
    caplog: pytest.LogCaptureFixture,
    name: str,
    change: dict[str, str],
    message: str,
) -> None:
    caplog.set_level(logging.DEBUG)
    env = _productie_env(productie, DEELPOORT_PKCS11_TOKEN=leeg_token, DEELPOORT_PKCS11_PIN=PIN)
    if change.pop("EEN_REGIME", None):
        from service.crypto.token_keyring import TokenKeyring

        TokenKeyring.zonder_controle(Pkcs11Token(str(hsm.module), leeg_token, PIN)).create_kek(Regime.REGULIER)
    env = {k: v for k, v in (env | change).items() if v}
    with pytest.raises(SettingsError, match=message) as raised:
        create_app(Settings.from_env(env))
    assert PIN not in str(raised.value) and PIN not in caplog.text


def test_a_wrong_pin_stops_the_command_with_a_clear_message_and_never_the_pin(
    productie: dict[str, object], leeg_token: str, hsm: SoftHsm
) -> None:
    """A real `deelpoort` process (login state is per process): exit code 2, the PIN named as wrong, not shown."""
    import os
    import subprocess
    import sys

    from service.settings import PROJECT_ROOT

    wrong = "fout-pin-0815"
    env = hsm.environ() | {"PYTHONPATH": str(PROJECT_ROOT)}
    env = {k: v for k, v in env.items() if not k.startswith("DEELPOORT_") or k.startswith("DEELPOORT_TEST_")}
    env |= _productie_env(productie, DEELPOORT_PKCS11_TOKEN=leeg_token, DEELPOORT_PKCS11_PIN=wrong)
    done = subprocess.run(
        [sys.executable, "-c", "import sys; from service.cli import main; sys.exit(main())", "keys", "status"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=os.fspath(PROJECT_ROOT),
    )
    assert done.returncode == 2, done.stderr
    assert f"PKCS#11 token '{leeg_token}': de gebruikers-PIN is onjuist" in done.stderr + done.stdout
    assert wrong not in done.stderr + done.stdout

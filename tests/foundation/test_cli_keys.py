"""`deelpoort keys generate` and `deelpoort keys check`: production key material made and checked without
starting the service; no secret is ever printed."""

from __future__ import annotations

import base64
import json
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from service.cli import main
from service.crypto import load_key_material
from service.settings import PROJECT_ROOT

SECRET_KEY = "a-synthetic-session-secret-of-more-than-32-characters"


def run(*args: str, **env: str) -> Result:
    if env.get("DEELPOORT_ENV") == "production":  # a production environment names its TLS proxy (docs/mtls.md)
        env.setdefault("DEELPOORT_VERTROUWDE_PROXIES", "127.0.0.1")
        # ... and its destruction journal (docs/backup.md); `keys` commands never open it
        env.setdefault("DEELPOORT_VERNIETIGINGSJOURNAAL", "/var/lib/deelpoort/vernietigingsjournaal.jsonl")
    return CliRunner().invoke(main, list(args), env=env)


def secrets_of(path: Path) -> list[str]:
    """Every secret the file holds, as written (base64), and its raw bytes as hex (a leak in either form)."""
    document = json.loads(path.read_text(encoding="utf-8"))
    found = [v for regime in document["kek"].values() for v in regime["versions"].values()]
    found += list(document["blind_index"].values())
    found.append(document["checkpoint_signing"]["private_key"])
    return found + [base64.b64decode(s).hex() for s in found]


def test_generate_writes_production_material_only_its_owner_can_read(tmp_path: Path) -> None:
    target = tmp_path / "geheimen" / "deelpoort-keys.json"
    target.parent.mkdir()

    result = run("keys", "generate", "--uitvoer", str(target))

    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["development"] is False
    assert f"sleutelmateriaal voor productie geschreven naar {target} (mode 0600)" in result.output
    assert f"`deelpoort keys check --bestand {target}`" in result.output
    assert not any(secret in result.output for secret in secrets_of(target))


def test_generated_material_checks_as_valid_production_material_without_showing_a_secret(tmp_path: Path) -> None:
    target = tmp_path / "deelpoort-keys.json"
    assert run("keys", "generate", "--uitvoer", str(target)).exit_code == 0

    result = run(
        "keys", "check", DEELPOORT_ENV="production", DEELPOORT_KEYS_FILE=str(target), DEELPOORT_SECRET_KEY=SECRET_KEY
    )

    assert result.exit_code == 0, result.output
    assert "geldig sleutelmateriaal voor productie" in result.output
    assert "kek regulier: primair v1; versies v1" in result.output
    assert "kek cter: primair v1; versies v1" in result.output
    # The line a witness's operator is pointed at (docs/getuige.md) holds the log's vkey, found as the README does.
    vkey = re.search(r"^  verificatiesleutel van de checkpoints: (\S+)$", result.output, re.MULTILINE)
    assert vkey is not None, result.output
    assert vkey.group(1) == load_key_material(target).signer.verifier.verifier_key
    assert not any(secret in result.output for secret in secrets_of(target))


def test_generate_never_replaces_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "deelpoort-keys.json"
    assert run("keys", "generate", "--uitvoer", str(target)).exit_code == 0
    before = target.read_bytes()

    again = run("keys", "generate", "--uitvoer", str(target))

    assert again.exit_code == 2
    assert "bestaat al en blijft staan" in again.output
    assert target.read_bytes() == before


def test_generate_refuses_the_development_keys_folder() -> None:
    target = PROJECT_ROOT / "keys" / "productie-test-never-written.json"

    result = run("keys", "generate", "--uitvoer", str(target))

    assert result.exit_code == 2
    assert "nooit in keys/ geschreven" in result.output
    assert not target.exists()


@pytest.mark.parametrize(
    ("damage", "named"),
    [
        pytest.param(lambda d: d["kek"]["regulier"]["versions"].update({"1": "AAAA"}), "kek.regulier", id="short-kek"),
        pytest.param(lambda d: d.pop("blind_index"), "blind_index", id="no-blind-index"),
        pytest.param(lambda d: d.update({"development": "nee"}), "development", id="marker-not-boolean"),
        pytest.param(lambda d: d.update({"extra": 1}), "extra", id="unknown-key"),
    ],
)
def test_check_names_what_is_wrong_with_a_damaged_file(tmp_path: Path, damage: object, named: str) -> None:
    target = tmp_path / "deelpoort-keys.json"
    assert run("keys", "generate", "--uitvoer", str(target)).exit_code == 0
    document = json.loads(target.read_text(encoding="utf-8"))
    damage(document)  # type: ignore[operator]
    target.write_text(json.dumps(document), encoding="utf-8")

    result = run("keys", "check", "--bestand", str(target))

    assert result.exit_code == 2, result.output
    assert named in result.output
    assert "Traceback" not in result.output


def test_production_refuses_development_material(tmp_path: Path) -> None:
    directory = tmp_path / "dev"
    made = run("keys", "init", DEELPOORT_KEYS_DIR=str(directory))
    development = directory / "development-keys.json"
    assert made.exit_code == 0 and f"ontwikkelsleutels geschreven naar {development}" in made.output, made.output
    again = run("keys", "init", DEELPOORT_KEYS_DIR=str(directory))
    assert again.exit_code == 0 and f"de ontwikkelsleutels bestaan al: {development} (bewaard" in again.output

    result = run(
        "keys",
        "check",
        DEELPOORT_ENV="production",
        DEELPOORT_KEYS_FILE=str(development),
        DEELPOORT_SECRET_KEY=SECRET_KEY,
        DEELPOORT_KEYS_DIR=str(tmp_path / "elders"),
    )

    assert result.exit_code == 2
    assert "ontwikkelsleutels, die productie weigert" in result.output
    # Outside production the same file checks as what it is.
    plain = run("keys", "check", "--bestand", str(development))
    assert plain.exit_code == 0 and "geldig sleutelmateriaal voor ontwikkeling" in plain.output


def test_check_of_a_missing_file_says_so(tmp_path: Path) -> None:
    result = run("keys", "check", "--bestand", str(tmp_path / "nergens.json"))

    assert result.exit_code == 2
    assert "kan niet gelezen worden" in result.output  # the service layer's text (KeyMaterialError), in Dutch


def test_oidc_geheim_puts_a_client_secret_in_the_file_from_standard_input(tmp_path: Path) -> None:
    target = tmp_path / "deelpoort-keys.json"
    assert run("keys", "generate", "--uitvoer", str(target)).exit_code == 0
    before = secrets_of(target)
    secret = "synthetisch-client-geheim-0123456789"

    result = CliRunner().invoke(
        main, ["keys", "oidc-geheim", "--bestand", str(target), "--partner", "bureau-zvh-drenthe"], input=secret
    )

    assert result.exit_code == 0, result.output
    assert f"{target}: clientgeheim van bureau-zvh-drenthe gezet (niet getoond)" in result.output
    assert secret not in result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["oidc_client_secrets"] == {"bureau-zvh-drenthe": secret}
    assert secrets_of(target) == before  # the keys themselves are untouched
    check = run(
        "keys", "check", DEELPOORT_ENV="production", DEELPOORT_KEYS_FILE=str(target), DEELPOORT_SECRET_KEY=SECRET_KEY
    )
    assert check.exit_code == 0, check.output
    assert "bureau-zvh-drenthe" in check.output and secret not in check.output


@pytest.mark.parametrize("given", ["", "met spatie geheim"])
def test_oidc_geheim_refuses_an_empty_or_unprintable_secret_and_changes_nothing(tmp_path: Path, given: str) -> None:
    target = tmp_path / "deelpoort-keys.json"
    assert run("keys", "generate", "--uitvoer", str(target)).exit_code == 0
    original = target.read_bytes()

    result = CliRunner().invoke(
        main, ["keys", "oidc-geheim", "--bestand", str(target), "--partner", "bureau-zvh-drenthe"], input=given
    )

    assert result.exit_code == 2
    assert target.read_bytes() == original
    if given:
        assert given not in result.output and "bureau-zvh-drenthe" in result.output
    else:
        assert "geen clientgeheim op standaardinvoer" in result.output

"""The command line fails clearly (message, exit status 2) on bad configuration and bad convenant files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from service.cli import main

DEELPOORT = str(Path(sys.executable).parent / "deelpoort")


def test_the_console_script_exits_non_zero_with_a_message_on_a_bad_database_url() -> None:
    completed = subprocess.run(
        [DEELPOORT, "db", "upgrade"],
        env={"DEELPOORT_DATABASE_URL": "mysql://user@host/db", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert completed.returncode == 2
    assert "deelpoort: DEELPOORT_DATABASE_URL gebruikt driver 'mysql'" in completed.stderr
    assert "Traceback" not in completed.stderr


def test_an_unknown_setting_stops_every_command() -> None:
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"DEELPOORT_POORT": "8000"})
    assert result.exit_code == 2
    assert "onbekende instelling(en): DEELPOORT_POORT" in result.output


def test_convenant_check_names_the_broken_file(tmp_path: Path) -> None:
    (tmp_path / "kapot.yaml").write_text("convenant: {id: x}\n")
    result = CliRunner().invoke(main, ["convenant", "check", str(tmp_path)])
    assert result.exit_code == 2
    assert "kapot.yaml: convenant: naam: verplicht, maar ontbreekt." in result.output


def test_convenant_check_summarises_the_real_registry() -> None:
    result = CliRunner().invoke(main, ["convenant", "check"])
    assert result.exit_code == 0, result.output
    assert "zvh-drenthe" in result.output and "cter-drenthe" in result.output


def test_openapi_needs_no_keys_instance_or_database(tmp_path: Path) -> None:
    """`deelpoort openapi` (used by the API Design Rules lint in CI) works on a fresh clone without keys."""
    env = {
        "DEELPOORT_KEYS_DIR": str(tmp_path / "no-keys-here"),
        "DEELPOORT_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    result = CliRunner().invoke(main, ["openapi"], env=env)
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["openapi"].startswith("3.1") and "/casussen" in document["paths"]
    assert not (tmp_path / "no-keys-here").exists() and not (tmp_path / "instance").exists()


def test_db_upgrade_puts_the_convenant_files_in_force_once_and_export_gives_them_back(
    tmp_path: Path, database_url: str, keys_dir: Path
) -> None:
    """A new installation: `db upgrade` stores convenants/ as the version in force and registers its partners;
    a second run stores nothing new; `convenant export` writes files that read back as that version."""
    from service.convenant.versies import lees_map, versie

    env = {
        "DEELPOORT_DATABASE_URL": database_url,
        "DEELPOORT_KEYS_DIR": str(keys_dir),
        "DEELPOORT_INSTANCE_PATH": str(tmp_path / "instance"),
    }
    first = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert first.exit_code == 0, first.output
    files_version = versie(lees_map(Path(__file__).parents[2] / "convenants"))
    assert f"convenantversie {files_version[:12]} uit convenants/: in werking (nieuwe installatie)" in first.output
    second = CliRunner().invoke(main, ["db", "upgrade"], env=env)
    assert "opgeslagen; de versie in werking is ongewijzigd" in second.output
    exported = CliRunner().invoke(main, ["convenant", "export", str(tmp_path / "export")], env=env)
    assert exported.exit_code == 0, exported.output
    assert f"convenantversie {files_version} geschreven naar {tmp_path / 'export'}/: " in exported.output
    assert versie(lees_map(tmp_path / "export")) == files_version
    from service.bootstrap import build_services
    from service.settings import Settings

    services = build_services(Settings.from_env(env))
    with services.uow() as uow:
        registered = {p.id for p in uow.partners.list() if p.actief}
    in_force = {p.id for p in services.convenant.partners}
    services.engine.dispose()
    assert registered == in_force and len(registered) == 51

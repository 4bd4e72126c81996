"""The `deelpoort` command line speaks Dutch when it fails too (issue 24.5): click's frame (usage line, headings,
help option, its usage errors) and every service-layer message a command passes on. Each case runs the command
the way an operator gets it wrong and finds no English sentence in what it printed (`ENGELS`, which
`test_cli_taal.py` shows flags the English these commands printed before).

A click upgrade that rewords or adds one of its texts fails `test_click_still_says_what_we_translate` or
`test_every_text_click_can_say_is_translated_or_known_unused`, instead of printing English."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from flask import Flask

from service import create_app
from service.cli import klik, main
from service.service_layer.services import Services
from service.settings import Settings
from tests.foundation.test_cli_taal import ENGELS
from tests.helpers.gebruikers import TokenFor
from tests.helpers.logboek import modify_record, synthetic

PROJECT = Path(__file__).resolve().parents[2]
# The modules of click that run for a deelpoort command (parsing, help, types, errors).
CLICK_MODULES = ("core", "exceptions", "types", "parser", "formatting", "decorators")


def _run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, list(args), env=env)


def _nederlands(result: Result) -> None:
    """No English sentence in the output; an option's name (`--rewrap-only`, `--dry-run`) is its interface."""
    english = [line for line in result.output.splitlines() if ENGELS.search(re.sub(r"--[\w-]+", "", line))]
    assert not english, result.output


# --- click's frame ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--help"], ["keys", "rotate", "--help"], ["policy", "diff", "--help"]])
def test_help_pages_are_dutch(args: list[str]) -> None:
    result = _run(*args)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Gebruik: ") and "\nOpties:\n" in result.output
    assert "Toon deze hulp en stop." in result.output
    _nederlands(result)


def test_a_help_page_shows_defaults_and_metavars_in_dutch() -> None:
    result = _run("serve", "--help")
    assert "--port GETAL" in result.output and "[standaard: 8000]" in result.output
    _nederlands(result)


USAGE_ERRORS = [
    ("missing-argument", ["policy", "diff"], "Fout: Ontbrekend argument 'OUD'."),
    ("missing-option", ["keys", "rotate"], "Fout: Ontbrekende optie '--regime'. Kies uit:"),
    ("unknown-option", ["audit", "verify", "--onbekend"], "Fout: Onbekende optie '--onbekend'."),
    ("unknown-command", ["polcy"], "Fout: Onbekende opdracht 'polcy'. Bedoelt u 'policy'?"),
    (
        "bad-int",
        ["serve", "--port", "acht"],
        "Fout: Ongeldige waarde voor '--port': 'acht' is geen geldig geheel getal.",
    ),
    ("bad-range", ["getuige", "serve", "--workers", "100"], "100 ligt niet in het bereik 1<=x<=64."),
    ("bad-choice", ["keys", "rotate", "--regime", "x"], "'x' is niet een van 'regulier', 'cter'."),
    (
        "missing-path",
        ["restore", "/bestaat/niet"],
        "Fout: Ongeldige waarde voor 'MAP': Map '/bestaat/niet' bestaat niet.",
    ),
    (
        "missing-file",
        ["import", "/bestaat/niet", "--token-bestand", "/bestaat/niet"],
        "Bestand '/bestaat/niet' bestaat niet.",
    ),
    ("file-not-dir", ["policy", "diff", str(PROJECT / "pyproject.toml"), "x"], "is een bestand."),
    ("option-without-value", ["policy", "explain", "--partner"], "Fout: Optie '--partner' vraagt een waarde."),
    ("extra-argument", ["db", "upgrade", "nu"], "Fout: Onverwacht extra argument (nu)"),
    (
        "own-bad-parameter",
        ["audit", "verify", "--regel", "x"],
        "Ongeldige waarde voor '--regel': geef RECORDS,SECONDEN",
    ),
]


@pytest.mark.parametrize(("args", "expected"), [c[1:] for c in USAGE_ERRORS], ids=[c[0] for c in USAGE_ERRORS])
def test_usage_errors_are_dutch_with_exit_status_2(args: list[str], expected: str) -> None:
    result = _run(*args)
    assert result.exit_code == 2, result.output
    assert expected in result.output
    _nederlands(result)


def test_a_usage_error_names_the_usage_and_where_help_is() -> None:
    result = _run("policy", "diff")
    assert "Gebruik: main policy diff [OPTIES] OUD NIEUW" in result.output
    assert "Zie 'main policy diff --help' voor hulp." in result.output


def test_a_group_without_a_command_shows_its_help_with_exit_status_2() -> None:
    result = _run("keys")
    assert result.exit_code == 2 and "Opdrachten:" in result.output and "rotate" in result.output
    _nederlands(result)


def _click_constants(module: str) -> tuple[set[str], set[str]]:
    """(every string constant, the msgids passed to gettext) in click's `module`."""
    tree = ast.parse(inspect.getsource(importlib.import_module(f"click.{module}")))
    constants = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    msgids = {
        arg.value
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in ("_", "ngettext")
        for arg in call.args
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
    }
    return constants, msgids


def test_click_still_says_what_we_translate() -> None:
    """Every English text of `klik.TEKSTEN` is still one click says: a reworded one fails here."""
    constants = set().union(*(_click_constants(m)[0] for m in CLICK_MODULES))
    gone = sorted(set(klik.TEKSTEN) - constants)
    assert not gone, f"click {click.__version__} no longer says: {gone}; translate what it says now"


def test_every_text_click_can_say_is_translated_or_known_unused() -> None:
    """A text a new click adds must be translated (`TEKSTEN`) or shown unreachable (`NIET_GEBRUIKT`)."""
    msgids = set().union(*(_click_constants(m)[1] for m in CLICK_MODULES))
    new = sorted(msgids - set(klik.TEKSTEN) - set(klik.NIET_GEBRUIKT))
    assert not new, f"click {click.__version__} says texts deelpoort does not translate: {new}"


def test_each_translation_keeps_the_placeholders_of_the_english() -> None:
    for msgid, dutch in klik.TEKSTEN.items():
        names = set(re.findall(r"\{(\w+)", msgid))
        assert set(re.findall(r"\{(\w+)", dutch)) == names, msgid


# --- what the commands pass on from the service layer --------------------------------------------------------


def test_a_configuration_error_is_dutch() -> None:
    result = _run("db", "upgrade", env={"DEELPOORT_ENV": "production"})
    assert result.exit_code == 2
    assert "deelpoort: productie heeft sleutelmateriaal nodig" in result.output
    _nederlands(result)


def test_an_unknown_setting_is_dutch() -> None:
    result = _run("db", "upgrade", env={"DEELPOORT_POORT": "8000"})
    assert result.exit_code == 2 and "onbekende instelling(en): DEELPOORT_POORT (bekend: " in result.output
    _nederlands(result)


def test_policy_check_of_a_bad_policy_directory_is_dutch(tmp_path: Path) -> None:
    shutil.copy(PROJECT / "policies" / "model.conf", tmp_path / "model.conf")
    (tmp_path / "zvh.csv").write_text(
        "p, politie, stagiair, regulier, triage, bsn, avg-6-1-e, allow\np, politie, deelnemer, regulier, triage\n",
        encoding="utf-8",
    )
    result = _run("policy", "check", str(tmp_path))
    assert result.exit_code == 2
    assert "deelpoort: het veldbeleid is ongeldig (2 probleem/problemen)" in result.output
    assert "onbekende rol 'stagiair'" in result.output
    _nederlands(result)
    leeg = _run("policy", "check", str(tmp_path / "leeg"))
    assert leeg.exit_code == 2 and "het modelbestand ontbreekt" in leeg.output
    _nederlands(leeg)


@pytest.fixture
def getekend_logboek(settings: Settings, migrated_database: None, cli_settings: Settings) -> Iterator[Services]:
    """A log of 20 records, a checkpoint every 8 (as tests/disclosure/test_log_integrity.py builds its own)."""
    app = create_app(dataclasses.replace(settings, checkpoint_records=8, checkpoint_seconds=3600))
    services: Services = app.extensions["deelpoort"]
    for n in range(20):
        services.log.append(synthetic(n))
    services.log.checkpoint_now()
    yield services
    services.engine.dispose()


def test_audit_verify_of_a_tampered_log_is_dutch(getekend_logboek: Services) -> None:
    with getekend_logboek.engine.begin() as connection:
        modify_record(5)(connection)
    result = _run("audit", "verify", "--regel", "8,3600")
    assert result.exit_code == 1
    assert "FOUT: eerste fout bij logindex 5" in result.output
    assert "index 5: de opgeslagen bladhash past niet bij het record" in result.output
    _nederlands(result)


def _token(tmp_path: Path, token: str) -> str:
    path = tmp_path / "token"
    path.write_text(token + "\n", encoding="ascii")
    return str(path)


def test_an_import_refusal_is_dutch(cli_settings: Settings, app: Flask, token_for: TokenFor, tmp_path: Path) -> None:
    (tmp_path / "historie.jsonl").write_text("dit is geen json\n", encoding="utf-8")
    token = _token(tmp_path, token_for("bureau-zvh-drenthe", "beheerder"))
    result = _run("import", str(tmp_path / "historie.jsonl"), "--token-bestand", token)
    assert result.exit_code == 1
    assert "regel 1  (de regel)  geen geldige JSON" in result.output
    _nederlands(result)


def test_a_refused_beheer_action_through_a_token_file_is_dutch(
    cli_settings: Settings, app: Flask, token_for: TokenFor, tmp_path: Path
) -> None:
    politie = _token(tmp_path, token_for("politie-noord-nederland", "deelnemer"))
    geweigerd = _run("import", str(PROJECT / "pyproject.toml"), "--token-bestand", politie)
    assert geweigerd.exit_code == 1 and "deelpoort: Alleen een beheerder mag dit doen." in geweigerd.output
    _nederlands(geweigerd)
    beheerder = _token(tmp_path, token_for("bureau-zvh-drenthe", "beheerder"))
    onbekend = _run("retention", "vernietig", "0" * 32, "--token-bestand", beheerder, "--toelichting", "x")
    assert onbekend.exit_code == 1 and "deelpoort: Casus: er is geen casus met dit kenmerk" in onbekend.output
    _nederlands(onbekend)


def test_a_restore_refusal_is_dutch(cli_settings: Settings, app: Flask, tmp_path: Path) -> None:
    result = _run("restore", str(tmp_path))
    assert result.exit_code == 1
    assert f"deelpoort: {tmp_path} bevat geen manifest.json: geen back-up van Deelpoort" in result.output
    _nederlands(result)

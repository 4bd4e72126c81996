"""`deelpoort import FILE --token-bestand F [--dry-run]` end to end: the dry run changes nothing, the import stores
everything, a second run skips it, a refused file lists every refusal and exits 1, and nothing of the file's
values is printed."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner, Result
from flask import Flask

from service.cli import main
from service.domain.identiteit import Filter
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.gebruikers import TokenFor
from tests.helpers.importbestand import database_inhoud, jaar, jsonl, waarden_in


def _run(*args: str) -> Result:
    return CliRunner().invoke(main, ["import", *args])


def _bestanden(tmp_path: Path, token: str, regels: list[dict[str, object]]) -> tuple[str, str]:
    bestand, sleutel = tmp_path / "historie.jsonl", tmp_path / "token"
    bestand.write_bytes(jsonl(regels))
    sleutel.write_text(token + "\n", encoding="ascii")
    return str(bestand), str(sleutel)


def test_a_dry_run_then_the_import_then_a_second_run(
    cli_settings: Settings, app: Flask, services: Services, token_for: TokenFor, tmp_path: Path, nu: dt.datetime
) -> None:
    regels = jaar(6, einde=nu)
    bestand, token = _bestanden(tmp_path, token_for("bureau-zvh-drenthe", "beheerder"), regels)
    voor = database_inhoud(services)
    droog = _run(bestand, "--token-bestand", token, "--dry-run")
    assert droog.exit_code == 0, droog.output
    assert "een import zou 6 casus(sen) opslaan, 0 overgeslagen" in droog.output
    assert database_inhoud(services) == voor
    echt = _run(bestand, "--token-bestand", token)
    assert echt.exit_code == 0, echt.output
    assert "6 casus(sen) geïmporteerd" in echt.output and echt.output.count("  casus ") == 6
    with services.uow() as uow:
        assert uow.log.size() == 1 + 6
    opnieuw = _run(bestand, "--token-bestand", token)
    assert opnieuw.exit_code == 0 and "niets te importeren: 6 overgeslagen" in opnieuw.output
    for uitvoer in (droog.output, echt.output, opnieuw.output):
        assert not [w for w in waarden_in(regels) if w in uitvoer]


def test_a_refused_file_lists_every_refusal_and_changes_nothing(
    cli_settings: Settings, app: Flask, services: Services, token_for: TokenFor, tmp_path: Path, nu: dt.datetime
) -> None:
    regels = jaar(5, einde=nu)
    regels[1]["betrokkenen"][0]["velden"]["bsn"]["waarde"] = "123456789"
    regels[3]["gemeente"] = "Synthetisch-Nergenshuizen"
    bestand, token = _bestanden(tmp_path, token_for("bureau-zvh-drenthe", "beheerder"), regels)
    (Path(bestand)).write_bytes(Path(bestand).read_bytes() + b"{niet json\n")
    voor = database_inhoud(services)
    for args in ((), ("--dry-run",)):
        result = _run(bestand, "--token-bestand", token, *args)
        assert result.exit_code == 1, result.output
        assert "geweigerd: niets geïmporteerd; 3 weigering(en):" in result.output
        assert "regel 2  betrokkenen[0].velden.bsn  geen geldig BSN" in result.output
        assert "regel 4  gemeente  onbekende gemeente" in result.output
        assert "regel 6  (de regel)  geen geldige JSON" in result.output
        assert "123456789" not in result.output and "Nergenshuizen" not in result.output
    assert database_inhoud(services) == voor


def test_only_a_beheerder_imports(
    cli_settings: Settings, app: Flask, services: Services, token_for: TokenFor, tmp_path: Path, nu: dt.datetime
) -> None:
    bestand, token = _bestanden(tmp_path, token_for("bureau-zvh-drenthe", "procesregisseur"), jaar(1, einde=nu))
    voor = database_inhoud(services)
    result = _run(bestand, "--token-bestand", token)
    assert result.exit_code == 1 and "Alleen een beheerder mag dit doen." in result.output
    assert database_inhoud(services) == voor


def test_the_log_names_the_operator_of_the_token_file(
    cli_settings: Settings, app: Flask, services: Services, token_for: TokenFor, tmp_path: Path, nu: dt.datetime
) -> None:
    bestand, token = _bestanden(tmp_path, token_for("bureau-zvh-drenthe", "beheerder"), jaar(1, einde=nu))
    assert _run(bestand, "--token-bestand", token).exit_code == 0
    with services.uow() as uow:
        (beheerder,), _ = uow.gebruikers.lijst(Filter(rol="beheerder"), limit=10, offset=0)
        stored = uow.log.record(0)
    assert stored is not None
    record = json.loads(stored.record)
    assert (record["soort"], record["gebruiker"], record["rol"]) == ("import", beheerder.id, "beheerder")

"""`deelpoort backup` of a running service, and the commands `backup`, `restore` and `audit ontvangstbewijs`."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask

from service.bootstrap import build_services
from service.cli import main
from service.meldingen.opdrachten import journaalstaat
from service.service_layer.casus.bewaring import vernietig_casus
from service.service_layer.herstel.backup import maak_backup
from service.service_layer.herstel.herstel import herstel
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import refer, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.herstel import sporen


def test_a_backup_taken_while_the_service_writes_is_consistent_and_verifies(
    dienst: Flask, diensten: Services, regisseur: str, tmp_path: Path, herstel_settings: Settings, lege_database: str
) -> None:
    stop = threading.Event()
    fouten: list[BaseException] = []

    def schrijf() -> None:
        client = dienst.test_client()
        try:
            while not stop.is_set():
                refer(client, regisseur)  # a casus, its encrypted values and its aanlevering record
        except BaseException as exc:
            fouten.append(exc)

    def grootte() -> int:
        with diensten.uow() as uow:
            return uow.log.size()

    schrijver = threading.Thread(target=schrijf)
    schrijver.start()
    manifesten = []
    try:
        for n in range(2):
            begin = grootte()
            while grootte() < begin + 2:  # the writer is writing now
                time.sleep(0.01)
            manifesten.append(maak_backup(diensten, tmp_path / f"backup-{n}"))
    finally:
        stop.set()
        schrijver.join()
    assert not fouten, fouten
    assert grootte() > manifesten[-1].log_grootte > manifesten[0].log_grootte > 0  # written before and after

    doel = build_services(dataclasses.replace(herstel_settings, database_url=lege_database))
    try:
        for n, manifest in enumerate(manifesten):
            verslag = herstel(doel, tmp_path / f"backup-{n}", vervang=True)
            assert verslag.controle is not None and verslag.controle.intact, verslag.controle
            with doel.uow() as uow:
                assert uow.log.size() == manifest.log_grootte  # the manifest says what the copy holds
                checkpoints = {c.grootte: c.wortel.hex() for c in uow.log.checkpoints()}
            kept = manifest.checkpoint
            assert kept is not None  # every 256 records or 5 s: the writer signed some
            assert checkpoints[kept["grootte"]] == kept["wortel"]
            assert kept["grootte"] <= manifest.log_grootte
    finally:
        doel.engine.dispose()


@pytest.fixture
def cli_omgeving(herstel_settings: Settings, journaal_pad: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The environment the `deelpoort` command reads: the test's database, keys and destruction journal."""
    monkeypatch.setenv("DEELPOORT_DATABASE_URL", herstel_settings.database_url)
    monkeypatch.setenv("DEELPOORT_KEYS_DIR", str(herstel_settings.keys_dir))
    monkeypatch.setenv("DEELPOORT_INSTANCE_PATH", str(herstel_settings.instance_path))
    monkeypatch.setenv("DEELPOORT_VERNIETIGINGSJOURNAAL", str(journaal_pad))
    return herstel_settings


def test_the_commands_back_up_refuse_a_full_target_restore_and_check_receipts(
    cli_omgeving: Settings, diensten: Services, dienst: Flask, regisseur: str, tmp_path: Path
) -> None:
    web = dienst.test_client()
    casus = refer(web, regisseur)["id"]
    runner = CliRunner()
    gemaakt = runner.invoke(main, ["backup", "--uitvoer", str(tmp_path / "backup")])
    assert gemaakt.exit_code == 0, gemaakt.output
    assert "het sleutelmateriaal zit niet in de back-up" in gemaakt.output
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert (
        f"back-up geschreven naar {tmp_path / 'backup'}/{manifest['bestand']} ({manifest['database']}, schema "
        f"{manifest['schema_revisie']}, logboek {manifest['log_grootte']} records, laatste checkpoint "
    ) in gemaakt.output
    assert f"vernietigingsjournaal: {journaalstaat(manifest['journaal'])}" in gemaakt.output
    assert manifest["journaal"].startswith("intact, ") and "vernietigingsjournaal: intact, " in gemaakt.output
    assert {"tijd", "database", "schema_revisie", "log_grootte", "checkpoint", "sha256", "sleutels"} <= set(manifest)
    assert not any(p.name.endswith(".json") and "key" in p.name for p in (tmp_path / "backup").iterdir())

    procesregie = add_gebruiker(diensten, "bureau-zvh-drenthe", "procesregisseur")
    bewijs = vraag(web, procesregie, casus, doel="triage").get_json()["ontvangstbewijs"]
    (tmp_path / "bewijs.json").write_text(json.dumps(bewijs))
    vernietig_casus(diensten, casus)
    assert runner.invoke(main, ["audit", "ontvangstbewijs", str(tmp_path / "bewijs.json")]).exit_code == 0
    (tmp_path / "lijst.json").write_text("[]")
    bestanden = [str(tmp_path / "bewijs.json"), str(tmp_path / "lijst.json")]
    geen = runner.invoke(main, ["audit", "ontvangstbewijs", *bestanden])
    assert geen.exit_code == 1 and f"{tmp_path / 'lijst.json'}: ongeldig: geen JSON-object" in geen.output

    vol = runner.invoke(main, ["restore", str(tmp_path / "backup")])
    assert vol.exit_code == 1 and "niet leeg" in vol.output and "--vervang" in vol.output
    assert sporen(diensten, casus)["sleutels"] == 0  # refused: nothing changed

    hersteld = runner.invoke(
        main, ["restore", str(tmp_path / "backup"), "--vervang", "--ontvangstbewijs", str(tmp_path / "bewijs.json")]
    )
    assert hersteld.exit_code == 0, hersteld.output
    assert f"teruggezet: de back-up van {manifest['tijd']} ({manifest['database']}, " in hersteld.output
    assert "vernietigingsjournaal: 1 regel(s) gelezen, keten intact" in hersteld.output
    assert "opnieuw uitgevoerd: 0 vernietiging(en) uit het teruggezette logboek, 1 uit het journaal" in hersteld.output
    assert f"ontvangstbewijs {tmp_path / 'bewijs.json'}: nieuwer" in hersteld.output
    assert "checkpoints en de opzoektabellen gecontroleerd (integriteitscontrole " in hersteld.output
    assert hersteld.output.rstrip().endswith("herstel voltooid: de dienst mag weer starten")
    assert sporen(diensten, casus) == {"sleutels": 0, "waarden": 0, "bsn_index": 0}
    # After the restore the re-applied destruction's record took the receipt's index: the log forked there.
    na = runner.invoke(main, ["audit", "ontvangstbewijs", str(tmp_path / "bewijs.json")])
    assert na.exit_code == 1 and "afwijkend: het logboek heeft een ander record op index" in na.output


def test_production_requires_the_destruction_journal() -> None:
    from service.settings import SettingsError

    production = {
        "DEELPOORT_ENV": "production",
        "DEELPOORT_KEYS_JSON": "{}",
        "DEELPOORT_SECRET_KEY": "x" * 40,
        "DEELPOORT_VERTROUWDE_PROXIES": "127.0.0.1",
    }
    with pytest.raises(SettingsError, match="DEELPOORT_VERNIETIGINGSJOURNAAL"):
        Settings.from_env(production)
    settings = Settings.from_env({**production, "DEELPOORT_VERNIETIGINGSJOURNAAL": "/srv/journaal/deelpoort.jsonl"})
    assert settings.vernietigingsjournaal == Path("/srv/journaal/deelpoort.jsonl")

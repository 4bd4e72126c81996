"""Backup, destroy, restore: destroyed stays destroyed (DESIGN invariant 9), on SQLite and PostgreSQL.

Each test backs up a service with a destruction journal, changes the database after the backup, restores, and
checks what the restore re-applied, logged, reported and verified (docs/backup.md).
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service import serving_app
from service.domain.convenant import Regime
from service.domain.errors import CasusVernietigdError, ConflictError
from service.service_layer.casus.bewaring import vernietig_casus
from service.service_layer.herstel import herstel as herstelmodule
from service.service_layer.herstel.backup import BackupError, maak_backup
from service.service_layer.herstel.herstel import HerstelError, herstel
from service.service_layer.herstel.kloof import Oordeel
from service.service_layer.services import Services
from service.settings import HerstelBezigError, Settings
from tests.helpers.casus import refer, vraag
from tests.helpers.herstel import sporen, vernietigingsrecords


def test_a_casus_destroyed_after_the_backup_stays_destroyed_after_the_restore(
    diensten: Services, web: FlaskClient, regisseur: str, tmp_path: Path, journaal_pad: Path
) -> None:
    blijft = refer(web, regisseur)["id"]
    weg = refer(web, regisseur)["id"]
    manifest = maak_backup(diensten, tmp_path / "backup")
    na_backup = refer(web, regisseur)["id"]  # made and destroyed after the backup: not in it at all
    vernietig_casus(diensten, weg)
    vernietig_casus(diensten, na_backup)
    origineel = {r["casus"]: r for r in vernietigingsrecords(diensten)}
    assert len(journaal_pad.read_bytes().splitlines()) == 2

    verslag = herstel(diensten, tmp_path / "backup", vervang=True)

    assert verslag.uit_journaal == [weg]
    assert verslag.niet_in_backup == 1
    assert verslag.controle is not None and verslag.controle.intact
    assert not diensten.herstel_bezig()
    assert sporen(diensten, weg) == {"sleutels": 0, "waarden": 0, "bsn_index": 0}
    assert sporen(diensten, blijft)["sleutels"] == 1 and sporen(diensten, blijft)["bsn_index"] == 2
    with diensten.uow() as uow, pytest.raises(CasusVernietigdError):
        uow.veldwaarden.read(weg, Regime.REGULIER)
    with diensten.uow() as uow:
        assert uow.casussen.get(na_backup) is None  # the backup does not hold it: nothing to destroy
        assert uow.veldwaarden.read(blijft, Regime.REGULIER)  # the rest is readable again
    # The re-application is logged as what it is, naming the lost record it re-applies, after the backup's log.
    records = vernietigingsrecords(diensten)
    herstelrecords = [(r["casus"], r["reden"], r.get("herhaalt")) for r in records]
    assert herstelrecords == [(weg, "herstel", _index(journaal_pad, weg))]
    assert records[0]["id"] != origineel[weg]["id"]
    with diensten.uow() as uow:
        assert uow.log.size() == manifest.log_grootte + 1
    # The journal notes the re-application too, so a later restore from the same backup re-applies it again.
    laatste = json.loads(journaal_pad.read_bytes().splitlines()[-1])
    assert (laatste["casus"], laatste["reden"], laatste["herhaalt"]) == (weg, "herstel", _index(journaal_pad, weg))


def _index(journaal_pad: Path, casus: str) -> int:
    """The log index the journal's first line about `casus` names."""
    for regel in journaal_pad.read_bytes().splitlines():
        data = json.loads(regel)
        if data["casus"] == casus:
            return int(data["log_index"])
    raise AssertionError(f"no journal line for {casus}")


def test_the_service_refuses_to_start_until_an_interrupted_restore_is_completed(
    diensten: Services,
    web: FlaskClient,
    regisseur: str,
    tmp_path: Path,
    herstel_settings: Settings,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    weg = refer(web, regisseur)["id"]
    maak_backup(diensten, tmp_path / "backup")
    vernietig_casus(diensten, weg)

    def crash(*_args: object) -> list[str]:
        raise RuntimeError("simulated crash after the database was put back, before any shredding")

    monkeypatch.setattr(herstelmodule, "_pas_log_opnieuw_toe", crash)
    with pytest.raises(RuntimeError, match="simulated crash"):
        herstel(diensten, tmp_path / "backup", vervang=True)

    assert diensten.herstel_bezig()
    assert sporen(diensten, weg)["sleutels"] == 1  # the backup's key is back: exactly why nothing may open
    with pytest.raises(HerstelBezigError, match="herstel bezig"):
        serving_app(herstel_settings)
    status = web.get("/v1/status")
    assert status.status_code == 503
    assert status.content_type == "application/problem+json"
    with pytest.raises(ConflictError, match="herstel bezig"):  # a backup of a half-restored database is refused
        maak_backup(diensten, tmp_path / "tweede")

    monkeypatch.undo()
    verslag = herstel(diensten, tmp_path / "backup")  # no --vervang needed: the target is a marked restore

    assert verslag.uit_journaal == [weg]
    assert sporen(diensten, weg) == {"sleutels": 0, "waarden": 0, "bsn_index": 0}
    assert not diensten.herstel_bezig()
    assert web.get("/v1/status").status_code == 200
    serving_app(herstel_settings).extensions["deelpoort"].engine.dispose()


def test_a_destruction_the_restored_log_records_but_whose_key_is_back_is_reapplied(
    diensten: Services, web: FlaskClient, regisseur: str, tmp_path: Path, journaal_pad: Path
) -> None:
    """Without a journal line (lost, or a journal set up later) the restored log's own record still counts."""
    weg = refer(web, regisseur)["id"]
    sleutel_van_weg = _sleutelrij(diensten, weg)
    vernietig_casus(diensten, weg)
    _zet_sleutel_terug(diensten, sleutel_van_weg)  # the record is in the log, the key is back (a crash window)
    maak_backup(diensten, tmp_path / "backup")
    journaal_pad.unlink()

    verslag = herstel(diensten, tmp_path / "backup", vervang=True)

    assert verslag.uit_log == [weg]
    assert sporen(diensten, weg)["sleutels"] == 0
    eerste, tweede = vernietigingsrecords(diensten)
    assert (eerste["reden"], tweede["reden"], tweede["casus"]) == ("bewaartermijn", "herstel", weg)
    assert tweede["herhaalt"] == _index_van(diensten, eerste["id"])
    assert verslag.controle is not None and verslag.controle.intact


def _index_van(services: Services, record_id: str) -> int:
    with services.uow() as uow:
        return next(r.log_index for r in uow.log.records() if r.columns[0] == record_id)


def _sleutelrij(services: Services, casus_id: str) -> dict[str, object]:
    from sqlalchemy import select

    from service.adapters.orm import CasusSleutelRow

    with services.engine.connect() as connection:
        row = connection.execute(select(CasusSleutelRow).where(CasusSleutelRow.casus_id == casus_id)).one()
    return dict(row._mapping)


def _zet_sleutel_terug(services: Services, rij: dict[str, object]) -> None:
    from sqlalchemy import insert, update

    from service.adapters.orm import CasusRow, CasusSleutelRow

    with services.engine.begin() as connection:
        connection.execute(insert(CasusSleutelRow.__table__).values(**rij))
        connection.execute(update(CasusRow).where(CasusRow.id == rij["casus_id"]).values(vernietigd_op=None))


def test_a_receipt_newer_than_the_backup_and_the_lost_records_are_reported(
    diensten: Services,
    web: FlaskClient,
    regisseur: str,
    procesregie: str,
    tmp_path: Path,
) -> None:
    casus = refer(web, regisseur)["id"]
    oud = vraag(web, procesregie, casus, doel="triage")
    assert oud.status_code == 201, oud.get_json()
    diensten.log.checkpoint_now()
    manifest = maak_backup(diensten, tmp_path / "backup")
    nieuw = vraag(web, procesregie, casus, doel="triage")
    assert nieuw.status_code == 201, nieuw.get_json()
    signed = diensten.log.checkpoint_now()  # kept beside the journal: how far the log had grown
    assert signed is not None
    (tmp_path / "oud.json").write_text(json.dumps(oud.get_json()), encoding="utf-8")
    (tmp_path / "nieuw.json").write_text(json.dumps(nieuw.get_json()["ontvangstbewijs"]), encoding="utf-8")

    verslag = herstel(
        diensten, tmp_path / "backup", vervang=True, ontvangstbewijzen=[tmp_path / "oud.json", tmp_path / "nieuw.json"]
    )

    assert verslag.kloof is not None
    assert (verslag.kloof.hersteld, verslag.kloof.bewaard) == (manifest.log_grootte, signed.grootte)
    assert verslag.kloof.ontbrekend == signed.grootte - manifest.log_grootte > 0
    assert f"indexen {manifest.log_grootte}..{signed.grootte - 1}" in verslag.kloof.zin()
    oordelen = {Path(pad).name: o.oordeel for pad, o in verslag.bewijzen}
    assert oordelen == {"oud.json": Oordeel.IN_LOG, "nieuw.json": Oordeel.NIEUWER}
    # The lost log's checkpoint is kept as a copy; the file now holds the restored log's.
    assert diensten.journaal is not None
    kopieen = list(diensten.journaal.bestand.checkpoint_pad.parent.glob("*.checkpoint.voor-herstel-*"))
    assert len(kopieen) == 1 and json.loads(kopieen[0].read_text())["grootte"] == signed.grootte
    bewaard = diensten.journaal.bestand.lees_checkpoint()
    assert bewaard is not None and int(str(bewaard["grootte"])) <= manifest.log_grootte + 1


def test_a_forged_receipt_and_a_contradicted_one_are_told_apart(
    diensten: Services, web: FlaskClient, regisseur: str, procesregie: str
) -> None:
    from service.service_layer.herstel.kloof import beoordeel_bewijs

    casus = refer(web, regisseur)["id"]
    bewijs = vraag(web, procesregie, casus, doel="triage").get_json()["ontvangstbewijs"]
    anders = {**bewijs, "bladHash": "AAAA" + bewijs["bladHash"][4:]}
    vervalst = {**bewijs, "checkpoint": "deelpoort.example/x\n1\nAAAA\n\n— nobody abc\n"}
    assert beoordeel_bewijs(diensten, bewijs).oordeel is Oordeel.IN_LOG
    assert beoordeel_bewijs(diensten, anders).oordeel is Oordeel.AFWIJKEND
    assert beoordeel_bewijs(diensten, vervalst).oordeel is Oordeel.ONGELDIG
    assert beoordeel_bewijs(diensten, {"logIndex": "1"}).oordeel is Oordeel.ONGELDIG


def test_restore_into_a_new_empty_database(
    diensten: Services,
    web: FlaskClient,
    regisseur: str,
    tmp_path: Path,
    herstel_settings: Settings,
    lege_database: str,
) -> None:
    casus = refer(web, regisseur)["id"]
    maak_backup(diensten, tmp_path / "backup")
    vernietig_casus(diensten, casus)
    nieuw = dataclasses.replace(herstel_settings, database_url=lege_database)
    from service.bootstrap import build_services

    doel = build_services(nieuw)
    try:
        verslag = herstel(doel, tmp_path / "backup")
        assert verslag.uit_journaal == [casus]
        assert sporen(doel, casus)["sleutels"] == 0
        with pytest.raises(HerstelError, match="not empty"):
            herstel(doel, tmp_path / "backup")  # a second time: the target is no longer empty
    finally:
        doel.engine.dispose()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the database kind plays no part
def test_a_damaged_backup_is_refused_and_changes_nothing(
    diensten: Services, web: FlaskClient, regisseur: str, tmp_path: Path
) -> None:
    casus = refer(web, regisseur)["id"]
    manifest = maak_backup(diensten, tmp_path / "backup")
    vernietig_casus(diensten, casus)
    bestand = tmp_path / "backup" / manifest.bestand
    data = bytearray(bestand.read_bytes())
    data[len(data) // 2] ^= 0x01
    bestand.write_bytes(bytes(data))
    with pytest.raises(BackupError, match="SHA-256"):
        herstel(diensten, tmp_path / "backup", vervang=True)
    assert not diensten.herstel_bezig()
    assert sporen(diensten, casus)["sleutels"] == 0


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the database kind plays no part
def test_a_backup_into_a_directory_that_is_not_empty_is_refused(diensten: Services, tmp_path: Path) -> None:
    from service.domain.errors import OngeldigeInvoerError

    (tmp_path / "vol").mkdir()
    (tmp_path / "vol" / "iets").write_text("x")
    with pytest.raises(OngeldigeInvoerError):
        maak_backup(diensten, tmp_path / "vol")
    assert list((tmp_path / "vol").iterdir()) == [tmp_path / "vol" / "iets"]


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the database kind plays no part
@pytest.mark.parametrize(
    ("veld", "waarde", "melding"),
    [
        ("database", "postgresql", "is of a postgresql database; the configured one is sqlite"),
        ("schema_revisie", "0001", "has schema revision 0001"),
        ("formaat", 2, "unknown backup formaat"),
        ("bestand", "ander.sqlite3", "is missing"),
    ],
    ids=["other-kind", "other-revision", "other-formaat", "no-file"],
)
def test_a_backup_that_does_not_fit_is_refused_before_anything_changes(
    diensten: Services, web: FlaskClient, regisseur: str, tmp_path: Path, veld: str, waarde: object, melding: str
) -> None:
    casus = refer(web, regisseur)["id"]
    maak_backup(diensten, tmp_path / "backup")
    vernietig_casus(diensten, casus)
    pad = tmp_path / "backup" / "manifest.json"
    pad.write_text(json.dumps(json.loads(pad.read_text()) | {veld: waarde}))
    with pytest.raises((HerstelError, BackupError), match=melding):
        herstel(diensten, tmp_path / "backup", vervang=True)
    assert not diensten.herstel_bezig()
    assert sporen(diensten, casus)["sleutels"] == 0

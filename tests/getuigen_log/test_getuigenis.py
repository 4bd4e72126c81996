"""The log and its witnesses (issue 20): every new checkpoint is cosigned by real witness processes, and a history
rewritten, rolled back or forked in the database is caught by `audit verify --getuigen` even when every hash and
every checkpoint in the database was made to agree."""

from __future__ import annotations

import dataclasses
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from sqlalchemy import Connection, delete, select, update

from service.adapters.getuigen_http import Antwoord
from service.adapters.orm import CheckpointRow, LoghoofdRow, VerstrekkingRow
from service.audit.checkpoint import open_checkpoint
from service.audit.cosignature import cosignatures
from service.cli import main
from service.crypto.cosigning import CosignatureVerifier
from service.domain.verantwoording import Integriteitscontrole
from service.service_layer.logboek import controle as logboek
from service.service_layer.logboek import getuigen, integriteit
from service.service_layer.logboek.getuigen_inrichting import GetuigenClient, GetuigenDienst
from service.service_layer.services import Services
from service.settings import Settings
from tests.getuigen_log.conftest import getuigen_bestand, witnessed_services
from tests.helpers.getuige import Getuigeproces
from tests.helpers.logboek import rebuild_derived as _rebuild_derived
from tests.helpers.logboek import synthetic
from tests.helpers.nginx import free_port


def _append(services: Services, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        services.log.append(synthetic(i))


def _verify_with_witnesses(services: Services) -> Integriteitscontrole:
    return integriteit.controleer(services, "cli", getuigen=True)


def _witness_problems(controle: Integriteitscontrole) -> list[str]:
    return [p for p in controle.problemen if p.startswith("getuige ")]


def _rewritten(record: bytes, n: int) -> bytes:
    """Record `n` (synthetic) with another trace id: a change no query column shows."""
    changed = record.replace(f"{n:032x}".encode(), f"{n + 1000:032x}".encode())
    assert changed != record
    return changed


def _tamper(services: Services, change: Callable[[Connection], None]) -> None:
    with services.engine.begin() as connection:
        change(connection)


def test_both_witnesses_cosign_each_new_checkpoint_and_the_log_verifies_against_them(
    log_services: Services, twee_getuigen: tuple[Getuigeproces, Getuigeproces]
) -> None:
    _append(log_services, 20)  # checkpoints at 1, 9, 17
    first = getuigen.ronde(log_services)
    assert [(v.getuige, v.grootte, v.gecosigneerd, v.fout) for v in first] == [
        ("getuige.test/een", 17, True, None),
        ("getuige.test/twee", 17, True, None),
    ]
    _append(log_services, 8, start=20)  # a checkpoint at 25: offered with a consistency proof from 17
    second = getuigen.ronde(log_services)
    assert [(v.grootte, v.gecosigneerd, v.fout) for v in second] == [(25, True, None), (25, True, None)]

    note = logboek.met_cosignaturen(log_services, logboek.laatste_checkpoint(log_services))
    assert open_checkpoint(note, logboek.verifier(log_services), log_services.log.beleid.origin).size == 25
    for proces in twee_getuigen:
        assert len(cosignatures(note, CosignatureVerifier.from_verifier_key(proces.vkey))) == 1
        # The witness itself says the same, without Deelpoort: its latest cosigned checkpoint is ours at 25.
        held = requests.get(f"{proces.url}/checkpoint", params={"origin": log_services.log.beleid.origin}, timeout=5)
        assert held.status_code == 200
        assert open_checkpoint(held.text, logboek.verifier(log_services)).size == 25

    controle = _verify_with_witnesses(log_services)
    assert controle.intact, controle.problemen


def test_an_inclusion_proof_comes_with_the_first_cosigned_checkpoint_covering_the_record(
    log_services: Services, twee_getuigen: tuple[Getuigeproces, Getuigeproces]
) -> None:
    _append(log_services, 12)  # checkpoints at 1 and 9; the tail 10..12 is unsigned
    getuigen.ronde(log_services)  # cosigns 9
    log_services.log.checkpoint_now()  # 12, not sent yet
    fg = dataclasses.replace(_any_user(), rol="fg")
    proof = logboek.insluitingsbewijs(log_services, fg, 3, None)
    assert proof.boomgrootte == 9
    assert proof.checkpoint is not None
    een = CosignatureVerifier.from_verifier_key(twee_getuigen[0].vkey)
    assert len(cosignatures(proof.checkpoint, een)) == 1
    # A record beyond what any witness cosigned gets the plain covering checkpoint.
    later = logboek.insluitingsbewijs(log_services, fg, 10, None)
    assert later.boomgrootte == 12 and later.checkpoint is not None and cosignatures(later.checkpoint, een) == []


def _any_user():  # type: ignore[no-untyped-def]
    from service.domain.casus import Gebruiker

    return Gebruiker(id="g-test", partner_id="bureau-zvh-drenthe", rol="fg", naam="FG (synthetisch)")


@pytest.mark.parametrize("rebuild", [True, False], ids=["every-hash-recomputed", "hashes-left"])
def test_a_deleted_newest_checkpoint_and_a_rewritten_record_it_covered_are_caught_by_the_witnesses(
    log_services: Services, rebuild: bool
) -> None:
    """The attack of issue 20: delete the newest checkpoint, set the head's copy back to the previous one, rewrite
    a record the deleted checkpoint covered (recomputing its leaf and every node). The database then holds a
    consistent history; the witnesses remember the root that checkpoint had."""
    _append(log_services, 20)  # checkpoints at 1, 9, 17
    assert all(v.gecosigneerd for v in getuigen.ronde(log_services))
    previous = 9

    def attack(connection: Connection) -> None:
        connection.execute(delete(CheckpointRow).where(CheckpointRow.grootte == 17))
        tijd = connection.execute(select(CheckpointRow.tijd).where(CheckpointRow.grootte == previous)).scalar_one()
        connection.execute(update(LoghoofdRow).values(checkpoint_grootte=previous, checkpoint_tijd=tijd))
        record = connection.execute(select(VerstrekkingRow.record).where(VerstrekkingRow.log_index == 12)).scalar_one()
        changed = _rewritten(bytes(record), 12)
        connection.execute(update(VerstrekkingRow).where(VerstrekkingRow.log_index == 12).values(record=changed))
        if rebuild:
            _rebuild_derived(connection)

    _tamper(log_services, attack)
    controle = _verify_with_witnesses(log_services)
    assert not controle.intact
    assert _witness_problems(controle) == [
        f"getuige {naam}: this log's root at size 17 is not the root it cosigned: the history was rewritten"
        for naam in ("getuige.test/een", "getuige.test/twee")
    ]


def test_a_log_rolled_back_to_an_older_backup_is_caught_by_the_witnesses(
    settings: Settings, migrated_database: None, origin: str, twee_getuigen: tuple[Getuigeproces, ...], tmp_path: Path
) -> None:
    """A restore from a backup older than what the witnesses cosigned: every hash and checkpoint in the restored
    database agrees, only the witnesses know the log was longer. On SQLite the backup is a copy of the file; on
    PostgreSQL the same state is made by cutting the log back (what a restore of an older dump leaves)."""
    bestand = getuigen_bestand(tmp_path / "getuigen.yaml", twee_getuigen)
    services = witnessed_services(settings, origin, bestand)
    sqlite = settings.database_url.startswith("sqlite")
    database = Path(settings.database_url.removeprefix("sqlite:///"))
    try:
        _append(services, 10)  # checkpoints at 1 and 9
        getuigen.ronde(services)
        services.engine.dispose()
        if sqlite:
            shutil.copyfile(database, tmp_path / "backup.sqlite3")
        _append(services, 10, start=10)  # checkpoint at 17
        assert all(v.grootte == 17 and v.gecosigneerd for v in getuigen.ronde(services))
        assert _verify_with_witnesses(services).intact
        services.engine.dispose()
        if sqlite:
            shutil.copyfile(tmp_path / "backup.sqlite3", database)
            for suffix in ("-wal", "-shm"):
                Path(f"{database}{suffix}").unlink(missing_ok=True)
        else:
            _tamper(services, _cut_back_to(10, 9))
        restored = witnessed_services(settings, origin, bestand)
        assert logboek.verifieer(restored).ok  # the database alone is consistent
        controle = _verify_with_witnesses(restored)
        assert not controle.intact
        assert _witness_problems(controle)[0] == (
            "getuige getuige.test/een: it cosigned 17 records, this log holds 10: "
            "records were removed, or the database was restored from an older backup"
        )
        # The sender, too, hears it: it asks each witness again once the last cosignature is half the allowed lag
        # old, and the witness answers that it holds a larger tree.
        restored.engine.dispose()
        snel = getuigen_bestand(tmp_path / "snel.yaml", twee_getuigen, achterstand=0.4, interval=0.1)
        restored = witnessed_services(settings, origin, snel)
        time.sleep(0.3)
        sent = getuigen.ronde(restored)
        assert all(v.alarm and "larger than this log's latest checkpoint" in (v.fout or "") for v in sent)
        restored.engine.dispose()
    finally:
        services.engine.dispose()


def _cut_back_to(size: int, checkpoint: int) -> Callable[[Connection], None]:
    def change(connection: Connection) -> None:
        connection.execute(delete(VerstrekkingRow).where(VerstrekkingRow.log_index >= size))
        connection.execute(delete(CheckpointRow).where(CheckpointRow.grootte > checkpoint))
        tijd = connection.execute(select(CheckpointRow.tijd).where(CheckpointRow.grootte == checkpoint)).scalar_one()
        connection.execute(update(LoghoofdRow).values(checkpoint_grootte=checkpoint, checkpoint_tijd=tijd))
        _rebuild_derived(connection)

    return change


def test_a_split_view_shown_to_two_witnesses_raises_the_alarm(
    settings: Settings, migrated_database: None, origin: str, twee_getuigen: tuple[Getuigeproces, ...], tmp_path: Path
) -> None:
    """Deelpoort itself (database and key) misbehaving: witness een is shown one history, witness twee a fork of
    it with the same size, each signed with the log's key. Each witness alone is satisfied; together they are
    not."""
    een, twee = twee_getuigen
    alleen_een = witnessed_services(settings, origin, getuigen_bestand(tmp_path / "een.yaml", (een,), quorum=1))
    _append(alleen_een, 10)
    alleen_een.log.checkpoint_now()  # size 10
    assert [v.gecosigneerd for v in getuigen.ronde(alleen_een)] == [True]
    alleen_een.engine.dispose()

    def fork(connection: Connection) -> None:
        record = connection.execute(select(VerstrekkingRow.record).where(VerstrekkingRow.log_index == 3)).scalar_one()
        connection.execute(
            update(VerstrekkingRow).where(VerstrekkingRow.log_index == 3).values(record=_rewritten(bytes(record), 3))
        )
        connection.execute(delete(CheckpointRow))
        connection.execute(update(LoghoofdRow).values(checkpoint_grootte=0, checkpoint_tijd=None))
        _rebuild_derived(connection)

    alleen_twee = witnessed_services(settings, origin, getuigen_bestand(tmp_path / "twee.yaml", (twee,), quorum=1))
    _tamper(alleen_twee, fork)
    assert alleen_twee.log.checkpoint_now() is not None  # the forked tree of 10, signed with the log's key
    assert [v.gecosigneerd for v in getuigen.ronde(alleen_twee)] == [True]
    assert _witness_problems(_verify_with_witnesses(alleen_twee)) == []  # twee alone sees nothing wrong
    alleen_twee.engine.dispose()

    beide = witnessed_services(settings, origin, getuigen_bestand(tmp_path / "beide.yaml", twee_getuigen, quorum=1))
    try:
        problems = _witness_problems(_verify_with_witnesses(beide))
        assert "getuige getuige.test/een: split view: getuige.test/twee cosigned another root at size 10" in problems
        assert "getuige getuige.test/twee: split view: getuige.test/een cosigned another root at size 10" in problems
        assert (
            "getuige getuige.test/een: this log's root at size 10 is not the root it cosigned: the history was "
            "rewritten" in problems
        )
    finally:
        beide.engine.dispose()


def test_audit_verify_getuigen_exits_non_zero_on_an_alarm_and_zero_when_consistent(
    log_services: Services, cli_settings: Settings, origin: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _append(log_services, 10)
    getuigen.ronde(log_services)
    monkeypatch.setenv("DEELPOORT_LOG_ORIGIN", origin)
    monkeypatch.setenv("DEELPOORT_GETUIGEN_BESTAND", str(tmp_path / "getuigen.yaml"))
    runner = CliRunner()
    ok = runner.invoke(main, ["audit", "verify", "--getuigen"])
    assert ok.exit_code == 0, ok.output
    assert "records en " in ok.output and "in overeenstemming met wat de getuigen medeondertekenden" in ok.output
    fine = runner.invoke(main, ["audit", "getuigen"])
    assert fine.exit_code == 0, fine.output
    for naam in ("een", "twee"):
        regel = rf"^OK: getuige\.test/{naam} heeft het checkpoint van grootte \d+ medeondertekend$"
        assert re.search(regel, fine.output, re.M), fine.output
    _tamper(log_services, _cut_back_to(5, 1))
    broken = runner.invoke(main, ["audit", "verify", "--getuigen"])
    assert broken.exit_code == 1
    assert "getuige getuige.test/een: hij medeondertekende 9 records, dit logboek heeft er 5" in broken.output
    sent = runner.invoke(main, ["audit", "getuigen"])
    assert sent.exit_code == 1 and "ALARM: getuige.test/een" in sent.output
    # The FG's "verify now" on the integrity page asks the witnesses too.
    by_fg = integriteit.volledige_controle(log_services, _any_user())
    assert "getuige getuige.test/twee: it cosigned 9 records, this log holds 5: " in " ".join(by_fg.problemen)


class _Counting:
    """The real HTTP client, counting the checkpoints it submits."""

    def __init__(self, client: GetuigenClient) -> None:
        self.client, self.submitted = client, 0

    def add_checkpoint(self, url: str, body: bytes) -> Antwoord:
        self.submitted += 1
        return self.client.add_checkpoint(url, body)

    def checkpoint(self, url: str, origin: str) -> Antwoord:
        return self.client.checkpoint(url, origin)


def _counted(plain: Services) -> tuple[Services, _Counting]:
    """`plain`'s services, their witness client counting what it submits."""
    assert plain.getuigen is not None
    counting = _Counting(plain.getuigen.client)
    return dataclasses.replace(plain, getuigen=GetuigenDienst(plain.getuigen.inrichting, counting)), counting


def test_a_witness_is_not_asked_again_until_half_the_allowed_lag_has_passed(
    settings: Settings, migrated_database: None, origin: str, twee_getuigen: tuple[Getuigeproces, ...], tmp_path: Path
) -> None:
    bestand = getuigen_bestand(tmp_path / "getuigen.yaml", twee_getuigen, achterstand=0.6, interval=0.1)
    plain = witnessed_services(settings, origin, bestand)
    services, counting = _counted(plain)
    try:
        _append(services, 3)
        assert all(v.gecosigneerd for v in getuigen.ronde(services))
        assert counting.submitted == 2
        assert all(v.gecosigneerd for v in getuigen.ronde(services))  # nothing new: no request
        assert counting.submitted == 2
        time.sleep(0.35)  # past half the allowed lag: asked again (a fresh cosignature of the same checkpoint)
        assert all(v.gecosigneerd and v.fout is None for v in getuigen.ronde(services))
        assert counting.submitted == 4
    finally:
        plain.engine.dispose()


def test_a_witness_that_failed_is_left_alone_for_a_while_but_a_command_asks_at_once(
    settings: Settings, migrated_database: None, origin: str, twee_getuigen: tuple[Getuigeproces, ...], tmp_path: Path
) -> None:
    """A witness that is down is not hammered every round (each attempt costs the log's database two writes):
    the background rounds leave it alone for a while; `deelpoort audit getuigen` asks at once."""
    dead = dataclasses.replace(twee_getuigen[1], port=free_port())  # nothing listens there
    bestand = getuigen_bestand(tmp_path / "getuigen.yaml", (twee_getuigen[0], dead), quorum=1, achterstand=60)
    plain = witnessed_services(settings, origin, bestand)
    services, counting = _counted(plain)
    try:
        _append(services, 3)
        first = getuigen.ronde(services)
        assert [(v.gecosigneerd, (v.fout or "")[:11]) for v in first] == [(True, ""), (False, "unreachable")]
        assert counting.submitted == 2
        again = getuigen.ronde(services)  # een has nothing new; the dead one failed just now
        assert [(v.gecosigneerd, (v.fout or "")[:11]) for v in again] == [(True, ""), (False, "unreachable")]
        assert counting.submitted == 2
        getuigen.ronde(services, na_fout_wachten=False)
        assert counting.submitted == 3
    finally:
        plain.engine.dispose()

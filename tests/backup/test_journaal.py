"""The destruction journal: its chain shows a removed, altered, inserted or reordered line; its file survives a
torn write and concurrent writers; every destruction path writes it; a restore refuses a broken one."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.adapters.journaalbestand import JournaalBestand
from service.domain.vernietigingsjournaal import GENESIS, Journaalvernietiging, lees, regel, regelhash
from service.service_layer.casus.bewaring import vernietig_casus
from service.service_layer.herstel.backup import maak_backup
from service.service_layer.herstel.herstel import herstel
from service.service_layer.herstel.journaal import JournaalBeschadigdError, Vernietigingsjournaal
from service.service_layer.services import Services
from tests.helpers.beheer import approve, propose
from tests.helpers.casus import refer
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.herstel import sporen


def _regels(pad: Path) -> list[bytes]:
    return pad.read_bytes().splitlines() if pad.exists() else []


def _vernietiging(n: int) -> Journaalvernietiging:
    return Journaalvernietiging(f"{n:032x}", "regulier", "2026-12-07T10:00:00.000000Z", "bewaartermijn", 10 + n)


def _keten(aantal: int = 4) -> list[bytes]:
    regels, vorige = [], GENESIS
    for n in range(aantal):
        tekst, vorige = regel(_vernietiging(n), n, vorige)
        regels.append(tekst)
    return regels


def _wijzig(regels: list[bytes], index: int, **nieuw: object) -> list[bytes]:
    data = json.loads(regels[index]) | nieuw
    return [*regels[:index], json.dumps(data, sort_keys=True, separators=(",", ":")).encode(), *regels[index + 1 :]]


def _herbereken(regels: list[bytes], index: int, **nieuw: object) -> list[bytes]:
    """Alter line `index` and give it a matching hash of its own (an attacker who knows the format)."""
    data = json.loads(regels[index]) | nieuw
    data["hash"] = regelhash(data)
    return [*regels[:index], json.dumps(data, sort_keys=True, separators=(",", ":")).encode(), *regels[index + 1 :]]


KNOEIEN: list[tuple[str, Callable[[list[bytes]], list[bytes]], str]] = [
    ("altered-casus", lambda r: _wijzig(r, 1, casus="f" * 32), "line 2: its hash does not match"),
    ("altered-with-its-own-hash", lambda r: _herbereken(r, 1, casus="f" * 32), "line 3: does not follow"),
    ("removed-first", lambda r: r[1:], "line 1: does not follow"),
    ("removed-middle", lambda r: [r[0], r[2], r[3]], "line 2: does not follow"),
    ("swapped", lambda r: [r[0], r[2], r[1], r[3]], "line 2: does not follow"),
    ("duplicated", lambda r: [r[0], r[1], r[1], r[2], r[3]], "line 3: does not follow"),
    ("renumbered", lambda r: _herbereken(r, 0, n=5), "line 1: is at position 0"),
    ("not-json", lambda r: [r[0], b"{not json", *r[2:]], "line 2: not JSON"),
    ("extra-key", lambda r: _herbereken(r, 2, bsn="999900122"), "line 3: not a journal line"),
    ("not-canonical", lambda r: [r[0], r[1].replace(b",", b", ", 1), *r[2:]], "line 2: not in canonical form"),
]


@pytest.mark.parametrize(("knoei", "melding"), [(k, m) for _, k, m in KNOEIEN], ids=[i for i, _, _ in KNOEIEN])
def test_tampering_breaks_the_chain_at_the_line_it_touched(
    knoei: Callable[[list[bytes]], list[bytes]], melding: str
) -> None:
    assert lees(_keten()).intact
    journaal = lees(knoei(_keten()))
    assert not journaal.intact
    assert journaal.problemen[0].startswith(melding), journaal.problemen


def test_the_lines_before_the_break_are_kept_and_the_rest_is_not_trusted() -> None:
    journaal = lees(_wijzig(_keten(), 2, reden="besluit"))
    assert [v.casus for v in journaal.vernietigingen] == [f"{0:032x}", f"{1:032x}"]


def test_a_torn_last_write_is_cut_off_by_the_next_append_and_the_chain_goes_on(tmp_path: Path) -> None:
    journaal = Vernietigingsjournaal(JournaalBestand(tmp_path / "j.jsonl"))
    journaal.vernietigd(_vernietiging(0))
    with open(tmp_path / "j.jsonl", "ab") as bestand:
        bestand.write(b'{"casus":"half')  # a crash during the second write
    gelezen = journaal.lees()
    assert gelezen.intact and gelezen.afgebroken and len(gelezen.vernietigingen) == 1
    journaal.vernietigd(_vernietiging(1))
    gelezen = journaal.lees()
    assert gelezen.intact and not gelezen.afgebroken
    assert [v.casus for v in gelezen.vernietigingen] == [f"{0:032x}", f"{1:032x}"]


def test_concurrent_writers_never_interleave_or_fork_the_chain(tmp_path: Path) -> None:
    def schrijf(begin: int) -> None:
        journaal = Vernietigingsjournaal(JournaalBestand(tmp_path / "j.jsonl"))  # each its own file handle
        for n in range(begin, begin + 25):
            journaal.vernietigd(_vernietiging(n))

    draden = [threading.Thread(target=schrijf, args=(b,)) for b in (0, 100, 200, 300)]
    for draad in draden:
        draad.start()
    for draad in draden:
        draad.join()
    gelezen = Vernietigingsjournaal(JournaalBestand(tmp_path / "j.jsonl")).lees()
    assert gelezen.intact, gelezen.problemen
    assert len(gelezen.vernietigingen) == 100


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the database kind plays no part
def test_an_early_destruction_by_decision_is_journaled_after_its_approval(
    diensten: Services, web: FlaskClient, regisseur: str, journaal_pad: Path
) -> None:
    casus = refer(web, regisseur)["id"]
    a = add_gebruiker(diensten, "bureau-zvh-drenthe", "beheerder")
    b = add_gebruiker(diensten, "bureau-zvh-drenthe", "beheerder")
    voorstel = propose(web, a, vernietiging={"casus": casus})
    assert voorstel.status_code == 201, voorstel.get_json()
    assert _regels(journaal_pad) == []  # proposing destroys nothing
    assert approve(web, b, voorstel.get_json()["id"]).status_code == 200
    (regel_,) = journaal_pad.read_bytes().splitlines()
    data = json.loads(regel_)
    with diensten.uow() as uow:
        record = json.loads(uow.log.record(data["log_index"]).record)  # type: ignore[union-attr]
    assert (data["casus"], data["reden"], record["soort"], record["casus"]) == (casus, "besluit", "vernietiging", casus)
    assert set(data) == {"formaat", "n", "vorige", "hash", "casus", "casustype", "tijd", "reden", "log_index"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the database kind plays no part
def test_a_destruction_the_journal_missed_is_written_by_the_next_retention_run(
    diensten: Services, web: FlaskClient, regisseur: str, journaal_pad: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from service.service_layer.casus.bewaring import retention_run

    casus = refer(web, regisseur)["id"]
    assert diensten.journaal is not None

    def stuk(_vernietiging: Journaalvernietiging) -> None:
        raise OSError("journal storage unavailable")

    monkeypatch.setattr(diensten.journaal, "vernietigd", stuk)
    vernietig_casus(diensten, casus)  # destroyed and logged; the journal write failed (reported, not raised)
    monkeypatch.undo()
    assert _regels(journaal_pad) == []
    retention_run(diensten)
    retention_run(diensten)  # once only
    (regel_,) = journaal_pad.read_bytes().splitlines()
    assert json.loads(regel_)["casus"] == casus


def test_a_restore_refuses_a_tampered_journal_and_changes_nothing(
    diensten: Services, web: FlaskClient, regisseur: str, tmp_path: Path, journaal_pad: Path
) -> None:
    eerste, tweede = refer(web, regisseur)["id"], refer(web, regisseur)["id"]
    maak_backup(diensten, tmp_path / "backup")
    vernietig_casus(diensten, eerste)
    vernietig_casus(diensten, tweede)
    regels = journaal_pad.read_bytes().splitlines()
    journaal_pad.write_bytes(regels[1] + b"\n")  # the first line removed: its casus would come back

    with pytest.raises(JournaalBeschadigdError, match="line 1"):
        herstel(diensten, tmp_path / "backup", vervang=True)
    # A backup is still made, and says the journal is not usable (a backup is worth having all the same).
    assert maak_backup(diensten, tmp_path / "nog een").journaal.startswith("NOT USABLE: the destruction journal")

    assert not diensten.herstel_bezig()
    assert sporen(diensten, eerste)["sleutels"] == 0 and sporen(diensten, tweede)["sleutels"] == 0


def test_the_kept_checkpoint_only_grows_unless_a_restore_replaces_it(tmp_path: Path) -> None:
    bestand = JournaalBestand(tmp_path / "j.jsonl")
    assert bestand.bewaar_checkpoint({"grootte": 10, "notitie": "tien"})
    assert not bestand.bewaar_checkpoint({"grootte": 9, "notitie": "negen"})  # an older one never replaces it
    assert not bestand.bewaar_checkpoint({"grootte": 10, "notitie": "nog eens tien"})
    assert bestand.lees_checkpoint() == {"grootte": 10, "notitie": "tien"}
    assert bestand.bewaar_checkpoint({"grootte": 3, "notitie": "drie"}, vervang=True)  # a restore, on purpose
    assert bestand.lees_checkpoint() == {"grootte": 3, "notitie": "drie"}


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the database kind plays no part
def test_a_kept_checkpoint_that_does_not_verify_is_reported_and_not_used(
    diensten: Services, journaal_pad: Path
) -> None:
    from service.service_layer.herstel.kloof import kloof

    assert diensten.journaal is not None
    echt = diensten.journaal.bestand
    echt.bewaar_checkpoint({"grootte": 99, "notitie": "deelpoort.example/zvh-drenthe/verstrekkingen\n99\nAAAA\n"})
    gat = kloof(diensten, 5)
    assert gat.bewaard is None and gat.probleem is not None and "klopt niet" in gat.probleem
    assert "niet gebruikt" in gat.zin()

"""`deelpoort getuige sleutel|vkey|serve`: the key file is made once and kept secret, and a bad configuration ends
the command with a clear message and exit status 2 before anything is served."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from service.cli import main
from service.crypto.cosigning import CosignatureVerifier
from tests.getuige.conftest import Log


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_sleutel_writes_a_private_file_once_and_prints_the_vkey(tmp_path: Path):
    bestand = tmp_path / "sleutel.json"

    code, out, _ = _run("getuige", "sleutel", "--naam", "getuige.example/fg", "--bestand", str(bestand))

    assert code == 0
    verifier = CosignatureVerifier.from_verifier_key(out.strip())
    assert verifier.name == "getuige.example/fg"
    assert stat.S_IMODE(bestand.stat().st_mode) == 0o600
    assert _run("getuige", "vkey", "--bestand", str(bestand)) == (0, out, "")
    written = bestand.read_bytes()

    code, out, err = _run("getuige", "sleutel", "--naam", "getuige.example/fg", "--bestand", str(bestand))

    assert (code, out) == (2, "")
    assert f"{bestand} bestaat al: een getuigesleutel wordt nooit overschreven" in err
    assert bestand.read_bytes() == written
    assert [p.name for p in tmp_path.iterdir()] == ["sleutel.json"]  # no temporary file left behind


@pytest.mark.parametrize("naam", ["", "met spatie", "a+b"], ids=["empty", "space", "plus"])
def test_sleutel_refuses_an_invalid_name(tmp_path: Path, naam: str):
    code, _, err = _run("getuige", "sleutel", "--naam", naam, "--bestand", str(tmp_path / "k.json"))
    assert code == 2 and err.startswith("deelpoort: ")
    assert not (tmp_path / "k.json").exists()


def test_vkey_refuses_a_key_file_others_can_read(tmp_path: Path):
    bestand = tmp_path / "sleutel.json"
    assert _run("getuige", "sleutel", "--naam", "getuige.example/fg", "--bestand", str(bestand))[0] == 0
    bestand.chmod(0o644)
    code, _, err = _run("getuige", "vkey", "--bestand", str(bestand))
    assert code == 2 and "accessible to others" in err


@pytest.fixture
def sleutel(tmp_path: Path) -> Path:
    bestand = tmp_path / "sleutel.json"
    assert _run("getuige", "sleutel", "--naam", "getuige.example/fg", "--bestand", str(bestand))[0] == 0
    return bestand


def _config(tmp_path: Path, tekst: str) -> Path:
    pad = tmp_path / "getuige.toml"
    pad.write_text(tekst, encoding="utf-8")
    return pad


LOG = Log()
GOED_LOG = f'[[log]]\norigin = "{LOG.origin}"\nvkey = "{LOG.vkey}"\n'


@pytest.mark.parametrize(
    ("tekst", "melding"),
    [
        ("sleutelbestand = ", "not valid TOML"),
        (
            f'sleutelbestand = "sleutel.json"\nopslag = "g.sqlite3"\nextra = 1\n{GOED_LOG}',
            "onbekend onderdeel 'extra' (bekend: ",
        ),
        ('sleutelbestand = "sleutel.json"\nopslag = "g.sqlite3"\n', "at least one [[log]]"),
        (f'opslag = "g.sqlite3"\n{GOED_LOG}', "sleutelbestand must be a non-empty string"),
        (f'sleutelbestand = "weg.json"\nopslag = "g.sqlite3"\n{GOED_LOG}', "cannot be read"),
        (f'sleutelbestand = "sleutel.json"\nopslag = "geen/map/g.sqlite3/x"\n{GOED_LOG}', "opslag:"),
        (
            'sleutelbestand = "sleutel.json"\nopslag = "g.sqlite3"\n[[log]]\norigin = "x"\nvkey = "nee"\n',
            "[[log]] number 1: vkey is not a log checkpoint key",
        ),
        (
            f'sleutelbestand = "sleutel.json"\nopslag = "g.sqlite3"\n[[log]]\norigin = "{LOG.origin}"\n',
            "needs exactly origin and vkey",
        ),
    ],
    ids=["not-toml", "unknown-entry", "no-log", "no-key", "key-missing", "storage-unusable", "bad-vkey", "no-vkey"],
)
def test_serve_refuses_a_bad_configuration(tmp_path: Path, sleutel: Path, tekst: str, melding: str):
    (tmp_path / "geen").write_text("a file where a directory should be", encoding="utf-8")
    code, out, err = _run("getuige", "serve", "--config", str(_config(tmp_path, tekst)))
    assert (code, out) == (2, "")
    assert err.startswith("deelpoort: ") and melding in err, err


def test_serve_refuses_a_witness_key_as_a_log_key(tmp_path: Path, sleutel: Path):
    witness_vkey = _run("getuige", "vkey", "--bestand", str(sleutel))[1].strip()
    tekst = f'sleutelbestand = "sleutel.json"\nopslag = "g.sqlite3"\n[[log]]\norigin = "o"\nvkey = "{witness_vkey}"\n'
    code, _, err = _run("getuige", "serve", "--config", str(_config(tmp_path, tekst)))
    assert code == 2 and "not a log checkpoint key" in err


def test_serve_refuses_a_bad_bind(tmp_path: Path, sleutel: Path):
    tekst = f'sleutelbestand = "sleutel.json"\nopslag = "g.sqlite3"\n{GOED_LOG}'
    code, _, err = _run("getuige", "serve", "--config", str(_config(tmp_path, tekst)), "--bind", "7380")
    assert code == 2 and "deelpoort: --bind '7380': verwacht host:poort" in err

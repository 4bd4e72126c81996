"""The participants' pseudonym helper: documented message, JSON vectors recomputed independently, CLI."""

from __future__ import annotations

import hashlib
import hmac
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from service.cli import main
from service.crypto import routeer_pseudoniem

VECTORS: list[dict[str, Any]] = json.loads((Path(__file__).parent / "vectors.json").read_text(encoding="utf-8"))[
    "vectoren"
]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "routeeroverleg.md"


def _documented_message(vector: dict[str, Any]) -> bytes:
    """The message exactly as docs/routeeroverleg.md describes it, written here without the helper's code."""
    if "bsn" in vector:
        digits = "".join(ch for ch in vector["bsn"] if ch not in " .\t")
        return b"routeeroverleg/v1/bsn:" + digits.encode()
    decomposed = unicodedata.normalize("NFKD", vector["naam"])
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    naam = "".join(c for c in letters if c.isalpha())
    return b"routeeroverleg/v1/naam:" + naam.encode() + b"|" + vector["geboortedatum"].encode()


def _ids(vector: dict[str, Any]) -> str:
    return f"{vector['sleutel'][:4]}-{vector.get('bsn') or vector['naam'].strip()}"


@pytest.mark.parametrize("vector", VECTORS, ids=[_ids(v) for v in VECTORS])
def test_the_helper_and_an_independent_hmac_give_the_vector(vector: dict[str, Any]) -> None:
    key = bytes.fromhex(vector["sleutel"])
    message = _documented_message(vector)
    assert message.decode() == vector["bericht"]
    assert hmac.new(key, message, hashlib.sha256).hexdigest() == vector["pseudoniem"]
    if "bsn" in vector:
        computed = routeer_pseudoniem(key, bsn=vector["bsn"])
    else:
        computed = routeer_pseudoniem(key, naam=vector["naam"], geboortedatum=vector["geboortedatum"])
    assert computed == vector["pseudoniem"]


def test_the_documentation_lists_the_vectors_of_the_first_key() -> None:
    text = DOCS.read_text(encoding="utf-8")
    for vector in VECTORS:
        if vector["sleutel"].startswith("0001"):
            assert vector["pseudoniem"] in text


def test_spellings_of_one_person_agree_and_other_persons_or_keys_differ() -> None:
    key = bytes(range(32))
    assert routeer_pseudoniem(key, bsn="999900122") == routeer_pseudoniem(key, bsn=" 999.900.122 ")
    assert routeer_pseudoniem(key, bsn="999900122") != routeer_pseudoniem(key, bsn="999900110")
    assert routeer_pseudoniem(key, bsn="999900122") != routeer_pseudoniem(bytes(32), bsn="999900122")
    a = routeer_pseudoniem(key, naam="Zoë O'Neill", geboortedatum="2001-02-03")
    assert a == routeer_pseudoniem(key, naam="ZOE ONEILL", geboortedatum="2001-02-03")
    assert a != routeer_pseudoniem(key, naam="Zoë O'Neill", geboortedatum="2001-02-04")


@pytest.mark.parametrize(
    ("kwargs", "secret"),
    [
        ({"bsn": "99990012"}, "99990012"),
        ({"bsn": "99990012x"}, "99990012x"),
        ({"bsn": "999900122", "naam": "Jan", "geboortedatum": "1990-01-01"}, "999900122"),
        ({"naam": "Jan Testpersoon"}, "Testpersoon"),
        ({"naam": "Jan Testpersoon", "geboortedatum": "01-04-1990"}, "01-04-1990"),
        ({"naam": "--- 123", "geboortedatum": "1990-04-01"}, "123"),
        ({}, None),
    ],
    ids=["short-bsn", "letter-bsn", "both", "no-date", "dutch-date", "no-letters", "nothing"],
)
def test_unusable_input_is_refused_without_repeating_it(kwargs: dict[str, str], secret: str | None) -> None:
    with pytest.raises(ValueError, match=r"^[^0-9]*$") as caught:
        routeer_pseudoniem(bytes(range(32)), **kwargs)  # type: ignore[arg-type]
    if secret:
        assert secret not in str(caught.value)


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 32 bytes"):
        routeer_pseudoniem(bytes(31), bsn="999900122")


def test_cli_reads_persons_from_stdin_and_prints_the_vectors(tmp_path: Path) -> None:
    key_file = tmp_path / "sleutel.hex"
    key_file.write_text(VECTORS[0]["sleutel"] + "\n")
    bsn_vectors = [v for v in VECTORS if "bsn" in v and v["sleutel"] == VECTORS[0]["sleutel"]]
    result = CliRunner().invoke(
        main,
        ["routeeroverleg", "pseudoniem", "--sleutelbestand", str(key_file)],
        input="".join(v["bsn"] + "\n" for v in bsn_vectors),
    )
    assert result.exit_code == 0, result.output
    assert result.output.split() == [v["pseudoniem"] for v in bsn_vectors]
    naam_vectors = [v for v in VECTORS if "naam" in v and v["sleutel"] == VECTORS[0]["sleutel"]]
    result = CliRunner().invoke(
        main,
        ["routeeroverleg", "pseudoniem", "--sleutelbestand", str(key_file), "--soort", "naam"],
        input="".join(f"{v['naam']};{v['geboortedatum']}\n" for v in naam_vectors),
    )
    assert result.exit_code == 0, result.output
    assert result.output.split() == [v["pseudoniem"] for v in naam_vectors]


def test_cli_names_the_bad_line_never_its_content(tmp_path: Path) -> None:
    key_file = tmp_path / "sleutel.hex"
    key_file.write_text(VECTORS[0]["sleutel"])
    result = CliRunner().invoke(
        main,
        ["routeeroverleg", "pseudoniem", "--sleutelbestand", str(key_file)],
        input="999900122\nSynthetische Testpersoon\n",
    )
    assert result.exit_code == 1
    assert "deelpoort: regel 2: geen bruikbaar BSN (negen cijfers)" in result.output
    assert "Synthetische" not in result.output
    naam = CliRunner().invoke(
        main,
        ["routeeroverleg", "pseudoniem", "--sleutelbestand", str(key_file), "--soort", "naam"],
        input="Synthetische Testpersoon\n",
    )
    assert naam.exit_code == 1
    assert "deelpoort: regel 1: niet in de vorm 'naam;JJJJ-MM-DD'" in naam.output
    assert "Synthetische" not in naam.output


def test_cli_makes_a_key_once_and_refuses_short_keys(tmp_path: Path) -> None:
    key_file = tmp_path / "nieuw.hex"
    result = CliRunner().invoke(main, ["routeeroverleg", "sleutel", str(key_file)])
    assert result.exit_code == 0, result.output
    assert f"routeeroverlegsleutel geschreven naar {key_file}: deel hem alleen met de deelnemers" in result.output
    assert len(bytes.fromhex(key_file.read_text().strip())) == 32
    assert key_file.stat().st_mode & 0o077 == 0
    again = CliRunner().invoke(main, ["routeeroverleg", "sleutel", str(key_file)])
    assert again.exit_code == 2
    assert f"deelpoort: {key_file} bestaat al; een sleutel wordt nooit overschreven" in again.output
    short = tmp_path / "kort.hex"
    short.write_text("00ff")
    result = CliRunner().invoke(main, ["routeeroverleg", "pseudoniem", "--sleutelbestand", str(short)], input="x\n")
    assert result.exit_code == 2 and "het sleutelbestand moet een sleutel van minstens 32 bytes" in result.output

"""What the entry points ask of the service layer instead of importing the parts: configuration problems told
from faults, and the participants' pseudonym per input line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from service.access import PolicyError
from service.convenant import ConvenantError, Problem
from service.crypto import CryptoError, KeyMaterialError
from service.service_layer.installatie import configuratiefout
from service.service_layer.routeeroverleg.deelnemer import SLEUTEL_MIN_BYTES, nieuwe_sleutel, pseudoniem_van_regel
from service.settings import SettingsError

VECTORS = json.loads((Path(__file__).parents[1] / "routeeroverleg" / "vectors.json").read_text(encoding="utf-8"))[
    "vectoren"
]


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (
            SettingsError("DEELPOORT_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR"),
            "DEELPOORT_LOG_LEVEL must be one of DEBUG, INFO, WARNING, ERROR",
        ),
        (
            KeyMaterialError("kek.cter.primary: missing or not a version number"),
            "kek.cter.primary: missing or not a version number",
        ),
        (
            ConvenantError([Problem("kapot.yaml", "convenant", "naam: Missing data for required field.")]),
            "the convenant registry is invalid (1 problem(s)):\n"
            "  - kapot.yaml: convenant: naam: Missing data for required field.",
        ),
        (
            PolicyError(["zvh.csv:3: unknown veld 'x'", "zvh.csv:9: unknown doel 'y'"]),
            "the field policy is invalid (2 problem(s))\n"
            "  - zvh.csv:3: unknown veld 'x'\n"
            "  - zvh.csv:9: unknown doel 'y'",
        ),
    ],
    ids=["settings", "key-material", "convenant-every-problem", "policy-every-problem"],
)
def test_a_configuration_problem_gives_the_operator_its_message(error: Exception, message: str) -> None:
    assert configuratiefout(error) == message


@pytest.mark.parametrize(
    "error",
    [CryptoError(), ValueError("not json"), OSError("disk full"), KeyError("x"), KeyboardInterrupt()],
    ids=["crypto-error", "value-error", "os-error", "key-error", "interrupt"],
)
def test_anything_else_is_a_fault_not_a_configuration_problem(error: BaseException) -> None:
    assert configuratiefout(error) is None


@pytest.mark.parametrize(
    "vector",
    [v for v in VECTORS if v["sleutel"] == VECTORS[0]["sleutel"]],
    ids=lambda v: "bsn" if "bsn" in v else "naam",
)
def test_a_line_gives_the_vectors_pseudonym(vector: dict[str, str]) -> None:
    key = bytes.fromhex(vector["sleutel"])
    if "bsn" in vector:
        assert pseudoniem_van_regel(key, "bsn", vector["bsn"]) == vector["pseudoniem"]
    else:
        line = f"{vector['naam']};{vector['geboortedatum']}"
        assert pseudoniem_van_regel(key, "naam", line) == vector["pseudoniem"]


@pytest.mark.parametrize(
    ("soort", "line"),
    [("bsn", "Synthetische Testpersoon"), ("naam", "Synthetische Testpersoon"), ("adres", "999900122")],
    ids=["name-as-bsn", "name-without-date", "unknown-soort"],
)
def test_an_unusable_line_is_refused_without_repeating_it(soort: str, line: str) -> None:
    with pytest.raises(ValueError, match=r"^[^0-9]*$") as caught:
        pseudoniem_van_regel(bytes(range(32)), soort, line)
    assert "Testpersoon" not in str(caught.value)


def test_a_new_key_is_random_and_long_enough() -> None:
    first, second = nieuwe_sleutel(), nieuwe_sleutel()
    assert len(first) == SLEUTEL_MIN_BYTES == 32 and first != second

"""The witness set-up file (`DEELPOORT_GETUIGEN_BESTAND`): read strictly, every problem named with its entry."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from service.crypto.cosigning import Cosigner
from service.service_layer.logboek.getuigen_inrichting import (
    GetuigenInrichtingError,
    lees_getuigen_bestand,
    parse_getuigen_inrichting,
)


def _vkey(naam: str) -> str:
    return Cosigner(naam, Cosigner.generate_private_key()).verifier.verifier_key


A, B = _vkey("getuige.test/a"), _vkey("getuige.test/b")


def _document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "quorum": 2,
        "max_achterstand_seconden": 60,
        "interval_seconden": 1,
        "getuigen": [{"url": "https://a.getuige.test", "vkey": A}, {"url": "https://b.getuige.test/", "vkey": B}],
    }
    document.update(changes)
    return document


def test_a_valid_set_up_is_read_with_names_from_the_vkeys() -> None:
    inrichting = parse_getuigen_inrichting(_document(), production=True)
    assert [(g.naam, g.url) for g in inrichting.getuigen] == [
        ("getuige.test/a", "https://a.getuige.test"),
        ("getuige.test/b", "https://b.getuige.test"),
    ]
    assert (inrichting.quorum, inrichting.max_achterstand, inrichting.interval_seconden) == (
        2,
        dt.timedelta(seconds=60),
        1.0,
    )
    assert inrichting.getuigen[0].verifier.verifier_key == A


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"quorum": 3}, "quorum: must be between 1 and the number of witnesses (2)"),
        ({"quorum": 0}, "quorum: must be a positive whole number"),
        ({"quorum": 1.5}, "quorum: must be a positive whole number"),
        ({"quorum": True}, "quorum: must be a positive whole number"),
        ({"getuigen": []}, "getuigen: required"),
        ({"onbekend": 1}, "unknown entry 'onbekend'"),
        ({"interval_seconden": 120}, "interval_seconden: must not exceed max_achterstand_seconden"),
        ({"max_achterstand_seconden": -1}, "max_achterstand_seconden: must be a positive number"),
        ({"getuigen": [{"url": "https://a.test", "vkey": A}, {"url": "https://b.test", "vkey": A}]}, "same naam"),
        ({"getuigen": [{"url": "https://a.test", "vkey": A}, {"url": "https://a.test", "vkey": B}]}, "same url"),
        ({"getuigen": [{"url": "http://a.test", "vkey": A}]}, "getuigen[0].url: must be an https URL in production"),
        ({"getuigen": [{"url": "https://a.test?x=1", "vkey": A}]}, "without query or fragment"),
        ({"getuigen": [{"url": "https://a.test", "vkey": A + "x"}]}, "getuigen[0].vkey"),
        ({"getuigen": [{"url": "https://a.test", "vkey": A, "naam": "x"}]}, "getuigen[0]: unknown entry 'naam'"),
    ],
)
def test_a_bad_set_up_is_refused_naming_the_entry(changes: dict[str, Any], named: str) -> None:
    document = _document(**changes)
    if "quorum" not in changes and len(document["getuigen"]) < 2:
        document["quorum"] = 1
    with pytest.raises(GetuigenInrichtingError, match="^bron: .*" + _escape(named)):
        parse_getuigen_inrichting(document, production=True, bron="bron")


def test_a_log_checkpoint_key_is_not_a_witness_key() -> None:
    """A log's vkey (signed-note type 0x01) cannot be configured as a witness (cosignature type 0x04)."""
    from service.crypto import CheckpointSigner

    log_vkey = CheckpointSigner("log.test", CheckpointSigner.generate_private_key()).verifier.verifier_key
    document = _document(quorum=1, getuigen=[{"url": "https://a.test", "vkey": log_vkey}])
    with pytest.raises(GetuigenInrichtingError, match="type 0x04"):
        parse_getuigen_inrichting(document, production=False)


def test_the_file_refuses_duplicate_keys_and_names_itself(tmp_path: Path) -> None:
    path = tmp_path / "getuigen.yaml"
    path.write_text(f"quorum: 1\nquorum: 2\ngetuigen:\n  - url: https://a.test\n    vkey: {A}\n", encoding="utf-8")
    with pytest.raises(GetuigenInrichtingError, match=f"^{_escape(str(path))}: not valid YAML .*duplicate key"):
        lees_getuigen_bestand(path, production=False)
    with pytest.raises(GetuigenInrichtingError, match="cannot be read"):
        lees_getuigen_bestand(tmp_path / "ontbreekt.yaml", production=False)


def _escape(text: str) -> str:
    import re

    return re.escape(text)

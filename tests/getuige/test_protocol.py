"""The witness's HTTP interface against C2SP tlog-witness and tlog-cosignature: one test per status, checking the
status, the Content-Type and the body exactly."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from service.audit.checkpoint import parse_signature_line, split_note
from service.audit.cosignature import (
    add_checkpoint,
    cosignature_line,
    cosignature_message,
    cosignatures,
    signature_lines,
)
from service.crypto import CheckpointSigner
from service.crypto.cosigning import CosignatureVerifier, Cosigner
from service.getuige import create_getuige_app
from service.service_layer.getuige import Getuige
from tests.getuige.conftest import NU, Log, open_witness

TEXT = "text/plain; charset=utf-8"

# tlog-witness.md, "Example request body", copied exactly.
C2SP_REQUEST = (
    """old 20852014
PlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=
jrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=
5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=
/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=

example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=

"""
    + (  # the two signature lines, each longer than our line limit
        "— example.com/behind-the-sofa "
        "Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"
        "— example.com/behind-the-sofa "
        "opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n"
    )
)

# tlog-cosignature.md: the example checkpoint's witness line and the message it signs.
C2SP_COSIGNATURE = (
    "— witness.example.com/w1 "
    "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"
)
C2SP_MESSAGE = """cosignature/v1
time 1679315147
example.com/behind-the-sofa
20852163
CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
"""


def _post(client: FlaskClient, body: bytes) -> tuple[int, str, str]:
    answer = client.post("/add-checkpoint", data=body)
    return answer.status_code, answer.headers["Content-Type"], answer.get_data(as_text=True)


def test_200_answers_the_cosignature_line_over_the_exact_note_text(client: FlaskClient, log: Log, cosigner: Cosigner):
    note = log.note(5)
    text, _ = split_note(note)
    assert text.endswith("time 2026-11-23T10:15:00Z\n")  # the extension line is part of what is cosigned

    status, content_type, body = _post(client, log.body(0, 5, note))

    assert (status, content_type) == (200, TEXT)
    assert body == cosignature_line(cosigner, text, NU)  # Ed25519 is deterministic: the one exact answer
    assert signature_lines(body) == [body]
    assert cosignatures(note + body, cosigner.verifier) == [NU]
    assert cosignatures(text + "\n" + body, cosigner.verifier) == [NU]


def test_200_re_cosigns_the_same_checkpoint(client: FlaskClient, log: Log):
    assert _post(client, log.body(0, 5))[0] == 200
    assert _post(client, log.body(5, 5))[0] == 200


def test_409_old_size_mismatch_tells_the_witness_size(client: FlaskClient, log: Log):
    assert _post(client, log.body(0, 5))[0] == 200

    assert _post(client, log.body(0, 8)) == (409, "text/x.tlog.size", "5\n")
    assert _post(client, log.body(3, 8)) == (409, "text/x.tlog.size", "5\n")


def test_409_old_size_of_a_witness_that_never_cosigned_is_zero(client: FlaskClient, log: Log):
    assert _post(client, log.body(4, 8)) == (409, "text/x.tlog.size", "0\n")


def test_409_same_size_another_root(client: FlaskClient, log: Log, witness: Getuige):
    assert _post(client, log.body(0, 5))[0] == 200
    forked_note = log.fork().note(5)

    assert _post(client, add_checkpoint(5, [], forked_note).body()) == (
        409,
        TEXT,
        "same size as the cosigned checkpoint, another root\n",
    )
    kept = witness.bewijzen(log.origin)
    assert [(b.reden, b.notitie, b.opgeslagen_grootte) for b in kept] == [("andere wortel", forked_note, 5)]


def test_400_old_size_larger_than_the_checkpoint(client: FlaskClient, log: Log):
    assert _post(client, add_checkpoint(6, [], log.note(5)).body()) == (
        400,
        TEXT,
        "old size is larger than the checkpoint size\n",
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"old 0\n", "the request body has no empty line before the checkpoint\n"),
        (b"\n", "the first line must be 'old <size>' in decimal without leading zeros\n"),
        (b"old 05\n\n", "the first line must be 'old <size>' in decimal without leading zeros\n"),
        (b"old -1\n\n", "the first line must be 'old <size>' in decimal without leading zeros\n"),
        (b"old 1\nnot base64\n\n", "a consistency proof line is not base64 of a 32-byte hash\n"),
        (b"old 0\n" + b"\xff\xfe\n\n", "the request body is not UTF-8\n"),
    ],
    ids=["no-empty-line", "no-old-line", "leading-zero", "negative", "bad-proof-line", "not-utf8"],
)
def test_400_malformed_body(client: FlaskClient, body: bytes, message: str, log: Log):
    note = b"" if body == b"old 0\n" else log.note(5).encode()
    assert _post(client, body + note) == (400, TEXT, message)


def test_400_more_than_63_proof_lines(client: FlaskClient, log: Log):
    line = base64.b64encode(bytes(32)) + b"\n"
    assert _post(client, b"old 1\n" + line * 64 + b"\n" + log.note(5).encode()) == (
        400,
        TEXT,
        "more than 63 consistency proof lines\n",
    )


def test_400_malformed_checkpoint(client: FlaskClient, log: Log):
    status, content_type, _ = _post(client, b"old 0\n\n" + log.note(5).replace("\n5\n", "\n05\n").encode())
    assert (status, content_type) == (400, TEXT)


def test_403_signed_by_an_unknown_key_only(client: FlaskClient, log: Log):
    stranger = Log(signer=CheckpointSigner(log.signer.name, CheckpointSigner.generate_private_key()))
    assert _post(client, stranger.body(0, 5)) == (403, TEXT, "no valid signature of a trusted log key\n")


def test_403_a_tampered_signature_of_the_trusted_key(client: FlaskClient, log: Log):
    note = log.note(5)
    text, [(name, signature)] = split_note(note)
    broken = signature[:-1] + bytes([signature[-1] ^ 1])
    tampered = text + "\n" + f"— {name} {base64.b64encode(broken).decode()}\n"
    assert _post(client, add_checkpoint(0, [], tampered).body())[0] == 403


def test_unknown_keys_signatures_are_ignored_beside_the_trusted_one(client: FlaskClient, log: Log, witness: Getuige):
    other = CheckpointSigner("elders.example/log", CheckpointSigner.generate_private_key())
    note = log.note(5)
    text, _ = split_note(note)
    with_other = note + other.note_signature_line(text.encode())
    assert _post(client, add_checkpoint(0, [], with_other).body())[0] == 200
    stored = witness.laatste_checkpoint(log.origin)
    assert stored is not None and other.name not in stored  # only the log's own lines are republished


def test_404_unknown_origin(client: FlaskClient):
    other = Log(origin="elders.example/log")
    assert _post(client, other.body(0, 5)) == (404, TEXT, "unknown log origin\n")


def test_c2sp_example_request_is_404_for_an_unknown_origin(client: FlaskClient):
    assert _post(client, C2SP_REQUEST.encode()) == (404, TEXT, "unknown log origin\n")


def test_c2sp_example_request_is_403_when_its_origin_has_another_key(sleutelmap: Path, tmp_path: Path):
    sofa = Log(
        signer=CheckpointSigner("example.com/behind-the-sofa", CheckpointSigner.generate_private_key()),
        origin="example.com/behind-the-sofa",
    )
    witness = open_witness(sleutelmap, tmp_path / "sofa.sqlite3", sofa)
    try:
        client = create_getuige_app(witness).test_client()
        assert _post(client, C2SP_REQUEST.encode()) == (403, TEXT, "no valid signature of a trusted log key\n")
    finally:
        witness.sluit()


def test_c2sp_example_cosignature_carries_its_timestamp():
    [line] = signature_lines(C2SP_COSIGNATURE)
    name, signature = parse_signature_line(line.removesuffix("\n"))
    assert name == "witness.example.com/w1"
    assert len(signature) == 4 + 8 + 64  # key id || u64 timestamp || Ed25519 signature
    assert int.from_bytes(signature[4:12], "big") == 1679315147
    # The message it signs, per the text; a verifier of another key with the same name ignores the line.
    text = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
    assert cosignature_message(text, 1679315147).decode() == C2SP_MESSAGE
    stranger = CosignatureVerifier("witness.example.com/w1", bytes(range(32)))
    assert cosignatures(text + "\n" + line, stranger) == []


def test_422_a_tampered_proof_line(client: FlaskClient, log: Log, witness: Getuige):
    assert _post(client, log.body(0, 5))[0] == 200
    proof = log.proof(5, 9)
    tampered = [proof[0][:-1] + bytes([proof[0][-1] ^ 1]), *proof[1:]]
    assert _post(client, add_checkpoint(5, tampered, log.note(9)).body()) == (
        422,
        TEXT,
        "the consistency proof does not verify\n",
    )
    assert witness.laatste_checkpoint(log.origin) is not None
    assert [b.reden for b in witness.bewijzen(log.origin)] == ["inconsistent"]


def test_422_old_size_zero_with_a_proof(client: FlaskClient, log: Log, witness: Getuige):
    # "The proof MUST be empty if the old size is zero. If the Merkle Consistency Proof doesn't verify, ... 422".
    body = add_checkpoint(0, [bytes(32)], log.note(5)).body()
    assert _post(client, body) == (422, TEXT, "the consistency proof does not verify\n")
    assert witness.laatste_checkpoint(log.origin) is None
    assert witness.bewijzen(log.origin) == []  # nothing cosigned yet: nothing it contradicts


def test_413_body_over_the_limit(client: FlaskClient):
    answer = client.post("/add-checkpoint", data=b"old 0\n\n" + b"x" * (132 * 1024))
    assert (answer.status_code, answer.headers["Content-Type"]) == (413, TEXT)


def test_405_other_methods(client: FlaskClient):
    answer = client.get("/add-checkpoint")
    assert (answer.status_code, answer.headers["Content-Type"]) == (405, TEXT)
    assert set(answer.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}


def test_503_when_the_storage_fails(client: FlaskClient, log: Log, witness: Getuige, monkeypatch: pytest.MonkeyPatch):
    from service.adapters.getuige_store import GetuigeOpslagError

    def kapot() -> None:
        raise GetuigeOpslagError("disk full")

    monkeypatch.setattr(witness._opslag, "schrijvend", kapot)  # type: ignore[attr-defined]
    status, content_type, _ = _post(client, log.body(0, 5))
    assert (status, content_type) == (503, TEXT)


def test_get_checkpoint_is_the_cosigned_note(client: FlaskClient, log: Log, cosigner: Cosigner):
    note = log.note(7)
    cosignature = _post(client, log.body(0, 7, note))[2]

    answer = client.get("/checkpoint", query_string={"origin": log.origin})

    assert (answer.status_code, answer.headers["Content-Type"]) == (200, TEXT)
    assert answer.get_data(as_text=True) == note + cosignature
    assert cosignatures(answer.get_data(as_text=True), cosigner.verifier) == [NU]


def test_get_checkpoint_404_before_any_and_for_unknown_origins(client: FlaskClient, log: Log):
    for origin in (log.origin, "elders.example/log"):
        answer = client.get("/checkpoint", query_string={"origin": origin})
        assert (answer.status_code, answer.headers["Content-Type"]) == (404, TEXT)
    assert client.get("/checkpoint").status_code == 400


def test_status_names_the_witness_its_vkey_and_its_logs(client: FlaskClient, log: Log, cosigner: Cosigner):
    for path in ("/", "/status"):
        answer = client.get(path)
        assert answer.status_code == 200
        assert answer.json == {
            "naam": "getuige.example/w1",
            "vkey": cosigner.verifier.verifier_key,
            "origins": [log.origin],
        }
    assert CosignatureVerifier.from_verifier_key(client.get("/status").json["vkey"]).public_key == (
        cosigner.verifier.public_key
    )

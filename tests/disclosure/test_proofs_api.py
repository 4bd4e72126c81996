"""The proofs a partner and the FG can demand, checked with the independent verifier written from
docs/proofs.md (tests/audit/test_independent_proofs.py), not with the service's own code."""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import create_app
from service.audit import MemoryTree
from service.domain.casus import Gebruiker
from service.domain.errors import NietGevondenError, OngeldigeInvoerError
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import aanmelding, bearer, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.proofs import (
    RejectedError,
    VerifiedCheckpoint,
    check_consistency,
    check_receipt,
    open_note,
    parse_vkey,
)

EVERY = 4


@pytest.fixture
def small_checkpoints(settings: Settings, seeded_database: None) -> Iterator[Flask]:
    """The application on a seeded database (as the `app` fixture's), signing a checkpoint every EVERY records."""
    app = create_app(dataclasses.replace(settings, checkpoint_records=EVERY))
    services: Services = app.extensions["deelpoort"]
    yield app
    services.engine.dispose()


def _receipts(app: Flask, count: int) -> tuple[FlaskClient, dict[str, str], list[dict[str, Any]]]:
    services: Services = app.extensions["deelpoort"]
    client = app.test_client()
    tokens = {
        "politie": add_gebruiker(services, "politie-noord-nederland", "casusregisseur"),
        "bureau": add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur"),
        "fg": add_gebruiker(services, "bureau-zvh-drenthe", "fg"),
        "ggz": add_gebruiker(services, "ggz-drenthe", "deelnemer"),
    }
    casus = client.post("/v1/casussen", json=aanmelding(), headers=bearer(tokens["politie"])).get_json()
    receipts = []
    for _ in range(count):
        response = vraag(client, tokens["bureau"], casus["id"], doel="triage")
        assert response.status_code == 201
        receipts.append(response.get_json()["ontvangstbewijs"])
    return client, tokens, receipts


def test_every_receipt_is_proven_included_in_a_signed_checkpoint(small_checkpoints: Flask) -> None:
    client, tokens, receipts = _receipts(small_checkpoints, 10)
    small_checkpoints.extensions["deelpoort"].log.checkpoint_now()  # the tail, as `deelpoort audit checkpoint` does
    latest = client.get("/v1/verantwoording/checkpoints/laatste", headers=bearer(tokens["bureau"])).get_json()
    vkey = parse_vkey(latest["vkey"])
    origin = small_checkpoints.extensions["deelpoort"].log.beleid.origin
    for receipt in receipts:
        index = receipt["logIndex"]
        proof = client.get(f"/v1/verantwoording/bewijzen/{index}", headers=bearer(tokens["bureau"])).get_json()
        note = receipt["checkpoint"] or proof["checkpoint"]
        assert note is not None, receipt  # every record of this run is covered by a checkpoint by now
        checkpoint = open_note(note, vkey, origin)
        check_receipt({"index": index, "bladHash": receipt["bladHash"]}, proof, checkpoint)
        assert index < checkpoint.size <= receipt["checkpointUiterlijkBijGrootte"] or receipt["checkpoint"]


def test_a_proof_of_any_asked_size_verifies_and_names_the_checkpoint_of_exactly_that_size(
    small_checkpoints: Flask,
) -> None:
    """With `boomgrootte` given (as a partner checking against a checkpoint it holds), the proof comes from one
    statement on PostgreSQL: for every record and every tree size that includes it, the path verifies
    independently to the root of that size, and the checkpoint returned is the one of that size or none."""
    client, tokens, receipts = _receipts(small_checkpoints, 6)
    services: Services = small_checkpoints.extensions["deelpoort"]
    with services.uow() as uow:
        leaves = [record.blad_hash for record in uow.log.records()]
        notes = {c.grootte: c.notitie for c in uow.log.checkpoints()}
    tree = MemoryTree()
    for leaf in leaves:
        tree.append(leaf)
    assert any(size not in notes for size in range(1, tree.size + 1)) and len(notes) >= 2
    for receipt in receipts:
        index = receipt["logIndex"]
        for size in range(index + 1, tree.size + 1):
            response = client.get(
                f"/v1/verantwoording/bewijzen/{index}?boomgrootte={size}", headers=bearer(tokens["fg"])
            )
            assert response.status_code == 200, response.get_json()
            proof = response.get_json()
            check_receipt(receipt | {"index": index}, proof, VerifiedCheckpoint(size, tree.root(size), ""))
            assert proof["checkpoint"] == notes.get(size)


def test_a_forged_receipt_fails_the_independent_check(small_checkpoints: Flask) -> None:
    client, tokens, receipts = _receipts(small_checkpoints, 5)
    vkey_text = client.get("/v1/verantwoording/checkpoints/laatste", headers=bearer(tokens["bureau"])).get_json()
    origin = small_checkpoints.extensions["deelpoort"].log.beleid.origin
    proof = client.get("/v1/verantwoording/bewijzen/2", headers=bearer(tokens["bureau"])).get_json()
    checkpoint = open_note(proof["checkpoint"], parse_vkey(vkey_text["vkey"]), origin)
    forged = {"index": 2, "bladHash": receipts[3]["bladHash"]}
    with pytest.raises(RejectedError):
        check_receipt(forged, {**proof, "bladHash": forged["bladHash"]}, checkpoint)


def test_consecutive_checkpoints_are_proven_consistent(small_checkpoints: Flask) -> None:
    client, tokens, _ = _receipts(small_checkpoints, 10)
    services: Services = small_checkpoints.extensions["deelpoort"]
    with services.uow() as uow:
        notes = [c.notitie for c in uow.log.checkpoints()]
    vkey = parse_vkey(services.keys.material.signer.verifier.verifier_key)
    opened = [open_note(n, vkey, services.log.beleid.origin) for n in notes]
    assert len(opened) >= 3
    for older, newer in itertools.pairwise(opened):
        response = client.get(
            f"/v1/verantwoording/consistentie?van={older.size}&tot={newer.size}", headers=bearer(tokens["ggz"])
        )
        assert response.status_code == 200
        check_consistency(response.get_json(), older, newer)


def test_a_partner_gets_proofs_of_its_own_records_only_and_the_fg_of_all(small_checkpoints: Flask) -> None:
    client, tokens, _ = _receipts(small_checkpoints, 2)
    assert client.get("/v1/verantwoording/bewijzen/0", headers=bearer(tokens["ggz"])).status_code == 404
    assert client.get("/v1/verantwoording/bewijzen/0", headers=bearer(tokens["fg"])).status_code == 200
    assert client.get("/v1/verantwoording/bewijzen/99", headers=bearer(tokens["fg"])).status_code == 404
    assert client.get("/v1/verantwoording/bewijzen/99999999999", headers=bearer(tokens["fg"])).status_code == 404
    assert client.get("/v1/verantwoording/bewijzen/0").status_code == 401


@pytest.mark.parametrize(
    "query",
    [
        "/v1/verantwoording/bewijzen/1?boomgrootte=1",
        "/v1/verantwoording/bewijzen/0?boomgrootte=99",
        "/v1/verantwoording/bewijzen/0?boomgrootte=x",
        "/v1/verantwoording/consistentie?van=2&tot=1",
        "/v1/verantwoording/consistentie?van=0&tot=99",
        "/v1/verantwoording/consistentie?van=0",
        # beyond any log (positions are 32-bit): a 500 on PostgreSQL before (found by the API fuzz test)
        "/v1/verantwoording/bewijzen/0?boomgrootte=36414917286573",
        "/v1/verantwoording/bewijzen/201686?boomgrootte=2147483648",
        "/v1/verantwoording/consistentie?van=0&tot=36414917286573",
    ],
)
def test_bad_proof_requests_are_400(small_checkpoints: Flask, query: str) -> None:
    client, tokens, _ = _receipts(small_checkpoints, 2)
    response = client.get(query, headers=bearer(tokens["fg"]))
    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"


def test_the_use_case_refuses_a_position_beyond_any_log_without_asking_the_database(small_checkpoints: Flask) -> None:
    """Called without the API's schema (the CLI, a page): a size or index past 32 bits is refused as input, never
    sent to PostgreSQL's `integer` columns (where it was a DataError)."""
    _receipts(small_checkpoints, 2)
    services = small_checkpoints.extensions["deelpoort"]
    fg = Gebruiker("fg-test", "bureau-zvh-drenthe", "fg", "fg-test")
    for index in (0, 201686):  # the fuzz test's case: a DataError on PostgreSQL before
        with pytest.raises(OngeldigeInvoerError):
            logboek.insluitingsbewijs(services, fg, index, 36414917286573)
    with pytest.raises(NietGevondenError):
        logboek.insluitingsbewijs(services, fg, 2**40, None)
    assert logboek.insluitingsbewijs(services, fg, 0, 2).boomgrootte == 2  # the control

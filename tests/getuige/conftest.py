"""Fixtures for the witness (getuige) tests: a Deelpoort-style log in memory, and a witness app on its own storage
per test (the witness has no database template: its empty SQLite file is made in milliseconds)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.audit import MemoryTree, consistency_proof, leaf_hash, sign_tree
from service.audit.cosignature import add_checkpoint
from service.crypto import CheckpointSigner
from service.crypto.cosigning import Cosigner
from service.crypto.getuigesleutel import lees_getuigesleutel
from service.getuige import create_getuige_app
from service.service_layer.getuige import Getuige, configuratie, nieuwe_sleutel, open_getuige
from tests.helpers.getuige import getuigen  # noqa: F401  (the session's real witness processes)

ORIGIN = "deelpoort.example/zvh-drenthe/verstrekkingen"
NU = 1_800_000_000  # the witness's clock in these tests (POSIX seconds)
MOMENT = dt.datetime(2026, 11, 23, 10, 15, tzinfo=dt.UTC)


@dataclass
class Log:
    """A Deelpoort log in memory: its checkpoint key, origin and a tree of 100 leaves to sign checkpoints of."""

    signer: CheckpointSigner = field(
        default_factory=lambda: CheckpointSigner(
            "deelpoort.example/checkpoint", CheckpointSigner.generate_private_key()
        )
    )
    origin: str = ORIGIN
    zaad: str = "verstrekking"  # what the leaves hash: another zaad under the same key is a fork of the log
    tree: MemoryTree = field(default_factory=MemoryTree)

    def __post_init__(self) -> None:
        for index in range(100):
            self.tree.append(leaf_hash(f"{self.zaad} {index}".encode()))

    @property
    def vkey(self) -> str:
        return self.signer.verifier.verifier_key

    def note(self, size: int, moment: dt.datetime = MOMENT) -> str:
        """The signed checkpoint note of the first `size` leaves (a ``time`` extension line included)."""
        return sign_tree(self.signer, self.origin, self.tree, size, moment).note

    def fork(self) -> Log:
        """The same log key signing another tree: every checkpoint of it contradicts this log's."""
        return Log(signer=self.signer, origin=self.origin, zaad="vervalst")

    def proof(self, old: int, size: int) -> list[bytes]:
        return consistency_proof(self.tree, old, size) if 0 < old < size else []

    def body(self, old: int, size: int, note: str | None = None) -> bytes:
        """An add-checkpoint body from `old` to `size` with the right consistency proof."""
        return add_checkpoint(old, self.proof(old, size), note or self.note(size)).body()


def _signer(name: str) -> CheckpointSigner:
    return CheckpointSigner(name, CheckpointSigner.generate_private_key())


@pytest.fixture(scope="session")
def sleutelmap(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One witness key for the session's in-process witnesses."""
    directory = tmp_path_factory.mktemp("getuige-sleutel")
    nieuwe_sleutel("getuige.example/w1", directory / "sleutel.json")
    return directory


@pytest.fixture(scope="session")
def cosigner(sleutelmap: Path) -> Cosigner:
    return lees_getuigesleutel(sleutelmap / "sleutel.json")


@pytest.fixture(scope="session")
def log() -> Log:
    return Log()


def open_witness(sleutelmap: Path, opslag: Path, *logs: Log) -> Getuige:
    """A witness (its use cases) of `logs` on the storage file `opslag`, its clock at `NU`."""
    document = {
        "sleutelbestand": str(sleutelmap / "sleutel.json"),
        "opslag": str(opslag),
        "log": [{"origin": entry.origin, "vkey": entry.vkey} for entry in logs],
    }
    return open_getuige(configuratie(document, opslag.parent), klok=lambda: NU)


@pytest.fixture
def witness(sleutelmap: Path, tmp_path: Path, log: Log) -> Iterator[Getuige]:
    """A witness of `log` on fresh storage."""
    opened = open_witness(sleutelmap, tmp_path / "getuige.sqlite3", log)
    yield opened
    opened.sluit()


@pytest.fixture
def app(witness: Getuige) -> Flask:
    return create_getuige_app(witness)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()

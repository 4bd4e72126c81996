"""The witness's own storage file: its tables made on first open, another schema version refused, evidence kept
bounded and once per request."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from service.adapters.getuige_store import MAX_BEWIJS, SCHEMA_VERSIE, Bewijs, GetuigeOpslagError, GetuigeStore


def _bewijs(nummer: int, origin: str = "deelpoort.example/log") -> Bewijs:
    return Bewijs(origin, "inconsistent", 5, "", f"notitie {nummer}\n", 5, bytes(32), 1_800_000_000)


def test_tables_and_schema_version_are_made_on_first_open(tmp_path: Path):
    GetuigeStore(tmp_path / "nieuw" / "g.sqlite3").sluit()
    with sqlite3.connect(tmp_path / "nieuw" / "g.sqlite3") as connection:
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSIE,)
    assert tables == {"getuige_checkpoint", "getuige_bewijs"}


def test_another_schema_version_is_refused(tmp_path: Path):
    with sqlite3.connect(tmp_path / "g.sqlite3") as connection:
        connection.execute(f"PRAGMA user_version = {SCHEMA_VERSIE + 1}")
    with pytest.raises(GetuigeOpslagError, match="schema version"):
        GetuigeStore(tmp_path / "g.sqlite3")


def test_evidence_is_bounded_per_origin_keeping_the_first(tmp_path: Path):
    store = GetuigeStore(tmp_path / "g.sqlite3")
    try:
        with store.schrijvend() as transactie:
            kept = [transactie.bewaar_bewijs(_bewijs(n)) for n in range(MAX_BEWIJS + 5)]
            assert transactie.bewaar_bewijs(_bewijs(0, origin="elders.example/log"))
        assert kept == [True] * MAX_BEWIJS + [False] * 5
        assert [b.notitie for b in store.bewijzen("deelpoort.example/log")] == [
            f"notitie {n}\n" for n in range(MAX_BEWIJS)
        ]
    finally:
        store.sluit()


def test_the_same_refused_request_is_kept_once(tmp_path: Path):
    store = GetuigeStore(tmp_path / "g.sqlite3")
    try:
        for _ in range(3):
            with store.schrijvend() as transactie:
                transactie.bewaar_bewijs(_bewijs(1))
        assert store.bewijzen("deelpoort.example/log") == [_bewijs(1)]
    finally:
        store.sluit()


def test_a_failed_transaction_writes_nothing(tmp_path: Path):
    store = GetuigeStore(tmp_path / "g.sqlite3")
    try:
        with pytest.raises(RuntimeError, match="halfway"):
            _write_then_fail(store)
        assert store.bewijzen("deelpoort.example/log") == []
    finally:
        store.sluit()


def _write_then_fail(store: GetuigeStore) -> None:
    with store.schrijvend() as transactie:
        transactie.bewaar_bewijs(_bewijs(1))
        raise RuntimeError("halfway")

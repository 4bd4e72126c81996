"""No plaintext at rest: after loading the demo region, a byte scan of the SQLite file and of the PostgreSQL
dump finds none of the personal values. The scan is proven to work on a deliberately unencrypted copy."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import make_url

from service.demo.regio import DemoRegion
from service.domain.convenant import Veldtype
from service.service_layer.services import Services
from tests.helpers.at_rest import database_bytes, postgres_dump, scan, sqlite_bytes
from tests.helpers.databases import Demo

MIN_LENGTH = 6  # shorter values (e.g. "ja", a house number) would match by chance
CATALOGUE_WORDS = frozenset({Veldtype.KEUZE, Veldtype.KEUZES, Veldtype.JANEE, Veldtype.GETAL})
OLDEST_METADATA = dt.date(2020, 1, 1)  # the demo region holds no casus older than this


def _needles(services: Services, region: DemoRegion) -> list[bytes]:
    found: set[bytes] = set()
    gemeenten = {g.naam for g in services.convenant.gemeenten}
    for (_, _, veld_id), value in region.veldwaarden.items():
        veld = services.convenant.veld(veld_id)
        if veld is None or veld.type in CATALOGUE_WORDS or value in gemeenten:
            continue  # a choice such as "toezicht" or a municipality's name is a word of the convenant
        for text in _texts(value):
            if len(text) >= MIN_LENGTH:
                found.add(text[:40].encode("utf-8"))
    return sorted(found)


def _texts(value: object) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dt.date) and value < OLDEST_METADATA:
        yield value.isoformat()  # birth dates; recent dates would also match metadata such as aangemeld_op
    elif isinstance(value, list):
        yield from (v for v in value if isinstance(v, str))


def test_the_scan_finds_plaintext_in_an_unencrypted_copy(tmp_path: Path, services: Services, demo: Demo) -> None:
    """The control: the very same scan over the same kind of storage, holding the values unencrypted."""
    needles = _needles(services, demo.region)
    assert len(needles) > 500, "the demo region should hold many personal values"
    url = make_url(str(services.engine.url))
    if url.drivername.startswith("sqlite"):
        copy = tmp_path / "unencrypted-copy.sqlite3"
        connection = sqlite3.connect(copy)
        connection.execute("CREATE TABLE veldwaarden (waarde BLOB)")
        connection.executemany("INSERT INTO veldwaarden VALUES (?)", [(n,) for n in needles])
        connection.commit()
        connection.close()
        blob = sqlite_bytes(copy)
    else:
        half = len(needles) // 2
        with services.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE onversleutelde_kopie (waarde bytea, tekst text)")
            for index, needle in enumerate(needles):  # half as bytea (hex in the dump), half as text
                row = {"w": needle, "t": None} if index < half else {"w": None, "t": needle.decode("utf-8")}
                connection.exec_driver_sql("INSERT INTO onversleutelde_kopie VALUES (%(w)s, %(t)s)", row)
        blob = postgres_dump(services)
    assert scan(blob, needles) == needles


def test_no_personal_value_appears_in_the_database_at_rest(services: Services, demo: Demo) -> None:
    needles = _needles(services, demo.region)
    blob = database_bytes(services)
    assert len(blob) > 100_000, "the scan must have read the stored data"
    assert scan(blob, needles) == []


def test_a_hex_needle_counts_only_as_a_whole_hex_run() -> None:
    """The scan's one special case, on its own: a BSN inside a longer hex run (an id, a hash) is no finding; the
    same digits between other characters are."""
    assert scan(b"id=0f123456789e;", [b"123456789"]) == []
    assert scan(b"id=0f123456789e; bsn=123456789;", [b"123456789", b"bsn=1"]) == [b"123456789", b"bsn=1"]
    assert scan(b"123456789", [b"123456789", b"23456789"]) == [b"123456789"]  # a run's part is no run


def test_the_scan_matches_bytes_exactly_overlapping_and_in_the_order_given() -> None:
    """The one-pass search finds every needle a `needle in blob` would: overlapping ones, ones inside another,
    multi-byte UTF-8 (read byte for byte, never as text), and nothing that differs in one byte."""
    blob = "naam=Zoë van Ee; plaats=Coevorden".encode()
    needles = [b"plaats=Coevorden", b"Zo\xc3\xab van", b"van Ee", b"an E", b"Zoe van", "Zoë".encode("utf-16-le")]
    assert scan(blob, needles) == [n for n in needles if n in blob] == needles[:4]
    assert scan(blob, []) == []
    assert scan(b"", [b"iets"]) == []

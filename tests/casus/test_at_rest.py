"""No plaintext at rest: after loading the demo region, a byte scan of the SQLite file and of the PostgreSQL
dump finds none of the personal values. The scan is proven to work on a deliberately unencrypted copy."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy.engine import make_url

from service.demo.installatie import install_region
from service.demo.regio import generate_region
from service.domain.convenant import Veldtype
from service.service_layer.services import Services

MIN_LENGTH = 6  # shorter values (e.g. "ja", a house number) would match by chance
CATALOGUE_WORDS = frozenset({Veldtype.KEUZE, Veldtype.KEUZES, Veldtype.JANEE, Veldtype.GETAL})
OLDEST_METADATA = dt.date(2020, 1, 1)  # the demo region holds no casus older than this


def _needles(services: Services) -> list[bytes]:
    region = generate_region(services.convenant, seed=11, today=dt.date(2026, 11, 1))
    install_region(services, region)
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


_HEX = re.compile(rb"[0-9a-f]+")


def _scan(blob: bytes, needles: list[bytes]) -> list[bytes]:
    """The needles found in `blob`. A needle made of hex digits only (a BSN) counts only where it is not part
    of a longer hex run: ids and hashes are stored as hex text, and a 9-digit BSN turns up inside one of
    hundreds of thousands of random hex characters about once in a hundred runs."""
    return [n for n in needles if n in blob and (not _HEX.fullmatch(n) or _bounded(n).search(blob))]


def _bounded(needle: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![0-9a-f])" + re.escape(needle) + rb"(?![0-9a-f])")


def _sqlite_bytes(path: Path) -> bytes:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def _postgres_dump(services: Services) -> bytes:
    """Every table of the test's schema as COPY text, with bytea hex decoded so no stored byte is hidden."""
    chunks: list[bytes] = []
    raw = services.engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        for (table,) in cursor.fetchall():
            with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:  # type: ignore[attr-defined]
                for block in copy:
                    chunks.append(bytes(block))
    finally:
        raw.close()
    text = b"".join(chunks)
    decoded = [bytes.fromhex(m.decode()) for m in re.findall(rb"\\\\x([0-9a-f]+)", text)]
    return text + b"".join(decoded)


def test_the_scan_finds_plaintext_in_an_unencrypted_copy(tmp_path: Path, services: Services) -> None:
    """The control: the very same scan over the same kind of storage, holding the values unencrypted."""
    needles = _needles(services)
    assert len(needles) > 500, "the demo region should hold many personal values"
    url = make_url(str(services.engine.url))
    if url.drivername.startswith("sqlite"):
        copy = tmp_path / "unencrypted-copy.sqlite3"
        connection = sqlite3.connect(copy)
        connection.execute("CREATE TABLE veldwaarden (waarde BLOB)")
        connection.executemany("INSERT INTO veldwaarden VALUES (?)", [(n,) for n in needles])
        connection.commit()
        connection.close()
        blob = _sqlite_bytes(copy)
    else:
        half = len(needles) // 2
        with services.engine.begin() as connection:
            connection.exec_driver_sql("CREATE TABLE onversleutelde_kopie (waarde bytea, tekst text)")
            for index, needle in enumerate(needles):  # half as bytea (hex in the dump), half as text
                row = {"w": needle, "t": None} if index < half else {"w": None, "t": needle.decode("utf-8")}
                connection.exec_driver_sql("INSERT INTO onversleutelde_kopie VALUES (%(w)s, %(t)s)", row)
        blob = _postgres_dump(services)
    assert _scan(blob, needles) == needles


def test_no_personal_value_appears_in_the_database_at_rest(services: Services) -> None:
    needles = _needles(services)
    url = make_url(str(services.engine.url))
    if url.drivername.startswith("sqlite"):
        services.engine.dispose()
        blob = _sqlite_bytes(Path(str(url.database)))
    else:
        blob = _postgres_dump(services)
    assert len(blob) > 100_000, "the scan must have read the stored data"
    assert _scan(blob, needles) == []

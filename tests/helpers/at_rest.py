"""The at-rest scan: every stored byte of a test's database (SQLite file with its WAL, or a PostgreSQL dump of
every table with bytea decoded), searched for values that must not be there (`tests/casus/test_at_rest.py`,
`tests/advies/test_anoniem.py`)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import ahocorasick
from sqlalchemy.engine import make_url

from service.service_layer.services import Services

_HEX = re.compile(rb"[0-9a-f]+")


def scan(blob: bytes, needles: list[bytes]) -> list[bytes]:
    """The needles found in `blob`, in the order given. A needle made of hex digits only (a BSN) counts only
    where it is not part of a longer hex run: ids and hashes are stored as hex text, and a 9-digit BSN turns up
    inside one of hundreds of thousands of random hex characters about once in a hundred runs. Such a needle is
    therefore found exactly when it is one of the blob's maximal hex runs (collected in one pass).

    All needles are searched in one pass of an Aho-Corasick automaton (pyahocorasick) over the blob read as
    Latin-1, which maps every byte to one character and back, so a match is exactly a byte match: a `needle in
    blob` per needle took 28 s for the demo's ~3,000 needles in a 40 MB database.
    """
    if not needles:
        return []
    automaton = ahocorasick.Automaton()
    for needle in needles:
        automaton.add_word(needle.decode("latin-1"), needle)
    automaton.make_automaton()
    present = {needle for _, needle in automaton.iter(blob.decode("latin-1"))}
    runs = set(_HEX.findall(blob)) if any(_HEX.fullmatch(n) for n in present) else set()
    return [n for n in needles if n in present and (not _HEX.fullmatch(n) or n in runs)]


def sqlite_bytes(path: Path) -> bytes:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def postgres_dump(services: Services) -> bytes:
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


def database_bytes(services: Services) -> bytes:
    """Everything the test's database holds, as bytes to scan (the engine is disposed first on SQLite)."""
    url = make_url(str(services.engine.url))
    if url.drivername.startswith("sqlite"):
        services.engine.dispose()
        return sqlite_bytes(Path(str(url.database)))
    return postgres_dump(services)

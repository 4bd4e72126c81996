"""Synthetic verstrekking logs for the benchmarks, loaded fast: COPY on PostgreSQL, executemany on SQLite.

The rows are the ones the service writes. Each record is a `Verstrekking` made into bytes by its own
`as_record()` and `canonical()`, hashed by `leaf_hash`, with the query columns taken from the record exactly as
`append_records` (`service.service_layer.logboek.schrijver`) makes them; the derived `verstrekking_betrokkenen` /
`verstrekking_grondslagen` rows come from the store's own derivation (`betrokkenen_van`, `grondslagen_van`, what
`catch_up` uses), and the log head and `verantwoording_index.tot` are moved to the loaded size, so the FG's
queries see a log that needs no catch-up.
`tests/verantwoording/test_log_loader.py` checks that the FG's answers over a loaded log equal those over the
same records appended through `LogStore`.

Not written: the Merkle nodes (`logknopen`) and checkpoints. The FG's list, casus and access-request queries
never read them (they read `verstrekkingen`, the derived tables, `betrokkenen` and the two head rows), so a
loaded database answers those queries but fails `audit verify` and gives no proofs: it is for benchmarks only.

PostgreSQL: the log must be empty. Three connections each truncate one table and COPY into it in binary
format with FREEZE (rows are written frozen and all-visible: no hint-bit writes or vacuum on first read),
streamed from one generator, so memory stays bounded whatever the size. With `rebuild_indexes` the tables'
indexes and primary/unique constraints are dropped first and recreated afterwards from their own catalog
definitions (each timed), then the tables are analysed. The three transactions commit one after another: a
failure between those commits leaves a partly loaded log (acceptable for a benchmark database, not more).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, insert, select, text, update

from service.adapters.afgeleid import betrokkenen_van, grondslagen_van
from service.adapters.orm import (
    BetrokkeneRow,
    CasusRow,
    LoghoofdRow,
    VerantwoordingIndexRow,
    VerstrekkingBetrokkeneRow,
    VerstrekkingGrondslagRow,
    VerstrekkingRow,
)
from service.audit import leaf_hash
from service.audit.record import canonical
from service.crypto import BlindIndex
from service.domain.convenant import Partner, Regime
from service.domain.verstrekking import Trace, Uitkomst, Verstrekking, VerstrektVeld, Weigering

DOELEN = ("triage", "casusoverleg", "advies", "procesregie", "nazorg")
GRONDSLAGEN = ("avg-6-1-e-wgs", "uavg-46-bsn", "avg-9-uavg-30", "avg-10-uavg-33", "wjsg-39f", "wpg-20")
VELDEN = ("achternaam", "geboortedatum", "woonplaats", "telefoon", "psychischeGezondheid")
UITKOMSTEN = (
    Uitkomst.VERSTREKT,
    Uitkomst.VERSTREKT,
    Uitkomst.GEDEELTELIJK,
    Uitkomst.GEDEELTELIJK,
    Uitkomst.LEEG,
    Uitkomst.GEWEIGERD,
)
BATCH = 20_000  # rows per executemany on SQLite

_LOG = cast(Table, VerstrekkingRow.__table__)
_PERSONEN = cast(Table, VerstrekkingBetrokkeneRow.__table__)
_GRONDEN = cast(Table, VerstrekkingGrondslagRow.__table__)
# (table, columns in COPY order, PostgreSQL types for binary COPY)
_COPIES = (
    (
        "verstrekkingen",
        ("log_index", "id", "record", "blad_hash", "tijd", "partner_id", "casus_id", "doel", "uitkomst"),
        ("int4", "varchar", "bytea", "bytea", "timestamptz", "varchar", "varchar", "varchar", "varchar"),
    ),
    ("verstrekking_betrokkenen", ("betrokkene_id", "log_index", "tijd"), ("varchar", "int4", "timestamptz")),
    ("verstrekking_grondslagen", ("grondslag", "log_index"), ("varchar", "int4")),
)
TABLES = tuple(table for table, _, _ in _COPIES)


@dataclass(frozen=True, slots=True)
class Shape:
    """The synthetic log: `casussen` casussen with a hoofdpersoon and a systeemlid each, spread over `span`."""

    records: int
    casussen: int = 20_000
    with_bsn: int = 4_000  # the first persons (hoofdpersonen and systeemleden alternating) have a BSN on file
    start: dt.datetime = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    span: dt.timedelta = dt.timedelta(days=730)
    seed: int = 9

    @property
    def bsns(self) -> int:
        """How many synthetic BSNs (`bsn(0)` ... ) are on file."""
        return min(self.with_bsn, 2 * self.casussen)

    def casus_ids(self) -> list[str]:
        return [f"{i:032x}" for i in range(self.casussen)]

    def personen(self) -> list[tuple[str, str]]:
        """(hoofdpersoon, systeemlid) per casus."""
        return [(f"{i:031x}a", f"{i:031x}b") for i in range(self.casussen)]


def bsn(n: int) -> str:
    return f"9999{n:05d}"  # the synthetic test range (no elfproef needed by the blind index)


def insert_region(engine: Engine, shape: Shape, aanmelder: str, blind: BlindIndex) -> None:
    """The casussen and betrokkenen the records refer to (the access request finds persons here by blind index)."""
    casus_ids = shape.casus_ids()
    rows: list[dict[str, object]] = []
    for i, (hoofd, systeem) in enumerate(shape.personen()):
        rows.append({"id": hoofd, "casus_id": casus_ids[i], "rol": "hoofdpersoon", "bsn_index": None})
        rows.append({"id": systeem, "casus_id": casus_ids[i], "rol": "systeemlid", "bsn_index": None})
    for i in range(shape.bsns):
        rows[i]["bsn_index"] = blind.bsn_hex(Regime.REGULIER, bsn(i))
    with engine.begin() as connection:
        for offset in range(0, len(casus_ids), BATCH):
            connection.execute(
                insert(CasusRow),
                [
                    {
                        "id": c,
                        "casustype": "regulier",
                        "fase": "procesregie",
                        "gemeente": "assen",
                        "onderwerp": "overig",
                        "aanmelder": aanmelder,
                        "aangemeld_op": shape.start,
                        "gewijzigd_op": shape.start,
                    }
                    for c in casus_ids[offset : offset + BATCH]
                ],
            )
        for offset in range(0, len(rows), BATCH):
            connection.execute(insert(BetrokkeneRow), rows[offset : offset + BATCH])


def synthetic(shape: Shape, partners: Sequence[Partner]) -> Iterator[Verstrekking]:
    """`shape.records` verstrekkingen in time order (deterministic for a seed; ids random like `new_id`)."""
    rng = random.Random(shape.seed)
    casus_ids = shape.casus_ids()
    personen = shape.personen()
    gebruikers = [f"{rng.getrandbits(128):032x}" for _ in range(20 * len(partners))]
    seconds = shape.span.total_seconds()
    for index in range(shape.records):
        c = rng.randrange(shape.casussen)
        partner = rng.choice(partners)
        uitkomst = rng.choice(UITKOMSTEN)
        released = uitkomst in (Uitkomst.VERSTREKT, Uitkomst.GEDEELTELIJK)
        velden = rng.sample(VELDEN, 2) if released else []
        grondslagen = rng.sample(GRONDSLAGEN, 2) if released else []
        yield Verstrekking(
            id=f"{rng.getrandbits(128):032x}",
            tijd=shape.start + dt.timedelta(seconds=seconds * index / shape.records),
            partner=partner.id,
            oin=partner.oin or "",
            gebruiker=rng.choice(gebruikers),
            rol="casusregisseur",
            casus=casus_ids[c],
            casustype="regulier",
            betrokkenen=personen[c],
            doel=rng.choice(DOELEN),
            uitkomst=uitkomst,
            verstrekt=tuple(
                VerstrektVeld(v, g, "va-casusoverleg", 1, (personen[c][0],))
                for v, g in zip(velden, grondslagen, strict=True)
            ),
            onthouden=("psychischeGezondheid",) if uitkomst in (Uitkomst.GEDEELTELIJK, Uitkomst.LEEG) else (),
            beleidsversie="0" * 64,
            trace=Trace(f"{rng.getrandbits(128):032x}", f"{rng.getrandbits(64):016x}"),
            weigering=Weigering.FASE if uitkomst is Uitkomst.GEWEIGERD else None,
        )


def rows(index: int, entry: Verstrekking) -> tuple[tuple[Any, ...], list[tuple[str, int]], list[tuple[str, int]]]:
    """The `verstrekkingen` row of record `index` (as `append_records` makes it) and its derived rows."""
    record = entry.as_record()
    data = canonical(record)
    leaf = (
        index,
        record["id"],
        data,
        leaf_hash(data),
        entry.tijd,
        record["partner"],
        record["casus"],
        record["doel"],
        record["uitkomst"],
    )
    personen = [(b, index, entry.tijd) for b in sorted(betrokkenen_van(record))]
    gronden = [(g, index) for g in sorted(grondslagen_van(record))]
    return leaf, personen, gronden


@dataclass
class LoadReport:
    records: int = 0
    betrokkenen_rows: int = 0
    grondslagen_rows: int = 0
    method: str = ""
    rows_s: float = 0.0  # generating + writing the rows (COPY or executemany), commits included
    index_s: dict[str, float] = field(default_factory=dict)  # per recreated index or constraint
    analyze_s: float = 0.0

    @property
    def total_s(self) -> float:
        return self.rows_s + sum(self.index_s.values()) + self.analyze_s


def load(engine: Engine, entries: Iterable[Verstrekking], *, rebuild_indexes: bool = True) -> LoadReport:
    """Load `entries` as log records 0, 1, ... into an empty log; returns what it did and how long it took.

    Raises:
        RuntimeError: the log is not empty.
    """
    with engine.connect() as connection:
        size = connection.scalar(select(LoghoofdRow.grootte).where(LoghoofdRow.id == 1))
        done = connection.scalar(select(VerantwoordingIndexRow.tot).where(VerantwoordingIndexRow.id == 1))
        present = connection.scalar(select(_LOG.c.log_index).limit(1))
    if size or done or present is not None:
        raise RuntimeError("the loader fills an empty log only")
    if engine.dialect.name == "postgresql":
        report = _copy(engine, entries, rebuild_indexes)
    else:
        report = _executemany(engine, entries)
    with engine.begin() as connection:
        connection.execute(update(LoghoofdRow).where(LoghoofdRow.id == 1).values(grootte=report.records))
        connection.execute(
            update(VerantwoordingIndexRow).where(VerantwoordingIndexRow.id == 1).values(tot=report.records)
        )
    return report


def _executemany(engine: Engine, entries: Iterable[Verstrekking]) -> LoadReport:
    report = LoadReport(method="executemany in batches (indexes in place)")
    begin = time.perf_counter()
    batch: list[tuple[Verstrekking, int]] = []

    def flush() -> None:
        leaves, personen, gronden = [], [], []
        for entry, index in batch:
            leaf, p, g = rows(index, entry)
            leaves.append(dict(zip(_COPIES[0][1], leaf, strict=True)))
            personen += [{"betrokkene_id": b, "log_index": i, "tijd": t} for b, i, t in p]
            gronden += [{"grondslag": x, "log_index": i} for x, i in g]
        with engine.begin() as connection:
            connection.execute(insert(_LOG), leaves)
            if personen:
                connection.execute(insert(_PERSONEN), personen)
            if gronden:
                connection.execute(insert(_GRONDEN), gronden)
        report.betrokkenen_rows += len(personen)
        report.grondslagen_rows += len(gronden)
        batch.clear()

    for index, entry in enumerate(entries):
        batch.append((entry, index))
        if len(batch) == BATCH:
            flush()
        report.records = index + 1
    if batch:
        flush()
    with engine.begin() as connection:
        t0 = time.perf_counter()
        report.rows_s = t0 - begin
        connection.execute(text("ANALYZE"))
        report.analyze_s = time.perf_counter() - t0
    return report


@dataclass(frozen=True, slots=True)
class _Index:
    table: str
    name: str
    constraint: bool  # a primary key or unique constraint (dropped and added with ALTER TABLE)
    definition: str  # the constraint's definition, or the index's whole CREATE INDEX statement


def _indexes(connection: Connection, tables: Sequence[str]) -> list[_Index]:
    """Every index of `tables` in the current schema, as the catalog defines it."""
    found: list[_Index] = []
    for table in tables:
        constraints = connection.execute(
            text(
                "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE conrelid = CAST(:table AS regclass) AND contype IN ('p', 'u') ORDER BY conname"
            ),
            {"table": table},
        ).all()
        names = {name for name, _ in constraints}
        found += [_Index(table, name, True, definition) for name, definition in constraints]
        plain = connection.execute(
            text(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = :table ORDER BY indexname"
            ),
            {"table": table},
        ).all()
        found += [_Index(table, name, False, definition) for name, definition in plain if name not in names]
    return found


def _copy(engine: Engine, entries: Iterable[Verstrekking], rebuild_indexes: bool) -> LoadReport:
    report = LoadReport(method="COPY FROM STDIN (binary, FREEZE), three tables streamed at once")
    dropped: list[_Index] = []
    if rebuild_indexes:
        report.method += "; indexes dropped, recreated afterwards"
        with engine.begin() as connection:
            dropped = _indexes(connection, TABLES)
            for index in dropped:
                # Names come from the catalog of these three tables, not from input.
                if index.constraint:
                    connection.execute(text(f'ALTER TABLE {index.table} DROP CONSTRAINT "{index.name}"'))
                else:
                    connection.execute(text(f'DROP INDEX "{index.name}"'))
    begin = time.perf_counter()
    raw = [engine.raw_connection() for _ in _COPIES]
    try:
        with ExitStack() as stack:
            copies = []
            for proxy, (table, columns, types) in zip(raw, _COPIES, strict=True):
                cursor = stack.enter_context(proxy.driver_connection.cursor())
                cursor.execute(f"TRUNCATE {table}")  # empty already; FREEZE needs it in this transaction
                copy = stack.enter_context(
                    cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN (FORMAT BINARY, FREEZE)")
                )
                copy.set_types(types)
                copies.append(copy)
            log, personen, gronden = copies
            for index, entry in enumerate(entries):
                leaf, p, g = rows(index, entry)
                log.write_row(leaf)
                for row in p:
                    personen.write_row(row)
                for row in g:
                    gronden.write_row(row)
                report.records = index + 1
                report.betrokkenen_rows += len(p)
                report.grondslagen_rows += len(g)
        for proxy in raw:
            proxy.commit()
    finally:
        for proxy in raw:
            proxy.close()
    report.rows_s = time.perf_counter() - begin
    with engine.connect() as connection:
        connection.execute(text("SET maintenance_work_mem = '1GB'"))  # this session only: faster index builds
        for index in dropped:
            t0 = time.perf_counter()
            if index.constraint:
                connection.execute(text(f'ALTER TABLE {index.table} ADD CONSTRAINT "{index.name}" {index.definition}'))
            else:
                connection.execute(text(index.definition))
            connection.commit()
            report.index_s[index.name] = time.perf_counter() - t0
        t0 = time.perf_counter()
        connection.execute(text(f"ANALYZE {', '.join(TABLES)}, betrokkenen, casussen"))
        connection.commit()
        report.analyze_s = time.perf_counter() - t0
    return report

"""Synthetic verstrekking records for log tests (no casus behind them, no personal data), and the tampering
of a stored log as an attacker with write access to the database does it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator

from sqlalchemy import Connection, Engine, delete, select, text, update

from service.adapters.orm import LoghoofdRow, LogknoopRow, VerstrekkingRow
from service.audit import MemoryTree, leaf_hash
from service.audit.record import canonical
from service.domain.casus import new_id, utcnow
from service.domain.verstrekking import Ontvangstbewijs, Trace, Uitkomst, Verstrekking, VerstrektVeld
from service.service_layer.logboek import controle as logboek
from service.service_layer.ports import LogWriter
from service.service_layer.services import Services


def synthetic(n: int) -> Verstrekking:
    """The n-th synthetic record: a released achternaam with a unique trace; distinct ids on every call."""
    return Verstrekking(
        id=new_id(),
        tijd=utcnow(),
        partner="politie-noord-nederland",
        oin="00000099000000000110",
        gebruiker=new_id(),
        rol="deelnemer",
        casus=new_id(),
        casustype="regulier",
        betrokkenen=(new_id(),),
        doel="casusoverleg",
        uitkomst=Uitkomst.VERSTREKT,
        verstrekt=(VerstrektVeld("achternaam", "avg-6-1-e-wgs", "va-casusoverleg", 1, (f"b{n}",)),),
        onthouden=(),
        beleidsversie="0" * 64,
        trace=Trace(f"{n:032x}", f"{n + 1:016x}"),
    )


def concurrent_appends(log: LogWriter, threads: int, each: int) -> list[Ontvangstbewijs]:
    """`threads` threads, started together, each append `each` synthetic records through `log` (so requests
    queue and share transactions); the receipts of all, in the order they came back."""
    barrier = threading.Barrier(threads)
    receipts: list[Ontvangstbewijs] = []
    lock = threading.Lock()

    def writer(base: int) -> None:
        barrier.wait()
        for n in range(each):
            receipt = log.append(synthetic(base + n))
            with lock:
                receipts.append(receipt)

    started = [threading.Thread(target=writer, args=(i * 1000,)) for i in range(threads)]
    for thread in started:
        thread.start()
    for thread in started:
        thread.join()
    return receipts


def tamper(services: Services, change: Callable[[Connection], None]) -> logboek.Verificatie:
    """Apply `change` and verify; also in blocks of 4 leaves, so every case crosses block boundaries too."""
    with services.engine.begin() as connection:
        change(connection)
    result = logboek.verifieer(services)
    small = logboek.verifieer(services, block_level=2)
    assert (small.ok, small.eerste_fout) == (result.ok, result.eerste_fout), (small.problemen, result.problemen)
    return result


def rebuild_derived(connection: Connection) -> None:
    """What a careful attacker does after changing records: recompute leaves, nodes and the head."""
    rows = connection.execute(select(VerstrekkingRow.log_index, VerstrekkingRow.record).order_by("log_index")).all()
    tree = MemoryTree()
    connection.execute(delete(LogknoopRow))
    for position, (index, _record) in enumerate(rows):
        if index != position:
            connection.execute(
                update(VerstrekkingRow).where(VerstrekkingRow.log_index == index).values(log_index=-1 - position)
            )
    connection.execute(
        update(VerstrekkingRow).where(VerstrekkingRow.log_index < 0).values(log_index=-VerstrekkingRow.log_index - 1)
    )
    for position, (_, record) in enumerate(rows):
        leaf = leaf_hash(record)
        connection.execute(update(VerstrekkingRow).where(VerstrekkingRow.log_index == position).values(blad_hash=leaf))
        tree.append(leaf)
    for level in range(40):
        for position in range(tree.size >> level):
            connection.execute(
                LogknoopRow.__table__.insert().values(niveau=level, positie=position, hash=tree.node(level, position))
            )
    connection.execute(update(LoghoofdRow).values(grootte=len(rows)))


def modify_record(index: int) -> Callable[[Connection], None]:
    """A change to the record at `index` (same length, still canonical JSON, its columns unchanged)."""

    def change(connection: Connection) -> None:
        record = connection.scalar(select(VerstrekkingRow.record).where(VerstrekkingRow.log_index == index))
        assert record is not None and b"achternaam" in record
        changed = record.replace(b"achternaam", b"voornamen_")  # same length, still canonical JSON
        connection.execute(update(VerstrekkingRow).where(VerstrekkingRow.log_index == index).values(record=changed))

    return change


def forge_record(connection: Connection, index: int) -> None:
    """Insert a synthetic record at `index` with its leaf hash and columns (nothing else: no nodes, no head)."""
    forged = synthetic(999)
    data = canonical(forged.as_record())
    connection.execute(
        VerstrekkingRow.__table__.insert().values(
            log_index=index,
            id=forged.id,
            record=data,
            blad_hash=leaf_hash(data),
            tijd=forged.tijd,
            partner_id=forged.partner,
            casus_id=forged.casus,
            doel=forged.doel,
            uitkomst=forged.uitkomst.value,
        )
    )


@contextlib.contextmanager
def log_weigert(engine: Engine) -> Iterator[None]:
    """A trigger that refuses every insert of a log record (SQLite or PostgreSQL), dropped after the block."""
    postgres = engine.dialect.name == "postgresql"
    with engine.begin() as connection:
        if postgres:
            connection.execute(
                text(
                    "CREATE FUNCTION weiger() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'injected'; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text("CREATE TRIGGER weiger BEFORE INSERT ON verstrekkingen FOR EACH ROW EXECUTE FUNCTION weiger()")
            )
        else:
            connection.execute(
                text("CREATE TRIGGER weiger BEFORE INSERT ON verstrekkingen BEGIN SELECT RAISE(ABORT, 'injected'); END")
            )
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER weiger ON verstrekkingen" if postgres else "DROP TRIGGER weiger"))

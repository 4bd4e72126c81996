"""Synthetic verstrekking records for log tests (no casus behind them, no personal data)."""

from __future__ import annotations

import threading

from service.domain.casus import new_id, utcnow
from service.domain.verstrekking import Ontvangstbewijs, Trace, Uitkomst, Verstrekking, VerstrektVeld
from service.service_layer.ports import LogWriter


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

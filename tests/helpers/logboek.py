"""Synthetic verstrekking records for log tests (no casus behind them, no personal data)."""

from __future__ import annotations

from service.domain.casus import new_id, utcnow
from service.domain.verstrekking import Trace, Uitkomst, Verstrekking, VerstrektVeld


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

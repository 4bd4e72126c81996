"""The destruction journal as the use cases write and read it (`DEELPOORT_VERNIETIGINGSJOURNAAL`).

Invariants:
- Every destruction path notes its destruction here right after its transaction has committed (`noteer`), with
  the log index of its `vernietiging` record; a failure to write is reported to operators and never undoes or
  fails the destruction: `bij` (run by `retention run`, `backup` and `restore`) writes every destruction the log
  holds and the journal lacks.
- The latest signed checkpoint is kept beside it (`checkpoint`, called by the log's writer after each commit that
  signed one): how far the log had grown, for a restore to compare with.
- A journal whose chain is broken is never trusted: `require_intact` raises, and a restore refuses.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import structlog

from service.adapters.journaalbestand import JournaalBestand
from service.adapters.log_store import StoredCheckpoint
from service.audit.record import parse
from service.domain.errors import DeelpoortError
from service.domain.vernietigingsjournaal import GENESIS, Journaal, Journaalvernietiging, lees, regel
from service.domain.verstrekking import Vernietiging, record_tijd

if TYPE_CHECKING:
    from service.service_layer.services import Services

log = structlog.get_logger("deelpoort.herstel")


class JournaalBeschadigdError(DeelpoortError):
    """The destruction journal's chain is broken (a line removed, altered or reordered): it cannot be trusted."""


class Vernietigingsjournaal:
    """The journal at one path (see the module invariants)."""

    def __init__(self, bestand: JournaalBestand) -> None:
        self.bestand = bestand

    def vernietigd(self, vernietiging: Journaalvernietiging) -> None:
        """Append `vernietiging` as the next line of the chain, durably.

        Raises:
            OSError: the journal could not be written.
        """

        def maak(laatste: bytes | None) -> bytes:
            if laatste is None:
                return regel(vernietiging, 0, GENESIS)[0]
            vorige = json.loads(laatste)
            return regel(vernietiging, int(vorige["n"]) + 1, str(vorige["hash"]))[0]

        self.bestand.voeg_toe(maak)

    def checkpoint(self, checkpoint: StoredCheckpoint, *, vervang: bool = False) -> None:
        """Keep `checkpoint` as the latest signed one when it is larger than the one kept (or always: `vervang`).

        Raises:
            OSError: the file could not be written.
        """
        self.bestand.bewaar_checkpoint(
            {
                "grootte": checkpoint.grootte,
                "wortel": checkpoint.wortel.hex(),
                "tijd": record_tijd(checkpoint.tijd),
                "notitie": checkpoint.notitie,
            },
            vervang=vervang,
        )

    def lees(self) -> Journaal:
        """The journal as read and checked (never raises on content; see `domain.vernietigingsjournaal.lees`).

        Raises:
            OSError: the file exists but cannot be read.
        """
        regels, afgebroken = self.bestand.lees()
        return lees(regels, afgebroken=afgebroken)

    def require_intact(self) -> Journaal:
        """The journal, checked.

        Raises:
            JournaalBeschadigdError: its chain is broken (naming the first bad line).
            OSError: the file exists but cannot be read.
        """
        journaal = self.lees()
        if not journaal.intact:
            raise JournaalBeschadigdError(
                f"the destruction journal {self.bestand.pad} is not intact: {'; '.join(journaal.problemen)}"
            )
        return journaal

    def na_checkpoint(self, checkpoint: StoredCheckpoint) -> None:
        """The log writer's hook: keep `checkpoint`; a failure is reported, never raised (the records committed)."""
        try:
            self.checkpoint(checkpoint)
        except OSError as exc:
            log.error("checkpoint_not_journaled", error_type=type(exc).__name__, grootte=checkpoint.grootte)


def noteer(services: Services, vernietiging: Vernietiging, log_index: int, herhaalt: int | None = None) -> None:
    """After the transaction that destroyed and logged it has committed: note `vernietiging` (its record at
    `log_index`) in the journal, if one is set up. A failure is reported, not raised (module invariants)."""
    if services.journaal is None:
        return
    regel_ = Journaalvernietiging(
        vernietiging.casus,
        vernietiging.casustype,
        record_tijd(vernietiging.tijd),
        vernietiging.reden,
        log_index,
        herhaalt,
    )
    try:
        services.journaal.vernietigd(regel_)
    except OSError as exc:
        log.error("destruction_not_journaled", error_type=type(exc).__name__, casus=vernietiging.casus)


def bij(services: Services) -> int:
    """Write to the journal every destruction the log records and the journal lacks (a crash between a
    destruction's commit and its line, or a failed write); returns how many lines were written.

    Raises:
        JournaalBeschadigdError: the journal's chain is broken (nothing is written after a broken chain).
        OSError: the journal could not be read or written.
    """
    if services.journaal is None:
        return 0
    journaal = services.journaal.require_intact()
    bekend = {v.casus for v in journaal.vernietigingen}
    with services.uow() as uow:
        ontbrekend = [(index, casus) for index, casus in uow.log.vernietigingen() if casus not in bekend]
        records = [(index, uow.log.record(index)) for index, _ in ontbrekend]
    geschreven = 0
    for index, stored in records:
        if stored is None:
            continue
        record = parse(stored.record)
        casus = str(record["casus"])
        if casus in bekend:
            continue  # a casus destroyed twice in the log (a re-application after a restore): one line is enough
        herhaalt = record.get("herhaalt")
        services.journaal.vernietigd(
            Journaalvernietiging(
                casus,
                str(record["casustype"]),
                str(record["tijd"]),
                str(record["reden"]),
                index,
                herhaalt if isinstance(herhaalt, int) else None,
            )
        )
        bekend.add(casus)
        geschreven += 1
    if geschreven:
        log.warning("destructions_journaled_late", aantal=geschreven)
    return geschreven

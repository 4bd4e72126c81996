"""The integrity of the verstrekking log as the FG sees it: stored full verifications, and a quick check per view.

Invariants:
- A full verification (`controleer`) checks the records, the tree and the checkpoints (`logboek.verifieer`) and
  the lookup tables derived from them (`logboek.verifieer_index`), and only reads; its outcome is stored
  (`bewaar`), intact or not, with who ran it (`deelpoort audit verify`, or an FG). `audit verify` still reports
  and exits by the outcome when it cannot store it (a read-only copy of the database).
- Viewing (`integriteit`) never recomputes the whole log (about a minute per million records with the lookup
  tables): it shows the latest stored verifications and a quick check of the head against the latest signed
  checkpoint, in O(log n).
- An FG may start a full verification (`volledige_controle`); a process runs at most one such at a time, and a
  request meanwhile is refused as a conflict, so repeated requests cannot pile up scans of the whole log.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from service.adapters.log_store import StoredCheckpoint
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.errors import ConflictError, NietGevondenError
from service.domain.verantwoording import BRONNEN, MAX_PROBLEMEN, Integriteitscontrole
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.service_layer.verantwoording.raadplegen import require_fg

GESCHIEDENIS = 10  # stored verifications shown with the quick check

_EEN_TEGELIJK = threading.Lock()  # one FG-requested full verification per process at a time


def controleer(
    services: Services,
    bron: str,
    gebruiker_id: str | None = None,
    *,
    voortgang: Iterator[None] | None = None,
    regel: tuple[int, int] | None = None,
) -> Integriteitscontrole:
    """Verify the whole log and its lookup tables now (reads only); `voortgang` is advanced per block, `regel` is
    the signing rule's (records, seconds) to check when not the settings' (`logboek.verifieer`)."""
    if bron not in BRONNEN:
        raise ValueError(f"unknown bron {bron!r}")
    begonnen = utcnow()
    log = logboek.verifieer(services, voortgang=voortgang, regel=regel)
    tabellen = logboek.verifieer_index(services)
    return Integriteitscontrole(
        id=new_id(),
        begonnen_op=begonnen,
        klaar_op=utcnow(),
        bron=bron,
        gebruiker=gebruiker_id,
        grootte=log.grootte,
        checkpoints=log.checkpoints,
        problemen=tuple(log.problemen[:MAX_PROBLEMEN]),
        eerste_fout=log.eerste_fout,
        tabellen_gedekt=tabellen.grootte,
        tabellen_problemen=tuple(tabellen.problemen[:MAX_PROBLEMEN]),
        tabellen_eerste_fout=tabellen.eerste_fout,
    )


def bewaar(services: Services, controle: Integriteitscontrole) -> None:
    """Store a controle's outcome for the FG."""
    with services.uow() as uow:
        uow.integriteit.add(controle)
        uow.commit()


def volledige_controle(services: Services, gebruiker: Gebruiker) -> Integriteitscontrole:
    """An FG's request to verify the whole log now (stored like any other controle).

    Raises:
        NietToegestaanError: not an FG.
        ConflictError: this process is already running a full verification for an FG.
    """
    require_fg(gebruiker)
    if not _EEN_TEGELIJK.acquire(blocking=False):
        raise ConflictError("a full verification of the log is already running; ask again when it has finished")
    try:
        controle = controleer(services, "fg", gebruiker.id)
        bewaar(services, controle)
        return controle
    finally:
        _EEN_TEGELIJK.release()


@dataclass(frozen=True, slots=True)
class Integriteit:
    snel: logboek.Verificatie  # the quick check, now
    controles: list[Integriteitscontrole]  # the latest stored full verifications, newest first
    checkpoint: StoredCheckpoint | None
    vkey: str
    gecontroleerd_op: dt.datetime

    @property
    def laatste(self) -> Integriteitscontrole | None:
        return self.controles[0] if self.controles else None

    @property
    def sinds_laatste(self) -> int | None:
        """Records appended since the latest full verification (None: never verified)."""
        return None if self.laatste is None else max(self.snel.grootte - self.laatste.grootte, 0)


def integriteit(services: Services, gebruiker: Gebruiker) -> Integriteit:
    """The quick check now, with the latest full verifications and the latest signed checkpoint.

    Raises:
        NietToegestaanError: not an FG.
    """
    require_fg(gebruiker)
    snel = logboek.snelle_controle(services)
    with services.uow() as uow:
        latest = uow.log.latest_checkpoint()
        controles = uow.integriteit.latest(GESCHIEDENIS)
    return Integriteit(snel, controles, latest, logboek.verifier(services).verifier_key, utcnow())


def controle(services: Services, gebruiker: Gebruiker, controle_id: str) -> Integriteitscontrole:
    """One stored full verification.

    Raises:
        NietToegestaanError: not an FG.
        NietGevondenError: no such controle.
    """
    require_fg(gebruiker)
    with services.uow() as uow:
        found = uow.integriteit.get(controle_id[:32])
    if found is None:
        raise NietGevondenError("no such integriteitscontrole")
    return found

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
from service.audit.recompute import DEFAULT_BLOCK_LEVEL
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.errors import ConflictError, NietGevondenError
from service.domain.verantwoording import BRONNEN, MAX_PROBLEMEN, Integriteitscontrole
from service.service_layer.logboek import controle as logboek
from service.service_layer.logboek import getuigenverslag
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
    getuigen: bool = False,
) -> Integriteitscontrole:
    """Verify the whole log and its lookup tables now (reads only); `voortgang` is advanced per block of either
    pass (`stappen` says about how often), `regel` is
    the signing rule's (records, seconds) to check when not the settings' (`logboek.verifieer`).

    With `getuigen` (`audit verify --getuigen`), every witness is asked first for its latest cosigned checkpoint,
    and the recomputed log must be consistent with each; a witness's findings, and fewer witnesses in order than
    the quorum, are problems of the controle (named "getuige <name>: ...").

    Raises:
        ValueError: `getuigen` without witnesses set up (DEELPOORT_GETUIGEN_BESTAND).
    """
    if bron not in BRONNEN:
        raise ValueError(f"unknown bron {bron!r}")
    begonnen = utcnow()
    antwoorden = None
    if getuigen:
        if services.getuigen is None:
            raise ValueError("no witnesses are set up: DEELPOORT_GETUIGEN_BESTAND names none")
        antwoorden = getuigenverslag.vraag_getuigen(services, services.getuigen)
    sizes = [a.checkpoint.size for _, a in antwoorden or () if not isinstance(a, str)]
    log = logboek.verifieer(services, voortgang=voortgang, regel=regel, wortels_bij=sizes)
    if antwoorden is not None and services.getuigen is not None:
        oordeel = getuigenverslag.beoordeel(
            antwoorden, log.grootte, log.wortels.get, services.getuigen.inrichting.quorum
        )
        for verslag in oordeel.verslagen:
            for probleem in verslag.problemen:
                log.fout(None, f"getuige {verslag.getuige}: {probleem}")
        if not oordeel.getuigd and not oordeel.alarm:
            in_orde = sum(v.in_orde for v in oordeel.verslagen)
            log.fout(
                None,
                f"{in_orde} of {len(oordeel.verslagen)} witnesses vouch for this log; the quorum is {oordeel.quorum}",
            )
    tabellen = logboek.verifieer_index(services, voortgang=voortgang)
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


def stappen(services: Services) -> int:
    """About how many times `controleer` advances `voortgang` (the log's blocks, then the lookup tables'), for a
    progress bar: an estimate, since the log may grow meanwhile."""
    with services.uow() as uow:
        size, tot = uow.log.size(), uow.verantwoording.tot()
    return -(-size // (1 << DEFAULT_BLOCK_LEVEL)) + -(-min(size, tot) // logboek.INDEX_BLOK)


def bewaar(services: Services, controle: Integriteitscontrole) -> None:
    """Store a controle's outcome for the FG."""
    with services.uow() as uow:
        uow.integriteit.add(controle)
        uow.commit()


def volledige_controle(services: Services, gebruiker: Gebruiker) -> Integriteitscontrole:
    """An FG's request to verify the whole log now (stored like any other controle); with witnesses set up,
    against what each witness cosigned too (as `audit verify --getuigen`).

    Raises:
        NietToegestaanError: not an FG.
        ConflictError: this process is already running a full verification for an FG.
    """
    require_fg(gebruiker)
    if not _EEN_TEGELIJK.acquire(blocking=False):
        raise ConflictError("a full verification of the log is already running; ask again when it has finished")
    try:
        controle = controleer(services, "fg", gebruiker.id, getuigen=services.getuigen is not None)
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
    getuigen: getuigenverslag.Getuigenoordeel | None = None  # each witness asked now; None: none set up
    # Why witnessing lags behind the rule (a checkpoint older than the allowed lag lacks the quorum); None: it
    # does not, or no witnesses are set up.
    getuigen_achterstand: str | None = None

    @property
    def ondertekend(self) -> int:
        """Records under the latest signed checkpoint (the rest, the tail, is covered by no signature yet)."""
        return min(self.checkpoint.grootte, self.snel.grootte) if self.checkpoint is not None else 0

    @property
    def staart(self) -> int:
        """Records appended after the latest signed checkpoint (each after its signing: the tail's age is at most
        the checkpoint's; the view reads no record to say more, it stays O(log n))."""
        return max(self.snel.grootte - self.ondertekend, 0)

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
    oordeel = getuigenverslag.snel_oordeel(services)
    nu = utcnow()
    with services.uow() as uow:
        latest = uow.log.latest_checkpoint()
        controles = uow.integriteit.latest(GESCHIEDENIS)
        te_getuigen = (
            None
            if services.getuigen is None
            else uow.log.latest_checkpoint_until(nu - services.getuigen.inrichting.max_achterstand)
        )
    achterstand = None if oordeel is None else _achterstand(oordeel, te_getuigen, services)
    return Integriteit(snel, controles, latest, logboek.verifier(services).verifier_key, nu, oordeel, achterstand)


def in_een_oogopslag(services: Services, gebruiker: Gebruiker) -> Integriteit:
    """As `integriteit`, without asking the witnesses (no network call): the FG's overview shows the quick check,
    the signed records and the unsigned tail, and the latest full verification; the witnesses are on the
    integrity page.

    Raises:
        NietToegestaanError: not an FG.
    """
    require_fg(gebruiker)
    snel = logboek.snelle_controle(services)
    with services.uow() as uow:
        latest = uow.log.latest_checkpoint()
        controles = uow.integriteit.latest(1)
    return Integriteit(snel, controles, latest, logboek.verifier(services).verifier_key, utcnow())


def _achterstand(
    oordeel: getuigenverslag.Getuigenoordeel, te_getuigen: StoredCheckpoint | None, services: Services
) -> str | None:
    """Why witnessing lags: the newest checkpoint older than the allowed lag is not cosigned by the quorum."""
    if te_getuigen is None or services.getuigen is None:
        return None
    gedekt = sum(1 for v in oordeel.verslagen if v.in_orde and (v.grootte or 0) >= te_getuigen.grootte)
    if gedekt >= oordeel.quorum:
        return None
    seconden = int(services.getuigen.inrichting.max_achterstand.total_seconds())
    return (
        f"the checkpoint of size {te_getuigen.grootte} is older than {seconden} seconds and {gedekt} of "
        f"{len(oordeel.verslagen)} witnesses cosigned it or a later one; the quorum is {oordeel.quorum}"
    )


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

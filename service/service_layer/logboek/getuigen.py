"""Sending the log's checkpoints to its witnesses (C2SP tlog-witness) and keeping their cosignatures; signing
the unsigned tail so it stays short (issue 20, items 2 and 4).

`ronde` is one round: sign a checkpoint of the tail when the latest is older than the signing rule's seconds,
then offer the latest checkpoint to every witness that has not cosigned it, with a consistency proof from the
size that witness last cosigned. `GetuigenBode` runs rounds in the background of a serving process; the
command `deelpoort audit getuigen` runs one.

Invariants:
- Never in a verstrekking's path: a verstrekking does not wait for a witness, and a witness that is down or
  refuses changes nothing about what the log records (fail open for witnessing, closed for the log itself).
- A cosignature is stored only after it verified with the witness's configured key over the exact checkpoint
  note (`cosignatures`); a witness's answer is otherwise only noted as a short failure text.
- One worker at a time sends to a witness (`GetuigenStore.claim`: a lease in the database, across workers and
  hosts); the witness itself refuses anything not consistent with what it holds (409/422), so a race costs a
  retry, never a wrong state.
- A round with nothing to send only reads; a send costs two short write transactions (the lease, then outcome,
  cosignature and the lease's end together), so the log's writer rarely meets the sender's lock on SQLite.
- A witness that holds a larger tree than this log's latest checkpoint, or refuses our consistency proof, is
  reported as an alarm in the log output: this database's history is not what the witness saw.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import structlog

from service.adapters.getuigen_http import GetuigeOnbereikbaarError
from service.adapters.log_store import StoredCheckpoint
from service.audit.cosignature import CosignatureError, add_checkpoint, cosignatures, signature_lines
from service.domain.casus import utcnow
from service.domain.getuigen import Cosignatuur, GetuigeStaat
from service.service_layer.logboek.controle import consistentiebewijs
from service.service_layer.logboek.getuigen_inrichting import Getuige, GetuigenClient
from service.service_layer.services import Services

log = structlog.get_logger("deelpoort.getuigen")

LEASE = dt.timedelta(seconds=30)
OPNIEUW_NA_FOUT = dt.timedelta(seconds=10)  # a witness that failed is tried again after this (or half the lag)
SIZE_MEDIA_TYPE = "text/x.tlog.size"


@dataclass(frozen=True, slots=True)
class Verzending:
    """What one witness did with the latest checkpoint in a round."""

    getuige: str
    grootte: int  # the checkpoint offered
    gecosigneerd: bool
    fout: str | None = None
    alarm: bool = False


def ronde(
    services: Services, now: Callable[[], dt.datetime] = utcnow, *, na_fout_wachten: bool = True
) -> list[Verzending]:
    """One round (see the module docstring): returns what each witness did, in configuration order (a witness
    another worker is serving this round is left out). A witness that failed less than `OPNIEUW_NA_FOUT` ago is
    left alone (its last failure is returned) unless `na_fout_wachten` is False (`deelpoort audit getuigen`)."""
    services.log.teken_staart()
    dienst = services.getuigen
    if dienst is None:
        return []
    with services.uow() as uow:  # one read per round: the latest checkpoint and what the log knows of each witness
        latest = uow.log.latest_checkpoint()
        staten = {staat.getuige: staat for staat in uow.getuigen.staten()}
        al = set() if latest is None else {c.getuige for c in uow.getuigen.cosignaturen(latest.grootte)}
    if latest is None:
        return []
    moment = now()
    verversen = dienst.inrichting.max_achterstand / 2
    wachten = min(OPNIEUW_NA_FOUT, verversen) if na_fout_wachten else dt.timedelta(0)
    uitkomsten: dict[str, Verzending | None] = {}
    te_sturen: list[tuple[Getuige, GetuigeStaat]] = []
    for getuige in dienst.inrichting.getuigen:
        staat = staten.get(getuige.naam, GetuigeStaat(getuige.naam))
        vers = staat.gelukt_op is not None and moment - staat.gelukt_op < verversen
        if getuige.naam in al and staat.grootte == latest.grootte and vers:
            uitkomsten[getuige.naam] = Verzending(getuige.naam, latest.grootte, True)  # nothing new for it
        elif staat.bezet_tot is not None and staat.bezet_tot > moment:
            uitkomsten[getuige.naam] = None  # another worker is sending to it
        elif staat.fout is not None and staat.laatste_poging is not None and moment - staat.laatste_poging < wachten:
            uitkomsten[getuige.naam] = Verzending(getuige.naam, latest.grootte, False, staat.fout)  # not hammered
        else:
            te_sturen.append((getuige, staat))
    if te_sturen:  # an idle round reads once and starts no thread
        with ThreadPoolExecutor(len(te_sturen), thread_name_prefix="getuige") as pool:
            for getuige, uitkomst in zip(
                (g for g, _ in te_sturen),
                pool.map(lambda paar: _naar(services, dienst.client, paar[0], paar[1], latest, moment), te_sturen),
                strict=True,
            ):
                uitkomsten[getuige.naam] = uitkomst
    ordered = (uitkomsten[g.naam] for g in dienst.inrichting.getuigen)
    return [uitkomst for uitkomst in ordered if uitkomst is not None]


def _naar(
    services: Services,
    client: GetuigenClient,
    getuige: Getuige,
    staat: GetuigeStaat,
    latest: StoredCheckpoint,
    moment: dt.datetime,
) -> Verzending | None:
    """Offer `latest` to one witness that needs it (see `ronde`), under the lease; None when another worker took
    the lease first."""
    with services.uow() as uow:
        taken = uow.getuigen.claim(getuige.naam, moment, moment + LEASE)
        uow.commit()
    if not taken:
        return None
    cosignatuur: Cosignatuur | None = None
    try:
        uitkomst, cosignatuur = _bied_aan(services, client, getuige, latest, min(staat.grootte, latest.grootte))
    except Exception as exc:  # a witness must never take the sender down
        uitkomst = Verzending(getuige.naam, latest.grootte, False, f"unexpected failure ({type(exc).__name__})")
    with services.uow() as uow:  # the outcome, the cosignature and the lease's end in one transaction
        if cosignatuur is not None:
            uow.getuigen.add_cosignatuur(cosignatuur)
        uow.getuigen.bijwerken(
            getuige.naam, poging=moment, grootte=latest.grootte if uitkomst.gecosigneerd else None, fout=uitkomst.fout
        )
        uow.getuigen.vrijgeven(getuige.naam)
        uow.commit()
    _meld(uitkomst)
    return uitkomst


def _bied_aan(
    services: Services, client: GetuigenClient, getuige: Getuige, latest: StoredCheckpoint, old: int
) -> tuple[Verzending, Cosignatuur | None]:
    """Offer `latest` with a proof from `old`; on a 409 naming the witness's size, once more from that size.
    Returns the outcome and, when the witness cosigned, its verified cosignature (for the caller to store)."""
    for _attempt in range(2):
        proof = consistentiebewijs(services, old, latest.grootte).bewijs if old > 0 else []
        try:
            antwoord = client.add_checkpoint(getuige.url, add_checkpoint(old, proof, latest.notitie).body())
        except GetuigeOnbereikbaarError as exc:
            return Verzending(getuige.naam, latest.grootte, False, f"unreachable: {exc}"), None
        if antwoord.status == 200:
            return _cosignatuur(getuige, latest, antwoord.tekst)
        if antwoord.status == 409 and antwoord.media_type == SIZE_MEDIA_TYPE:
            held = _size(antwoord.tekst)
            if held is None:
                return Verzending(getuige.naam, latest.grootte, False, "409 without a valid size"), None
            if held > latest.grootte:
                groter = (
                    f"the witness cosigned a tree of {held} records, larger than this log's latest checkpoint "
                    f"({latest.grootte}): this history is shorter than what the witness saw"
                )
                return Verzending(getuige.naam, latest.grootte, False, groter, alarm=True), None
            old = held
            continue
        return Verzending(getuige.naam, latest.grootte, False, *_weigering(antwoord.status)), None
    return Verzending(getuige.naam, latest.grootte, False, "the witness's size kept changing"), None


def _weigering(status: int) -> tuple[str, bool]:
    """A refusal's reason, and whether it means this log's history disagrees with what the witness holds."""
    if status == 422:
        return "the witness refused the consistency proof: this history forks from what it cosigned", True
    if status == 409:
        return "the witness holds another root at this size: this history forks from what it cosigned", True
    reasons = {
        403: "the witness does not trust this log's checkpoint key",
        404: "the witness does not witness this log (origin unknown)",
        400: "the witness found the request malformed",
    }
    return reasons.get(status, f"the witness answered HTTP {status}"), False


def _cosignatuur(getuige: Getuige, latest: StoredCheckpoint, tekst: str) -> tuple[Verzending, Cosignatuur | None]:
    """The witness's 200 answer, verified: its cosignature of exactly `latest`'s note, or why not."""
    try:
        lines = [line for line in signature_lines(tekst) if line.startswith(f"\u2014 {getuige.naam} ")]
        stamps = cosignatures(latest.notitie + "".join(lines), getuige.verifier)
    except CosignatureError as exc:
        return Verzending(getuige.naam, latest.grootte, False, f"its cosignature does not verify ({exc})"), None
    if not stamps:
        return Verzending(getuige.naam, latest.grootte, False, "its answer holds no cosignature of its key"), None
    return Verzending(getuige.naam, latest.grootte, True), Cosignatuur(
        latest.grootte, getuige.naam, lines[-1], stamps[-1]
    )


def _size(text: str) -> int | None:
    value = text[:-1] if text.endswith("\n") else None
    return int(value) if value is not None and value.isascii() and value.isdigit() and len(value) < 20 else None


def _meld(uitkomst: Verzending) -> None:
    with contextlib.suppress(Exception):
        if uitkomst.alarm:
            log.error("getuige_alarm", getuige=uitkomst.getuige, grootte=uitkomst.grootte, reden=uitkomst.fout)
        elif uitkomst.fout is not None:
            log.warning("getuige_faalt", getuige=uitkomst.getuige, grootte=uitkomst.grootte, reden=uitkomst.fout)


class GetuigenBode:
    """Runs `ronde` every `interval` seconds in a daemon thread of a serving process, until `stop`."""

    def __init__(self, services: Services, interval: float) -> None:
        self._services = services
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="getuigenbode", daemon=True)

    def start(self) -> GetuigenBode:
        self._thread.start()
        return self

    @property
    def loopt(self) -> bool:
        """Whether its thread runs."""
        return self._thread.is_alive()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                ronde(self._services)
            except Exception as exc:  # the log's own problems are reported by its writer and verify
                with contextlib.suppress(Exception):
                    log.warning("getuigenbode_ronde_mislukt", error_type=type(exc).__name__)

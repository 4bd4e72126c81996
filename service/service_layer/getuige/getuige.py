"""The witness's (getuige's) use cases: take a checkpoint submitted by a log, and show the latest one it cosigned.

Invariants:
- Reading the stored state, deciding (`service.audit.getuige.beslis`) and storing the new state happen in one
  ``BEGIN IMMEDIATE`` transaction of the witness's storage, committed before the answer: concurrent requests,
  in threads or processes, are decided one after the other, so the stored size never goes down.
- Signatures are checked before the transaction (`lees_inzending`): an unsigned or unknown request never takes
  the storage lock or writes anything.
- A refusal writes nothing but, when it is evidence of log misbehaviour (`Weigering.bewijs`), the request.
- A failing storage is `NietBeschikbaarError`: nothing was cosigned.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from service.adapters.getuige_store import Bewijs, GecosigneerdCheckpoint, GetuigeOpslagError, GetuigeStore
from service.audit.getuige import Cosignering, beslis, lees_inzending
from service.crypto import CheckpointVerifier, KeyMaterialError
from service.crypto.cosigning import Cosigner
from service.crypto.getuigesleutel import lees_getuigesleutel
from service.domain.errors import NietBeschikbaarError
from service.domain.getuige import Gecosigneerd, Stand, Weigering
from service.service_layer.getuige.inrichting import GetuigeConfig, GetuigeConfigError


@dataclass(frozen=True)
class GetuigeStatus:
    """What a witness publishes about itself: its name, its verifier key (vkey, type 0x04) and the origins of
    the logs it witnesses."""

    naam: str
    vkey: str
    origins: tuple[str, ...]


class Getuige:
    """A running witness: its key, the logs it trusts and its storage (one per process, shared by threads)."""

    def __init__(
        self,
        cosigner: Cosigner,
        logs: Mapping[str, tuple[CheckpointVerifier, ...]],
        opslag: GetuigeStore,
        klok: Callable[[], float] = time.time,
    ) -> None:
        self._cosigner = cosigner
        self._logs = dict(logs)
        self._opslag = opslag
        self._klok = klok

    def status(self) -> GetuigeStatus:
        """The witness's public description."""
        return GetuigeStatus(self._cosigner.name, self._cosigner.verifier.verifier_key, tuple(sorted(self._logs)))

    def voeg_checkpoint_toe(self, body: bytes) -> Gecosigneerd | Weigering:
        """Decide on an `add-checkpoint` request body; store and cosign the checkpoint when it passes.

        Raises:
            NietBeschikbaarError: The storage failed; nothing was cosigned or stored.
        """
        inzending = lees_inzending(body, self._logs)
        if isinstance(inzending, Weigering):
            return inzending
        with _beschikbaar(), self._opslag.schrijvend() as transactie:
            vorige = transactie.laatste(inzending.origin)
            stand = None if vorige is None else Stand(vorige.grootte, vorige.wortel)
            nu = int(self._klok())
            uitkomst = beslis(inzending, stand, self._cosigner, nu)
            if isinstance(uitkomst, Cosignering):
                opgeslagen = GecosigneerdCheckpoint(
                    origin=inzending.origin,
                    grootte=inzending.grootte,
                    wortel=inzending.wortel,
                    notitie=inzending.ondertekend,
                    cosignatuur=uitkomst.regel,
                    tijdstip=nu,
                )
                transactie.bewaar(opgeslagen)
                return Gecosigneerd(uitkomst.regel, uitkomst.stand)
            if uitkomst.bewijs and stand is not None:
                bewijs = Bewijs(
                    origin=inzending.origin,
                    reden=uitkomst.reden.value,
                    oude_grootte=inzending.oude_grootte,
                    bewijs="".join(base64.b64encode(node).decode("ascii") + "\n" for node in inzending.bewijs),
                    notitie=inzending.notitie,
                    opgeslagen_grootte=stand.grootte,
                    opgeslagen_wortel=stand.wortel,
                    tijdstip=nu,
                )
                transactie.bewaar_bewijs(bewijs)
            return uitkomst

    def laatste_checkpoint(self, origin: str) -> str | None:
        """The latest checkpoint cosigned for `origin` as a complete signed note (the log's note text, a blank
        line, the log's signature lines, the witness's cosignature line); None for an unknown origin or when
        nothing was cosigned yet.

        Raises:
            NietBeschikbaarError: The storage failed.
        """
        if origin not in self._logs:
            return None
        with _beschikbaar():
            gevonden = self._opslag.laatste(origin)
        return None if gevonden is None else gevonden.notitie + gevonden.cosignatuur

    def bewijzen(self, origin: str) -> list[Bewijs]:
        """The refused checkpoints of `origin` kept as evidence, oldest first.

        Raises:
            NietBeschikbaarError: The storage failed.
        """
        with _beschikbaar():
            return self._opslag.bewijzen(origin)

    def sluit(self) -> None:
        """Close the storage."""
        self._opslag.sluit()


@contextmanager
def _beschikbaar() -> Iterator[None]:
    """A failing storage is `NietBeschikbaarError` to the entry points."""
    try:
        yield
    except GetuigeOpslagError as exc:
        raise NietBeschikbaarError(str(exc)) from None


def open_getuige(config: GetuigeConfig, klok: Callable[[], float] = time.time) -> Getuige:
    """The witness of `config`: its key read, its storage opened (tables created when missing).

    Raises:
        GetuigeConfigError: The key file or the storage cannot be used (the message names the file).
    """
    try:
        cosigner = lees_getuigesleutel(config.sleutelbestand)
    except KeyMaterialError as exc:
        raise GetuigeConfigError(f"sleutelbestand: {exc}") from None
    try:
        opslag = GetuigeStore(config.opslag)
    except GetuigeOpslagError as exc:
        raise GetuigeConfigError(f"opslag: {exc}") from None
    return Getuige(cosigner, config.logs, opslag, klok)

"""What partners may hold that a restored log lacks: the gap to the latest checkpoint the journal kept, and
whether one receipt (ontvangstbewijs) is in the log, newer than it, or contradicts it.

Invariants:
- Only reads. The kept checkpoint counts only when its signature verifies with the log's own checkpoint key and
  origin; one that does not is reported as such, never used.
- A receipt is judged against a log of a given size (after a restore: the size of the restored log, before the
  re-applied destructions were appended at the indexes the lost records had).
- The gap's sentence (`Kloof.zin`) and a receipt's explanation (`Bewijsoordeel.uitleg`) are written for the
  operator at the command line (`deelpoort restore`, `audit ontvangstbewijs`) and are Dutch here, their one place
  (a checkpoint's own error quoted inside them is `service.audit`'s technical reason, never a secret).
"""

from __future__ import annotations

import base64
import binascii
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from service.audit.checkpoint import CheckpointError, open_checkpoint
from service.service_layer.logboek.controle import verifier
from service.service_layer.services import Services


@dataclass(frozen=True, slots=True)
class Kloof:
    """The restored log's size against the latest checkpoint the journal kept (None: none kept)."""

    hersteld: int
    bewaard: int | None
    probleem: str | None = None  # why the kept checkpoint was not used

    @property
    def ontbrekend(self) -> int:
        return max(0, (self.bewaard or 0) - self.hersteld)

    def zin(self) -> str:
        if self.probleem is not None:
            return f"het bewaarde checkpoint is niet gebruikt: {self.probleem}"
        if self.bewaard is None:
            return "er is geen checkpoint naast het journaal bewaard: de kloof met het verloren logboek is onbekend"
        if not self.ontbrekend:
            return (
                f"geen kloof: het teruggezette logboek ({self.hersteld} records) dekt het laatste bewaarde checkpoint"
            )
        return (
            f"{self.ontbrekend} records waarvan partners ontvangstbewijzen kunnen hebben, staan niet in deze back-up: "
            f"indexen {self.hersteld}..{self.bewaard - 1 if self.bewaard is not None else self.hersteld}"
        )


def kloof(services: Services, hersteld: int) -> Kloof:
    """The gap between a log of `hersteld` records and the latest checkpoint kept beside the journal."""
    if services.journaal is None:
        return Kloof(hersteld, None, "er is geen vernietigingsjournaal ingesteld (DEELPOORT_VERNIETIGINGSJOURNAAL)")
    data = services.journaal.bestand.lees_checkpoint()
    if data is None:
        return Kloof(hersteld, None)
    try:
        checkpoint = open_checkpoint(str(data.get("notitie", "")), verifier(services), services.log.beleid.origin)
    except CheckpointError as exc:
        return Kloof(hersteld, None, f"de handtekening klopt niet ({exc})")
    return Kloof(hersteld, checkpoint.size)


class Oordeel(enum.StrEnum):
    IN_LOG = "in-log"  # the record is in the log as the receipt says
    NIEUWER = "nieuwer"  # the receipt is newer than the log: its record (or checkpoint) is not in it
    AFWIJKEND = "afwijkend"  # the log holds something else at that place: the log was rolled back and forked
    ONGELDIG = "ongeldig"  # not a receipt, or its checkpoint's signature does not verify


@dataclass(frozen=True, slots=True)
class Bewijsoordeel:
    oordeel: Oordeel
    uitleg: str
    log_index: int | None = None


def beoordeel_bewijs(services: Services, bewijs: Mapping[str, Any], grootte: int | None = None) -> Bewijsoordeel:
    """Judge a receipt as the API returned it (the `ontvangstbewijs` object, or a whole response holding one)
    against the log, or the log's first `grootte` records."""
    bewijs = bewijs.get("ontvangstbewijs", bewijs)
    index = bewijs.get("logIndex") if isinstance(bewijs, Mapping) else None
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        return Bewijsoordeel(Oordeel.ONGELDIG, "geen ontvangstbewijs: er is geen logIndex")
    blad = bewijs.get("bladHash")
    notitie = bewijs.get("checkpoint")
    checkpoint = None
    if isinstance(notitie, str):
        try:
            checkpoint = open_checkpoint(notitie, verifier(services), services.log.beleid.origin)
        except CheckpointError as exc:
            return Bewijsoordeel(Oordeel.ONGELDIG, f"het checkpoint erin klopt niet ({exc})", index)
    with services.uow() as uow:
        grootte = uow.log.size() if grootte is None else grootte
        if index >= grootte or (checkpoint is not None and checkpoint.size > grootte):
            tot = max(index + 1, checkpoint.size if checkpoint is not None else 0)
            return Bewijsoordeel(
                Oordeel.NIEUWER,
                f"het ontvangstbewijs (record {index}, grootte {tot}) is nieuwer dan het logboek ({grootte} records): "
                "het record staat er niet in",
                index,
            )
        basis = uow.log.proof_basis(index, checkpoint.size if checkpoint is not None else None)
    if isinstance(blad, str) and basis.leaf is not None and _b64(blad) != basis.leaf[0]:
        return Bewijsoordeel(Oordeel.AFWIJKEND, f"het logboek heeft een ander record op index {index}", index)
    if checkpoint is not None and basis.exact is not None and basis.exact.wortel != checkpoint.root:
        return Bewijsoordeel(
            Oordeel.AFWIJKEND,
            f"het checkpoint van grootte {checkpoint.size} in het logboek heeft een andere wortel (een splitsing)",
            index,
        )
    return Bewijsoordeel(Oordeel.IN_LOG, f"record {index} staat in het logboek zoals het ontvangstbewijs zegt", index)


def _b64(tekst: str) -> bytes | None:
    try:
        return base64.b64decode(tekst, validate=True)
    except (binascii.Error, ValueError):
        return None

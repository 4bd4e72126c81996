"""`deelpoort backup --uitvoer DIR`: a consistent copy of the database and its manifest.

Invariants:
- The copy is one consistent moment of a running service (`adapters.reservekopie`), and the manifest's schema
  revision, log size and latest checkpoint are read from that same moment; the manifest also names the database
  kind, the file and its SHA-256, so a restore can refuse a damaged or foreign copy.
- No key material is in a backup: the keys (the KEKs that unwrap the data keys, the checkpoint key, the blind
  index keys) are backed up apart. A backup without its keys is unreadable by design, and a casus destroyed
  before the backup stays destroyed in it (its wrapped data key is not in it).
- A backup is refused while a restore is in progress (the mark "herstel bezig") and into a directory that is not
  empty. Before copying, the journal is brought up to date with the log (`journaal.bij`); a journal that is not
  intact or cannot be written does not stop the backup (a backup is worth having all the same): the manifest
  and the command say so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from service.adapters import reservekopie
from service.adapters.log_store import StoredCheckpoint
from service.domain.casus import utcnow
from service.domain.errors import ConflictError, DeelpoortError, OngeldigeInvoerError
from service.domain.verstrekking import record_tijd
from service.service_layer.herstel import journaal
from service.service_layer.services import Services

MANIFEST = "manifest.json"
FORMAAT = 1
SLEUTELS = (
    "not in this backup: the key material (DEELPOORT_KEYS_FILE or DEELPOORT_KEYS_JSON) is backed up apart; "
    "without it this backup is unreadable by design"
)


class BackupError(DeelpoortError):
    """A backup or restore could not be made; the message says why."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """What `manifest.json` says about a backup."""

    formaat: int
    tijd: str  # when the copy was made (UTC, ISO 8601)
    database: str  # sqlite or postgresql
    schema_revisie: str | None
    log_grootte: int
    checkpoint: dict[str, Any] | None  # the latest signed checkpoint in the copy: grootte, wortel (hex), tijd
    bestand: str  # the copy's file name in the backup directory
    sha256: str
    sleutels: str = SLEUTELS
    journaal: str = ""  # the destruction journal's state when the backup was made (a problem is said, not hidden)

    def als_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True) + "\n"


def _checkpoint(checkpoint: StoredCheckpoint | None) -> dict[str, Any] | None:
    if checkpoint is None:
        return None
    return {"grootte": checkpoint.grootte, "wortel": checkpoint.wortel.hex(), "tijd": record_tijd(checkpoint.tijd)}


def sha256(pad: Path) -> str:
    digest = hashlib.sha256()
    with open(pad, "rb") as bestand:
        for blok in iter(lambda: bestand.read(1 << 20), b""):
            digest.update(blok)
    return digest.hexdigest()


def maak_backup(services: Services, uitvoer: Path, *, now: dt.datetime | None = None) -> Manifest:
    """Copy the database into the new or empty directory `uitvoer` and write its manifest.

    Raises:
        ConflictError: a restore is in progress.
        OngeldigeInvoerError: `uitvoer` is a file or a directory that is not empty.
        BackupError: the copy could not be made.
    """
    if services.herstel_bezig():
        raise ConflictError("a restore is in progress (herstel bezig): finish it before making a backup")
    if uitvoer.exists() and (not uitvoer.is_dir() or any(uitvoer.iterdir())):
        raise OngeldigeInvoerError([("uitvoer", "must be a new or empty directory")])
    staat = _journaal_bij(services)
    tijd = record_tijd(now or utcnow())
    uitvoer.mkdir(parents=True, exist_ok=True)
    try:
        bestand, moment = reservekopie.maak(services.engine, uitvoer)
    except reservekopie.ReservekopieError as exc:
        raise BackupError(str(exc)) from None
    manifest = Manifest(
        formaat=FORMAAT,
        tijd=tijd,
        database=reservekopie.soort(services.engine),
        schema_revisie=moment.schema_revisie,
        log_grootte=moment.log_grootte,
        checkpoint=_checkpoint(moment.checkpoint),
        bestand=bestand.name,
        sha256=sha256(bestand),
        journaal=staat,
    )
    tijdelijk = uitvoer / (MANIFEST + ".nieuw")
    with open(tijdelijk, "w", encoding="utf-8") as uit:
        uit.write(manifest.als_json())
        uit.flush()
        os.fsync(uit.fileno())
    os.replace(tijdelijk, uitvoer / MANIFEST)
    return manifest


def _journaal_bij(services: Services) -> str:
    """Bring the journal up to date with the log; its state in words for the manifest."""
    if services.journaal is None:
        return "not set up (DEELPOORT_VERNIETIGINGSJOURNAAL)"
    try:
        geschreven = journaal.bij(services)
        regels = len(services.journaal.require_intact().vernietigingen)
    except (journaal.JournaalBeschadigdError, OSError) as exc:
        return f"NOT USABLE: {exc}"
    return f"intact, {regels} line(s)" + (f", {geschreven} written from the log now" if geschreven else "")


def lees_manifest(map_: Path) -> Manifest:
    """The manifest of the backup in `map_`, its copy checked against its SHA-256.

    Raises:
        BackupError: no manifest, a malformed one, or a copy that is missing or does not match it.
    """
    try:
        data = json.loads((map_ / MANIFEST).read_text(encoding="utf-8"))
        manifest = Manifest(**data)
    except FileNotFoundError:
        raise BackupError(f"{map_} holds no {MANIFEST}: not a Deelpoort backup") from None
    except (ValueError, TypeError):
        raise BackupError(f"{map_ / MANIFEST} is not a Deelpoort backup manifest") from None
    if manifest.formaat != FORMAAT:
        raise BackupError(f"unknown backup formaat {manifest.formaat!r}")
    bestand = map_ / Path(manifest.bestand).name
    if not bestand.is_file():
        raise BackupError(f"the backup's file {bestand.name} is missing")
    if sha256(bestand) != manifest.sha256:
        raise BackupError(f"the backup's file {bestand.name} does not match its SHA-256 in the manifest (damaged)")
    return manifest

"""`deelpoort restore DIR`: put a backup back, re-apply every destruction made since, verify, and only then open.

The steps, in order (docs/backup.md):
1. Check before touching anything: the manifest and the copy's SHA-256, the database kind, the schema revision
   (the backup's must be this version's), the destruction journal's chain (a broken one is refused), and the
   target: empty, marked "herstel bezig" by an unfinished restore, or replaced on purpose (`vervang`).
2. Put the copy back, marked "herstel bezig" (`adapters.reservekopie.zet_terug`): the service refuses to start
   from here until step 6 (`create_app`, `/v1/status`).
3. Re-apply every destruction: each one the restored log records whose casus still has its key, then each one
   in the journal, then what the bewaartermijn makes due now (`retention_run`). Each is the same shredding
   (`casus.bewaring.shred_and_forget`) and is logged as what it is: a new `vernietiging` record with reden
   `herstel` naming the record it re-applies (`herhaalt`), in the same transaction.
4. Report the gap: the latest checkpoint kept beside the journal against the restored log's size, and each
   receipt handed in (`kloof`).
5. Verify the log and its lookup tables as `audit verify` does, and store the outcome.
6. Clear the mark. A crash or refusal anywhere before this leaves the mark set; running the restore again
   redoes every step (each is idempotent).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from service.adapters import herstelmarkering, reservekopie
from service.adapters.migrate import head_revision
from service.domain.casus import new_id, utcnow
from service.domain.errors import DeelpoortError
from service.domain.verantwoording import Integriteitscontrole
from service.domain.verstrekking import Vernietiging, Vernietigingsreden
from service.service_layer.casus.bewaring import retention_run, shred_and_forget
from service.service_layer.herstel import journaal
from service.service_layer.herstel.backup import Manifest, lees_manifest
from service.service_layer.herstel.kloof import Bewijsoordeel, Kloof, beoordeel_bewijs, kloof
from service.service_layer.logboek import integriteit
from service.service_layer.services import Services


class HerstelError(DeelpoortError):
    """The restore is refused or did not finish; the message says why and whether the mark is still set."""


@dataclass(slots=True)
class Herstelverslag:
    """What a restore did and found (ids, counts and indexes only)."""

    manifest: Manifest
    uit_log: list[str] = field(default_factory=list)  # re-destroyed: the restored log records their destruction
    uit_journaal: list[str] = field(default_factory=list)  # re-destroyed: the journal records their destruction
    niet_in_backup: int = 0  # journal destructions of casussen the backup does not hold (made after it)
    bewaartermijn: list[str] = field(default_factory=list)  # destroyed now: their bewaartermijn has ended
    journaalregels: int | None = None  # None: no journal set up
    journaal_afgebroken: bool = False
    kloof: Kloof | None = None
    bewijzen: list[tuple[str, Bewijsoordeel]] = field(default_factory=list)
    controle: Integriteitscontrole | None = None


def herstel(
    services: Services,
    map_: Path,
    *,
    vervang: bool = False,
    ontvangstbewijzen: Sequence[Path] = (),
    now: dt.datetime | None = None,
) -> Herstelverslag:
    """Restore the backup in `map_` into the configured database (see the module docstring for the steps).

    Raises:
        BackupError: the backup is missing, malformed or damaged (nothing was changed).
        JournaalBeschadigdError: the destruction journal's chain is broken (nothing was changed).
        HerstelError: the backup does not fit this database or version, the target is not empty without
            `vervang` (nothing was changed); or copying it back or verifying failed (the mark stays set).
    """
    now = now or utcnow()
    manifest = lees_manifest(map_)
    verslag = Herstelverslag(manifest)
    leeg = _controleer_vooraf(services, manifest, vervang)
    bekend = services.journaal.require_intact() if services.journaal is not None else None
    bewijzen = [(pad, _lees_bewijs(pad)) for pad in ontvangstbewijzen]
    try:
        reservekopie.zet_terug(
            services.engine, map_ / manifest.bestand, backup_tijd=manifest.tijd, nu=now, vervang=not leeg
        )
    except reservekopie.ReservekopieError as exc:
        raise HerstelError(f"{exc} (the database is marked herstel bezig: run the restore again)") from None
    verslag.uit_log = _pas_log_opnieuw_toe(services, now)
    if bekend is not None:
        verslag.journaalregels = len(bekend.vernietigingen)
        verslag.journaal_afgebroken = bekend.afgebroken
        for vernietiging in bekend.vernietigingen:
            herhaalt = vernietiging.herhaalt if vernietiging.herhaalt is not None else vernietiging.log_index
            uitkomst = _pas_toe(services, vernietiging.casus, herhaalt, now)
            if uitkomst is None:
                verslag.niet_in_backup += 1
            elif uitkomst:
                verslag.uit_journaal.append(vernietiging.casus)
    verslag.bewaartermijn = retention_run(services, now=now)
    verslag.kloof = kloof(services, manifest.log_grootte)
    verslag.bewijzen = [(str(pad), beoordeel_bewijs(services, data, manifest.log_grootte)) for pad, data in bewijzen]
    verslag.controle = integriteit.controleer(services, "cli")
    integriteit.bewaar(services, verslag.controle)
    if not verslag.controle.intact:
        eerste = "; ".join([*verslag.controle.problemen, *verslag.controle.tabellen_problemen][:3])
        raise HerstelError(f"the restored log does not verify ({eerste}); the database stays marked herstel bezig")
    _vervang_bewaard_checkpoint(services, now)
    herstelmarkering.wis(services.engine)
    return verslag


def _controleer_vooraf(services: Services, manifest: Manifest, vervang: bool) -> bool:
    """Refuse what does not fit (module docstring, step 1); returns whether the target is empty."""
    soort = reservekopie.soort(services.engine)
    if manifest.database != soort:
        raise HerstelError(f"the backup is of a {manifest.database} database; the configured one is {soort}")
    if manifest.schema_revisie != head_revision():
        raise HerstelError(
            f"the backup has schema revision {manifest.schema_revisie}, this version of Deelpoort "
            f"{head_revision()}: restore it with the version that made it, then upgrade"
        )
    leeg = reservekopie.leeg(services.engine)
    if not (vervang or leeg or services.herstel_bezig()):
        raise HerstelError("the configured database is not empty: give --vervang to replace its contents")
    return leeg


def _lees_bewijs(pad: Path) -> dict[str, object]:
    try:
        data = json.loads(pad.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise HerstelError(f"the receipt {pad} cannot be read as JSON ({type(exc).__name__})") from None
    if not isinstance(data, dict):
        raise HerstelError(f"the receipt {pad} is not a JSON object")
    return data


def _pas_log_opnieuw_toe(services: Services, now: dt.datetime) -> list[str]:
    """Re-apply each destruction the restored log records whose casus still has its key."""
    with services.uow() as uow:
        vernietigingen = uow.log.vernietigingen()
    return [casus for index, casus in vernietigingen if _pas_toe(services, casus, index, now)]


def _pas_toe(services: Services, casus_id: str, herhaalt: int | None, now: dt.datetime) -> bool | None:
    """Destroy `casus_id` again if its key exists, logged as a re-application of record `herhaalt`; returns
    whether it did (None: the restored database holds no such casus)."""
    with services.uow() as uow:
        size = uow.log.lock_head()
        casus = uow.casussen.get(casus_id)
        if casus is None:
            return None
        if uow.casussen.is_destroyed(casus_id):
            return False
        vergeten = shred_and_forget(uow, casus_id, now)
        reden = Vernietigingsreden.HERSTEL.value
        record = Vernietiging(new_id(), now, casus_id, casus.casustype.value, reden, vergeten, herhaalt=herhaalt)
        services.log.append_in(uow.log, size, [record])
        uow.commit()
    journaal.noteer(services, record, size, herhaalt)
    return True


def _vervang_bewaard_checkpoint(services: Services, now: dt.datetime) -> None:
    """Keep a copy of the checkpoint kept beside the journal (the lost log's), then keep the restored log's."""
    laatste = services.log.checkpoint_now()
    if services.journaal is None or laatste is None:
        return
    services.journaal.bestand.bewaar_kopie_checkpoint(f"voor-herstel-{now.strftime('%Y%m%dT%H%M%SZ')}")
    services.journaal.checkpoint(laatste, vervang=True)

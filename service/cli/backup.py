"""`deelpoort backup --uitvoer DIR` and `deelpoort restore DIR [--vervang] [--ontvangstbewijs FILE ...]`
(docs/backup.md).

Invariants:
- `backup` writes a consistent copy of the configured database and its manifest into a new or empty directory;
  never key material.
- `restore` refuses (exit 1, nothing changed) a damaged backup, one of another database kind or schema revision,
  a destruction journal whose chain is broken, and a non-empty database without `--vervang`. Once it has begun
  copying, the database is marked "herstel bezig" and the service refuses to start until the restore has
  re-applied every destruction and the log verifies; a failure after that point exits 1 with the mark still set.
"""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.common import clear_errors, services_for, settings, weiger
from service.domain.errors import DeelpoortError


@click.command("backup")
@click.option(
    "--uitvoer",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="a new or empty directory for the copy and its manifest.json",
)
@clear_errors
def backup(uitvoer: Path) -> None:
    """Copy the database (consistent while the service runs) with a manifest; key material is not included."""
    from service.service_layer.herstel.backup import maak_backup

    with services_for(settings()) as services:
        try:
            manifest = maak_backup(services, uitvoer)
        except DeelpoortError as exc:
            weiger(str(exc))
    checkpoint = manifest.checkpoint
    click.echo(
        f"backup written to {uitvoer}/{manifest.bestand} ({manifest.database}, schema {manifest.schema_revisie}, "
        f"log {manifest.log_grootte} records, latest checkpoint "
        f"{checkpoint['grootte'] if checkpoint is not None else 'none'}; sha256 {manifest.sha256})"
    )
    click.echo("key material is not in the backup: back it up apart (without it the copy is unreadable)")
    click.echo(f"destruction journal: {manifest.journaal}", err=manifest.journaal.startswith("NOT"))


@click.command("restore")
@click.argument("map_", metavar="DIR", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--vervang", is_flag=True, help="replace the contents of a database that is not empty")
@click.option(
    "--ontvangstbewijs",
    "bewijzen",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a receipt a partner holds (JSON, as the API returned it): report whether the restored log holds it",
)
@clear_errors
def restore(map_: Path, vervang: bool, bewijzen: tuple[Path, ...]) -> None:
    """Restore a backup, re-apply every destruction since it (from the journal and the restored log), verify
    the log, and only then let the service start again."""
    from service.service_layer.herstel.herstel import herstel

    with services_for(settings()) as services:
        try:
            verslag = herstel(services, map_, vervang=vervang, ontvangstbewijzen=bewijzen)
        except DeelpoortError as exc:
            weiger(str(exc))
    m = verslag.manifest
    click.echo(f"restored: the backup of {m.tijd} ({m.database}, schema {m.schema_revisie}, log {m.log_grootte})")
    if verslag.journaalregels is None:
        click.echo("no destruction journal is set up: only the restored log's destructions were re-applied")
    else:
        click.echo(
            f"destruction journal: {verslag.journaalregels} line(s) read, chain intact"
            + (" (an incomplete last line from a crash was ignored)" if verslag.journaal_afgebroken else "")
        )
    click.echo(
        f"re-applied: {len(verslag.uit_log)} destruction(s) the restored log records, "
        f"{len(verslag.uit_journaal)} from the journal ({verslag.niet_in_backup} of casussen not in the backup), "
        f"{len(verslag.bewaartermijn)} whose bewaartermijn has ended"
    )
    if verslag.kloof is not None:
        click.echo(verslag.kloof.zin())
    for pad, oordeel in verslag.bewijzen:
        click.echo(f"ontvangstbewijs {pad}: {oordeel.oordeel.value}: {oordeel.uitleg}")
    if verslag.controle is not None:
        click.echo(
            f"OK: {verslag.controle.grootte} records, {verslag.controle.checkpoints} checkpoints and the lookup "
            f"tables verified (integriteitscontrole {verslag.controle.id})"
        )
    click.echo("herstel voltooid: the service may start again")

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
from service.meldingen.opdrachten import fout, journaalstaat


@click.command("backup")
@click.option(
    "--uitvoer",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="een nieuwe of lege map voor de kopie en haar manifest.json",
)
@clear_errors
def backup(uitvoer: Path) -> None:
    """Kopieer de database (consistent terwijl de dienst draait) met een manifest; het sleutelmateriaal zit er niet
    in."""
    from service.service_layer.herstel.backup import maak_backup

    with services_for(settings()) as services:
        try:
            manifest = maak_backup(services, uitvoer)
        except DeelpoortError as exc:
            weiger(fout(exc))
    checkpoint = manifest.checkpoint
    click.echo(
        f"back-up geschreven naar {uitvoer}/{manifest.bestand} ({manifest.database}, schema "
        f"{manifest.schema_revisie}, logboek {manifest.log_grootte} records, laatste checkpoint "
        f"{checkpoint['grootte'] if checkpoint is not None else 'geen'}; sha256 {manifest.sha256})"
    )
    click.echo(
        "het sleutelmateriaal zit niet in de back-up: maak er apart een back-up van (zonder is de kopie onleesbaar)"
    )
    # The manifest keeps the journal's state as data (in English); an unusable journal's starts with "NOT".
    bruikbaar = not manifest.journaal.startswith("NOT")
    click.echo(f"vernietigingsjournaal: {journaalstaat(manifest.journaal)}", err=not bruikbaar)


@click.command("restore")
@click.argument("map_", metavar="MAP", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--vervang", is_flag=True, help="vervang de inhoud van een database die niet leeg is")
@click.option(
    "--ontvangstbewijs",
    "bewijzen",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="een ontvangstbewijs dat een partner bewaart (JSON, zoals de API het gaf): meld of het teruggezette logboek "
    "het bevat",
)
@clear_errors
def restore(map_: Path, vervang: bool, bewijzen: tuple[Path, ...]) -> None:
    """Zet een back-up terug, voer elke vernietiging sindsdien opnieuw uit (uit het journaal en het teruggezette
    logboek), controleer het logboek, en laat pas dan de dienst weer starten."""
    from service.service_layer.herstel.herstel import herstel

    with services_for(settings()) as services:
        try:
            verslag = herstel(services, map_, vervang=vervang, ontvangstbewijzen=bewijzen)
        except DeelpoortError as exc:
            weiger(fout(exc))
    m = verslag.manifest
    click.echo(
        f"teruggezet: de back-up van {m.tijd} ({m.database}, schema {m.schema_revisie}, "
        f"logboek {m.log_grootte} records)"
    )
    if verslag.journaalregels is None:
        click.echo(
            "er is geen vernietigingsjournaal ingesteld: alleen de vernietigingen uit het teruggezette logboek zijn "
            "opnieuw uitgevoerd"
        )
    else:
        click.echo(
            f"vernietigingsjournaal: {verslag.journaalregels} regel(s) gelezen, keten intact"
            + (" (een onvolledige laatste regel van een crash is genegeerd)" if verslag.journaal_afgebroken else "")
        )
    click.echo(
        f"opnieuw uitgevoerd: {len(verslag.uit_log)} vernietiging(en) uit het teruggezette logboek, "
        f"{len(verslag.uit_journaal)} uit het journaal ({verslag.niet_in_backup} van casussen die niet in de back-up "
        f"staan), {len(verslag.bewaartermijn)} waarvan de bewaartermijn verstreken is"
    )
    if verslag.kloof is not None:
        click.echo(verslag.kloof.zin())
    for pad, oordeel in verslag.bewijzen:
        click.echo(f"ontvangstbewijs {pad}: {oordeel.oordeel.value}: {oordeel.uitleg}")
    if verslag.controle is not None:
        click.echo(
            f"OK: {verslag.controle.grootte} records, {verslag.controle.checkpoints} checkpoints en de opzoektabellen "
            f"gecontroleerd (integriteitscontrole {verslag.controle.id})"
        )
    click.echo("herstel voltooid: de dienst mag weer starten")

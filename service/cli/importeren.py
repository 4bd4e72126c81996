"""`deelpoort import FILE --token-bestand F [--dry-run]`: a ZVH's history from a JSON Lines file (docs/import.md).

Invariants:
- The operator is the beheerder whose bearer token `--token-bestand` holds (a file: the token is in neither the
  shell history nor the process list); the log names that gebruiker.
- All or nothing: a file with any refused line changes nothing; the command then lists every refusal (line,
  place, rule; never a value) and ends with exit status 1. `--dry-run` judges every line and changes nothing,
  also when all lines are sound.
- Standard output holds the result only (never a value from the file): counts, line numbers, casus ids and the
  file's SHA-256. The progress bar goes to standard error, on a terminal only.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from service.cli.common import als_beheerder, clear_errors, voortgang
from service.meldingen.opdrachten import importreden

if TYPE_CHECKING:
    from service.service_layer.importeren.importeren import Importverslag


@click.command("import")
@click.argument("bestand", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--token-bestand",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="bestand met het bearer-token van de beheerder die importeert (genoemd in het logboek)",
)
@click.option("--dry-run", "droog", is_flag=True, help="beoordeel elke regel en meld de uitkomst; verander niets")
@clear_errors
def importeer(bestand: Path, token_bestand: Path, droog: bool) -> None:
    """Importeer de casussen van BESTAND (JSON Lines, docs/import.md) alsof ze toen waren ingevoerd: alles of
    niets."""
    from service.service_layer.importeren import importeren

    data = bestand.read_bytes()
    stappen_per_regel = 1 if droog else 2  # judged, then stored
    with als_beheerder(token_bestand) as (services, door):
        assert door is not None  # noqa: S101 - a token file was given
        lengte = len(importeren.regels_in(data)) * stappen_per_regel
        with voortgang(lengte, "importeren") as stappen:
            verslag = importeren.importeer(services, door, data, droog=droog, voortgang=stappen)
    _toon(verslag)
    if verslag.weigeringen:
        sys.exit(1)


def _toon(verslag: Importverslag) -> None:
    click.echo(f"bestand sha256:{verslag.sha256}, {verslag.regels} regel(s) met een casus")
    if verslag.weigeringen:
        click.echo(f"geweigerd: niets geïmporteerd; {len(verslag.weigeringen)} weigering(en):")
        for w in verslag.weigeringen:
            click.echo(f"  regel {w.regel}  {w.plaats or '(de regel)'}  {importreden(w.reden)}")
        return
    overgeslagen = f"{len(verslag.overgeslagen)} overgeslagen (eerder geïmporteerd, ongewijzigd)"
    if verslag.droog:
        click.echo(f"droog: niets veranderd; een import zou {len(verslag.nieuw)} casus(sen) opslaan, {overgeslagen}")
        return
    if not verslag.opgeslagen:
        click.echo(f"niets te importeren: {overgeslagen}")
        return
    click.echo(f"{len(verslag.nieuw)} casus(sen) geïmporteerd (importrun {verslag.run}), {overgeslagen}")
    for regel, casus in sorted(verslag.casussen.items()):
        click.echo(f"  regel {regel}  casus {casus}")

"""`deelpoort convenant`: checking the convenant files and exporting the version in force."""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.common import clear_errors, export, settings


@click.group()
def convenant() -> None:
    """Het convenantregister (convenants/*.yaml)."""


@convenant.command("check")
@click.argument("directory", metavar="[MAP]", required=False, type=click.Path(file_okay=False, exists=True))
@clear_errors
def convenant_check(directory: str | None) -> None:
    """Controleer de convenantbestanden en toon wat ze bevatten."""
    from service.service_layer.register.bestanden import lees

    loaded = lees(Path(directory) if directory else settings().convenanten_dir)
    for doc in loaded.documenten:
        click.echo(f"{doc.id} {doc.versie} ({doc.casustype.value})")
    counts = {
        "partners": len(loaded.partners),
        "rollen": len(loaded.rollen),
        "doelen": len(loaded.doelen),
        "grondslagen": len(loaded.grondslagen),
        "velden": len(loaded.velden),
        "verwerkingsactiviteiten": len(loaded.verwerkingsactiviteiten),
    }
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


@convenant.command("export")
@click.argument("directory", metavar="[MAP]", required=False, type=click.Path(file_okay=False))
@clear_errors
def convenant_export(directory: str | None) -> None:
    """Schrijf de convenantversie die in werking is uit de database naar MAP (standaard convenants/), met de
    teksten precies zoals goedgekeurd, zodat de repository de goedgekeurde stand bevat; andere *.yaml-bestanden
    daar worden verwijderd."""
    from service.domain.errors import NietBeschikbaarError
    from service.service_layer.register import versies as convenantversies

    current = settings()
    export(
        current,
        Path(directory) if directory else current.convenanten_dir,
        convenantversies.exporteer,
        NietBeschikbaarError,
        ("convenantversie", "", "de versie die in werking is"),
    )

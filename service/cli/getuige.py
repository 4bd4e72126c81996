"""`deelpoort getuige sleutel|vkey|serve`: run a witness (getuige) of a Deelpoort log (`docs/getuige.md`)."""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.common import clear_errors, fail


@click.group()
def getuige() -> None:
    """Een getuige die de checkpoints van een Deelpoort-logboek medeondertekent (C2SP tlog-witness)."""


@getuige.command("sleutel")
@click.option("--naam", required=True, help="de sleutelnaam van de getuige, een URL zonder schema (getuige.example/w1)")
@click.option("--bestand", required=True, type=click.Path(dir_okay=False, path_type=Path), help="nieuw sleutelbestand")
@clear_errors
def getuige_sleutel(naam: str, bestand: Path) -> None:
    """Maak de Ed25519-sleutel van de getuige in een nieuw bestand (mode 0600) en toon zijn vkey."""
    from service.service_layer.getuige import nieuwe_sleutel

    try:
        vkey = nieuwe_sleutel(naam, bestand)
    except FileExistsError:
        fail(f"{bestand} bestaat al: een getuigesleutel wordt nooit overschreven")
    click.echo(vkey)
    click.echo(f"getuigesleutel geschreven naar {bestand} (mode 0600): houd hem geheim en maak een back-up", err=True)


@getuige.command("vkey")
@click.option("--bestand", required=True, type=click.Path(dir_okay=False, path_type=Path), help="het sleutelbestand")
@clear_errors
def getuige_vkey(bestand: Path) -> None:
    """Toon de verificatiesleutel (vkey) van het sleutelbestand van een getuige."""
    from service.service_layer.getuige import vkey_van

    click.echo(vkey_van(bestand))


@getuige.command("serve")
@click.option(
    "--config",
    "config_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="de configuratie van de getuige (TOML, docs/getuige.md)",
)
@click.option("--bind", default="127.0.0.1:7380", show_default=True, help="host:poort om op te luisteren")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="aantal gunicorn-workers")
@clear_errors
def getuige_serve(config_path: Path, bind: str, workers: int) -> None:
    """Draai de getuige met gunicorn: POST /add-checkpoint, GET /checkpoint?origin=..., GET /status."""
    from service.gunicorn_app import run_getuige
    from service.service_layer.getuige import lees_configuratie, open_getuige

    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        fail(f"--bind {bind!r}: verwacht host:poort")
    config = lees_configuratie(config_path)
    witness = open_getuige(config)  # the key and the storage are checked (and the tables made) before serving
    status = witness.status()
    witness.sluit()
    click.echo(f"getuige {status.naam} luistert op http://{bind} voor {', '.join(status.origins)}")
    click.echo(f"vkey: {status.vkey}")
    run_getuige(config, bind=bind, workers=workers)

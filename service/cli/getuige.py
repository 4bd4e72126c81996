"""`deelpoort getuige sleutel|vkey|serve`: run a witness (getuige) of a Deelpoort log (`docs/getuige.md`)."""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.common import clear_errors, fail


@click.group()
def getuige() -> None:
    """A witness that cosigns a Deelpoort log's checkpoints (C2SP tlog-witness)."""


@getuige.command("sleutel")
@click.option("--naam", required=True, help="the witness's key name, a schema-less URL (getuige.example/w1)")
@click.option("--bestand", required=True, type=click.Path(dir_okay=False, path_type=Path), help="new key file")
@clear_errors
def getuige_sleutel(naam: str, bestand: Path) -> None:
    """Generate the witness's Ed25519 key into a new file (mode 0600) and print its vkey."""
    from service.service_layer.getuige import nieuwe_sleutel

    try:
        vkey = nieuwe_sleutel(naam, bestand)
    except FileExistsError:
        fail(f"{bestand} exists: a witness key is never overwritten")
    click.echo(vkey)
    click.echo(f"witness key written to {bestand} (mode 0600): keep it secret, back it up", err=True)


@getuige.command("vkey")
@click.option("--bestand", required=True, type=click.Path(dir_okay=False, path_type=Path), help="the key file")
@clear_errors
def getuige_vkey(bestand: Path) -> None:
    """Print the verifier key (vkey) of a witness key file."""
    from service.service_layer.getuige import vkey_van

    click.echo(vkey_van(bestand))


@getuige.command("serve")
@click.option("--config", "config_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--bind", default="127.0.0.1:7380", show_default=True, help="host:port to listen on")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1, 64))
@clear_errors
def getuige_serve(config_path: Path, bind: str, workers: int) -> None:
    """Serve the witness with gunicorn: POST /add-checkpoint, GET /checkpoint?origin=..., GET /status."""
    from service.gunicorn_app import run_getuige
    from service.service_layer.getuige import lees_configuratie, open_getuige

    host, _, port = bind.rpartition(":")
    if not host or not port.isdigit():
        fail(f"--bind {bind!r}: expected host:port")
    config = lees_configuratie(config_path)
    witness = open_getuige(config)  # the key and the storage are checked (and the tables made) before serving
    status = witness.status()
    witness.sluit()
    click.echo(f"getuige {status.naam} luistert op http://{bind} voor {', '.join(status.origins)}")
    click.echo(f"vkey: {status.vkey}")
    run_getuige(config, bind=bind, workers=workers)

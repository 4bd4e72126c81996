"""`deelpoort serve`: the API and pages with gunicorn."""

from __future__ import annotations

import click

from service.cli.common import clear_errors, settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@clear_errors
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API with gunicorn."""
    from service.gunicorn_app import run

    current = settings()
    click.echo(f"Deelpoort luistert op http://{host}:{port} (API: http://{host}:{port}/v1)")
    run(current, host=host, port=port, workers=workers)

"""`deelpoort serve`: the API and the pages with gunicorn."""

from __future__ import annotations

import click

from service.cli.common import clear_errors, settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="het adres waarop geluisterd wordt")
@click.option("--port", default=8000, show_default=True, type=int, help="de poort")
@click.option("--workers", default=2, show_default=True, type=int, help="het aantal gunicorn-workers")
@clear_errors
def serve(host: str, port: int, workers: int) -> None:
    """Serveer de API en de pagina's met gunicorn."""
    from service.gunicorn_app import run

    current = settings()
    click.echo(f"Deelpoort luistert op http://{host}:{port} (API: http://{host}:{port}/v1)")
    run(current, host=host, port=port, workers=workers)

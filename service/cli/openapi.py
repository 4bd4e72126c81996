"""`deelpoort openapi`: the OpenAPI document, built from code alone."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

import click

from service.cli.common import clear_errors, settings


@click.command()
@clear_errors
def openapi() -> None:
    """Toon het OpenAPI-document (zoals /v1/openapi.json het geeft) zonder een server te starten."""
    from service import create_app
    from service.service_layer.sleutelbeheer import write_development_keys
    from service.settings import Omgeving

    # The document depends on code only: build it on throwaway development keys and a scratch database, so
    # it needs no instance, no key material and no secrets (and never touches real ones).
    with tempfile.TemporaryDirectory(prefix="deelpoort-openapi-") as scratch:
        write_development_keys(Path(scratch))
        scratch_settings = dataclasses.replace(
            settings(),
            omgeving=Omgeving.DEVELOPMENT,
            database_url=f"sqlite:///{scratch}/openapi.sqlite3",
            keys_dir=Path(scratch),
            keys_file=None,
            keys_json=None,
            log_level="WARNING",  # the document alone on standard output; no request line beside it
        )
        app = create_app(scratch_settings)
        response = app.test_client().get("/v1/openapi.json")
        click.echo(response.get_data(as_text=True))
        app.extensions["deelpoort"].engine.dispose()

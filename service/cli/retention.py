"""`deelpoort retention run`: crypto-shredding what has passed its bewaartermijn."""

from __future__ import annotations

import click

from service.cli.common import clear_errors, services_for, settings


@click.group()
def retention() -> None:
    """Bewaartermijnen: destroying data whose retention period has ended."""


@retention.command("run")
@clear_errors
def retention_run() -> None:
    """Crypto-shred every closed casus whose bewaartermijn has ended."""
    from service.service_layer.casus.bewaring import retention_run as run_retention
    from service.service_layer.routeeroverleg.overleg import verlopen

    with services_for(settings()) as services:
        shredded = run_retention(services)
        routeer = verlopen(services)
    click.echo(f"{len(shredded)} casus(sen) vernietigd (data key and values deleted; metadata kept)")
    click.echo(
        f"routeeroverleg: {routeer.signalen} signaal/signalen and {routeer.matches} besloten match(es) verwijderd"
    )

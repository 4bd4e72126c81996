"""`deelpoort db upgrade`: the schema, and on a new installation the convenant and policy files in force."""

from __future__ import annotations

import click

from service.cli.common import clear_errors, services_for, settings


@click.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@clear_errors
def db_upgrade() -> None:
    """Apply the migrations up to the newest; on a new installation, put convenants/ in force (registering its
    partners) and install policies/ as the active version. Later changes go through four-eyes proposals."""
    from service.service_layer.beleid import actief as beleid
    from service.service_layer.installatie import schema_bijwerken
    from service.service_layer.register import versies as convenantversies

    current = settings()
    with services_for(current) as services:
        click.echo(f"schema at revision {schema_bijwerken(services)}")
        versie, in_force = convenantversies.installeer(services, current.convenanten_dir)
        state = "in force (new installation)" if in_force else "stored; the version in force is unchanged"
        click.echo(f"convenant version {versie[:12]} from {current.convenanten_dir.name}/: {state}")
        policy, activated = beleid.installeer(services, current.policies_dir)
        state = "activated (new installation)" if activated else "stored; the active version is unchanged"
        click.echo(f"policy version {policy.short_version} from {current.policies_dir.name}/: {state}")

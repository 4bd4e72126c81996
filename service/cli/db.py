"""`deelpoort db upgrade`: the schema, and on a new installation the convenant and policy files in force."""

from __future__ import annotations

import click

from service.cli.common import clear_errors, services_for, settings


@click.group()
def db() -> None:
    """Het databaseschema."""


@db.command("upgrade")
@clear_errors
def db_upgrade() -> None:
    """Voer de migraties uit tot en met de nieuwste. Bij een nieuwe installatie treedt convenants/ in werking (de
    partners worden geregistreerd) en wordt policies/ de actieve beleidsversie. Latere wijzigingen gaan via
    voorstellen, onder vier ogen."""
    from service.service_layer.beleid import actief as beleid
    from service.service_layer.installatie import schema_bijwerken
    from service.service_layer.register import versies as convenantversies

    current = settings()
    with services_for(current) as services:
        click.echo(f"schema op revisie {schema_bijwerken(services)}")
        versie, in_force = convenantversies.installeer(services, current.convenanten_dir)
        state = "in werking (nieuwe installatie)" if in_force else "opgeslagen; de versie in werking is ongewijzigd"
        click.echo(f"convenantversie {versie[:12]} uit {current.convenanten_dir.name}/: {state}")
        policy, activated = beleid.installeer(services, current.policies_dir)
        state = "actief (nieuwe installatie)" if activated else "opgeslagen; de actieve versie is ongewijzigd"
        click.echo(f"beleidsversie {policy.short_version} uit {current.policies_dir.name}/: {state}")

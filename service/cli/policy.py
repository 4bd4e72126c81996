"""`deelpoort policy`: checking, comparing and explaining policy files, and exporting the active version."""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.common import clear_errors, export, settings


@click.group()
def policy() -> None:
    """The field policy (policies/model.conf and policies/*.csv)."""


@policy.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@clear_errors
def policy_check(directory: str | None) -> None:
    """Validate the policy against the convenant; print its version and counts."""
    from service.service_layer.beleid.bestanden import controleer

    current = settings()
    found = controleer(Path(directory) if directory else current.policies_dir, current.convenanten_dir)
    click.echo(f"policy version {found.versie}")
    click.echo(
        f"{found.regels} lines ({found.toestaan} allow, {found.regels - found.toestaan} deny); "
        f"{found.combinaties} (partner, rol, casustype, doel) combinations receive fields; "
        f"{found.toegestane_velden} field decisions allow"
    )


@policy.command("diff")
@click.argument("old", type=click.Path(file_okay=False, exists=True))
@click.argument("new", type=click.Path(file_okay=False, exists=True))
@clear_errors
def policy_diff(old: str, new: str) -> None:
    """Every (partner, rol, casustype, doel, veld) decision that differs between two policy directories."""
    from service.service_layer.beleid.bestanden import verschil

    found = verschil(Path(old), Path(new), settings().convenanten_dir)
    for change in found.wijzigingen:
        click.echo(change)
    click.echo(f"{len(found.wijzigingen)} decision(s) change ({found.van} -> {found.naar})")


@policy.command("explain")
@click.option("--partner", required=True)
@click.option("--rol", required=True)
@click.option("--casustype", required=True)
@click.option("--doel", required=True)
@click.option("--veld", required=True)
@clear_errors
def policy_explain(partner: str, rol: str, casustype: str, doel: str, veld: str) -> None:
    """The decision for one field and the policy line that made it."""
    from service.domain.decision import DecisionKey
    from service.service_layer.beleid.bestanden import uitleg

    current = settings()
    found = uitleg(current.policies_dir, current.convenanten_dir, DecisionKey(partner, rol, casustype, doel), veld)
    decision = found.beslissing
    if decision.allowed:
        click.echo(f"ALLOWED on grondslag {decision.grondslag} by {decision.regel}")
    elif decision.regel:
        click.echo(f"DENIED by {decision.regel}")
    else:
        click.echo("DENIED: no policy line allows it (deny by default)")
    click.echo(f"policy version {found.versie}")


@policy.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@clear_errors
def policy_export(directory: str | None) -> None:
    """Write the active (approved) version from the database to DIRECTORY (default policies/), so the repository
    can hold the approved state; other *.csv files there are removed. Comments in the files are not kept."""
    from service.domain.errors import GeenBeleidError
    from service.service_layer.beleid import actief as beleid

    current = settings()
    export(
        current,
        Path(directory) if directory else current.policies_dir,
        beleid.exporteer,
        GeenBeleidError,
        ("policy version", "model.conf, ", "the active version"),
    )

"""`deelpoort policy`: checking, comparing and explaining policy files, and exporting the active version."""

from __future__ import annotations

from pathlib import Path

import click

from service.cli.common import clear_errors, export, settings


@click.group()
def policy() -> None:
    """Het veldbeleid (policies/model.conf en policies/*.csv)."""


@policy.command("check")
@click.argument("directory", metavar="[MAP]", required=False, type=click.Path(file_okay=False))
@clear_errors
def policy_check(directory: str | None) -> None:
    """Controleer het veldbeleid tegen het convenant; toon zijn versie en aantallen."""
    from service.service_layer.beleid.bestanden import controleer

    current = settings()
    found = controleer(Path(directory) if directory else current.policies_dir, current.convenanten_dir)
    click.echo(f"beleidsversie {found.versie}")
    click.echo(
        f"{found.regels} beleidsregel(s) ({found.toestaan} toestaan, {found.regels - found.toestaan} uitsluiten); "
        f"{found.combinaties} combinatie(s) van partner, rol, casustype en doel krijgen velden; "
        f"{found.toegestane_velden} veldbeslissing(en) staan verstrekking toe"
    )


@policy.command("diff")
@click.argument("old", metavar="OUD", type=click.Path(file_okay=False, exists=True))
@click.argument("new", metavar="NIEUW", type=click.Path(file_okay=False, exists=True))
@clear_errors
def policy_diff(old: str, new: str) -> None:
    """Elke beslissing (partner, rol, casustype, doel, veld) die verschilt tussen twee beleidsmappen."""
    from service.service_layer.beleid.bestanden import verschil

    found = verschil(Path(old), Path(new), settings().convenanten_dir)
    for change in found.wijzigingen:
        click.echo(change)
    click.echo(f"{len(found.wijzigingen)} beslissing(en) gewijzigd ({found.van} -> {found.naar})")


@policy.command("explain")
@click.option("--partner", required=True, help="de partner die vraagt (partner-id)")
@click.option("--rol", required=True, help="de rol van wie vraagt")
@click.option("--casustype", required=True, help="regulier of cter")
@click.option("--doel", required=True, help="het doel van de verstrekking")
@click.option("--veld", required=True, help="het veld (uit de veldcatalogus)")
@clear_errors
def policy_explain(partner: str, rol: str, casustype: str, doel: str, veld: str) -> None:
    """De beslissing voor één veld en de beleidsregel die haar nam."""
    from service.domain.decision import DecisionKey
    from service.service_layer.beleid.bestanden import uitleg

    current = settings()
    found = uitleg(current.policies_dir, current.convenanten_dir, DecisionKey(partner, rol, casustype, doel), veld)
    decision = found.beslissing
    if decision.allowed:
        click.echo(f"TOEGESTAAN op grondslag {decision.grondslag} door {decision.regel}")
    elif decision.regel:
        click.echo(f"UITGESLOTEN door {decision.regel}")
    else:
        click.echo("NIET TOEGESTAAN: geen beleidsregel staat het toe (wat geen regel toestaat, wordt niet verstrekt)")
    click.echo(f"beleidsversie {found.versie}")


@policy.command("export")
@click.argument("directory", metavar="[MAP]", required=False, type=click.Path(file_okay=False))
@clear_errors
def policy_export(directory: str | None) -> None:
    """Schrijf de actieve (goedgekeurde) beleidsversie uit de database naar MAP (standaard policies/), zodat
    de repository de goedgekeurde stand bevat; andere *.csv-bestanden daar worden verwijderd. Commentaar in de
    bestanden blijft niet bewaard."""
    from service.domain.errors import GeenBeleidError
    from service.service_layer.beleid import actief as beleid

    current = settings()
    export(
        current,
        Path(directory) if directory else current.policies_dir,
        beleid.exporteer,
        GeenBeleidError,
        ("beleidsversie", "model.conf, ", "de actieve versie"),
    )

"""`deelpoort retention run [--droog]|vernietig`: crypto-shredding what has passed its bewaartermijn, showing
beforehand what that would destroy, and proposing to destroy one casus early (four eyes).

Invariants:
- `run --droog` only reads: it lists what `run` would destroy at this moment and why (casus ids, dates,
  durations and fixed reasons, never personal data) and changes nothing.
- `vernietig` only proposes, as the beheerder whose token is in `--token-bestand`; a second beheerder approves
  it through `/v1/beleid/voorstellen/{id}/goedkeuring` or the beheer pages, like every other proposal.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from service.cli.common import als_beheerder, clear_errors, services_for, settings, voortgang

if TYPE_CHECKING:
    from service.service_layer.casus.bewaring import Bewaarplan


@click.group()
def retention() -> None:
    """Bewaartermijnen: gegevens vernietigen waarvan de bewaartermijn verstreken is."""


@retention.command("run")
@click.option("--droog", is_flag=True, help="toon alleen wat nu vernietigd zou worden en waarom; verander niets")
@clear_errors
def retention_run(droog: bool) -> None:
    """Vernietig (crypto-shredding) elke afgesloten casus waarvan de bewaartermijn verstreken is (de blinde index
    van zijn betrokkenen gaat mee); verwijder verlopen signalen en besloten matches van het routeeroverleg."""
    from service.service_layer.casus.bewaring import bewaarplan
    from service.service_layer.casus.bewaring import retention_run as run_retention
    from service.service_layer.routeeroverleg.overleg import verlopen

    with services_for(settings()) as services:
        plan = bewaarplan(services)
        if droog:
            _toon_plan(plan)
            return
        with voortgang(len(plan.casussen), "vernietigen") as stappen:
            shredded = run_retention(services, now=plan.moment, voortgang=stappen)
        routeer = verlopen(services, now=plan.moment)
    click.echo(f"{len(shredded)} casus(sen) vernietigd (datasleutel en waarden gewist; metadata bewaard)")
    click.echo(
        f"routeeroverleg: {routeer.signalen} signaal/signalen en {routeer.matches} besloten match(es) verwijderd"
    )


def _toon_plan(plan: Bewaarplan) -> None:
    moment = plan.moment.isoformat(timespec="seconds")
    click.echo(f"droog: niets veranderd; een run op {moment} zou {len(plan.casussen)} casus(sen) vernietigen")
    for t in plan.casussen:
        click.echo(
            f"casus {t.casus}  {t.casustype.value}  afgesloten {t.sinds.date().isoformat()}  "
            f"bewaartermijn {t.bewaartermijn}  einde {t.einde.date().isoformat()}  reden {t.reden.value}"
        )
    for casus_id in plan.ongelogd:
        click.echo(
            f"casus {casus_id}  al vernietigd; de vernietiging zou nu in het logboek worden vastgelegd "
            "(reden bewaartermijn)"
        )
    click.echo(
        f"routeeroverleg: {plan.routeeroverleg.signalen} signaal/signalen en {plan.routeeroverleg.matches} "
        "besloten match(es) zouden worden verwijderd"
    )


@retention.command("vernietig")
@click.option(
    "--token-bestand",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="bestand met het bearer-token van de beheerder die het voorstel doet",
)
@click.argument("casus_id")
@click.option("--toelichting", required=True, help="de reden (vastgelegd in het logboek; geen persoonsgegevens)")
@clear_errors
def retention_vernietig(token_bestand: Path, casus_id: str, toelichting: str) -> None:
    """Stel voor één casus nu te vernietigen, vóór het einde van zijn bewaartermijn (een tweede beheerder moet het
    goedkeuren)."""
    from service.service_layer.beheer import casusvernietiging

    with als_beheerder(token_bestand) as (services, door):
        assert door is not None  # noqa: S101 - a token file was given
        voorstel = casusvernietiging.stel_voor(services, door, toelichting, casus_id)
    click.echo(f"Voorstel {voorstel.id}: vernietiging van casus {casus_id}; een tweede beheerder moet het goedkeuren.")

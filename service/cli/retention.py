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
    """Bewaartermijnen: destroying data whose retention period has ended."""


@retention.command("run")
@click.option("--droog", is_flag=True, help="only list what would be destroyed now and why; change nothing")
@clear_errors
def retention_run(droog: bool) -> None:
    """Crypto-shred every closed casus whose bewaartermijn has ended (its persons' blind index goes with it)."""
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
    click.echo(f"{len(shredded)} casus(sen) vernietigd (data key and values deleted; metadata kept)")
    click.echo(
        f"routeeroverleg: {routeer.signalen} signaal/signalen and {routeer.matches} besloten match(es) verwijderd"
    )


def _toon_plan(plan: Bewaarplan) -> None:
    moment = plan.moment.isoformat(timespec="seconds")
    click.echo(f"droog: nothing is changed; a run at {moment} would destroy {len(plan.casussen)} casus(sen)")
    for t in plan.casussen:
        click.echo(
            f"casus {t.casus}  {t.casustype.value}  afgesloten {t.sinds.date().isoformat()}  "
            f"bewaartermijn {t.bewaartermijn}  einde {t.einde.date().isoformat()}  reden {t.reden.value}"
        )
    for casus_id in plan.ongelogd:
        click.echo(f"casus {casus_id}  already destroyed; its destruction would be logged now (reden bewaartermijn)")
    click.echo(
        f"routeeroverleg: {plan.routeeroverleg.signalen} signaal/signalen and {plan.routeeroverleg.matches} "
        "besloten match(es) would be deleted"
    )


@retention.command("vernietig")
@click.option(
    "--token-bestand",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="file holding the bearer token of the beheerder who proposes",
)
@click.argument("casus_id")
@click.option("--toelichting", required=True, help="the reason (recorded in the log; no personal data)")
@clear_errors
def retention_vernietig(token_bestand: Path, casus_id: str, toelichting: str) -> None:
    """Propose to destroy one casus now, before its bewaartermijn ends (a second beheerder must approve it)."""
    from service.service_layer.beheer import casusvernietiging

    with als_beheerder(token_bestand) as (services, door):
        assert door is not None  # noqa: S101 - a token file was given
        voorstel = casusvernietiging.stel_voor(services, door, toelichting, casus_id)
    click.echo(f"Voorstel {voorstel.id}: vernietiging van casus {casus_id}; een tweede beheerder moet het goedkeuren.")

"""`deelpoort audit`: verifying the verstrekking log (also against its witnesses), signing checkpoints, sending
them to the witnesses, and checking receipts partners hold (`ontvangstbewijs`)."""

from __future__ import annotations

import sys

import click

from service.cli.common import clear_errors, services_for, settings, voortgang


@click.group()
def audit() -> None:
    """The verstrekking log: verification and checkpoints."""


def _regel(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        records, seconds = (int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter("give RECORDS,SECONDS, e.g. 256,60") from None
    if records < 1 or seconds < 1:
        raise click.BadParameter("RECORDS and SECONDS are at least 1")
    return records, seconds


@audit.command("verify")
@click.option(
    "--regel",
    metavar="RECORDS,SECONDS",
    callback=_regel,
    help="Check the signing rule with these instead of DEELPOORT_CHECKPOINT_RECORDS/_SECONDS: after lowering "
    "those, the largest values the log was ever written under.",
)
@click.option(
    "--getuigen",
    "met_getuigen",
    is_flag=True,
    help="Also ask every witness (DEELPOORT_GETUIGEN_BESTAND) for the latest checkpoint it cosigned and prove the "
    "log consistent with each; fewer witnesses in order than the quorum is a problem too.",
)
@clear_errors
def audit_verify(regel: tuple[int, int] | None, met_getuigen: bool) -> None:
    """Recompute the whole log and check every checkpoint, then the lookup tables derived from it; exit 1 and name
    the first bad index on any problem."""
    from service.service_layer.logboek import integriteit

    with services_for(settings()) as services:
        if met_getuigen and services.getuigen is None:
            raise click.UsageError("--getuigen: no witnesses are set up (DEELPOORT_GETUIGEN_BESTAND)")
        records, seconds = regel or (services.log.beleid.records, int(services.log.beleid.seconds))
        with voortgang(integriteit.stappen(services), "verifying") as stappen:
            controle = integriteit.controleer(services, "cli", voortgang=stappen, regel=regel, getuigen=met_getuigen)
        try:
            integriteit.bewaar(services, controle)
            bewaard = f"stored as integriteitscontrole {controle.id} (shown to the FG)"
        except Exception as exc:  # a read-only copy may be verified too: the outcome stands, unstored
            bewaard = f"not stored for the FG ({type(exc).__name__}: is the database read-only?)"
    niet_geindexeerd = controle.grootte - controle.tabellen_gedekt
    if controle.tabellen_gedekt == 0 and niet_geindexeerd > 0:
        tabellen = f"the lookup tables cover no record yet: all {niet_geindexeerd} are added before the FG's next query"
    else:
        tabellen = f"the lookup tables agree with the {controle.tabellen_gedekt} records they cover"
        if niet_geindexeerd > 0:
            tabellen += f" (the other {niet_geindexeerd} are added before the FG's next query)"
    for problemen, ok, fout, eerste in (
        (
            controle.problemen,
            f"{controle.grootte} records, {controle.checkpoints} checkpoints verified"
            + (", consistent with what the witnesses cosigned" if met_getuigen else ""),
            "first bad",
            controle.eerste_fout,
        ),
        (controle.tabellen_problemen, tabellen, "lookup tables, first bad", controle.tabellen_eerste_fout),
    ):
        if not problemen:
            click.echo(f"OK: {ok}")
            continue
        click.echo(f"FOUT: {fout} index {eerste}", err=True)
        for probleem in problemen:
            click.echo(f"  - {probleem}", err=True)
    herkomst = "--regel" if regel else "DEELPOORT_CHECKPOINT_RECORDS/_SECONDS"
    click.echo(f"signing rule checked: a checkpoint at least every {records} records or {seconds} s ({herkomst})")
    click.echo(bewaard)
    if not controle.intact:
        sys.exit(1)


@audit.command("checkpoint")
@clear_errors
def audit_checkpoint() -> None:
    """Sign a checkpoint of the current log now if the latest does not cover it (e.g. from cron)."""
    with services_for(settings()) as services:
        signed = services.log.checkpoint_now()
    if signed is None:
        click.echo("the log is empty: nothing to sign")
        return
    click.echo(signed.notitie, nl=False)


@audit.command("getuigen")
@clear_errors
def audit_getuigen() -> None:
    """Send the latest checkpoint to every witness now (signing the unsigned tail first when it is due) and show
    what each did; a serving process does this in the background. Exit 1 when a witness raised an alarm."""
    from service.service_layer.logboek import getuigen

    with services_for(settings()) as services:
        if services.getuigen is None:
            raise click.UsageError("no witnesses are set up (DEELPOORT_GETUIGEN_BESTAND)")
        verzendingen = getuigen.ronde(services, na_fout_wachten=False)
    if not verzendingen:
        click.echo("nothing to send: the log has no checkpoint yet (or another worker is sending now)")
    for v in verzendingen:
        if v.fout is None:
            click.echo(f"OK: {v.getuige} cosigned the checkpoint of size {v.grootte}")
        else:
            click.echo(f"{'ALARM' if v.alarm else 'FOUT'}: {v.getuige}: {v.fout}", err=True)
    if any(v.alarm for v in verzendingen):
        sys.exit(1)


@audit.command("ontvangstbewijs")
@click.argument("bestanden", metavar="FILE...", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@clear_errors
def audit_ontvangstbewijs(bestanden: tuple[str, ...]) -> None:
    """Check receipts partners hold (JSON, as the API returned them) against the log: in it, newer than it (the
    log was restored from an older backup), or contradicting it. Exit 1 unless every one is in the log."""
    import json

    from service.service_layer.herstel.kloof import Oordeel, beoordeel_bewijs

    goed = True
    with services_for(settings()) as services:
        for bestand in bestanden:
            try:
                with open(bestand, encoding="utf-8") as invoer:
                    data = json.load(invoer)
            except ValueError:
                data = None
            if not isinstance(data, dict):
                click.echo(f"{bestand}: ongeldig: not a JSON object", err=True)
                goed = False
                continue
            oordeel = beoordeel_bewijs(services, data)
            goed = goed and oordeel.oordeel is Oordeel.IN_LOG
            click.echo(
                f"{bestand}: {oordeel.oordeel.value}: {oordeel.uitleg}", err=oordeel.oordeel is not Oordeel.IN_LOG
            )
    if not goed:
        sys.exit(1)

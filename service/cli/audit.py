"""`deelpoort audit`: verifying the verstrekking log (also against its witnesses), signing checkpoints, sending
them to the witnesses, and checking receipts partners hold (`ontvangstbewijs`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

from service.cli.common import clear_errors, services_for, settings, voortgang
from service.meldingen.logboek import logprobleem

if TYPE_CHECKING:
    from service.domain.verantwoording import Integriteitscontrole


@click.group()
def audit() -> None:
    """Het verstrekkingenlogboek: controleren, checkpoints ondertekenen, getuigen, ontvangstbewijzen."""


def _regel(_ctx: click.Context, _param: click.Parameter, value: str | None) -> tuple[int, int] | None:
    if value is None:
        return None
    try:
        records, seconds = (int(part) for part in value.split(","))
    except ValueError:
        raise click.BadParameter("geef RECORDS,SECONDEN, bijvoorbeeld 256,60") from None
    if records < 1 or seconds < 1:
        raise click.BadParameter("RECORDS en SECONDEN zijn minstens 1")
    return records, seconds


@audit.command("verify")
@click.option(
    "--regel",
    metavar="RECORDS,SECONDEN",
    callback=_regel,
    help="Controleer de ondertekenregel met deze waarden in plaats van DEELPOORT_CHECKPOINT_RECORDS/_SECONDS: na "
    "het verlagen daarvan de grootste waarden waaronder het logboek ooit geschreven is.",
)
@click.option(
    "--getuigen",
    "met_getuigen",
    is_flag=True,
    help="Vraag ook elke getuige (DEELPOORT_GETUIGEN_BESTAND) naar het laatste checkpoint dat hij medeondertekende "
    "en bewijs dat het logboek daarmee klopt; minder getuigen in orde dan het quorum is ook een fout.",
)
@clear_errors
def audit_verify(regel: tuple[int, int] | None, met_getuigen: bool) -> None:
    """Bereken het hele logboek opnieuw en controleer elk checkpoint en de ondertekenregel, daarna de
    opzoektabellen die uit het logboek zijn afgeleid. Bij een fout: exitcode 1 en de eerste foute logindex."""
    from service.service_layer.logboek import integriteit

    with services_for(settings()) as services:
        if met_getuigen and services.getuigen is None:
            raise click.UsageError("--getuigen: er zijn geen getuigen ingesteld (DEELPOORT_GETUIGEN_BESTAND)")
        records, seconds = regel or (services.log.beleid.records, int(services.log.beleid.seconds))
        with voortgang(integriteit.stappen(services), "controleren") as stappen:
            controle = integriteit.controleer(services, "cli", voortgang=stappen, regel=regel, getuigen=met_getuigen)
        try:
            integriteit.bewaar(services, controle)
            bewaard = f"opgeslagen als integriteitscontrole {controle.id} (zichtbaar voor de FG)"
        except Exception as exc:  # a read-only copy may be verified too: the outcome stands, unstored
            bewaard = f"niet opgeslagen voor de FG ({type(exc).__name__}: is de database alleen-lezen?)"
    for problemen, ok, onderwerp, eerste in (
        (controle.problemen, _logboek_ok(controle, met_getuigen), "", controle.eerste_fout),
        (controle.tabellen_problemen, _tabellen_ok(controle), "opzoektabellen, ", controle.tabellen_eerste_fout),
    ):
        if not problemen:
            click.echo(f"OK: {ok}")
            continue
        waar = "niet in orde" if eerste is None else f"eerste fout bij logindex {eerste}"
        click.echo(f"FOUT: {onderwerp}{waar}", err=True)
        for probleem in problemen:
            click.echo(f"  - {logprobleem(probleem)}", err=True)
    herkomst = "--regel" if regel else "DEELPOORT_CHECKPOINT_RECORDS/_SECONDS"
    click.echo(
        f"ondertekenregel gecontroleerd: minstens elke {_aantal(records, 'record', 'records')} of {seconds} s een "
        f"checkpoint ({herkomst})"
    )
    click.echo(bewaard)
    if not controle.intact:
        sys.exit(1)


def _aantal(n: int, een: str, meer: str) -> str:
    return f"{n} {een if n == 1 else meer}"


def _logboek_ok(controle: Integriteitscontrole, met_getuigen: bool) -> str:
    """What an intact log's verification covered: every record and every signed checkpoint."""
    gecontroleerd = (
        f"{_aantal(controle.grootte, 'record', 'records')} en "
        f"{_aantal(controle.checkpoints, 'checkpoint', 'checkpoints')} gecontroleerd"
    )
    return gecontroleerd + (", in overeenstemming met wat de getuigen medeondertekenden" if met_getuigen else "")


def _tabellen_ok(controle: Integriteitscontrole) -> str:
    """What the lookup tables' verification covered: only the records they claim to cover are compared; the
    records after those are added before the FG's next query is answered, and are said to be left out."""
    gedekt, rest = controle.tabellen_gedekt, controle.grootte - controle.tabellen_gedekt
    later = "toegevoegd voordat de volgende zoekvraag van de FG beantwoord wordt"
    if controle.grootte == 0:
        return "de opzoektabellen dekken geen record (het logboek is leeg)"
    if gedekt == 0:
        alle = "het ene record wordt" if rest == 1 else f"alle {rest} worden"
        return f"de opzoektabellen dekken nog geen record: {alle} {later}"
    dekking = "het ene record dat ze dekken" if gedekt == 1 else f"de {gedekt} records die ze dekken"
    if rest <= 0:
        return f"de opzoektabellen kloppen met {dekking}"
    overige = "het overige record wordt" if rest == 1 else f"de overige {rest} worden"
    return f"de opzoektabellen kloppen met {dekking} ({overige} {later})"


@audit.command("checkpoint")
@clear_errors
def audit_checkpoint() -> None:
    """Onderteken nu een checkpoint van het logboek als het laatste checkpoint niet alle records dekt (bijvoorbeeld
    vanuit cron)."""
    with services_for(settings()) as services:
        signed = services.log.checkpoint_now()
    if signed is None:
        click.echo("het logboek is leeg: er valt niets te ondertekenen")
        return
    click.echo(signed.notitie, nl=False)


@audit.command("getuigen")
@clear_errors
def audit_getuigen() -> None:
    """Stuur het laatste checkpoint nu naar elke getuige (en onderteken eerst de nog niet ondertekende records als
    dat volgens de ondertekenregel moet) en toon wat elke getuige deed; `deelpoort serve` doet dit op de
    achtergrond. Exitcode 1 als een getuige alarm sloeg."""
    from service.service_layer.logboek import getuigen

    with services_for(settings()) as services:
        if services.getuigen is None:
            raise click.UsageError("er zijn geen getuigen ingesteld (DEELPOORT_GETUIGEN_BESTAND)")
        verzendingen = getuigen.ronde(services, na_fout_wachten=False)
    if not verzendingen:
        click.echo("niets te versturen: het logboek heeft nog geen checkpoint (of een ander proces verstuurt het nu)")
    for v in verzendingen:
        if v.fout is None:
            click.echo(f"OK: {v.getuige} heeft het checkpoint van grootte {v.grootte} medeondertekend")
        else:
            click.echo(f"{'ALARM' if v.alarm else 'FOUT'}: {v.getuige}: {v.fout}", err=True)
    if any(v.alarm for v in verzendingen):
        sys.exit(1)


@audit.command("ontvangstbewijs")
@click.argument(
    "bestanden", metavar="BESTAND...", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False)
)
@clear_errors
def audit_ontvangstbewijs(bestanden: tuple[str, ...]) -> None:
    """Controleer ontvangstbewijzen die partners bewaren (JSON, zoals de API ze gaf) tegen het logboek: erin,
    nieuwer dan het logboek (dat is dan uit een oudere back-up teruggezet) of ermee in strijd. Exitcode 1 tenzij
    elk bewijs in het logboek staat."""
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
                click.echo(f"{bestand}: ongeldig: geen JSON-object", err=True)
                goed = False
                continue
            oordeel = beoordeel_bewijs(services, data)
            goed = goed and oordeel.oordeel is Oordeel.IN_LOG
            click.echo(
                f"{bestand}: {oordeel.oordeel.value}: {oordeel.uitleg}", err=oordeel.oordeel is not Oordeel.IN_LOG
            )
    if not goed:
        sys.exit(1)

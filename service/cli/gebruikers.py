"""`deelpoort gebruikers bootstrap|lijst|toevoegen|schorsen|herstellen|verwijderen|token|intrekken`.

The same use cases as `/v1/gebruikers`, with the same rules: a command acts as the beheerder whose bearer token
it reads from `--token-bestand` (a file, so the token is in neither the shell history nor the process list),
four eyes included. Only `bootstrap` runs without one, and only while no beheerder exists.

Invariants:
- A token is printed once, by the command that issues it, and never otherwise.
- A refused step ends with "deelpoort: <reason>" and exit status 1 (a configuration problem: 2); nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from service.cli.common import als_beheerder, clear_errors, weiger
from service.domain.identiteit import Filter, Gebruikersgegevens, GebruikerStatus, OidcIdentiteit, SoortGebruiker

_TOKEN_BESTAND = click.option(
    "--token-bestand",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="bestand met het bearer-token van de beheerder die handelt",
)
_TOELICHTING = click.option("--toelichting", required=True, help="waarom (vastgelegd in het logboek)")


@click.group()
def gebruikers() -> None:
    """Gebruikers (personen en systemen) en hun tokens, als beheerder."""


def _toon(x: Gebruikersgegevens) -> str:
    oidc = f" oidc={x.oidc.issuer}#{x.oidc.subject}" if x.oidc else ""
    voorstel = f" voorstel={x.voorstel}" if x.voorstel else ""
    return f"{x.id}  {x.partner_id}  {x.rol}  {x.soort.value}  {x.status.value}  {x.naam}{oidc}{voorstel}"


@gebruikers.command("bootstrap")
@click.option("--partner", required=True, help="het Bureau ZVH (partner-id) waar de beheerders bij horen")
@click.option("--naam", "namen", multiple=True, required=True, help="de naam van een beheerder (twee keer)")
@click.option("--oidc-issuer", help="hun identiteitsaanbieder (issuer-URL), om in te loggen op de pagina's")
@click.option("--oidc-subject", "subjects", multiple=True, help="ieders account (subject) daar, volgorde van --naam")
@clear_errors
def bootstrap(partner: str, namen: tuple[str, ...], oidc_issuer: str | None, subjects: tuple[str, ...]) -> None:
    """Maak de eerste twee beheerders van een nieuwe installatie aan, elk met een token dat één keer getoond wordt
    (geweigerd zodra er een beheerder bestaat)."""
    from service.service_layer.identiteit import gebruikersbeheer

    if subjects and (oidc_issuer is None or len(subjects) != len(namen)):
        weiger("geef --oidc-issuer en één --oidc-subject per --naam, of geen van beide")
    identiteiten = [OidcIdentiteit(oidc_issuer, s) for s in subjects] if oidc_issuer else [None] * len(namen)
    with als_beheerder(None) as (services, _):
        made = gebruikersbeheer.bootstrap(services, partner, list(zip(namen, identiteiten, strict=False)))
    click.echo("Twee beheerders aangemaakt. Elk token wordt alleen nu getoond: geef het veilig door.")
    for gegevens, issued in made:
        click.echo(f"{_toon(gegevens)}\n  token: {issued.token}")


@gebruikers.command("lijst")
@_TOKEN_BESTAND
@click.option("--partner", help="alleen gebruikers van deze partner (partner-id)")
@click.option("--rol", help="alleen gebruikers met deze rol")
@click.option("--soort", type=click.Choice([s.value for s in SoortGebruiker]), help="alleen deze soort")
@click.option("--status", type=click.Choice([s.value for s in GebruikerStatus]), help="alleen deze status")
@clear_errors
def lijst(token_bestand: Path, partner: str | None, rol: str | None, soort: str | None, status: str | None) -> None:
    """Elke gebruiker die aan de filters voldoet (nooit een token)."""
    from service.service_layer.identiteit import gebruikersbeheer

    filter = Filter(partner, rol, SoortGebruiker(soort) if soort else None, GebruikerStatus(status) if status else None)
    with als_beheerder(token_bestand) as (services, door):
        assert door is not None  # noqa: S101 - a token file was given
        found, totaal = gebruikersbeheer.lijst(services, door, filter, limit=100_000, offset=0)
    for x in found:
        click.echo(_toon(x))
    click.echo(f"{totaal} gebruiker(s)")


@gebruikers.command("toevoegen")
@_TOKEN_BESTAND
@click.option("--partner", required=True, help="de partner van de gebruiker (partner-id)")
@click.option("--rol", required=True, help="de rol van de gebruiker bij die partner")
@click.option("--soort", required=True, type=click.Choice([s.value for s in SoortGebruiker]), help="persoon of systeem")
@click.option("--naam", required=True, help="de naam van de persoon of het systeem")
@_TOELICHTING
@click.option("--oidc-issuer", help="de identiteitsaanbieder (issuer-URL) van een persoon, om in te loggen")
@click.option("--oidc-subject", help="het account (subject) van die persoon daar")
@clear_errors
def toevoegen(
    token_bestand: Path,
    partner: str,
    rol: str,
    soort: str,
    naam: str,
    toelichting: str,
    oidc_issuer: str | None,
    oidc_subject: str | None,
) -> None:
    """Maak een gebruiker aan (een beheerder of FG: een voorstel, dat een tweede beheerder goedkeurt)."""
    from service.service_layer.identiteit import gebruikersbeheer
    from service.service_layer.identiteit.gebruikersbeheer import NieuweGebruiker

    if (oidc_issuer is None) != (oidc_subject is None):
        weiger("geef zowel --oidc-issuer als --oidc-subject, of geen van beide")
    oidc = OidcIdentiteit(oidc_issuer, oidc_subject) if oidc_issuer and oidc_subject else None
    nieuw = NieuweGebruiker(partner, rol, SoortGebruiker(soort), naam, oidc)
    with als_beheerder(token_bestand) as (services, door):
        assert door is not None  # noqa: S101
        uitkomst = gebruikersbeheer.maak_aan(services, door, nieuw, toelichting)
    click.echo(_toon(uitkomst.gebruiker))
    if uitkomst.voorstel:
        click.echo(f"Voorstel {uitkomst.voorstel.id}: een tweede beheerder moet het goedkeuren.")


def _statuscommando(naam: str, hulp: str, kies: Callable[[], Callable[..., Any]]) -> None:
    @gebruikers.command(naam, help=hulp)
    @_TOKEN_BESTAND
    @click.argument("gebruiker_id")
    @_TOELICHTING
    @clear_errors
    def command(token_bestand: Path, gebruiker_id: str, toelichting: str) -> None:
        with als_beheerder(token_bestand) as (services, door):
            uitkomst = kies()(services, door, gebruiker_id, toelichting)
        click.echo(_toon(uitkomst.gebruiker))
        if uitkomst.voorstel:
            click.echo(f"Voorstel {uitkomst.voorstel.id}: een tweede beheerder moet het goedkeuren.")


def _gb() -> Any:
    from service.service_layer.identiteit import gebruikersbeheer

    return gebruikersbeheer


_statuscommando("schorsen", "Schors een gebruiker (een beheerder of FG: als voorstel).", lambda: _gb().schors)
_statuscommando(
    "herstellen", "Hef de schorsing van een gebruiker op (een beheerder of FG: als voorstel).", lambda: _gb().herstel
)
_statuscommando(
    "verwijderen", "Verwijder een gebruiker definitief en trek zijn tokens in (een beheerder of FG: als voorstel).",
    lambda: _gb().verwijder,
)  # fmt: skip


@gebruikers.command("token")
@_TOKEN_BESTAND
@click.argument("gebruiker_id")
@clear_errors
def token(token_bestand: Path, gebruiker_id: str) -> None:
    """Geef een token uit aan een gebruiker (geen beheerder of FG); het wordt één keer getoond."""
    from service.service_layer.identiteit import tokens

    with als_beheerder(token_bestand) as (services, door):
        assert door is not None  # noqa: S101
        issued, stored = tokens.geef_uit(services, door, gebruiker_id)
    click.echo(f"token {stored.id}, geldig tot {stored.verloopt_op.isoformat()} (alleen nu getoond):")
    click.echo(issued.token)


@gebruikers.command("intrekken")
@_TOKEN_BESTAND
@click.argument("gebruiker_id")
@click.argument("token_id")
@clear_errors
def intrekken(token_bestand: Path, gebruiker_id: str, token_id: str) -> None:
    """Trek een token in: vanaf het volgende verzoek wordt het geweigerd."""
    from service.service_layer.identiteit import tokens

    with als_beheerder(token_bestand) as (services, door):
        assert door is not None  # noqa: S101
        revoked = tokens.trek_in(services, door, gebruiker_id, token_id)
    click.echo(f"token {revoked.id} ingetrokken")

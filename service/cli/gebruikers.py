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
    help="file holding the bearer token of the beheerder who acts",
)
_TOELICHTING = click.option("--toelichting", required=True, help="why (recorded in the log)")


@click.group()
def gebruikers() -> None:
    """Gebruikers (persons and systems) and their tokens, as beheerder."""


def _toon(x: Gebruikersgegevens) -> str:
    oidc = f" oidc={x.oidc.issuer}#{x.oidc.subject}" if x.oidc else ""
    voorstel = f" voorstel={x.voorstel}" if x.voorstel else ""
    return f"{x.id}  {x.partner_id}  {x.rol}  {x.soort.value}  {x.status.value}  {x.naam}{oidc}{voorstel}"


@gebruikers.command("bootstrap")
@click.option("--partner", required=True, help="the Bureau ZVH (partner id) the beheerders belong to")
@click.option("--naam", "namen", multiple=True, required=True, help="a beheerder's name (give it twice)")
@click.option("--oidc-issuer", help="their identity provider (issuer URL), for logging in to the pages")
@click.option("--oidc-subject", "subjects", multiple=True, help="each beheerder's subject there (in --naam order)")
@clear_errors
def bootstrap(partner: str, namen: tuple[str, ...], oidc_issuer: str | None, subjects: tuple[str, ...]) -> None:
    """Create the first two beheerders of a new installation (refused once any beheerder exists)."""
    from service.service_layer.identiteit import gebruikersbeheer

    if subjects and (oidc_issuer is None or len(subjects) != len(namen)):
        weiger("give --oidc-issuer and one --oidc-subject per --naam, or neither")
    identiteiten = [OidcIdentiteit(oidc_issuer, s) for s in subjects] if oidc_issuer else [None] * len(namen)
    with als_beheerder(None) as (services, _):
        made = gebruikersbeheer.bootstrap(services, partner, list(zip(namen, identiteiten, strict=False)))
    click.echo("Twee beheerders aangemaakt. Elk token wordt alleen nu getoond: geef het veilig door.")
    for gegevens, issued in made:
        click.echo(f"{_toon(gegevens)}\n  token: {issued.token}")


@gebruikers.command("lijst")
@_TOKEN_BESTAND
@click.option("--partner")
@click.option("--rol")
@click.option("--soort", type=click.Choice([s.value for s in SoortGebruiker]))
@click.option("--status", type=click.Choice([s.value for s in GebruikerStatus]))
@clear_errors
def lijst(token_bestand: Path, partner: str | None, rol: str | None, soort: str | None, status: str | None) -> None:
    """Every gebruiker matching the filters (never a token)."""
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
@click.option("--partner", required=True)
@click.option("--rol", required=True)
@click.option("--soort", required=True, type=click.Choice([s.value for s in SoortGebruiker]))
@click.option("--naam", required=True)
@_TOELICHTING
@click.option("--oidc-issuer")
@click.option("--oidc-subject")
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
    """Create a gebruiker (a beheerder or FG: a proposal for a second beheerder)."""
    from service.service_layer.identiteit import gebruikersbeheer
    from service.service_layer.identiteit.gebruikersbeheer import NieuweGebruiker

    if (oidc_issuer is None) != (oidc_subject is None):
        weiger("give both --oidc-issuer and --oidc-subject, or neither")
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


_statuscommando("schorsen", "Suspend a gebruiker (a beheerder or FG: proposed).", lambda: _gb().schors)
_statuscommando("herstellen", "Lift a gebruiker's suspension (a beheerder or FG: proposed).", lambda: _gb().herstel)
_statuscommando(
    "verwijderen", "Remove a gebruiker for good, revoking its tokens (a beheerder or FG: proposed).",
    lambda: _gb().verwijder,
)  # fmt: skip


@gebruikers.command("token")
@_TOKEN_BESTAND
@click.argument("gebruiker_id")
@clear_errors
def token(token_bestand: Path, gebruiker_id: str) -> None:
    """Issue a token for a gebruiker (not a beheerder or FG); printed once."""
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
    """Revoke a token: refused from the next request on."""
    from service.service_layer.identiteit import tokens

    with als_beheerder(token_bestand) as (services, door):
        assert door is not None  # noqa: S101
        revoked = tokens.trek_in(services, door, gebruiker_id, token_id)
    click.echo(f"token {revoked.id} ingetrokken")

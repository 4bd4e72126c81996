"""`deelpoort demo`: instance/ with development keys, a database and the synthetic Drenthe region, then serve.

Development only: refused in production before anything is written.
"""

from __future__ import annotations

import datetime as dt

import click

from service.cli.common import clear_errors, fail, settings

VERZOEKEN = 150  # the demo's ordinary verstrekkingen of the past year (besides the latest week's scenarios)
# The routeeroverleg's participants in the demo: OGGZ (GGD), Veilig Thuis and the ZVH.
_ROUTEEROVERLEG = {
    ("ggd-drenthe", "casusregisseur"),
    ("veilig-thuis-drenthe", "casusregisseur"),
    ("bureau-zvh-drenthe", "procesregisseur"),
}


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="adres om op te luisteren")
@click.option("--port", default=8000, show_default=True, type=int, help="poort om op te luisteren")
@click.option("--workers", default=2, show_default=True, type=int, help="aantal gunicorn-workers")
@click.option("--seed", default=2023, show_default=True, type=int, help="seed van de synthetische regio")
@click.option("--no-serve", is_flag=True, help="installeer de demoregio en stop")
@clear_errors
def demo(host: str, port: int, workers: int, seed: int, no_serve: bool) -> None:
    """Maak instance/ met ontwikkelsleutels, een database en de synthetische regio Drenthe, en serveer die (alleen
    voor ontwikkeling)."""
    from service.bootstrap import build_services, development_key_path
    from service.demo.installatie import install_region, write_credentials
    from service.demo.regio import generate_region
    from service.demo.routeeroverleg import demo_signalen
    from service.demo.tijdlijn import JAAR
    from service.domain.casus import Gebruiker, utcnow
    from service.service_layer.beleid import actief as beleid
    from service.service_layer.installatie import database_omschrijving, schema_bijwerken
    from service.service_layer.register import versies as convenantversies
    from service.service_layer.sleutelbeheer import write_development_keys

    current = settings()
    if current.is_production:
        fail("de demo is alleen voor ontwikkeling; geweigerd in productie (DEELPOORT_ENV=production)")
    if current.keys_file is None and current.keys_json is None and not development_key_path(current).exists():
        write_development_keys(current.keys_dir)
        click.echo(f"Ontwikkelsleutels: {development_key_path(current)}")
    services = build_services(current)
    click.echo(f"Database: {database_omschrijving(services)}")
    schema_bijwerken(services)
    geinstalleerd = utcnow() - JAAR  # the demo's installation, where its past begins (demo/tijdlijn.py)
    convenantversies.installeer(services, current.convenanten_dir, activeer="altijd", now=geinstalleerd)
    policy, _ = beleid.installeer(services, current.policies_dir, activeer="altijd", now=geinstalleerd)
    click.echo(f"Veldbeleid: versie {policy.short_version} actief")
    region = generate_region(services.convenant, seed=seed, today=dt.date.today())
    click.echo(f"Verstrekkingen: tot {VERZOEKEN} synthetische verzoeken over het afgelopen jaar (voor de FG-pagina's)")
    credentials = install_region(services, region, verzoeken=VERZOEKEN, seed=seed, beheer=True)
    path = current.instance_path / "demo-credentials.json"
    write_credentials(path, credentials)
    routeer = [
        Gebruiker(c.gebruiker, c.partner, c.rol, c.naam) for c in credentials if (c.partner, c.rol) in _ROUTEEROVERLEG
    ]
    click.echo(f"Routeeroverleg: {demo_signalen(services, routeer)} synthetische signalen")
    services.engine.dispose()
    click.echo(
        f"Demo-regio: {len(region.casussen)} casussen, {len(credentials)} gebruikers, "
        f"{len(region.overleggen)} overleggen, {len(region.adviezen)} adviezen"
    )
    click.echo(f"Tokens per demo-gebruiker: {path}")
    if not no_serve:
        from service.gunicorn_app import run

        click.echo(f"Deelpoort luistert op http://{host}:{port} (probeer GET /v1/partners met een token)")
        run(current, host=host, port=port, workers=workers)

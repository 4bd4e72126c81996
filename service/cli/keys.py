"""`deelpoort keys`: production and development key material, checking a secrets file, KEK rotation with
rewrapping, retiring old KEK versions; with `DEELPOORT_SLEUTELS=pkcs11` the KEKs are key objects in a PKCS#11 token
(`pkcs11-init`, `migratie-afronden`; docs/sleutels-hsm.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.cli.common import clear_errors, fail, services_for, settings
from service.meldingen.configuratie import os_reden
from service.meldingen.opdrachten import fout
from service.settings import Settings, Sleutelopslag


@click.group()
def keys() -> None:
    """Sleutelmateriaal: sleutels voor productie en ontwikkeling, een sleutelbestand controleren, KEK's roteren en
    uit gebruik nemen."""


def _key_file(current: Settings) -> Path:
    from service.bootstrap import development_key_path

    if current.keys_json is not None:
        fail(
            "het sleutelmateriaal komt uit DEELPOORT_KEYS_JSON; zet de nieuwe versie daar en gebruik dan --rewrap-only"
        )
    return current.keys_file or development_key_path(current)


@keys.command("init")
@clear_errors
def keys_init() -> None:
    """Maak ontwikkelsleutels in keys/ (nooit in productie; bestaande sleutels blijven staan)."""
    from service.service_layer.sleutelbeheer import write_development_keys

    current = settings()
    if current.is_production:
        fail("ontwikkelsleutels worden in productie geweigerd")
    from service.bootstrap import development_key_path

    path = development_key_path(current)
    if path.exists():
        click.echo(f"de ontwikkelsleutels bestaan al: {path} (bewaard: vervangen zou gegevens onleesbaar maken)")
        return
    write_development_keys(current.keys_dir)
    click.echo(f"ontwikkelsleutels geschreven naar {path} (alleen voor ontwikkeling)")


@keys.command("generate")
@click.option("--uitvoer", required=True, type=click.Path(dir_okay=False, path_type=Path), help="het nieuwe bestand")
@click.option(
    "--zonder-kek", is_flag=True, help="zonder KEK's: die staan in een PKCS#11-token (DEELPOORT_SLEUTELS=pkcs11)"
)
@clear_errors
def keys_generate(uitvoer: Path, zonder_kek: bool) -> None:
    """Schrijf nieuw sleutelmateriaal voor productie naar een nieuw bestand (mode 0600; een bestaand bestand wordt
    nooit vervangen)."""
    from service.service_layer.sleutelbeheer import write_production_keys

    try:
        written = write_production_keys(uitvoer, met_kek=not zonder_kek)
    except FileExistsError:
        fail(f"{uitvoer} bestaat al en blijft staan: sleutelmateriaal vervangen zou zijn gegevens onleesbaar maken")
    except OSError as exc:
        fail(f"{uitvoer}: kan niet geschreven worden ({os_reden(exc.strerror)})")
    click.echo(
        f"sleutelmateriaal voor productie geschreven naar {written} (mode 0600): houd het geheim en maak er apart "
        "een back-up van"
    )
    click.echo(f"laat DEELPOORT_KEYS_FILE ernaar wijzen; controleer het met `deelpoort keys check --bestand {written}`")


@keys.command("check")
@click.option("--bestand", type=click.Path(dir_okay=False, path_type=Path), help="standaard: het ingestelde bestand")
@clear_errors
def keys_check(bestand: Path | None) -> None:
    """Controleer een sleutelbestand zonder de dienst te starten; toont wat erin staat, nooit een geheim."""
    from service.bootstrap import development_key_path
    from service.service_layer.sleutelbeheer import check_key_file

    current = settings()
    path = bestand or current.keys_file or development_key_path(current)
    try:
        found = check_key_file(path, production=current.is_production)
    except OSError as exc:
        fail(f"{path}: kan niet gelezen worden ({os_reden(exc.strerror)})")
    click.echo(f"{found.pad}: geldig sleutelmateriaal voor {'ontwikkeling' if found.development else 'productie'}")
    for regime, (primary, versions) in found.kek.items():
        click.echo(f"  kek {regime}: primair v{primary}; versies {', '.join(f'v{v}' for v in versions)}")
    if not found.kek:
        click.echo("  kek: geen in dit bestand (DEELPOORT_SLEUTELS=pkcs11: de KEK's staan in het token)")
    click.echo(f"  verificatiesleutel van de checkpoints: {found.ondertekenaar}")
    shown = ", ".join(found.oidc_partners) or "geen"
    click.echo(f"  OpenID Connect-clientgeheimen (oidc_client_secrets) voor: {shown}")


@keys.command("oidc-geheim")
@click.option("--partner", required=True, help="de partner wiens identiteitsaanbieder het clientgeheim uitgaf")
@click.option(
    "--bestand",
    type=click.Path(dir_okay=False, path_type=Path),
    help="het sleutelbestand (standaard: DEELPOORT_KEYS_FILE)",
)
@clear_errors
def keys_oidc_geheim(partner: str, bestand: Path | None) -> None:
    """Zet het OpenID Connect-clientgeheim van een partner, gelezen van standaardinvoer, in het sleutelbestand."""
    from service.service_layer.sleutelbeheer import set_client_secret_in_file

    target = bestand or _key_file(settings())
    secret = sys.stdin.read().strip()
    if not secret:
        fail("geen clientgeheim op standaardinvoer")
    set_client_secret_in_file(target, partner, secret)
    click.echo(f"{target}: clientgeheim van {partner} gezet (niet getoond); controleer het met 'deelpoort keys check'")


@keys.command("status")
@clear_errors
def keys_status() -> None:
    """Per regime: elke KEK-versie, waar die staat (sleutelbestand of token), de primaire, en hoeveel datasleutels
    elke versie verpakt."""
    from service.domain.convenant import Regime
    from service.service_layer.sleutelbeheer_hsm import kek_overzicht

    with services_for(settings()) as services:
        for regime in Regime:
            versies = kek_overzicht(services, regime)
            primary = next(v for v in versies if v.primair)
            shown = ", ".join(f"v{v.versie} ({v.bron}): {v.data_keys}" for v in versies)
            click.echo(f"{regime.value}: primair v{primary.versie} ({primary.bron}); datasleutels per KEK: {shown}")


@keys.command("rotate")
@click.option("--regime", required=True, type=click.Choice(["regulier", "cter"]), help="het regime")
@click.option(
    "--rewrap-only", is_flag=True, help="alleen opnieuw verpakken (hervatten, of een versie die elders is gezet)"
)
@click.option(
    "--batch-size",
    default=500,
    show_default=True,
    type=click.IntRange(1, 10_000),
    help="datasleutels per transactie",
)
@clear_errors
def keys_rotate(regime: str, rewrap_only: bool, batch_size: int) -> None:
    """Maak een nieuwe KEK-versie primair en verpak elke datasleutel van het regime opnieuw (hervatbaar, veilig terwijl
    de dienst draait)."""
    from service.domain.convenant import Regime
    from service.domain.errors import ConflictError
    from service.service_layer.sleutelbeheer import add_kek_version_to_file, key_versions, primary_version, rewrap_all

    current = settings()
    chosen = Regime(regime)
    in_token = current.sleutels is Sleutelopslag.PKCS11
    if not rewrap_only and not in_token:
        add_kek_version_to_file(_key_file(current), chosen)
    with services_for(current) as services:
        if not rewrap_only and in_token:
            from service.service_layer.sleutelbeheer_hsm import nieuwe_kek

            click.echo(f"{chosen.value}: KEK v{nieuwe_kek(services, chosen)} gemaakt in het PKCS#11-token")
        primary = primary_version(services, chosen)
        todo = sum(n for v, n in key_versions(services, chosen).items() if v != primary)
        click.echo(
            f"{chosen.value}: de primaire KEK-versie is nu v{primary}; {todo} datasleutel(s) opnieuw te verpakken"
        )
        with click.progressbar(length=todo, label="opnieuw verpakken") as bar:
            try:
                done = rewrap_all(services, chosen, batch_size=batch_size, progress=bar.update)
            except ConflictError as exc:
                fail(fout(exc))
    click.echo(f"{done} datasleutel(s) opnieuw verpakt")


@keys.command("retire")
@click.option("--regime", required=True, type=click.Choice(["regulier", "cter"]), help="het regime")
@click.option("--version", "version", required=True, type=int, help="de KEK-versie die uit gebruik gaat")
@clear_errors
def keys_retire(regime: str, version: int) -> None:
    """Verwijder een oude KEK-versie (uit het sleutelbestand, of vernietig hem in het token); geweigerd zolang een
    datasleutel hem nog gebruikt."""
    from service.domain.convenant import Regime
    from service.domain.errors import ConflictError
    from service.service_layer.sleutelbeheer import check_retirable, retire_kek_version_from_file

    current = settings()
    chosen = Regime(regime)
    if current.sleutels is Sleutelopslag.PKCS11:
        from service.service_layer.sleutelbeheer_hsm import vernietig_kek

        with services_for(current) as services:
            try:
                vernietig_kek(services, chosen, version)
            except ConflictError as exc:
                fail(fout(exc))
        click.echo(f"{chosen.value}: KEK-versie v{version} vernietigd in het PKCS#11-token")
        return
    with services_for(current) as services:
        try:
            check_retirable(services, chosen, version)
        except ConflictError as exc:
            fail(fout(exc))
    retire_kek_version_from_file(_key_file(current), chosen, version)
    click.echo(f"{chosen.value}: KEK-versie v{version} uit gebruik genomen")


@keys.command("pkcs11-init")
@clear_errors
def keys_pkcs11_init() -> None:
    """Maak de eerste KEK van elk regime in het PKCS#11-token (een regime dat er al een heeft blijft ongemoeid)."""
    from service.bootstrap import load_key_file, open_token_keyring
    from service.service_layer.sleutelbeheer_hsm import eerste_keks

    current = settings()
    if current.sleutels is not Sleutelopslag.PKCS11:
        fail("stel eerst DEELPOORT_SLEUTELS=pkcs11 en DEELPOORT_PKCS11_* in (docs/sleutels-hsm.md)")
    material = load_key_file(current)
    made = eerste_keks(open_token_keyring(current, material, volledig=False))
    if not made:
        click.echo(f"token {current.pkcs11_token}: elk regime heeft al een KEK; niets gemaakt")
    for chosen, version in made.items():
        click.echo(f"{chosen.value}: KEK v{version} gemaakt in token {current.pkcs11_token} (primair)")
    if material.keyring is not None and made:
        click.echo("de KEK's van het sleutelbestand lezen de bestaande datasleutels nog; breng die naar het token met")
        click.echo("`deelpoort keys rotate --regime <regime> --rewrap-only`, daarna `deelpoort keys migratie-afronden`")


@keys.command("migratie-afronden")
@clear_errors
def keys_migratie_afronden() -> None:
    """Na de overstap naar een PKCS#11-token: verwijder de KEK's uit het sleutelbestand zodra geen datasleutel ze nog
    gebruikt."""
    from service.domain.errors import ConflictError
    from service.service_layer.sleutelbeheer_hsm import rond_migratie_af

    current = settings()
    target = _key_file(current)
    with services_for(current) as services:
        try:
            rond_migratie_af(services, target)
        except ConflictError as exc:
            fail(fout(exc))
    click.echo(f"{target}: de KEK's zijn verwijderd; de sleutels van de blinde index en de checkpoints blijven erin")

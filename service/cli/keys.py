"""`deelpoort keys`: production and development key material, checking a secrets file, KEK rotation with
rewrapping, retiring old KEK versions; with `DEELPOORT_SLEUTELS=pkcs11` the KEKs are key objects in a PKCS#11 token
(`pkcs11-init`, `migratie-afronden`; docs/sleutels-hsm.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.cli.common import clear_errors, fail, services_for, settings
from service.settings import Settings, Sleutelopslag


@click.group()
def keys() -> None:
    """Key material: production and development keys, checking a secrets file, rotation, retiring."""


def _key_file(current: Settings) -> Path:
    from service.bootstrap import development_key_path

    if current.keys_json is not None:
        fail("key material comes from DEELPOORT_KEYS_JSON; provision the new version there, then use --rewrap-only")
    return current.keys_file or development_key_path(current)


@keys.command("init")
@clear_errors
def keys_init() -> None:
    """Generate development keys into keys/ (never in production; existing keys are kept)."""
    from service.service_layer.sleutelbeheer import write_development_keys

    current = settings()
    if current.is_production:
        fail("development keys are refused in production")
    from service.bootstrap import development_key_path

    path = development_key_path(current)
    if path.exists():
        click.echo(f"development keys already exist: {path} (kept: replacing them would make data unreadable)")
        return
    write_development_keys(current.keys_dir)
    click.echo(f"development keys written to {path} (for development only)")


@keys.command("generate")
@click.option("--uitvoer", required=True, type=click.Path(dir_okay=False, path_type=Path), help="the new file")
@click.option(
    "--zonder-kek", is_flag=True, help="without KEKs: they are in a PKCS#11 token (DEELPOORT_SLEUTELS=pkcs11)"
)
@clear_errors
def keys_generate(uitvoer: Path, zonder_kek: bool) -> None:
    """Write fresh production key material to a new file (mode 0600; an existing file is never replaced)."""
    from service.service_layer.sleutelbeheer import write_production_keys

    try:
        written = write_production_keys(uitvoer, met_kek=not zonder_kek)
    except FileExistsError:
        fail(f"{uitvoer} exists and is kept: replacing key material would make its data unreadable")
    except OSError as exc:
        fail(f"{uitvoer}: cannot be written ({exc.strerror})")
    click.echo(f"production key material written to {written} (mode 0600): keep it secret, back it up apart")
    click.echo(f"point DEELPOORT_KEYS_FILE at it; check it with `deelpoort keys check --bestand {written}`")


@keys.command("check")
@click.option("--bestand", type=click.Path(dir_okay=False, path_type=Path), help="default: the configured file")
@clear_errors
def keys_check(bestand: Path | None) -> None:
    """Validate a secrets file without starting the service; prints what it holds, never a secret."""
    from service.bootstrap import development_key_path
    from service.service_layer.sleutelbeheer import check_key_file

    current = settings()
    path = bestand or current.keys_file or development_key_path(current)
    try:
        found = check_key_file(path, production=current.is_production)
    except OSError as exc:
        fail(f"{path}: cannot be read ({exc.strerror})")
    click.echo(f"{found.pad}: valid {'development' if found.development else 'production'} key material")
    for regime, (primary, versions) in found.kek.items():
        click.echo(f"  kek {regime}: primary v{primary}; versions {', '.join(f'v{v}' for v in versions)}")
    if not found.kek:
        click.echo("  kek: none in this file (DEELPOORT_SLEUTELS=pkcs11: the KEKs are in the token)")
    click.echo(f"  checkpoint verifier key: {found.ondertekenaar}")
    shown = ", ".join(found.oidc_partners) or "none"
    click.echo(f"  OpenID Connect client secrets (oidc_client_secrets) for: {shown}")


@keys.command("oidc-geheim")
@click.option("--partner", required=True, help="the partner whose identity provider issued the client secret")
@click.option(
    "--bestand",
    type=click.Path(dir_okay=False, path_type=Path),
    help="the secrets file (default: DEELPOORT_KEYS_FILE)",
)
@clear_errors
def keys_oidc_geheim(partner: str, bestand: Path | None) -> None:
    """Put a partner's OpenID Connect client secret, read from standard input, into the secrets file."""
    from service.service_layer.sleutelbeheer import set_client_secret_in_file

    target = bestand or _key_file(settings())
    secret = sys.stdin.read().strip()
    if not secret:
        fail("no client secret on standard input")
    set_client_secret_in_file(target, partner, secret)
    click.echo(f"{target}: client secret for {partner} set (not shown); check it with 'deelpoort keys check'")


@keys.command("status")
@clear_errors
def keys_status() -> None:
    """Per regime: every KEK version, where it is held (secrets file or token), the primary one, and how many data
    keys each wraps."""
    from service.domain.convenant import Regime
    from service.service_layer.sleutelbeheer_hsm import kek_overzicht

    with services_for(settings()) as services:
        for regime in Regime:
            versies = kek_overzicht(services, regime)
            primary = next(v for v in versies if v.primair)
            shown = ", ".join(f"v{v.versie} ({v.bron}): {v.data_keys}" for v in versies)
            click.echo(f"{regime.value}: primary v{primary.versie} ({primary.bron}); data keys per KEK: {shown}")


@keys.command("rotate")
@click.option("--regime", required=True, type=click.Choice(["regulier", "cter"]))
@click.option("--rewrap-only", is_flag=True, help="only rewrap (resume, or a version provisioned elsewhere)")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@clear_errors
def keys_rotate(regime: str, rewrap_only: bool, batch_size: int) -> None:
    """Make a new KEK version primary and rewrap every data key of the regime (resumable, safe while serving)."""
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

            click.echo(f"{chosen.value}: KEK v{nieuwe_kek(services, chosen)} generated in the PKCS#11 token")
        primary = primary_version(services, chosen)
        todo = sum(n for v, n in key_versions(services, chosen).items() if v != primary)
        click.echo(f"{chosen.value}: primary KEK version is now v{primary}; {todo} data key(s) to rewrap")
        with click.progressbar(length=todo, label="rewrapping") as bar:
            try:
                done = rewrap_all(services, chosen, batch_size=batch_size, progress=bar.update)
            except ConflictError as exc:
                fail(str(exc))
    click.echo(f"rewrapped {done} data key(s)")


@keys.command("retire")
@click.option("--regime", required=True, type=click.Choice(["regulier", "cter"]))
@click.option("--version", "version", required=True, type=int)
@clear_errors
def keys_retire(regime: str, version: int) -> None:
    """Remove an old KEK version (from the key file, or destroy it in the token); refused while any data key still
    uses it."""
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
                fail(str(exc))
        click.echo(f"{chosen.value}: KEK version v{version} destroyed in the PKCS#11 token")
        return
    with services_for(current) as services:
        try:
            check_retirable(services, chosen, version)
        except ConflictError as exc:
            fail(str(exc))
    retire_kek_version_from_file(_key_file(current), chosen, version)
    click.echo(f"{chosen.value}: KEK version v{version} retired")


@keys.command("pkcs11-init")
@clear_errors
def keys_pkcs11_init() -> None:
    """Generate the first KEK of every regime in the PKCS#11 token (those that have one are left alone)."""
    from service.bootstrap import load_key_file, open_token_keyring
    from service.service_layer.sleutelbeheer_hsm import eerste_keks

    current = settings()
    if current.sleutels is not Sleutelopslag.PKCS11:
        fail("set DEELPOORT_SLEUTELS=pkcs11 and DEELPOORT_PKCS11_* first (docs/sleutels-hsm.md)")
    material = load_key_file(current)
    made = eerste_keks(open_token_keyring(current, material, volledig=False))
    if not made:
        click.echo(f"token {current.pkcs11_token}: every regime has a KEK already; nothing made")
    for chosen, version in made.items():
        click.echo(f"{chosen.value}: KEK v{version} generated in token {current.pkcs11_token} (primary)")
    if material.keyring is not None and made:
        click.echo("the secrets file's KEKs still read the existing data keys; move them into the token with")
        click.echo("`deelpoort keys rotate --regime <regime> --rewrap-only`, then `deelpoort keys migratie-afronden`")


@keys.command("migratie-afronden")
@clear_errors
def keys_migratie_afronden() -> None:
    """After moving to a PKCS#11 token: remove the KEKs from the secrets file once no data key uses them."""
    from service.domain.errors import ConflictError
    from service.service_layer.sleutelbeheer_hsm import rond_migratie_af

    current = settings()
    target = _key_file(current)
    with services_for(current) as services:
        try:
            rond_migratie_af(services, target)
        except ConflictError as exc:
            fail(str(exc))
    click.echo(f"{target}: the KEKs are removed; blind index and checkpoint keys stay in it")

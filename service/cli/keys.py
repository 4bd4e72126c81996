"""`deelpoort keys`: production and development key material, checking a secrets file, KEK rotation with
rewrapping, retiring old KEK versions."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from service.cli.common import clear_errors, fail, services_for, settings
from service.settings import Settings


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
@clear_errors
def keys_generate(uitvoer: Path) -> None:
    """Write fresh production key material to a new file (mode 0600; an existing file is never replaced)."""
    from service.service_layer.sleutelbeheer import write_production_keys

    try:
        written = write_production_keys(uitvoer)
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
    """Per regime: the primary KEK version and how many data keys each version wraps."""
    from service.domain.convenant import Regime
    from service.service_layer.sleutelbeheer import key_versions, primary_version

    with services_for(settings()) as services:
        for regime in Regime:
            counts = key_versions(services, regime)
            shown = ", ".join(f"v{v}: {n}" for v, n in sorted(counts.items())) or "no data keys"
            click.echo(f"{regime.value}: primary v{primary_version(services, regime)}; {shown}")


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
    if not rewrap_only:
        add_kek_version_to_file(_key_file(current), chosen)
    with services_for(current) as services:
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
    """Remove an old KEK version from the key file; refused while any data key still uses it."""
    from service.domain.convenant import Regime
    from service.domain.errors import ConflictError
    from service.service_layer.sleutelbeheer import check_retirable, retire_kek_version_from_file

    current = settings()
    chosen = Regime(regime)
    with services_for(current) as services:
        try:
            check_retirable(services, chosen, version)
        except ConflictError as exc:
            fail(str(exc))
    retire_kek_version_from_file(_key_file(current), chosen, version)
    click.echo(f"{chosen.value}: KEK version v{version} retired")

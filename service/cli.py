"""The `deelpoort` command line: demo, serve, db upgrade, convenant check (more join as they are built).

Configuration errors end the command with a clear message and exit status 2; nothing is half-done.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from service.access import PolicyError
from service.convenant import ConvenantError, load_convenanten
from service.crypto import KeyMaterialError
from service.settings import Settings, SettingsError

if TYPE_CHECKING:
    from service.access import Access
    from service.domain.convenant import Convenant
    from service.service_layer.services import Services

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"deelpoort: {message}", err=True)
    sys.exit(2)


def _clear_errors(command: F) -> F:
    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except (SettingsError, ConvenantError, KeyMaterialError) as exc:
            _fail(str(exc))
        except PolicyError as exc:
            _fail("\n  - ".join([str(exc), *exc.problems]))
        return None

    return wrapper  # type: ignore[return-value]


def _settings() -> Settings:
    return Settings.from_env()


@click.group()
def main() -> None:
    """Deelpoort: case information sharing under the ZVH convenant."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@_clear_errors
def serve(host: str, port: int, workers: int) -> None:
    """Serve the API with gunicorn."""
    from service.gunicorn_app import run

    settings = _settings()
    click.echo(f"Deelpoort luistert op http://{host}:{port} (API: http://{host}:{port}/v1)")
    run(settings, host=host, port=port, workers=workers)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--seed", default=2023, show_default=True, type=int, help="seed of the synthetic region")
@click.option("--no-serve", is_flag=True, help="install the demo region and stop")
@_clear_errors
def demo(host: str, port: int, workers: int, seed: int, no_serve: bool) -> None:
    """Create instance/ with a database and the synthetic Drenthe region, then serve it."""
    from service.adapters.migrate import upgrade
    from service.bootstrap import build_services
    from service.demo.installatie import install_region, write_credentials
    from service.demo.regio import generate_region

    settings = _settings()
    if settings.is_production:
        _fail("the demo is for development only; refused in production (DEELPOORT_ENV=production)")
    from service.bootstrap import development_key_path
    from service.crypto import write_development_keys

    if settings.keys_file is None and settings.keys_json is None and not development_key_path(settings).exists():
        write_development_keys(settings.keys_dir)
        click.echo(f"Development keys: {development_key_path(settings)}")
    services = build_services(settings)
    click.echo(f"Database: {services.engine.url.render_as_string(hide_password=True)}")
    upgrade(services.engine)
    from service.service_layer.beleid import actief as beleid
    from service.service_layer.register import versies as convenantversies

    convenantversies.installeer(services, settings.convenanten_dir, activeer="altijd")
    policy, _ = beleid.installeer(services, settings.policies_dir, activeer="altijd")
    click.echo(f"Veldbeleid: versie {policy.short_version} actief")
    region = generate_region(services.convenant, seed=seed, today=dt.date.today())
    credentials = install_region(services, region)
    path = settings.instance_path / "demo-credentials.json"
    write_credentials(path, credentials)
    from service.demo.routeeroverleg import demo_signalen
    from service.domain.casus import Gebruiker

    routeer = [
        Gebruiker(c.gebruiker, c.partner, c.rol, c.naam)
        for c in credentials
        if (c.partner, c.rol)
        in {
            ("ggd-drenthe", "casusregisseur"),
            ("veilig-thuis-drenthe", "casusregisseur"),
            ("bureau-zvh-drenthe", "procesregisseur"),
        }
    ]
    click.echo(f"Routeeroverleg: {demo_signalen(services, routeer)} synthetische signalen")
    from service.demo.verstrekkingen import demo_verstrekkingen

    alle = [Gebruiker(c.gebruiker, c.partner, c.rol, c.naam) for c in credentials]
    gelogd = demo_verstrekkingen(services, region.casussen, alle, seed=seed)
    click.echo(f"Verstrekkingen: {gelogd} synthetische verzoeken gelogd (voor de FG-pagina's)")
    services.engine.dispose()
    click.echo(f"Demo-regio: {len(region.casussen)} casussen, {len(credentials)} gebruikers")
    click.echo(f"Tokens per demo-gebruiker: {path}")
    if not no_serve:
        from service.gunicorn_app import run

        click.echo(f"Deelpoort luistert op http://{host}:{port} (probeer GET /v1/partners met een token)")
        run(settings, host=host, port=port, workers=workers)


@main.command()
@_clear_errors
def openapi() -> None:
    """Print the OpenAPI document (as served at /v1/openapi.json) without starting a server."""
    import dataclasses
    import tempfile

    from service import create_app
    from service.crypto import write_development_keys
    from service.settings import Omgeving

    # The document depends on code only: build it on throwaway development keys and a scratch database, so
    # it needs no instance, no key material and no secrets (and never touches real ones).
    with tempfile.TemporaryDirectory(prefix="deelpoort-openapi-") as scratch:
        write_development_keys(Path(scratch))
        settings = dataclasses.replace(
            _settings(),
            omgeving=Omgeving.DEVELOPMENT,
            database_url=f"sqlite:///{scratch}/openapi.sqlite3",
            keys_dir=Path(scratch),
            keys_file=None,
            keys_json=None,
        )
        app = create_app(settings)
        response = app.test_client().get("/v1/openapi.json")
        click.echo(response.get_data(as_text=True))
        app.extensions["deelpoort"].engine.dispose()


@main.group()
def db() -> None:
    """The database schema."""


@db.command("upgrade")
@_clear_errors
def db_upgrade() -> None:
    """Apply the migrations up to the newest; on a new installation, put convenants/ in force (registering its
    partners) and install policies/ as the active version. Later changes go through four-eyes proposals."""
    from service.adapters.migrate import current_revision, upgrade
    from service.service_layer.beleid import actief as beleid
    from service.service_layer.register import versies as convenantversies

    settings = _settings()
    with _services(settings) as services:
        upgrade(services.engine)
        click.echo(f"schema at revision {current_revision(services.engine)}")
        versie, in_force = convenantversies.installeer(services, settings.convenanten_dir)
        state = "in force (new installation)" if in_force else "stored; the version in force is unchanged"
        click.echo(f"convenant version {versie[:12]} from {settings.convenanten_dir.name}/: {state}")
        policy, activated = beleid.installeer(services, settings.policies_dir)
        state = "activated (new installation)" if activated else "stored; the active version is unchanged"
        click.echo(f"policy version {policy.short_version} from {settings.policies_dir.name}/: {state}")


@main.group()
def keys() -> None:
    """Key material: development keys, rotation, retiring old KEK versions."""


@contextmanager
def _services(settings: Settings) -> Iterator[Services]:
    """The services for one command; the database engine is disposed when the command ends."""
    from service.bootstrap import build_services

    services = build_services(settings)
    try:
        yield services
    finally:
        services.engine.dispose()


def _key_file(settings: Settings) -> Path:
    from service.bootstrap import development_key_path

    if settings.keys_json is not None:
        _fail("key material comes from DEELPOORT_KEYS_JSON; provision the new version there, then use --rewrap-only")
    return settings.keys_file or development_key_path(settings)


@keys.command("init")
@_clear_errors
def keys_init() -> None:
    """Generate development keys into keys/ (never in production; existing keys are kept)."""
    from service.crypto import write_development_keys

    settings = _settings()
    if settings.is_production:
        _fail("development keys are refused in production")
    from service.bootstrap import development_key_path

    path = development_key_path(settings)
    if path.exists():
        click.echo(f"development keys already exist: {path} (kept: replacing them would make data unreadable)")
        return
    write_development_keys(settings.keys_dir)
    click.echo(f"development keys written to {path} (for development only)")


@keys.command("status")
@_clear_errors
def keys_status() -> None:
    """Per regime: the primary KEK version and how many data keys each version wraps."""
    from service.domain.convenant import Regime
    from service.service_layer.sleutelbeheer import key_versions

    with _services(_settings()) as services:
        for regime in Regime:
            counts = key_versions(services, regime)
            shown = ", ".join(f"v{v}: {n}" for v, n in sorted(counts.items())) or "no data keys"
            click.echo(f"{regime.value}: primary v{services.keys.primary_version(regime)}; {shown}")


@keys.command("rotate")
@click.option("--regime", required=True, type=click.Choice(["regulier", "cter"]))
@click.option("--rewrap-only", is_flag=True, help="only rewrap (resume, or a version provisioned elsewhere)")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10_000))
@_clear_errors
def keys_rotate(regime: str, rewrap_only: bool, batch_size: int) -> None:
    """Make a new KEK version primary and rewrap every data key of the regime (resumable, safe while serving)."""
    from service.crypto import add_kek_version, write_key_file
    from service.domain.convenant import Regime
    from service.domain.errors import ConflictError
    from service.service_layer.sleutelbeheer import key_versions, rewrap_all

    settings = _settings()
    chosen = Regime(regime)
    if not rewrap_only:
        path = _key_file(settings)
        document = json.loads(path.read_text(encoding="utf-8"))
        write_key_file(path, add_kek_version(document, chosen), overwrite=True)
    with _services(settings) as services:
        primary = services.keys.primary_version(chosen)
        todo = sum(n for v, n in key_versions(services, chosen).items() if v != primary)
        click.echo(f"{chosen.value}: primary KEK version is now v{primary}; {todo} data key(s) to rewrap")
        with click.progressbar(length=todo, label="rewrapping") as bar:
            try:
                done = rewrap_all(services, chosen, batch_size=batch_size, progress=bar.update)
            except ConflictError as exc:
                _fail(str(exc))
    click.echo(f"rewrapped {done} data key(s)")


@keys.command("retire")
@click.option("--regime", required=True, type=click.Choice(["regulier", "cter"]))
@click.option("--version", "version", required=True, type=int)
@_clear_errors
def keys_retire(regime: str, version: int) -> None:
    """Remove an old KEK version from the key file; refused while any data key still uses it."""
    from service.crypto import retire_kek_version, write_key_file
    from service.domain.convenant import Regime
    from service.domain.errors import ConflictError
    from service.service_layer.sleutelbeheer import check_retirable

    settings = _settings()
    chosen = Regime(regime)
    with _services(settings) as services:
        try:
            check_retirable(services, chosen, version)
        except ConflictError as exc:
            _fail(str(exc))
    path = _key_file(settings)
    document = json.loads(path.read_text(encoding="utf-8"))
    write_key_file(path, retire_kek_version(document, chosen, version), overwrite=True)
    click.echo(f"{chosen.value}: KEK version v{version} retired")


@main.group()
def audit() -> None:
    """The verstrekking log: verification and checkpoints."""


@audit.command("verify")
@_clear_errors
def audit_verify() -> None:
    """Recompute the whole log and check every checkpoint, then the lookup tables derived from it; exit 1 and name
    the first bad index on any problem."""
    from service.service_layer.logboek import integriteit

    with _services(_settings()) as services:

        def progress() -> Iterator[None]:
            while True:
                click.echo(".", nl=False, err=True)
                yield None

        controle = integriteit.controleer(services, "cli", voortgang=progress())
        try:
            integriteit.bewaar(services, controle)
            bewaard = f"stored as integriteitscontrole {controle.id} (shown to the FG)"
        except Exception as exc:  # a read-only copy may be verified too: the outcome stands, unstored
            bewaard = f"not stored for the FG ({type(exc).__name__}: is the database read-only?)"
    click.echo("", err=True)
    niet_geindexeerd = controle.grootte - controle.tabellen_gedekt
    tabellen = f"the lookup tables agree with the {controle.tabellen_gedekt} records they cover"
    if niet_geindexeerd > 0:
        tabellen += f" (the other {niet_geindexeerd} are added before the FG's next query)"
    for problemen, ok, fout, eerste in (
        (
            controle.problemen,
            f"{controle.grootte} records, {controle.checkpoints} checkpoints verified",
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
    click.echo(bewaard)
    if not controle.intact:
        sys.exit(1)


@audit.command("checkpoint")
@_clear_errors
def audit_checkpoint() -> None:
    """Sign a checkpoint of the current log now if the latest does not cover it (e.g. from cron)."""
    with _services(_settings()) as services:
        signed = services.log.checkpoint_now()
    if signed is None:
        click.echo("the log is empty: nothing to sign")
        return
    click.echo(signed.notitie, nl=False)


@main.group()
def retention() -> None:
    """Bewaartermijnen: destroying data whose retention period has ended."""


@retention.command("run")
@_clear_errors
def retention_run() -> None:
    """Crypto-shred every closed casus whose bewaartermijn has ended."""
    from service.service_layer.casus.bewaring import retention_run as run_retention
    from service.service_layer.routeeroverleg.overleg import verlopen

    with _services(_settings()) as services:
        shredded = run_retention(services)
        routeer = verlopen(services)
    click.echo(f"{len(shredded)} casus(sen) vernietigd (data key and values deleted; metadata kept)")
    click.echo(
        f"routeeroverleg: {routeer.signalen} signaal/signalen and {routeer.matches} besloten match(es) verwijderd"
    )


@main.group()
def routeeroverleg() -> None:
    """Routeeroverleg client helpers: the shared key and the pseudonym (computed locally, never by the service)."""


@routeeroverleg.command("sleutel")
@click.argument("bestand", type=click.Path(dir_okay=False, exists=False))
def routeeroverleg_sleutel(bestand: str) -> None:
    """Write a new routeeroverleg key (64 hex characters) to BESTAND, mode 0600, for the participants to share."""
    import os

    from service.crypto import nieuwe_routeersleutel

    path = Path(bestand)
    if path.exists():
        _fail(f"{path} exists; a key is never overwritten (pseudonyms under it would stop matching)")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(nieuwe_routeersleutel().hex() + "\n")
    click.echo(f"routeeroverleg key written to {path}: share it with the participants only, never with Deelpoort")


@routeeroverleg.command("pseudoniem")
@click.option(
    "--sleutelbestand",
    required=True,
    type=click.Path(dir_okay=False, exists=True),
    help="file holding the participants' shared key as hex (at least 64 characters)",
)
@click.option(
    "--soort",
    type=click.Choice(["bsn", "naam"]),
    default="bsn",
    show_default=True,
    help="bsn: one BSN per line; naam: 'naam;YYYY-MM-DD' per line",
)
def routeeroverleg_pseudoniem(sleutelbestand: str, soort: str) -> None:
    """Read persons from standard input (never the command line) and print one pseudonym per line.

    Exit status 1 when a line cannot be used; the message names the line number, never its content.
    """
    from service.crypto import routeer_pseudoniem
    from service.crypto.routeeroverleg import SLEUTEL_MIN_BYTES

    try:
        sleutel = bytes.fromhex(Path(sleutelbestand).read_text(encoding="ascii").strip())
    except (ValueError, UnicodeDecodeError):
        sleutel = b""
    if len(sleutel) < SLEUTEL_MIN_BYTES:
        _fail(f"the key file must hold a key of at least {SLEUTEL_MIN_BYTES} bytes as hex")
        return
    failed = False
    for number, line in enumerate(sys.stdin, start=1):
        text = line.strip()
        if not text:
            continue
        try:
            if soort == "bsn":
                click.echo(routeer_pseudoniem(sleutel, bsn=text))
            else:
                naam, _, datum = text.rpartition(";")
                click.echo(routeer_pseudoniem(sleutel, naam=naam, geboortedatum=datum))
        except ValueError:
            wanted = "BSN (nine digits)" if soort == "bsn" else "'naam;YYYY-MM-DD'"
            click.echo(f"deelpoort: line {number}: not a usable {wanted}", err=True)
            failed = True
    if failed:
        sys.exit(1)


@main.group()
def convenant() -> None:
    """The convenant registry (convenants/*.yaml)."""


@convenant.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False, exists=True))
@_clear_errors
def convenant_check(directory: str | None) -> None:
    """Validate the convenant files and print what they hold."""
    loaded = load_convenanten(Path(directory) if directory else _settings().convenanten_dir)
    for doc in loaded.documenten:
        click.echo(f"{doc.id} {doc.versie} ({doc.casustype.value})")
    counts = {
        "partners": len(loaded.partners),
        "rollen": len(loaded.rollen),
        "doelen": len(loaded.doelen),
        "grondslagen": len(loaded.grondslagen),
        "velden": len(loaded.velden),
        "verwerkingsactiviteiten": len(loaded.verwerkingsactiviteiten),
    }
    click.echo(", ".join(f"{n} {k}" for k, n in counts.items()))


@convenant.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@_clear_errors
def convenant_export(directory: str | None) -> None:
    """Write the convenant version in force from the database to DIRECTORY (default convenants/), texts exactly
    as approved, so the repository can hold the approved state; other *.yaml files there are removed."""
    from service.domain.errors import NietBeschikbaarError
    from service.service_layer.register import versies as convenantversies

    settings = _settings()
    _export(
        settings,
        Path(directory) if directory else settings.convenanten_dir,
        convenantversies.exporteer,
        NietBeschikbaarError,
        ("convenant version", "", "the version in force"),
    )


@main.group()
def policy() -> None:
    """The field policy (policies/model.conf and policies/*.csv)."""


def _compiled(directory: Path, convenant: Convenant | None = None) -> Access:
    """The policy in `directory`, validated against the convenant (loaded from the settings unless given)."""
    from service.access import Access, load_policy

    convenant = convenant or load_convenanten(_settings().convenanten_dir)
    return Access.compile(load_policy(directory, convenant), convenant)


@policy.command("check")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@_clear_errors
def policy_check(directory: str | None) -> None:
    """Validate the policy against the convenant; print its version and counts."""
    access = _compiled(Path(directory) if directory else _policies_dir())
    allows = sum(line.allow for line in access.policy.lines)
    click.echo(f"policy version {access.version}")
    click.echo(
        f"{len(access.policy.lines)} lines ({allows} allow, {len(access.policy.lines) - allows} deny); "
        f"{len(access.table.allowed)} (partner, rol, casustype, doel) combinations receive fields; "
        f"{sum(len(v) for v in access.table.allowed.values())} field decisions allow"
    )


@policy.command("diff")
@click.argument("old", type=click.Path(file_okay=False, exists=True))
@click.argument("new", type=click.Path(file_okay=False, exists=True))
@_clear_errors
def policy_diff(old: str, new: str) -> None:
    """Every (partner, rol, casustype, doel, veld) decision that differs between two policy directories."""
    from service.access.diff import changes

    convenant = load_convenanten(_settings().convenanten_dir)
    before, after = _compiled(Path(old), convenant), _compiled(Path(new), convenant)
    found = 0
    for change in changes(before.table, after.table):
        click.echo(change.describe())
        found += 1
    click.echo(f"{found} decision(s) change ({before.policy.short_version} -> {after.policy.short_version})")


@policy.command("explain")
@click.option("--partner", required=True)
@click.option("--rol", required=True)
@click.option("--casustype", required=True)
@click.option("--doel", required=True)
@click.option("--veld", required=True)
@_clear_errors
def policy_explain(partner: str, rol: str, casustype: str, doel: str, veld: str) -> None:
    """The decision for one field and the policy line that made it."""
    from service.access import DecisionKey

    access = _compiled(_policies_dir())
    decision = access.decide(DecisionKey(partner, rol, casustype, doel), veld)
    if decision.allowed:
        click.echo(f"ALLOWED on grondslag {decision.grondslag} by {decision.regel}")
    elif decision.regel:
        click.echo(f"DENIED by {decision.regel}")
    else:
        click.echo("DENIED: no policy line allows it (deny by default)")
    click.echo(f"policy version {access.version}")


@policy.command("export")
@click.argument("directory", required=False, type=click.Path(file_okay=False))
@_clear_errors
def policy_export(directory: str | None) -> None:
    """Write the active (approved) version from the database to DIRECTORY (default policies/), so the repository
    can hold the approved state; other *.csv files there are removed. Comments in the files are not kept."""
    from service.domain.errors import GeenBeleidError
    from service.service_layer.beleid import actief as beleid

    settings = _settings()
    _export(
        settings,
        Path(directory) if directory else settings.policies_dir,
        beleid.exporteer,
        GeenBeleidError,
        ("policy version", "model.conf, ", "the active version"),
    )


def _export(
    settings: Settings,
    target: Path,
    exporteer: Callable[[Services, Path], tuple[str, list[str], list[str]]],
    geen: type[Exception],
    woorden: tuple[str, str, str],
) -> None:
    """Write what is in force from the database to `target` and say what was written and removed (the policy and
    convenant exports); `geen` is the error of there being nothing in force."""
    soort, vast, welke = woorden
    with _services(settings) as services:
        try:
            versie, written, removed = exporteer(services, target)
        except geen as exc:
            _fail(str(exc))
            return
    click.echo(f"{soort} {versie} written to {target}/: {vast}{', '.join(written)}")
    if removed:
        click.echo(f"removed (not in {welke}): {', '.join(removed)}")


def _policies_dir() -> Path:
    return _settings().policies_dir

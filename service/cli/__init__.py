"""The `deelpoort` command line (`deelpoort = "service.cli:main"`): one module per command group.

| module | commands |
|---|---|
| `serve` | `serve` |
| `demo` | `demo` |
| `openapi` | `openapi` |
| `db` | `db upgrade` |
| `keys` | `keys init|generate|check|oidc-geheim|status|rotate|retire|pkcs11-init|migratie-afronden` |
| `audit` | `audit verify [--getuigen]|checkpoint|getuigen|ontvangstbewijs` |
| `retention` | `retention run` |
| `routeeroverleg` | `routeeroverleg sleutel|pseudoniem` (participants' client helpers) |
| `convenant` | `convenant check|export` |
| `policy` | `policy check|diff|explain|export` |
| `gebruikers` | `gebruikers bootstrap|lijst|toevoegen|schorsen|herstellen|verwijderen|token|intrekken` |
| `getuige` | `getuige sleutel|vkey|serve` (a witness of the log, its own process and storage) |
| `importeren` | `import FILE` (a ZVH's history from JSON Lines, docs/import.md) |
| `backup` | `backup --uitvoer DIR`, `restore DIR [--vervang] [--ontvangstbewijs FILE]` (docs/backup.md) |

Invariants:
- Click's frame speaks Dutch like the commands (`klik`): usage lines, headings, the help option and every usage
  error click reports; usage errors keep exit status 2.
- Configuration errors end the command with a clear message and exit status 2; nothing is half-done
  (`common.clear_errors`).
- Like the API and the pages, the commands call the service layer and render what it returns: they import
  only the service layer, domain types, `service.settings`, click and the composition roots (`bootstrap`,
  `create_app`, `gunicorn_app`, which also builds the witness's app); import-linter keeps it so.
- Nothing runs at import: settings, keys and the database are read when a command runs.
- Standard output is the command's answer only (scripts cut and redirect it): the application log goes to
  standard error, at `WARNING` or above unless `DEELPOORT_LOG_LEVEL=DEBUG` or `ERROR` says otherwise (the
  server logs `INFO`; a command's informational events, such as a checkpoint signed, are not news on a terminal).
"""

from __future__ import annotations

import click

from service.cli import (
    audit,
    backup,
    convenant,
    db,
    demo,
    gebruikers,
    getuige,
    importeren,
    keys,
    klik,
    openapi,
    policy,
    retention,
    routeeroverleg,
    serve,
)


@click.group(cls=klik.Deelpoort)
def main() -> None:
    """Deelpoort: casusinformatie delen onder het convenant van het Zorg- en Veiligheidshuis."""
    _log_naar_stderr()


def _log_naar_stderr() -> None:
    """The log on standard error (see the module invariants); settings errors are the command's to report."""
    from service import logconfig
    from service.settings import Settings, SettingsError

    try:
        current = Settings.from_env()
    except SettingsError:
        logconfig.configureer("WARNING", "console")
        return
    niveau = current.log_level if current.log_level in ("DEBUG", "ERROR") else "WARNING"
    logconfig.configureer(niveau, current.logformaat)


for _command in (
    serve.serve,
    demo.demo,
    openapi.openapi,
    db.db,
    keys.keys,
    audit.audit,
    retention.retention,
    routeeroverleg.routeeroverleg,
    convenant.convenant,
    policy.policy,
    gebruikers.gebruikers,
    getuige.getuige,
    importeren.importeer,
    backup.backup,
    backup.restore,
):
    main.add_command(_command)
klik.nederlands(main)

__all__ = ["main"]

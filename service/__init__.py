"""Deelpoort: sharing case information under the ZVH samenwerkings- en privacyconvenant.

`create_app(settings=None)` builds the Flask application; nothing connects, loads files or reads secrets at
import. Settings come from `DEELPOORT_*` variables unless given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import Flask

from service.settings import Settings, SettingsError

if TYPE_CHECKING:
    from service.service_layer.services import Services


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application from `settings` (default: read from the environment).

    Raises:
        SettingsError: the configuration is invalid.
        ConvenantError: the convenant files are invalid.
    """
    from service import api, logconfig, web
    from service.bootstrap import build_services, prometheus_meter

    settings = settings if settings is not None else Settings.from_env()
    logconfig.configureer(settings.log_level, settings.logformaat)
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SECRET_KEY=settings.secret_key or "development-only-not-secret",
        JSON_SORT_KEYS=False,
    )
    services = build_services(settings, prometheus_meter())
    app.extensions["deelpoort"] = services
    app.extensions["deelpoort.settings"] = settings
    _convenant_per_verzoek(app, services)
    api.init_app(app, services)
    web.init_app(app)
    return app


def serving_app(settings: Settings | None = None) -> Flask:
    """The application a serving process runs (each gunicorn worker of `deelpoort serve`, `wsgi.py`): `create_app`,
    refused while the database is marked "herstel bezig" by a restore that has not finished (docs/backup.md).

    `create_app` itself stays lazy (it connects to nothing, and tests build thousands); a serving process asks the
    database once, and `/v1/status` asks on every call.

    Raises:
        HerstelBezigError: a restore has not finished (a SettingsError: the process ends with its message).
        SettingsError, ConvenantError: as `create_app`.
    """
    app = create_app(settings)
    _niet_tijdens_herstel(app.extensions["deelpoort"])
    _schema_past(app.extensions["deelpoort"])
    return app


def _schema_past(services: Services) -> None:
    """Raise `SettingsError` when the database's schema is not the one this release was built for: older (run
    `deelpoort db upgrade` first) or unknown to it (a newer release upgraded it: this one must not write into a
    schema it does not know). A database that cannot be asked now is no reason to refuse (as the restore mark)."""
    from service.adapters.migrate import current_revision, head_revision, is_bekend
    from service.settings import SettingsError

    try:
        huidig = current_revision(services.engine)
    except Exception:
        return
    finally:
        services.engine.dispose()
    nodig = head_revision()
    if huidig == nodig:
        return
    if huidig is None or is_bekend(huidig):
        raise SettingsError(
            f"the database schema is at {huidig or 'nothing'}, this release needs {nodig}: run `deelpoort db upgrade`"
        )
    raise SettingsError(
        f"the database schema is at {huidig}, which this release does not know (a newer release upgraded it): "
        "serve the release that matches the database"
    )


def _niet_tijdens_herstel(services: Services) -> None:
    """Raise `HerstelBezigError` while a restore has not finished. A database that cannot be asked now is no
    reason to refuse: every request then fails on it, and `/v1/status` asks again. The connection asked with is
    closed again."""
    from service.settings import HerstelBezigError

    try:
        bezig = services.herstel_bezig()
    except Exception:  # unreachable now: the status endpoint reports it
        bezig = False
    finally:
        services.engine.dispose()
    if bezig:
        raise HerstelBezigError(
            "the database is marked herstel bezig: a restore has not finished (run `deelpoort restore` again to "
            "complete it); the service does not start until it has"
        )


# Endpoints that never consult the convenant: they do not pay the read of the version in force.
_ZONDER_CONVENANT = ("status.", "static", "sessie.static", "openapi_json", "waarneming.")


def _convenant_per_verzoek(app: Flask, services: Services) -> None:
    """Every request uses the one convenant version in force when it began (see `ConvenantBron`): it is read
    before the view runs, outside any transaction the view opens."""
    from flask import g, request

    from service.service_layer.register.bron import begin_verzoek, einde_verzoek

    @app.before_request
    def _begin() -> None:
        g.deelpoort_convenant = begin_verzoek()
        endpoint = request.endpoint or ""
        if endpoint and not endpoint.startswith(_ZONDER_CONVENANT):
            services.convenanten.huidig()

    @app.teardown_request
    def _einde(_exc: BaseException | None) -> None:
        token = g.pop("deelpoort_convenant", None)
        if token is not None:
            einde_verzoek(token)


def wsgi_app() -> Flask:
    """The application for gunicorn (`wsgi:app`): configuration errors end the process with their message."""
    from service.convenant import ConvenantError

    try:
        return serving_app()
    except (SettingsError, ConvenantError) as exc:
        raise SystemExit(f"deelpoort: {exc}") from None


def start_getuigenbode(app: Flask) -> None:
    """Start the background sender of a serving process (`GetuigenBode`): it signs a checkpoint of the unsigned
    tail once it is `DEELPOORT_CHECKPOINT_SECONDS` old, and offers each new checkpoint to the witnesses
    (`DEELPOORT_GETUIGEN_BESTAND`), every `interval_seconden` (without witnesses: every checkpoint period).
    Called per worker after its app is built (gunicorn's post_worker_init, `wsgi.py`), never by `create_app`: an
    app built for a test or a command runs no thread."""
    from service.service_layer.logboek.getuigen import GetuigenBode

    services: Services = app.extensions["deelpoort"]
    interval = (
        services.getuigen.inrichting.interval_seconden
        if services.getuigen is not None
        else float(services.log.beleid.seconds)
    )
    app.extensions["deelpoort.getuigenbode"] = GetuigenBode(services, interval).start()

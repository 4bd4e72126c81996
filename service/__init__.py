"""Deelpoort: sharing case information under the ZVH samenwerkings- en privacyconvenant.

`create_app(settings=None)` builds the Flask application; nothing connects, loads files or reads secrets at
import. Settings come from `DEELPOORT_*` variables unless given.
"""

from __future__ import annotations

from flask import Flask

from service.settings import Settings, SettingsError


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application from `settings` (default: read from the environment).

    Raises:
        SettingsError: the configuration is invalid.
        ConvenantError: the convenant files are invalid.
    """
    from service import api, web
    from service.bootstrap import build_services

    settings = settings if settings is not None else Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()))
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_body_bytes,
        SECRET_KEY=settings.secret_key or "development-only-not-secret",
        JSON_SORT_KEYS=False,
    )
    services = build_services(settings)
    app.extensions["deelpoort"] = services
    app.extensions["deelpoort.settings"] = settings
    api.init_app(app, services)
    web.init_app(app)
    return app


def wsgi_app() -> Flask:
    """The application for gunicorn (`wsgi:app`): configuration errors end the process with their message."""
    from service.convenant import ConvenantError

    try:
        return create_app()
    except (SettingsError, ConvenantError) as exc:
        raise SystemExit(f"deelpoort: {exc}") from None

"""Server-rendered pages: `/fg` for functionarissen gegevensbescherming (and `/beheer` next, on `sessie`).

Invariants: see `sessie` (login, sessions, CSRF, headers) and `fg` (metadata only). No JavaScript and no
external assets: the one stylesheet is served from this package, charts are inline SVG.
"""

from __future__ import annotations

from flask import Flask

from service.web import fg, sessie


def init_app(app: Flask) -> None:
    sessie.init_app(app)
    app.register_blueprint(fg.bp)

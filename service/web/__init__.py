"""Server-rendered pages: `/fg` for functionarissen gegevensbescherming, `/beheer` for beheerders and `/bureau`
for the Bureau ZVH's procesregisseurs and procesondersteuners, all on `sessie`.

Invariants: see `sessie` (login, sessions, CSRF, headers), `fg` (metadata only) and `beheer` (four eyes decided
by the service layer, never by a page). No JavaScript and no external assets: the one stylesheet is served from
this package, charts are inline SVG.
"""

from __future__ import annotations

from flask import Flask

from service.web import (
    account,
    beheer,
    bureau,
    bureauplan,
    fg,
    foutpaginas,
    gebruikersbeheer,
    inloggen_oidc,
    rapportage,
    rechten,
    sessie,
)


def init_app(app: Flask) -> None:
    sessie.init_app(app)
    foutpaginas.init_app(app)
    app.register_blueprint(inloggen_oidc.bp)
    app.register_blueprint(fg.bp)
    app.register_blueprint(rechten.bp)
    app.register_blueprint(beheer.bp)
    app.register_blueprint(gebruikersbeheer.bp)
    app.register_blueprint(bureau.bp)
    app.register_blueprint(bureauplan.bp)
    app.register_blueprint(rapportage.bp)
    app.register_blueprint(account.bp)

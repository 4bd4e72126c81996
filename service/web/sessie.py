"""Login, sessions, CSRF and security headers for the server-rendered pages: one module every page area reuses.

Use: `init_app(app)` once; then per area `beveilig(blueprint)` and `@login_required("fg")` on its views, and
`registreer_thuis("fg", "fg.overzicht")` so a user of that rol lands there after logging in. Templates extend
`basis.html` and put `{{ csrf_veld() }}` in every POST form.

Invariants:
- A page behind `login_required` never runs without a valid server-side session of an active gebruiker of an
  active partner with one of the named rollen (the service layer re-checks the credential on every request).
- Every POST to a protected area carries the session's CSRF token, compared in constant time; the login form
  carries a double-submit token bound to a short-lived cookie and the app's secret key. Without it: 400.
- Cookies are HttpOnly, SameSite=Strict, Path=/ and Secure whenever the request came over TLS.
- Every page response has CSP `default-src 'self'` (no inline script or style anywhere), frame-ancestors none.
- A database fault on any page of an area (`beveilig`) is the Dutch 503 page with `Retry-After`, rendered
  without a session (the session lives in the database): never a 500, never a value, never the fault's text.
- Filter forms use GET and carry no token: a CSRF token in a URL would leak into logs and history.
- In production people log in only through their organisation (`inloggen_oidc`): the token form is not shown
  and a POST to it is 404. In development it stays, beside a button per partner whose provider is set up.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.wrappers import Response as BaseResponse

from service.domain.casus import Gebruiker
from service.domain.errors import DatabaseNietBeschikbaarError
from service.domain.tekens import ongeldige_tekens
from service.http_status import RETRY_AFTER_SECONDS
from service.meldingen import logboek as logboekmeldingen
from service.service_layer.identiteit import oidc, websessies
from service.service_layer.identiteit.websessies import ActieveSessie
from service.service_layer.services import Services
from service.web import nederlands

F = TypeVar("F", bound=Callable[..., Any])
COOKIE = "deelpoort_sessie"
LOGIN_COOKIE = "deelpoort_inlog"
CSRF_FIELD = "csrf_token"
PAGE_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

bp = Blueprint(
    "sessie",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/web-static",
)
_THUIS: dict[str, str] = {}  # rol -> endpoint of its start page


def registreer_thuis(rol: str, endpoint: str) -> None:
    """After logging in, a gebruiker of `rol` lands on `endpoint` (e.g. "fg.overzicht")."""
    _THUIS[rol] = endpoint


def thuis(rol: str) -> str:
    """The URL of the start page of a gebruiker of `rol` (the login page when it has none)."""
    endpoint = _THUIS.get(rol)
    return url_for(endpoint) if endpoint else url_for("sessie.inloggen")


def app_services() -> Services:
    """The app's services (the composition root's), for this module and the blueprints."""
    return cast(Services, current_app.extensions["deelpoort"])


def gebruiker() -> Gebruiker:
    """The signed-in user of this request: only in a view behind `login_required`, which guarantees one."""
    found = huidige_sessie()
    assert found is not None  # noqa: S101 - login_required ran first
    return found.gebruiker


def _idle() -> dt.timedelta:
    settings = current_app.extensions["deelpoort.settings"]
    return dt.timedelta(minutes=int(settings.sessie_minuten))


def huidige_sessie() -> ActieveSessie | None:
    """This request's valid session, or None (resolved once per request)."""
    if "web_sessie" not in g:
        secret = request.cookies.get(COOKIE, "")
        g.web_sessie = websessies.sessie(app_services(), secret, idle=_idle()) if secret else None
    return cast(ActieveSessie | None, g.web_sessie)


def login_required(*rollen: str) -> Callable[[F], F]:
    """Require a valid session (else: to the login page) and, when given, one of `rollen` (else: 403 page)."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            found = huidige_sessie()
            if found is None:
                return redirect(url_for("sessie.inloggen", volgende=request.path))
            if rollen and found.gebruiker.rol not in rollen:
                return render_template("fout.html", titel="Geen toegang", melding=_GEEN_TOEGANG), 403
            return view(*args, **kwargs)

        return cast(F, wrapper)

    return decorator


_GEEN_TOEGANG = "Uw rol geeft geen toegang tot deze pagina's."


def _login_csrf(value: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, b"deelpoort/login-csrf\x00" + value.encode(), hashlib.sha256).hexdigest()


def csrf_veld() -> Markup:
    """The hidden CSRF input for a POST form (the session's token; on the login page the login token)."""
    token = g.get("login_csrf")
    if token is None:
        found = huidige_sessie()
        token = found.csrf if found is not None else ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(token))


def _bruikbare_tekst() -> Response | None:
    """A page request whose path, query or form holds text no field may hold (`domain/tekens.py`) gets a 400
    page, before the CSRF check and any view reads it (the API answers the same with problem+json)."""
    velden = [request.view_args or {}, *({k: v} for k, v in request.args.items(multi=True))]
    velden += [{k: v} for k, v in request.form.items(multi=True)]
    if any(ongeldige_tekens(veld, "") for veld in velden):
        page = render_template(
            "fout.html",
            titel="Ongeldige invoer",
            melding="Een veld of het adres bevat een teken dat Deelpoort niet kan bewaren (zoals het NUL-teken). "
            "Er is niets opgeslagen; verwijder het teken en probeer opnieuw.",
        )
        return Response(page, status=400, mimetype="text/html")
    return None


def _check_csrf() -> Response | None:
    if request.method != "POST":
        return None
    presented = request.form.get(CSRF_FIELD, "")
    if request.endpoint == "sessie.inloggen":
        cookie = request.cookies.get(LOGIN_COOKIE, "")
        expected = _login_csrf(cookie) if cookie else ""
    else:
        found = huidige_sessie()
        expected = found.csrf if found is not None else ""
    if not expected or not hmac.compare_digest(presented.encode(), expected.encode()):
        page = render_template(
            "fout.html", titel="Formulier verlopen", melding="Het formulier is verlopen of ongeldig; probeer opnieuw."
        )
        return Response(page, status=400, mimetype="text/html")
    return None


def _headers(response: Response) -> Response:
    for name, value in PAGE_HEADERS.items():
        response.headers[name] = value
    return response


DATABASE_NIET_BESCHIKBAAR = (
    "Deelpoort kan zijn database op dit moment niet bereiken. Er is niets getoond of verstrekt. Probeer het over "
    "enkele seconden opnieuw en kijk dan of wat u net verstuurde is vastgelegd. Blijft dit zo, meld het dan aan "
    "de beheerder van Deelpoort."
)


def _database_niet_beschikbaar(_exc: DatabaseNietBeschikbaarError) -> Response:
    """The Dutch 503 page. Rendered outside the blueprints' context processors: those read the convenant in
    force (names for the page), which is in the database that just failed; this page asks nothing of it."""
    g.web_sessie = None  # the page must not ask the database again: it would fail again, inside this answer
    page = current_app.jinja_env.get_template("fout.html").render(
        titel="Tijdelijk niet beschikbaar",
        melding=DATABASE_NIET_BESCHIKBAAR,
        huidige_sessie=lambda: None,
        startpagina=thuis,
        csrf_veld=csrf_veld,
    )
    response = Response(page, status=503, mimetype="text/html")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def beveilig(blueprint: Blueprint) -> None:
    """Give a page blueprint the CSRF check on every POST, the page security headers and the Dutch 503 page for
    a database fault (before any handler of the blueprint's own for domain errors)."""
    blueprint.before_request(_bruikbare_tekst)
    blueprint.before_request(_check_csrf)
    blueprint.after_request(_headers)
    blueprint.register_error_handler(DatabaseNietBeschikbaarError, _database_niet_beschikbaar)


def _set_cookie(response: BaseResponse, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=request.is_secure, httponly=True, samesite="Strict"
    )


def _safe_next(target: str | None) -> str | None:
    """Only a local path (no scheme, no host, no `//` or backslash tricks) may be a redirect target."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return None
    if any(ord(c) < 32 for c in target):
        return None
    return target


def _tokenformulier_geweigerd() -> Response | None:
    """Production: the token form does not exist (checked before the CSRF check, so always 404)."""
    if request.endpoint == "sessie.inloggen" and request.method == "POST" and app_services().production:
        page = render_template("fout.html", titel="Niet gevonden", melding="Deze pagina bestaat niet.")
        return Response(page, status=404, mimetype="text/html")
    return None


bp.before_request(_tokenformulier_geweigerd)


@bp.route("/inloggen", methods=["GET", "POST"])
def inloggen() -> Any:
    volgende = _safe_next(request.values.get("volgende"))
    if request.method == "POST":
        opened = websessies.inloggen(app_services(), request.form.get("token", ""))
        if opened is not None:
            target = volgende or thuis(opened.gebruiker.rol)
            response = redirect(target)
            _set_cookie(response, COOKIE, opened.geheim, None)
            response.delete_cookie(LOGIN_COOKIE, path="/", secure=request.is_secure, httponly=True, samesite="Strict")
            return response
        status, melding = 401, "Deze token is onbekend, verlopen of ingetrokken."
    else:
        status, melding = 200, None
    cookie = secrets.token_urlsafe(32)
    g.login_csrf = _login_csrf(cookie)
    page = render_template(
        "inloggen.html",
        titel="Inloggen",
        melding=melding,
        volgende=volgende,
        aanbieders=oidc.aanbieders(app_services()),
        tokenformulier=not app_services().production,
    )
    response = Response(page, status=status, mimetype="text/html")
    _set_cookie(response, LOGIN_COOKIE, cookie, 600)
    return response


@bp.route("/uitloggen", methods=["POST"])
def uitloggen() -> Any:
    websessies.uitloggen(app_services(), request.cookies.get(COOKIE, ""))
    response = redirect(url_for("sessie.inloggen"))
    response.delete_cookie(COOKIE, path="/", secure=request.is_secure, httponly=True, samesite="Strict")
    return response


beveilig(bp)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_filter(nederlands.moment_tekst, "nl_moment")  # every time on a page: Dutch, with its zone
    app.add_template_filter(nederlands.dag_tekst, "nl_dag")
    app.add_template_filter(nederlands.meervoud, "meervoud")
    app.add_template_filter(logboekmeldingen.logprobleem, "nl_logprobleem")  # the log's problems as the CLI says them
    app.add_template_filter(logboekmeldingen.getuigeprobleem, "nl_getuigeprobleem")

    @app.context_processor
    def _globals() -> dict[str, Any]:
        return {"csrf_veld": csrf_veld, "huidige_sessie": huidige_sessie, "startpagina": thuis}

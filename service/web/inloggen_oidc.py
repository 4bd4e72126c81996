"""Logging in to the pages through the person's own organisation (OpenID Connect): the button's target that
sends the browser to the partner's provider, and the callback the provider sends it back to.

Invariants (beyond those of `service_layer.identiteit.oidc`):
- The login attempt is bound to the browser that began it: a cookie holds its `state` (HttpOnly, SameSite=Lax
  so that it comes along on the provider's redirect back, Path limited to /inloggen/oidc, ten minutes), and the
  callback is refused unless the URL's state equals it (constant time). A callback URL sent to someone else (a
  forced login as the attacker) or replayed elsewhere does nothing; after the callback the cookie is removed.
- Every refusal is a Dutch page with 401 (the login did not succeed), 403 (not registered), 404 (no such
  provider) or 502 (the provider cannot be reached); never a session, never a 500, and never more detail than
  helps a legitimate user (the service's log has the reason).
- After a successful login the browser is sent on by a page of our own (a meta refresh and a link), not by a
  redirect: the callback is a navigation the provider's site began, and on such a navigation's redirects the
  browser withholds our SameSite=Strict session cookie; the page's own navigation is same-site.
"""

from __future__ import annotations

import hmac
from typing import Any

from flask import Blueprint, Response, redirect, render_template, request, url_for

from service.service_layer.identiteit import oidc
from service.web.sessie import COOKIE, app_services, beveilig, thuis

POGING_COOKIE = "deelpoort_oidc"
POGING_PAD = "/inloggen/oidc"

bp = Blueprint("inloggen_oidc", __name__, template_folder="templates")

_MELDINGEN: dict[type[oidc.InloggenMisluktError], tuple[int, str, str]] = {
    oidc.GeenOidcError: (
        404,
        "Niet gevonden",
        "Voor deze organisatie is inloggen via de eigen organisatie niet ingericht.",
    ),
    oidc.PogingOngeldigError: (
        401,
        "Inloggen mislukt",
        "Deze inlogpoging is verlopen, al gebruikt of niet in deze browser begonnen. Begin opnieuw bij Inloggen.",
    ),
    oidc.ProviderFoutError: (
        401,
        "Inloggen mislukt",
        "De inlogdienst van uw organisatie heeft de aanmelding niet bevestigd. Begin opnieuw bij Inloggen.",
    ),
    oidc.ProviderNietBereikbaarError: (
        502,
        "Inlogdienst niet bereikbaar",
        "De inlogdienst van uw organisatie is nu niet bereikbaar of niet juist ingericht. Probeer het later "
        "opnieuw of neem contact op met uw beheerder.",
    ),
    oidc.NietGeregistreerdError: (
        403,
        "Geen toegang",
        "Uw account is niet geregistreerd bij Deelpoort, of niet actief. Vraag een beheerder van Deelpoort bij "
        "uw organisatie om u te registreren.",
    ),
}


def _fout(error: oidc.InloggenMisluktError) -> Response:
    status, titel, melding = _MELDINGEN.get(type(error), _MELDINGEN[oidc.PogingOngeldigError])
    page = render_template("fout.html", titel=titel, melding=melding)
    response = Response(page, status=status, mimetype="text/html")
    _wis_poging(response)
    return response


def _wis_poging(response: Response) -> None:
    response.delete_cookie(POGING_COOKIE, path=POGING_PAD, secure=request.is_secure, httponly=True, samesite="Lax")


def _terugkeer() -> str:
    return oidc.terugkeer_url(app_services(), url_for("inloggen_oidc.terugkeer", _external=True))


@bp.get("/inloggen/oidc/<partner_id>")
def begin(partner_id: str) -> Any:
    """Send the browser to `partner_id`'s provider, the attempt bound to it by a cookie."""
    try:
        begonnen = oidc.begin(app_services(), partner_id, request.args.get("volgende"), redirect_uri=_terugkeer())
    except oidc.InloggenMisluktError as error:
        return _fout(error)
    response = redirect(begonnen.url, code=303)
    response.set_cookie(
        POGING_COOKIE,
        begonnen.state,
        max_age=int(oidc.POGING_DUUR.total_seconds()),
        path=POGING_PAD,
        secure=request.is_secure,
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get("/inloggen/oidc/terugkeer")
def terugkeer() -> Any:
    """The provider's answer: complete the login, or a page saying why not."""
    state = request.args.get("state", "")
    gebonden = request.cookies.get(POGING_COOKIE, "")
    if not state or not gebonden or not hmac.compare_digest(state.encode(), gebonden.encode()):
        return _fout(oidc.PogingOngeldigError("not bound to this browser"))
    try:
        ingelogd = oidc.voltooi(
            app_services(),
            state=state,
            code=request.args.get("code"),
            iss=request.args.get("iss"),
            fout=request.args.get("error"),
            redirect_uri=_terugkeer(),
        )
    except oidc.InloggenMisluktError as error:
        return _fout(error)
    target = ingelogd.volgende or thuis(ingelogd.sessie.gebruiker.rol)
    page = render_template("doorsturen.html", titel="Ingelogd", doel=target)
    response = Response(page, status=200, mimetype="text/html")
    response.set_cookie(
        COOKIE, ingelogd.sessie.geheim, path="/", secure=request.is_secure, httponly=True, samesite="Strict"
    )
    _wis_poging(response)
    return response


beveilig(bp)

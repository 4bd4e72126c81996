"""`/account`: what a signed-in person does for itself, whatever its rol: its own API tokens.

Invariants:
- Behind `login_required()` (any rol) and the session's CSRF token on every POST; the service layer decides
  (only a person, only while active) and logs every token in the tamper-evident log.
- A new token is shown once, in the answer to the POST that issues it (no redirect, `Cache-Control: no-store`);
  the list shows ids and lives only. Revoking one's own token is the same use case the API offers.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template, url_for

from service.domain.errors import DeelpoortError
from service.http_status import status_van
from service.meldingen import beheer as meldingen
from service.service_layer.identiteit import tokens
from service.web.sessie import app_services, beveilig, gebruiker, login_required

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")
beveilig(bp)


@bp.route("/tokens")
@login_required()
def overzicht() -> Any:
    return _pagina()


@bp.route("/tokens", methods=["POST"])
@login_required()
def uitgeven() -> Any:
    try:
        issued, _ = tokens.geef_eigen_uit(app_services(), gebruiker())
    except DeelpoortError as exc:
        return _pagina(melding=meldingen.melding(exc), status=status_van(exc))
    return _pagina(nieuw_token=issued.token, status=201)


@bp.route("/tokens/<token_id>/intrekking", methods=["POST"])
@login_required()
def intrekking(token_id: str) -> Any:
    try:
        tokens.trek_in(app_services(), gebruiker(), gebruiker().id, token_id)
    except DeelpoortError as exc:
        return _pagina(melding=meldingen.melding(exc), status=status_van(exc))
    return redirect(url_for("account.overzicht"), 303)


def _pagina(*, nieuw_token: str = "", melding: str = "", status: int = 200) -> Any:
    ik = gebruiker()
    return render_template(
        "account/tokens.html",
        titel="Mijn API-tokens",
        tokens=list(reversed(tokens.eigen(app_services(), ik))),
        nieuw_token=nieuw_token,
        melding=melding,
        persoon=ik.soort == "persoon",
        uren=int(app_services().levensduur.persoon.total_seconds() // 3600),
    ), status

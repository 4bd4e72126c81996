"""Bearer-token authentication and rol checks for API views.

Invariants:
- A view wrapped by `authenticated` never runs without an active gebruiker of an active partner.
- 401 (with `WWW-Authenticate: Bearer`) for a missing or bad token; 403 when the rol may not use the view.
  A presented but refused token gets `error="invalid_token"` (RFC 6750) and a description that is the same for
  every kind of bad token, except that the holder of the right secret learns that it expired or was revoked.
- A throttled token id gets 429 with `Retry-After` (seconds), even with the right secret.
- Behind the mTLS proxy the client certificate must fit the token's partner (`certificaat.certificaat_oin`,
  docs/mtls.md): checked after the token, before the rol; a misfit is a 401 like a bad token.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import structlog
from flask import current_app, g, request
from werkzeug.exceptions import Forbidden, TooManyRequests, Unauthorized

from service.api import challenge
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.certificaat import certificaat_oin as _certificaat_oin
from service.domain.casus import Gebruiker
from service.service_layer.identiteit.authentication import Tokenfout, controleer
from service.service_layer.services import Services

F = TypeVar("F", bound=Callable[..., Any])
log = structlog.get_logger("deelpoort.api")


def services() -> Services:
    return cast(Services, current_app.extensions["deelpoort"])


def gebruiker() -> Gebruiker:
    """The authenticated gebruiker of this request (only inside an `authenticated` view)."""
    return cast(Gebruiker, g.gebruiker)


def certificaat_oin() -> str | None:
    """The OIN of the client certificate accepted for this request, or None when none was used (only inside
    an `authenticated` view)."""
    return cast(str | None, g.get("certificaat_oin"))


def authenticated(blp: Blueprint, *rollen: str) -> Callable[[F], F]:
    """Require a valid bearer token (and, when given, one of `rollen`); documents 401/403 in the spec."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.gebruiker = _require(rollen)
            return view(*args, **kwargs)

        documented = blp.doc(security=[{"bearerAuth": []}])(wrapper)
        documented = blp.alt_response(
            401,
            schema=ProblemSchema,
            description="missing or invalid token, or a client certificate that does not fit it",
            content_type=PROBLEM_JSON,
        )(documented)
        documented = blp.alt_response(
            429,
            schema=ProblemSchema,
            description="too many failed attempts with this token; retry after Retry-After seconds",
            content_type=PROBLEM_JSON,
        )(documented)
        if rollen:
            documented = blp.alt_response(
                403, schema=ProblemSchema, description="rol not permitted", content_type=PROBLEM_JSON
            )(documented)
        return cast(F, documented)

    return decorator


def _require(rollen: tuple[str, ...]) -> Gebruiker:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        _tokenfout(Tokenfout.ONTBREEKT)
        raise Unauthorized(
            "a valid bearer token is required",
            www_authenticate=challenge.bearer(),
        )
    uitslag = controleer(services().uow(), token.strip())
    if uitslag.gebruiker is None:
        _tokenfout(uitslag.fout or Tokenfout.ONBEKEND)
    if uitslag.retry_after is not None:
        raise TooManyRequests(
            "too many failed attempts with this token: try again later", retry_after=uitslag.retry_after
        )
    if uitslag.gebruiker is None:
        reden = uitslag.weigering.value if uitslag.weigering else "the token is not valid"
        raise Unauthorized(
            "a valid bearer token is required",
            www_authenticate=challenge.bearer(error="invalid_token", error_description=reden),
        )
    found = uitslag.gebruiker
    g.token_id = uitslag.token_id  # the token of this request (renewal renews exactly this one)
    try:
        g.certificaat_oin = _certificaat_oin(found)
    except Unauthorized:
        _tokenfout(Tokenfout.CERTIFICAAT)
        raise
    if rollen and found.rol not in rollen:
        raise Forbidden(f"rol '{found.rol}' may not use this endpoint")
    return found


def _tokenfout(fout: Tokenfout) -> None:
    """Count and report a refused token by its code (never the token, its id or who presented it)."""
    services().meter.tokenfout(fout.value)
    log.info("token_geweigerd", reden=fout.value)

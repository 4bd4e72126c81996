"""Bearer-token authentication and rol checks for API views.

Invariants:
- A view wrapped by `authenticated` never runs without an active gebruiker of an active partner.
- 401 (with `WWW-Authenticate: Bearer`) for a missing or bad token; 403 when the rol may not use the view.
  The 401 detail is the same for every kind of bad token.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from flask import current_app, g, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, Unauthorized

from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.domain.casus import Gebruiker
from service.service_layer.identiteit.authentication import authenticate
from service.service_layer.services import Services

F = TypeVar("F", bound=Callable[..., Any])


def services() -> Services:
    return cast(Services, current_app.extensions["deelpoort"])


def gebruiker() -> Gebruiker:
    """The authenticated gebruiker of this request (only inside an `authenticated` view)."""
    return cast(Gebruiker, g.gebruiker)


def authenticated(blp: Blueprint, *rollen: str) -> Callable[[F], F]:
    """Require a valid bearer token (and, when given, one of `rollen`); documents 401/403 in the spec."""

    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            g.gebruiker = _require(rollen)
            return view(*args, **kwargs)

        documented = blp.doc(security=[{"bearerAuth": []}])(wrapper)
        documented = blp.alt_response(
            401, schema=ProblemSchema, description="missing or invalid token", content_type=PROBLEM_JSON
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
    found = authenticate(services().uow(), token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise Unauthorized(
            "a valid bearer token is required",
            www_authenticate=WWWAuthenticate("bearer", {"realm": "deelpoort"}),
        )
    if rollen and found.rol not in rollen:
        raise Forbidden(f"rol '{found.rol}' may not use this endpoint")
    return found

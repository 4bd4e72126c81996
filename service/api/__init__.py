"""The HTTP API (`/v1`), following the NL API Design Rules.

Invariants:
- Every response carries `API-Version` and the ADR security headers; every error is problem+json
  (`errors.py` is the one table from errors to HTTP).
- Every view except status and the OpenAPI document requires a bearer token (`auth.authenticated`).
- Request bodies are JSON only (415 otherwise), bounded in size (413), and parsed by schemas that refuse
  unknown keys; validation errors are 400 with every invalid parameter at once.
"""

from __future__ import annotations

from flask import Flask

from service.api import certificaat, errors, headers, openapi, trace, waarneming
from service.api.adviezen import blp as adviezen_blp
from service.api.base import DeelpoortApi
from service.api.beleid import blp as beleid_blp
from service.api.casussen import blp as casussen_blp
from service.api.correcties import blp as correcties_blp
from service.api.gebruikers import blp as gebruikers_blp
from service.api.integriteit import blp as integriteit_blp
from service.api.inzagerapport import blp as inzagerapport_blp
from service.api.levensloop import blp as levensloop_blp
from service.api.managementinformatie import blp as managementinformatie_blp
from service.api.overleggen import blp as overleggen_blp
from service.api.plan import blp as plan_blp
from service.api.rechten import blp as rechten_blp
from service.api.registry import blp as registry_blp
from service.api.routeeroverleg import blp as routeeroverleg_blp
from service.api.status import blp as status_blp
from service.api.terugkoppeling import blp as terugkoppeling_blp
from service.api.verantwoording import blp as verantwoording_blp
from service.api.verantwoording_fg import blp as verantwoording_fg_blp
from service.api.verstrekkingen import blp as verstrekkingen_blp
from service.service_layer.services import Services
from service.settings import API_VERSION


def init_app(app: Flask, services: Services) -> None:
    app.config.update(
        API_TITLE="Deelpoort",
        API_VERSION=API_VERSION,
        OPENAPI_VERSION="3.1.0",
        OPENAPI_URL_PREFIX=None,  # the document is served by openapi.py, post-processed for the ADR
    )
    api = DeelpoortApi(app, spec_kwargs=openapi.SPEC_KWARGS)
    if not api.hergebruik():  # the document is the same for every app of a process: built once
        api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blp in (
        status_blp,
        registry_blp,
        casussen_blp,
        levensloop_blp,
        adviezen_blp,
        plan_blp,
        verstrekkingen_blp,
        verantwoording_blp,
        beleid_blp,
        gebruikers_blp,
        routeeroverleg_blp,
        verantwoording_fg_blp,
        rechten_blp,
        inzagerapport_blp,
        correcties_blp,
        terugkoppeling_blp,
        integriteit_blp,
        overleggen_blp,
        managementinformatie_blp,
    ):
        api.register_blueprint(blp, url_prefix="/v1")
    api.bewaar()
    openapi.register(app, api)
    certificaat.register(app)
    errors.register(app)
    trace.register(app)
    waarneming.register(app)  # after trace: it binds the trace id to every log line of the request
    headers.register(app)

"""`GET /v1/status`: is the service ready to serve. No authentication, no data.

Invariants:
- Ready (200) only when every readiness check passes (`service_layer.waarneming.gereedheid`: database, keys,
  active policy, a recent enough checkpoint, no unfinished restore); otherwise 503 problem+json with
  `Retry-After`.
- The database is checked on every request; the policy and checkpoint checks are reused for a few seconds after
  they passed (`Gereedheidsmeting`), so a probe stays as cheap as it always was.
- The public answer says only ready or not. Which check failed is told only to a client that may read
  `/metrics` (`waarneming.van_metrics_adres`: the operators' monitoring), never to the public: it would tell an
  attacker what to aim at.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json
from flask.views import MethodView
from marshmallow import Schema, fields

from service.api.auth import services
from service.api.base import PROBLEM_JSON, Blueprint, ProblemSchema
from service.api.errors import problem
from service.api.waarneming import van_metrics_adres
from service.service_layer.waarneming.gereedheid import Gereedheidsmeting
from service.settings import API_VERSION

blp = Blueprint("status", __name__, description="Service status")

RETRY_AFTER_SECONDEN = 10
_CONTROLE = {"description": "'ok' or 'verstoord'; only to the operators' monitoring addresses"}


class StatusSchema(Schema):
    status = fields.String(required=True, metadata={"description": "'ok'"})
    apiVersie = fields.String(required=True)  # noqa: N815 - JSON camelCase
    database = fields.String(metadata=_CONTROLE)
    sleutels = fields.String(metadata=_CONTROLE)
    beleid = fields.String(metadata=_CONTROLE)
    checkpoint = fields.String(metadata=_CONTROLE)
    herstel = fields.String(metadata=_CONTROLE)


@blp.route("/status")
class Status(MethodView):
    @blp.response(200, StatusSchema)
    @blp.alt_response(
        503,
        schema=ProblemSchema,
        description="not ready; retry after Retry-After seconds (to the monitoring addresses: which checks failed)",
        content_type=PROBLEM_JSON,
    )
    def get(self) -> Any:
        """Readiness: the database, the key material, the active field policy and the log's checkpoints."""
        meting = current_app.extensions.setdefault("deelpoort.gereedheid", Gereedheidsmeting())
        uitslag = meting.gereedheid(services())
        details = {c.naam: "ok" if c.ok else "verstoord" for c in uitslag.controles} if van_metrics_adres() else {}
        if uitslag.gereed:
            return {"status": "ok", "apiVersie": API_VERSION, **details}
        return _niet_gereed(details)


def _niet_gereed(details: dict[str, str]) -> Response:
    response = problem(
        503, "the service is not ready; try again later", headers=[("Retry-After", str(RETRY_AFTER_SECONDEN))]
    )
    if details:
        body = json.loads(response.get_data())
        body.update({"controles": details})
        response.set_data(json.dumps(body))
    return response

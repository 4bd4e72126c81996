"""`/v1/verantwoording/inzagerapporten`: the report for the person who asked for inzage (AVG art. 15).

Invariants:
- Only an FG makes it (403 otherwise; the service layer checks again); the BSN comes in the POST body only,
  is never echoed, stored or logged, and the report is not stored either (200, no Location).
- The answer is `rechten.persoonsrapport`: names, dates, grounds and plain Dutch texts, no value, no casus id
  and no log index; deferred and CTER records are absent and nothing in it tells whether any exist.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from service.api.auth import authenticated, gebruiker, services
from service.api.base import Blueprint
from service.api.verantwoording_fg import InzageverzoekSchema
from service.service_layer.rechten.persoonsrapport import Persoonsrapport, persoonsrapport

blp = Blueprint("inzagerapporten", __name__, description="The report for the person who asked for inzage")


class GrondslagTekstSchema(Schema):
    naam = fields.String(required=True)
    artikel = fields.String(required=True)


class VerwerkingSchema(Schema):
    naam = fields.String(required=True)
    bewaartermijn = fields.String(required=True, metadata={"description": "in plain Dutch, e.g. '2 jaar'"})


class RapportregelSchema(Schema):
    datum = fields.Date(required=True)
    aangeleverd = fields.Boolean(
        required=True, metadata={"description": "true: a partner supplied the data; false: a partner received it"}
    )
    zin = fields.String(required=True, metadata={"description": "the flow in one plain Dutch sentence"})
    bronnen = fields.List(fields.String(), required=True)
    ontvanger = fields.String(required=True)
    doel = fields.String(required=True)
    doelOmschrijving = fields.String(required=True)  # noqa: N815
    soortenGegevens = fields.List(fields.String(), required=True)  # noqa: N815
    grondslagen = fields.List(fields.Nested(GrondslagTekstSchema), required=True)
    verwerkingen = fields.List(fields.Nested(VerwerkingSchema), required=True)
    uAls = fields.String(required=True)  # noqa: N815


class InzagerapportSchema(Schema):
    opgesteldOp = fields.Date(required=True)  # noqa: N815
    regels = fields.List(fields.Nested(RapportregelSchema), required=True)
    afgekapt = fields.Boolean(required=True)
    contact = fields.String(required=True, metadata={"description": "whom the person contacts about their data"})
    rechten = fields.List(fields.String(), required=True, metadata={"description": "the person's rights"})


@blp.route("/verantwoording/inzagerapporten")
class Inzagerapporten(MethodView):
    @authenticated(blp, "fg")
    @blp.arguments(InzageverzoekSchema)  # the same body as the FG's access request
    @blp.response(200, InzagerapportSchema)
    def post(self, body: dict[str, Any]) -> dict[str, Any]:
        """The report for the person (AVG art. 15), to hand to them: every flow of data about them in plain Dutch
        (who supplied it, who received it, why, on which grondslag, how long it is kept) and their rights.
        Deferred records and CTER records are left out; the FG's full view is `inzageverzoeken`."""
        return als_json(persoonsrapport(services(), gebruiker(), body["bsn"]))


def als_json(rapport: Persoonsrapport) -> dict[str, Any]:
    return {
        "opgesteldOp": rapport.opgesteld_op,
        "regels": [
            {
                "datum": r.datum,
                "aangeleverd": r.aangeleverd,
                "zin": r.zin,
                "bronnen": list(r.bronnen),
                "ontvanger": r.ontvanger,
                "doel": r.doel,
                "doelOmschrijving": r.doel_omschrijving,
                "soortenGegevens": list(r.soorten_gegevens),
                "grondslagen": [{"naam": n, "artikel": a} for n, a in r.grondslagen],
                "verwerkingen": [{"naam": v.naam, "bewaartermijn": v.bewaartermijn} for v in r.verwerkingen],
                "uAls": r.u_als,
            }
            for r in rapport.regels
        ],
        "afgekapt": rapport.afgekapt,
        "contact": rapport.contact,
        "rechten": list(rapport.rechten),
    }

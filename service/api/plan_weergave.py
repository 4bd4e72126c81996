"""What the plan van aanpak's views answer: schemas and builders, from domain values only.

Invariants:
- The metadata answers (`plan_json`, `actie_json`, ...) hold codes, ids and dates; no text of an item.
- `inzage_json` adds texts only from a `Planinzage`, that is only the texts of the velden its verstrekking
  released; an item's text key is absent when its veld was withheld (the name is in `onthouden`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import Schema, fields

from service.api.verstrekkingen import GrondslagPerVeldSchema, OntvangstbewijsSchema
from service.domain.plan import Actie, Afspraak, Doel, Opschaling, Plan
from service.service_layer.plan.inzage import Planinzage
from service.service_layer.plan.lezen import Planoverzicht, vandaag
from service.service_layer.verstrekking.antwoord import grondslagen, ontvangstbewijs


class PlandoelSchema(Schema):
    id = fields.String(required=True)
    leefgebied = fields.String(required=True)
    bron = fields.String(required=True)
    aangemaaktOp = fields.DateTime(required=True)  # noqa: N815
    tekst = fields.String(metadata={"description": "only in a verstrekking that released planDoelen"})


class PlanactieSchema(Schema):
    id = fields.String(required=True)
    casus = fields.String(required=True)
    doel = fields.String(allow_none=True)
    partner = fields.String(required=True, metadata={"description": "the owning partner"})
    deadline = fields.Date(required=True)
    status = fields.String(required=True)
    verlopen = fields.Boolean(required=True, metadata={"description": "past its deadline and not done"})
    aangemaaktOp = fields.DateTime(required=True)  # noqa: N815
    gewijzigdOp = fields.DateTime(required=True)  # noqa: N815
    omschrijving = fields.String(metadata={"description": "only in a verstrekking that released afspraken"})


class PlanafspraakSchema(Schema):
    id = fields.String(required=True)
    datum = fields.Date(required=True)
    overleg = fields.String(allow_none=True, metadata={"description": "the id of the overleg it was made in"})
    bron = fields.String(required=True)
    aangemaaktOp = fields.DateTime(required=True)  # noqa: N815
    tekst = fields.String(metadata={"description": "only in a verstrekking that released afspraken"})


class PlanopschalingSchema(Schema):
    id = fields.String(required=True)
    niveau = fields.String(required=True)
    datum = fields.Date(required=True)
    status = fields.String(required=True)
    uitkomst = fields.String(allow_none=True)
    aangemaaktOp = fields.DateTime(required=True)  # noqa: N815
    afgerondOp = fields.DateTime(allow_none=True)  # noqa: N815
    reden = fields.String(metadata={"description": "only in a verstrekking that released escalatie"})
    toelichting = fields.String(metadata={"description": "only in a verstrekking that released escalatie"})


class PlanAveFaseSchema(Schema):
    fase = fields.Integer(required=True)
    sinds = fields.DateTime(required=True)


class PlanAveWijzigingSchema(Schema):
    tijd = fields.DateTime(required=True)
    partner = fields.String(required=True)
    gebruiker = fields.String(required=True)
    rol = fields.String(required=True)
    van = fields.Integer(allow_none=True)
    naar = fields.Integer(required=True)


class PlanSchema(Schema):
    casus = fields.String(required=True)
    vandaag = fields.Date(required=True, metadata={"description": "the day `verlopen` was judged on"})
    doelen = fields.List(fields.Nested(PlandoelSchema), required=True)
    acties = fields.List(fields.Nested(PlanactieSchema), required=True)
    afspraken = fields.List(fields.Nested(PlanafspraakSchema), required=True)
    opschalingen = fields.List(fields.Nested(PlanopschalingSchema), required=True)
    aveFase = fields.Nested(PlanAveFaseSchema, allow_none=True)  # noqa: N815
    aveHistorie = fields.List(fields.Nested(PlanAveWijzigingSchema))  # noqa: N815


class PlaninzageSchema(PlanSchema):
    verstrekking = fields.String(required=True)
    doel = fields.String(required=True)
    uitkomst = fields.String(required=True, metadata={"description": "verstrekt, gedeeltelijk or leeg"})
    beleidsversie = fields.String(required=True)
    grondslagen = fields.Dict(keys=fields.String(), values=fields.Nested(GrondslagPerVeldSchema), required=True)
    onthouden = fields.List(fields.String(), required=True, metadata={"description": "withheld names, no values"})
    ontvangstbewijs = fields.Nested(OntvangstbewijsSchema, required=True)


class PlanactieLijstSchema(Schema):
    vandaag = fields.Date(required=True, metadata={"description": "the day `verlopen` was judged on"})
    acties = fields.List(fields.Nested(PlanactieSchema), required=True)


def doel_json(doel: Doel) -> dict[str, Any]:
    return {"id": doel.id, "leefgebied": doel.leefgebied.value, "bron": doel.bron, "aangemaaktOp": doel.aangemaakt_op}


def actie_json(actie: Actie, vandaag: dt.date) -> dict[str, Any]:
    return {
        "id": actie.id,
        "casus": actie.casus_id,
        "doel": actie.doel_id,
        "partner": actie.partner_id,
        "deadline": actie.deadline,
        "status": actie.status.value,
        "verlopen": actie.verlopen(vandaag),
        "aangemaaktOp": actie.aangemaakt_op,
        "gewijzigdOp": actie.gewijzigd_op,
    }


def afspraak_json(afspraak: Afspraak) -> dict[str, Any]:
    return {
        "id": afspraak.id,
        "datum": afspraak.datum,
        "overleg": afspraak.overleg,
        "bron": afspraak.bron,
        "aangemaaktOp": afspraak.aangemaakt_op,
    }


def opschaling_json(opschaling: Opschaling) -> dict[str, Any]:
    return {
        "id": opschaling.id,
        "niveau": opschaling.niveau.value,
        "datum": opschaling.datum,
        "status": opschaling.status.value,
        "uitkomst": opschaling.uitkomst.value if opschaling.uitkomst else None,
        "aangemaaktOp": opschaling.aangemaakt_op,
        "afgerondOp": opschaling.afgerond_op,
    }


def _plan(plan: Plan, dag: dt.date) -> dict[str, Any]:
    return {
        "casus": plan.casus_id,
        "vandaag": dag,
        "doelen": [doel_json(d) for d in plan.doelen],
        "acties": [actie_json(a, dag) for a in plan.acties],
        "afspraken": [afspraak_json(a) for a in plan.afspraken],
        "opschalingen": [opschaling_json(o) for o in plan.opschalingen],
        "aveFase": {"fase": plan.ave_fase.fase, "sinds": plan.ave_fase.sinds} if plan.ave_fase else None,
    }


def plan_json(overzicht: Planoverzicht) -> dict[str, Any]:
    out = _plan(overzicht.plan, overzicht.vandaag)
    out["aveHistorie"] = [
        {
            "tijd": e.tijd,
            "partner": e.partner_id,
            "gebruiker": e.gebruiker_id,
            "rol": e.rol,
            "van": e.gegevens.get("van"),
            "naar": e.gegevens.get("naar"),
        }
        for e in overzicht.ave_historie
    ]
    return out


def inzage_json(inzage: Planinzage) -> dict[str, Any]:
    """The plan with its released texts, and the verstrekking's account and receipt."""
    record = inzage.verstrekking
    out = _plan(inzage.plan, vandaag(inzage.verstrekking.tijd))
    teksten = inzage.teksten
    for soort, kolommen in (("doelen", ("tekst",)), ("acties", ("omschrijving",)), ("afspraken", ("tekst",))):
        for item in out[soort]:
            _voeg_toe(item, teksten, kolommen)
    for item in out["opschalingen"]:
        _voeg_toe(item, teksten, ("reden", "toelichting"))
    out.update(
        {
            "verstrekking": record.id,
            "doel": record.doel,
            "uitkomst": record.uitkomst.value,
            "beleidsversie": record.beleidsversie,
            "grondslagen": grondslagen(record),
            "onthouden": list(record.onthouden),
            "ontvangstbewijs": ontvangstbewijs(inzage.bewijs),
        }
    )
    return out


def _voeg_toe(item: dict[str, Any], teksten: dict[tuple[str, str], str], kolommen: tuple[str, ...]) -> None:
    for kolom in kolommen:
        if (item["id"], kolom) in teksten:
            item[kolom] = teksten[(item["id"], kolom)]

"""The convenant registry, read-only: partners, doelen, velden, grondslagen, verwerkingsactiviteiten."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields

from service.api.auth import authenticated, services
from service.api.base import Blueprint
from service.service_layer.register import raadplegen as registry

blp = Blueprint("registry", __name__, description="The convenant: partners, doelen, velden, grondslagen")


class PartnerSchema(Schema):
    id = fields.String(required=True)
    oin = fields.String(required=True)
    naam = fields.String(required=True)
    type = fields.String(required=True)
    domein = fields.String(required=True)
    actief = fields.Boolean(required=True)
    convenanten = fields.List(fields.String(), required=True)


class DoelSchema(Schema):
    id = fields.String(required=True)
    naam = fields.String(required=True)
    omschrijving = fields.String(required=True)


class VeldSchema(Schema):
    id = fields.String(required=True)
    naam = fields.String(required=True)
    categorie = fields.String(required=True)
    gevoeligheid = fields.String(required=True)
    type = fields.String(required=True)
    onderwerp = fields.String(required=True)
    maxLengte = fields.Integer(allow_none=True)  # noqa: N815
    keuzes = fields.List(fields.String())
    minimum = fields.Integer(allow_none=True)
    maximum = fields.Integer(allow_none=True)


class GrondslagSchema(Schema):
    id = fields.String(required=True)
    naam = fields.String(required=True)
    artikel = fields.String(required=True)
    gevoeligheden = fields.List(fields.String(), required=True)


class VerwerkingsactiviteitSchema(Schema):
    id = fields.String(required=True)
    versie = fields.Integer(required=True)
    geldigVanaf = fields.Date(required=True)  # noqa: N815
    naam = fields.String(required=True)
    casustype = fields.String(required=True)
    doel = fields.String(required=True)
    grondslagen = fields.List(fields.String(), required=True)
    categorieen = fields.List(fields.String(), required=True)
    bewaartermijn = fields.String(required=True, metadata={"description": "ISO 8601 duration"})
    fasen = fields.List(fields.String(), required=True)


def _list_schema(name: str, item: type[Schema]) -> type[Schema]:
    return Schema.from_dict({name: fields.List(fields.Nested(item), required=True)}, name=f"{name.title()}Lijst")


@blp.route("/partners")
class Partners(MethodView):
    @authenticated(blp)
    @blp.response(200, _list_schema("partners", PartnerSchema))
    def get(self) -> dict[str, Any]:
        """The convenant partners, with their OIN, type, domein and whether they are active."""
        return {"partners": registry.partners(services())}


@blp.route("/doelen")
class Doelen(MethodView):
    @authenticated(blp)
    @blp.response(200, _list_schema("doelen", DoelSchema))
    def get(self) -> dict[str, Any]:
        """The doelen (purposes) information may be shared for."""
        return {"doelen": registry.doelen(services())}


@blp.route("/velden")
class Velden(MethodView):
    @authenticated(blp)
    @blp.response(200, _list_schema("velden", VeldSchema))
    def get(self) -> dict[str, Any]:
        """The veldcatalogus: every case field with categorie, gevoeligheid and type."""
        return {"velden": registry.velden(services())}


@blp.route("/grondslagen")
class Grondslagen(MethodView):
    @authenticated(blp)
    @blp.response(200, _list_schema("grondslagen", GrondslagSchema))
    def get(self) -> dict[str, Any]:
        """The legal bases (grondslagen) with their article citations."""
        return {"grondslagen": registry.grondslagen(services())}


@blp.route("/verwerkingsactiviteiten")
class Verwerkingsactiviteiten(MethodView):
    @authenticated(blp)
    @blp.response(200, _list_schema("verwerkingsactiviteiten", VerwerkingsactiviteitSchema))
    def get(self) -> dict[str, Any]:
        """The register of verwerkingsactiviteiten, every version."""
        return {"verwerkingsactiviteiten": registry.verwerkingsactiviteiten(services())}

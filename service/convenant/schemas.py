"""Marshmallow schemas for one convenant file. They check shape and formats; references are checked later.

Every schema refuses unknown keys (`unknown=RAISE`), so a misspelt key is an error, never silently ignored.
"""

from __future__ import annotations

import re
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from service.domain.convenant import Casustype, Domein, Fase, Gevoeligheid, Onderwerp, Veldtype

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
VELD_ID = re.compile(r"^[a-z][a-zA-Z0-9]*$")
OIN = re.compile(r"^[0-9]{20}$")
# ISO 8601 duration, date part only (retention is counted in days, months and years).
DUUR = re.compile(r"^P(?=\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$")


def _slug(**kwargs: Any) -> fields.String:
    return fields.String(required=True, validate=validate.Regexp(SLUG, error="must be lower-case kebab-case"), **kwargs)


def _text(max_length: int = 500) -> fields.String:
    return fields.String(required=True, validate=validate.Length(min=1, max=max_length))


def _choice(enum: type[Any]) -> fields.String:
    return fields.String(required=True, validate=validate.OneOf([m.value for m in enum]))


def _slugs(**kwargs: Any) -> fields.List[Any]:
    return fields.List(_slug(), load_default=list, **kwargs)


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class DocumentSchema(_Strict):
    id = _slug()
    naam = _text()
    versie = _text(40)
    regio = _slug()
    casustype = _choice(Casustype)
    deelnemers = _slugs()
    weegploeg = _slugs()
    routeeroverleg = _slugs()
    bureau = fields.String(load_default=None, validate=validate.Regexp(SLUG, error="must be lower-case kebab-case"))
    # Whom a person contacts about their data (the FG of the Bureau ZVH): printed in the report for the person.
    contact = fields.String(load_default=None, validate=validate.Length(min=1, max=500))


class PartnertypeSchema(_Strict):
    id = _slug()
    naam = _text()
    domein = _choice(Domein)


class PartnerSchema(_Strict):
    id = _slug()
    naam = _text()
    oin = fields.String(required=True, validate=validate.Regexp(OIN, error="must be 20 digits"))
    type = _slug()
    # Further OINs of this partner (e.g. a department's own PKIoverheid certificate): accepted for its systems'
    # client certificates like `oin`. Unique across every partner's oin and sub_oins (checked by the loader).
    sub_oins = fields.List(fields.String(validate=validate.Regexp(OIN, error="must be 20 digits")), load_default=list)


class NamedSchema(_Strict):
    id = _slug()
    naam = _text()


class OnderwerpSchema(NamedSchema):
    # Stored as a casus's and an advies's onderwerp (40 characters) and counted per id in the annual report.
    id = fields.String(
        required=True,
        validate=[
            validate.Regexp(SLUG, error="must be lower-case kebab-case"),
            validate.Length(max=40, error="at most 40 characters"),
        ],
    )


class DescribedSchema(NamedSchema):
    omschrijving = _text(2000)


class GrondslagSchema(NamedSchema):
    artikel = _text()
    gevoeligheden = fields.List(_choice(Gevoeligheid), required=True, validate=validate.Length(min=1))


class VeldSchema(_Strict):
    id = fields.String(required=True, validate=validate.Regexp(VELD_ID, error="must be lowerCamelCase (a JSON key)"))
    naam = _text()
    categorie = _slug()
    gevoeligheid = _choice(Gevoeligheid)
    type = _choice(Veldtype)
    onderwerp = _choice(Onderwerp)
    max_lengte = fields.Integer(validate=validate.Range(min=1, max=100_000), load_default=None)
    keuzes = fields.List(fields.String(validate=validate.Length(min=1, max=200)), load_default=list)
    minimum = fields.Integer(load_default=None)
    maximum = fields.Integer(load_default=None)

    @validates_schema
    def _type_needs(self, data: dict[str, Any], **_: Any) -> None:
        kind = data.get("type")
        if kind in (Veldtype.KEUZE, Veldtype.KEUZES) and not data.get("keuzes"):
            raise ValidationError("a keuze veld needs a non-empty 'keuzes' list", "keuzes")
        if kind in (Veldtype.KEUZE, Veldtype.KEUZES) and len(set(data["keuzes"])) != len(data["keuzes"]):
            raise ValidationError("'keuzes' has duplicates", "keuzes")
        if kind not in (Veldtype.KEUZE, Veldtype.KEUZES) and data.get("keuzes"):
            raise ValidationError("only keuze velden have 'keuzes'", "keuzes")
        if kind in (Veldtype.TEKST, Veldtype.TEKST_LANG) and data.get("max_lengte") is None:
            raise ValidationError("a tekst veld needs 'max_lengte'", "max_lengte")
        if kind == Veldtype.GETAL:
            low, high = data.get("minimum"), data.get("maximum")
            if low is None or high is None or low > high:
                raise ValidationError("a getal veld needs 'minimum' <= 'maximum'", "minimum")


class VerwerkingsactiviteitSchema(_Strict):
    id = _slug()
    versie = fields.Integer(required=True, strict=True, validate=validate.Range(min=1))
    geldig_vanaf = fields.Date(required=True)
    naam = _text()
    casustype = _choice(Casustype)
    doel = _slug()
    grondslagen = fields.List(_slug(), required=True, validate=validate.Length(min=1))
    categorieen = fields.List(_slug(), required=True, validate=validate.Length(min=1))
    bewaartermijn = fields.String(
        required=True, validate=validate.Regexp(DUUR, error="must be an ISO 8601 duration such as P2Y")
    )
    fasen = fields.List(_choice(Fase), required=True, validate=validate.Length(min=1))


# The sections of a file, in the order they are reported, with the schema of one entry.
SECTIONS: dict[str, type[Schema]] = {
    "partnertypen": PartnertypeSchema,
    "partners": PartnerSchema,
    "gemeenten": NamedSchema,
    "rollen": DescribedSchema,
    "doelen": DescribedSchema,
    "grondslagen": GrondslagSchema,
    "categorieen": NamedSchema,
    "velden": VeldSchema,
    "verwerkingsactiviteiten": VerwerkingsactiviteitSchema,
    "onderwerpen": OnderwerpSchema,
    # The region's thematic tables (e.g. pga-tafel, stalking): overleg soorten besides the fixed casusoverleg and
    # procesregieoverleg; each holds casussen of its file's casustype only.
    "overlegsoorten": NamedSchema,
}

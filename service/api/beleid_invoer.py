"""The request bodies of `/v1/beleid`: proposals of every soort (one at a time) and a rejection's reason.

Every schema rejects unknown keys; which proposal is meant is the one key given besides the toelichting.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, fields, validate, validates_schema
from marshmallow.exceptions import ValidationError

from service.service_layer.beheer.convenantwijziging import TOE_TE_VOEGEN
from service.service_layer.beheer.stap import MAX_TOELICHTING

_TEKST = validate.Length(min=1, max=MAX_TOELICHTING)
_VERSIE = validate.Regexp(r"^[0-9a-f]{64}$", error="a policy version (64 hex characters)")
SOORTEN_INVOER = ("bestanden", "wijziging", "versie", "partner", "convenant", "vernietiging")


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BestandSchema(_Strict):
    naam = fields.String(required=True, validate=validate.Length(max=80), metadata={"example": "zvh-drenthe.csv"})
    inhoud = fields.String(required=True, metadata={"description": "the CSV text"})


class ToevoegingSchema(_Strict):
    bestand = fields.String(required=True, validate=validate.Length(max=80))
    regel = fields.String(required=True, validate=validate.Length(max=1000))


class WijzigingSchema(_Strict):
    toevoegen = fields.List(fields.Nested(ToevoegingSchema), load_default=list, validate=validate.Length(max=5000))
    verwijderen = fields.List(fields.String(validate=validate.Length(max=1000)), load_default=list)


class PartnerwijzigingSchema(_Strict):
    id = fields.String(required=True, validate=validate.Length(max=80))
    actief = fields.Boolean(required=True, metadata={"description": "false: suspend; true: lift the suspension"})


class ConvenanttoevoegingSchema(_Strict):
    sectie = fields.String(
        required=True,
        validate=validate.OneOf(TOE_TE_VOEGEN),
        metadata={"description": "the section of the convenant file the entry is added to"},
    )
    inhoud = fields.Dict(
        keys=fields.String(validate=validate.Length(max=80)),
        required=True,
        metadata={"description": "the entry as the convenant files write it (validated like the files)"},
    )
    document = fields.String(
        validate=validate.Length(min=1, max=80),
        metadata={"description": "another document than the proposal's, e.g. cter-drenthe for its deelnemers"},
    )


class ConvenantwijzigingSchema(_Strict):
    document = fields.String(
        required=True,
        validate=validate.Length(min=1, max=80),
        metadata={"description": "the convenant document (its convenant.id)", "example": "zvh-drenthe"},
    )
    toevoegingen = fields.List(
        fields.Nested(ConvenanttoevoegingSchema), required=True, validate=validate.Length(min=1, max=200)
    )


class CasusvernietigingSchema(_Strict):
    casus = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "the casus id (32 hex characters)", "example": "0f3c2a9d8b7e4c1f9a6d5e4c3b2a1908"},
    )


class VoorstelInSchema(_Strict):
    toelichting = fields.String(required=True, validate=_TEKST)
    bestanden = fields.List(fields.Nested(BestandSchema), metadata={"description": "a complete set of policy files"})
    wijziging = fields.Nested(WijzigingSchema, metadata={"description": "a change to the active version"})
    versie = fields.String(validate=_VERSIE, metadata={"description": "an older stored version again (rollback)"})
    partner = fields.Nested(PartnerwijzigingSchema, metadata={"description": "suspend a partner or lift it"})
    convenant = fields.Nested(
        ConvenantwijzigingSchema,
        metadata={"description": "a new convenant version: partners, rollen, doelen, grondslagen, activities added"},
    )
    vernietiging = fields.Nested(
        CasusvernietigingSchema,
        metadata={"description": "destroy one casus now, before its bewaartermijn ends (the toelichting: why)"},
    )

    @validates_schema
    def _exactly_one(self, data: dict[str, Any], **_: Any) -> None:
        given = [name for name in SOORTEN_INVOER if name in data]
        if len(given) != 1:
            raise ValidationError(f"give exactly one of {', '.join(SOORTEN_INVOER)}", "body")


class AfwijzingSchema(_Strict):
    reden = fields.String(required=True, validate=_TEKST)


class GoedkeuringSchema(_Strict):
    """The approval's optional body: the approver's own word on it, kept with the decision and logged."""

    opmerking = fields.String(validate=_TEKST, metadata={"description": "optional: the approver's comment"})

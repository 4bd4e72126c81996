"""Read-only use cases over the convenant registry. They return plain data for the entry points to render."""

from __future__ import annotations

from typing import Any

from service.service_layer.services import Services


def partners(services: Services) -> list[dict[str, Any]]:
    """Every partner known to the database, joined with its convenant facts (type, domein, convenanten)."""
    convenant = services.convenant
    with services.uow() as uow:
        stored = {p.id: p for p in uow.partners.list()}
    out = []
    for partner in sorted(convenant.partners, key=lambda p: p.naam):
        partnertype = convenant.partnertype(partner.type)
        row = stored.get(partner.id)
        out.append(
            {
                "id": partner.id,
                "oin": partner.oin,
                "naam": partner.naam,
                "type": partner.type,
                "domein": partnertype.domein.value if partnertype else "",
                "actief": bool(row and row.actief),
                "convenanten": sorted(partner.convenanten),
            }
        )
    return out


def doelen(services: Services) -> list[dict[str, Any]]:
    return [{"id": d.id, "naam": d.naam, "omschrijving": d.omschrijving} for d in services.convenant.doelen]


def velden(services: Services) -> list[dict[str, Any]]:
    return [
        {
            "id": v.id,
            "naam": v.naam,
            "categorie": v.categorie,
            "gevoeligheid": v.gevoeligheid.value,
            "type": v.type.value,
            "onderwerp": v.onderwerp.value,
            "maxLengte": v.max_lengte,
            "keuzes": list(v.keuzes),
            "minimum": v.minimum,
            "maximum": v.maximum,
        }
        for v in services.convenant.velden
    ]


def grondslagen(services: Services) -> list[dict[str, Any]]:
    return [
        {
            "id": g.id,
            "naam": g.naam,
            "artikel": g.artikel,
            "gevoeligheden": sorted(x.value for x in g.gevoeligheden),
        }
        for g in services.convenant.grondslagen
    ]


def verwerkingsactiviteiten(services: Services) -> list[dict[str, Any]]:
    return [
        {
            "id": va.id,
            "versie": va.versie,
            "geldigVanaf": va.geldig_vanaf,
            "naam": va.naam,
            "casustype": va.casustype.value,
            "doel": va.doel,
            "grondslagen": list(va.grondslagen),
            "categorieen": list(va.categorieen),
            "bewaartermijn": va.bewaartermijn,
            "fasen": sorted(f.value for f in va.fasen),
        }
        for va in sorted(services.convenant.verwerkingsactiviteiten, key=lambda va: (va.id, va.versie))
    ]

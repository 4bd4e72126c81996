"""Exports of a selection of the verstrekking log: CSV and JSON (the LDV shape is `ldv.py`).

Invariants:
- Every export is built from `Regel` (metadata only) with a fixed list of columns or keys.
- Output is streamed (generators of text), so an export of many records does not build one large string.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from service.service_layer.verantwoording.raadplegen import Regel

CSV_COLUMNS = (
    "logIndex",
    "id",
    "soort",
    "tijd",
    "partner",
    "oin",
    "gebruiker",
    "rol",
    "casus",
    "casustype",
    "doel",
    "uitkomst",
    "weigering",
    "verstrekteVelden",
    "grondslagen",
    "verwerkingsactiviteiten",
    "onthoudenVelden",
    "beleidsversie",
    "traceId",
    "spanId",
    "aantalBetrokkenen",
)


def als_dict(regel: Regel) -> dict[str, Any]:
    """The JSON representation of a record for the FG (camelCase, metadata only)."""
    return {
        "logIndex": regel.log_index,
        "id": regel.id,
        "soort": regel.soort,
        "tijd": regel.tijd,
        "partner": regel.partner,
        "oin": regel.oin,
        "gebruiker": regel.gebruiker,
        "rol": regel.rol,
        "casus": regel.casus,
        "casustype": regel.casustype,
        "doel": regel.doel,
        "uitkomst": regel.uitkomst,
        "weigering": regel.weigering,
        "verstrekt": [
            {
                "veld": v.veld,
                "categorie": v.categorie,
                "grondslag": v.grondslag,
                "verwerkingsactiviteit": {"id": v.verwerkingsactiviteit, "versie": v.versie},
                "bronnen": sorted(set(v.bronnen)),
            }
            for v in regel.verstrekt
        ],
        "onthouden": list(regel.onthouden),
        "beleidsversie": regel.beleidsversie,
        "traceId": regel.trace_id,
        "spanId": regel.span_id,
        "aantalBetrokkenen": len(regel.betrokkenen),
        "certificaatOin": regel.certificaat_oin,
        "overleg": regel.overleg,
    }


def _csv_row(regel: Regel) -> list[object]:
    return [
        regel.log_index,
        regel.id,
        regel.soort,
        regel.tijd,
        regel.partner,
        regel.oin or "",
        regel.gebruiker or "",
        regel.rol or "",
        regel.casus or "",
        regel.casustype or "",
        regel.doel,
        regel.uitkomst,
        regel.weigering or "",
        " ".join(v.veld for v in regel.verstrekt),
        " ".join(regel.grondslagen),
        " ".join(sorted({f"{v.verwerkingsactiviteit}@{v.versie}" for v in regel.verstrekt})),
        " ".join(regel.onthouden),
        regel.beleidsversie or "",
        regel.trace_id or "",
        regel.span_id or "",
        len(regel.betrokkenen),
    ]


def _safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas (CSV injection): a text cell starting with = + - @ gets a quote first."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_export(regels: Iterable[Regel]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for regel in regels:
        writer.writerow([_safe_cell(v) for v in _csv_row(regel)])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def json_export(regels: Iterable[Regel]) -> Iterator[str]:
    """A JSON object `{"verstrekkingen": [...]}`, streamed item by item."""
    yield '{"verstrekkingen":['
    first = True
    for regel in regels:
        yield ("" if first else ",") + json.dumps(als_dict(regel), ensure_ascii=False, separators=(",", ":"))
        first = False
    yield "]}\n"

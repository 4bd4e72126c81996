"""Exports of a selection of the verstrekking log: CSV, JSON and the Logboek Dataverwerkingen (LDV) shape.

Invariants:
- Every export is built from `Regel` (metadata only) with a fixed list of columns or keys; the LDV lines have
  exactly the fields documented in `docs/ldv-export.md` (a test checks every exported line against it).
- One LDV line per data subject per record, as the standard asks; the data subject is the betrokkene's opaque
  Deelpoort id (a pseudonym: no BSN or name), typed `LDV_SUBJECT_TYPE`. A record that names no betrokkene
  (e.g. refused before the casus was known) gives one line without data subject attributes.
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
LDV_SUBJECT_TYPE = "deelpoort-betrokkene-id"
LDV_SERVICE = "deelpoort"


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
            }
            for v in regel.verstrekt
        ],
        "onthouden": list(regel.onthouden),
        "beleidsversie": regel.beleidsversie,
        "traceId": regel.trace_id,
        "spanId": regel.span_id,
        "aantalBetrokkenen": len(regel.betrokkenen),
        "certificaatOin": regel.certificaat_oin,
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


def ldv_regels(regel: Regel, register_uri: str, service_version: str) -> list[dict[str, Any]]:
    """The LDV log lines of one record (see the module invariants and docs/ldv-export.md)."""
    activities = sorted({(v.verwerkingsactiviteit, v.versie) for v in regel.verstrekt if v.verwerkingsactiviteit})
    base: dict[str, Any] = {
        "trace_id": regel.trace_id,
        "span_id": regel.span_id,
        "parent_span_id": None,
        "name": f"{regel.soort}:{regel.doel}",
        "start_time": regel.tijd,
        "end_time": regel.tijd,
        "status_code": "ERROR" if regel.uitkomst == "geweigerd" else "OK",
        "resource": {"service.name": LDV_SERVICE, "service.version": service_version},
    }
    lines: list[dict[str, Any]] = []
    activity_uris: list[str | None] = [f"{register_uri.rstrip('/')}/{a}/{v}" for a, v in activities] or [None]
    subjects: list[str | None] = [*regel.betrokkenen] or [None]
    for uri in activity_uris:
        for subject in subjects:
            attributes: dict[str, Any] = {
                "dpl.core.processing_activity_id": uri,
                "dpl.core.log_index": regel.log_index,
                "dpl.core.outcome": regel.uitkomst,
            }
            if subject is not None:
                attributes["dpl.core.data_subject_id"] = subject
                attributes["dpl.core.data_subject_id_type"] = LDV_SUBJECT_TYPE
            lines.append({**base, "attributes": attributes})
    return lines


def ldv_export(regels: Iterable[Regel], register_uri: str, service_version: str) -> Iterator[str]:
    """JSON Lines: one LDV log line per data subject per record (and per verwerkingsactiviteit, when several)."""
    for regel in regels:
        for line in ldv_regels(regel, register_uri, service_version):
            yield json.dumps(line, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"

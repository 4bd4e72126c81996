"""Exports of a filtered selection: CSV, JSON and LDV lines checked against the documented field list."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import re
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.verantwoording.export import CSV_COLUMNS
from service.settings import PROJECT_ROOT, Settings
from tests.helpers.casus import bearer
from tests.helpers.verantwoording import CASE_VALUES, Logboek

URL = "/v1/verantwoording/exporten"
_TYPES = {
    "hex32": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{32}", v),
    "hex16": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{16}", v),
    "text": lambda v: isinstance(v, str) and v != "",
    "time": lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", v),
    "status": lambda v: v in ("OK", "ERROR"),
    "object": lambda v: isinstance(v, dict),
    "uri": lambda v: isinstance(v, str) and re.fullmatch(r"https://\S+/[a-z0-9-]+/\d+", v),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
}


def documented_fields() -> dict[str, tuple[str, str]]:
    """field path -> (type, presence), read from the table in docs/ldv-export.md."""
    text = (PROJECT_ROOT / "docs" / "ldv-export.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([^`]+)` \| (\w+) \| (required|optional) \|", text, flags=re.MULTILINE)
    assert len(rows) >= 10, "the field table in docs/ldv-export.md was not found"
    return {name: (kind, presence) for name, kind, presence in rows}


def _flatten(line: dict[str, Any]) -> dict[str, Any]:
    flat = dict(line)
    for key, value in line.get("attributes", {}).items():
        flat[f"attributes.{key}"] = value
    return flat


def _export(client: FlaskClient, token: str, **query: str) -> Any:
    response = client.get(URL, query_string=query, headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_every_ldv_line_has_exactly_the_documented_fields(client: FlaskClient, logboek: Logboek) -> None:
    fields = documented_fields()
    response = _export(client, logboek.fg, formaat="ldv")
    assert response.mimetype == "application/jsonl"
    lines = [json.loads(line) for line in response.get_data(as_text=True).splitlines()]
    # two betrokkenen in each of the two disclosures: one line each; the refused request names none: one line
    assert len(lines) == 5
    for line in lines:
        flat = _flatten(line)
        top_level = {name for name in fields if not name.startswith("attributes.")}
        assert set(line) == top_level
        assert set(flat) - top_level <= set(fields), set(flat) - set(fields)
        for name, (kind, presence) in fields.items():
            value = flat.get(name)
            if presence == "required":
                assert value is not None, name
            if value is not None:
                assert _TYPES[kind](value), (name, value)
        if "attributes.dpl.core.data_subject_id" in flat:
            assert flat["attributes.dpl.core.data_subject_id_type"] == "deelpoort-betrokkene-id"
        assert line["resource"]["service.name"] == "deelpoort"
    statuses = sorted(line["status_code"] for line in lines)
    assert statuses == ["ERROR", "OK", "OK", "OK", "OK"]
    subjects = {line["attributes"].get("dpl.core.data_subject_id") for line in lines} - {None}
    assert subjects == {b["id"] for b in logboek.casus["betrokkenen"]}
    activities = {line["attributes"]["dpl.core.processing_activity_id"] for line in lines}
    assert any(a and a.endswith("/va-triage/1") for a in activities)


def test_csv_export_of_a_filtered_selection(client: FlaskClient, logboek: Logboek) -> None:
    response = _export(client, logboek.fg, formaat="csv", partner="politie-noord-nederland")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["uitkomst"] for r in rows] == ["gedeeltelijk", "geweigerd"]
    assert rows[0]["onthoudenVelden"] == "psychischeGezondheid"


def test_json_export_matches_the_list(client: FlaskClient, logboek: Logboek) -> None:
    exported = json.loads(_export(client, logboek.fg, formaat="json").get_data(as_text=True))
    listed = client.get("/v1/verantwoording/verstrekkingen?sorteer=tijd", headers=bearer(logboek.fg)).get_json()
    assert exported["verstrekkingen"] == listed["verstrekkingen"]


@pytest.mark.parametrize("formaat", ["csv", "json", "ldv"])
def test_exports_hold_no_case_values(client: FlaskClient, logboek: Logboek, formaat: str) -> None:
    text = _export(client, logboek.fg, formaat=formaat).get_data(as_text=True)
    for value in CASE_VALUES:
        assert value not in text


@pytest.mark.parametrize(
    ("query", "names"),
    [({}, {"formaat"}), ({"formaat": "xml"}, {"formaat"}), ({"formaat": "csv", "limiet": "5"}, {"limiet"})],
    ids=["missing", "unknown-format", "unknown-parameter"],
)
def test_export_rejects_bad_parameters(
    client: FlaskClient, logboek: Logboek, query: dict[str, str], names: set[str]
) -> None:
    response = client.get(URL, query_string=query, headers=bearer(logboek.fg))
    assert response.status_code == 400
    assert {p["name"] for p in response.get_json()["invalidParams"]} == names


def test_csv_cells_cannot_start_a_formula() -> None:
    from service.service_layer.verantwoording.export import _safe_cell

    assert _safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _safe_cell("triage") == "triage"


@pytest.mark.parametrize("cap", [1, 2, 3, 4])
def test_exports_stop_at_the_configured_maximum(app: Flask, client: FlaskClient, logboek: Logboek, cap: int) -> None:
    settings: Settings = app.extensions["deelpoort.settings"]
    app.extensions["deelpoort.settings"] = dataclasses.replace(settings, export_max=cap)
    exported = json.loads(_export(client, logboek.fg, formaat="json").get_data(as_text=True))
    assert [r["logIndex"] for r in exported["verstrekkingen"]] == [0, 1, 2][:cap]

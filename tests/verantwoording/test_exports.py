"""Exports of a filtered selection: CSV and JSON (the LDV lines: `test_ldv.py`), and what no export may hold."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.verantwoording.export import CSV_COLUMNS
from service.settings import Settings
from tests.helpers.casus import bearer
from tests.helpers.verantwoording import CASE_VALUES, Logboek

URL = "/v1/verantwoording/exporten"


def _export(client: FlaskClient, token: str, **query: str) -> Any:
    response = client.get(URL, query_string=query, headers=bearer(token))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response


def test_csv_export_of_a_filtered_selection(client: FlaskClient, logboek: Logboek) -> None:
    response = _export(client, logboek.fg, formaat="csv", partner="politie-noord-nederland")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [(r["soort"], r["uitkomst"]) for r in rows] == [
        ("aanlevering", "verstrekt"),  # the police's aanmelding: both sides of every flow
        ("verstrekking", "gedeeltelijk"),
        ("verstrekking", "geweigerd"),
    ]
    assert rows[1]["onthoudenVelden"] == "psychischeGezondheid"


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
    [
        ({}, {"formaat"}),
        ({"formaat": "xml"}, {"formaat"}),
        ({"formaat": "csv", "limiet": "5"}, {"limiet"}),
        ({"formaat": "ldv", "van": "gisteren"}, {"van"}),
        ({"formaat": "ldv", "uitkomst": "alles", "traceparent": "x"}, {"uitkomst", "traceparent"}),
    ],
    ids=["missing", "unknown-format", "unknown-parameter", "ldv-bad-time", "ldv-bad-filters"],
)
def test_export_rejects_bad_parameters(
    client: FlaskClient, logboek: Logboek, query: dict[str, str], names: set[str]
) -> None:
    response = client.get(URL, query_string=query, headers=bearer(logboek.fg))
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert {p["name"] for p in response.get_json()["invalidParams"]} == names


def test_csv_cells_cannot_start_a_formula() -> None:
    from service.service_layer.verantwoording.export import _safe_cell

    assert _safe_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert _safe_cell("triage") == "triage"


@pytest.mark.parametrize("cap", [1, 2, 5, 6])
def test_exports_stop_at_the_configured_maximum(app: Flask, client: FlaskClient, logboek: Logboek, cap: int) -> None:
    settings: Settings = app.extensions["deelpoort.settings"]
    app.extensions["deelpoort.settings"] = dataclasses.replace(settings, export_max=cap)
    exported = json.loads(_export(client, logboek.fg, formaat="json").get_data(as_text=True))
    assert [r["logIndex"] for r in exported["verstrekkingen"]] == [0, 1, 2, 3, 4][:cap]

"""The application log (issue 25 point 4): JSON lines, one per request with exactly its route template, status,
duration, trace id and partner, and events that name codes, never values."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service import logconfig
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, bearer, vraag
from tests.helpers.waarneming import json_regels

TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE}-00f067aa0ba902b7-01"
VERZOEKVELDEN = {"event", "level", "logger", "tijd", "methode", "route", "status", "duur_ms", "trace_id", "partner"}


@pytest.fixture
def json_logs(app: Flask) -> None:
    """The app's log as in production: JSON lines on standard error."""
    logconfig.configureer("INFO", "json")


def _regels(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    captured = capsys.readouterr()
    return json_regels(captured.err)


def _verzoeken(regels: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in regels if r["event"] == "verzoek"]


def test_a_request_logs_one_json_line_with_its_route_template_and_nothing_else(
    json_logs: None,
    client: FlaskClient,
    casus: dict[str, Any],
    procesregisseur: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    capsys.readouterr()
    response = client.post(
        f"/v1/casussen/{casus['id']}/verstrekkingen",
        json={"doel": "triage"},
        headers={**bearer(procesregisseur), "traceparent": TRACEPARENT},
    )
    assert response.status_code == 201
    regels = _regels(capsys)
    [regel] = _verzoeken(regels)
    assert set(regel) == VERZOEKVELDEN
    assert regel["route"] == "/v1/casussen/<string:casus_id>/verstrekkingen"
    assert (regel["methode"], regel["status"], regel["trace_id"]) == ("POST", 201, TRACE)
    assert regel["partner"] == "bureau-zvh-drenthe"
    assert isinstance(regel["duur_ms"], float) and regel["duur_ms"] >= 0
    assert regel["logger"] == "deelpoort.verzoek" and regel["level"] == "info"
    assert all(r.get("trace_id") == TRACE for r in regels if r["logger"] != "deelpoort.verzoek")
    logged = str(regels)
    assert casus["id"] not in logged and "triage" not in logged  # neither the path's id nor the body
    assert BSN_HOOFDPERSOON not in logged


def test_the_query_string_and_an_unknown_path_or_method_are_not_logged(
    json_logs: None, client: FlaskClient, politie: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert client.get("/v1/casussen?fase=triage", headers=bearer(politie)).status_code == 200
    assert client.get(f"/v1/personen/{BSN_HOOFDPERSOON}?naam=Jansen").status_code == 404
    assert client.open(f"/fg/{BSN_HOOFDPERSOON}", method="BSNQUERY").status_code in (404, 405)
    regels = _verzoeken(_regels(capsys))
    assert [(r["methode"], r["route"]) for r in regels] == [
        ("GET", "/v1/casussen"),
        ("GET", "onbekend"),
        ("ANDERS", "onbekend"),
    ]
    logged = str(regels)
    for waarde in ("fase", "triage", BSN_HOOFDPERSOON, "Jansen", "BSNQUERY"):
        assert waarde not in logged


@pytest.mark.parametrize(
    ("authorization", "reden"),
    [
        (None, "ontbreekt"),
        ("Bearer niet-een-token", "vorm"),
        ("Bearer dp_" + "0" * 32 + "_" + "A" * 43, "onbekend"),
    ],
    ids=["ontbreekt", "vorm", "onbekend"],
)
def test_a_refused_token_is_logged_by_its_reason_code_within_the_request_trace(
    json_logs: None,
    client: FlaskClient,
    capsys: pytest.CaptureFixture[str],
    authorization: str | None,
    reden: str,
) -> None:
    capsys.readouterr()
    headers = {"traceparent": TRACEPARENT} | ({"Authorization": authorization} if authorization else {})
    assert client.get("/v1/partners", headers=headers).status_code == 401
    regels = _regels(capsys)
    [fout] = [r for r in regels if r["event"] == "token_geweigerd"]
    assert fout == {**fout, "reden": reden, "trace_id": TRACE, "level": "info"}
    assert set(fout) == {"event", "level", "logger", "tijd", "reden", "trace_id"}
    assert "A" * 43 not in str(regels)  # never the token


def test_a_refused_verstrekking_is_logged_by_its_code_never_what_was_asked(
    json_logs: None, client: FlaskClient, casus: dict[str, Any], politie: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    response = vraag(client, politie, casus["id"], doel="Jan Jansen 999900110")
    assert response.status_code == 400
    regels = _regels(capsys)
    [weigering] = [r for r in regels if r["event"] == "verstrekking_geweigerd"]
    assert (weigering["soort"], weigering["reden"]) == ("verstrekking", "onbekende-naam")
    assert "Jansen" not in str(regels) and "999900110" not in str(regels)


def test_a_signed_checkpoint_and_a_failing_log_are_logged_as_codes(
    json_logs: None, services: Services, casus: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    signed = services.log.checkpoint_now()
    assert signed is not None
    [regel] = [r for r in _regels(capsys) if r["event"] == "checkpoint_getekend"]
    assert regel["grootte"] == signed.grootte


def test_configuring_twice_keeps_one_handler_and_the_others() -> None:
    root = logging.getLogger()
    ander = logging.NullHandler()
    root.addHandler(ander)
    try:
        logconfig.configureer("INFO", "json")
        logconfig.configureer("WARNING", "console")
        ours = [h for h in root.handlers if h.get_name() == "deelpoort"]
        assert len(ours) == 1 and ander in root.handlers
        assert root.level == logging.WARNING
        with pytest.raises(ValueError, match="log format"):
            logconfig.configureer("INFO", "xml")
    finally:
        root.removeHandler(ander)
        logconfig.configureer("INFO", "console")

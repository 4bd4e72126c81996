"""Text no field may hold (the NUL character, a lone surrogate) is refused whole at the edge, on the API with a
problem+json 400 that names every place without echoing the value, on the pages with a Dutch 400 page; nothing
is stored and nothing is logged as disclosed. On PostgreSQL such a value was a 500 (its `text` cannot hold
U+0000), on SQLite it was stored: the same request must get the same answer on both (`domain/tekens.py`)."""

from __future__ import annotations

import http.client
import json
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.domain.tekens import REDEN_NUL, REDEN_UNICODE, ongeldige_tekens
from service.service_layer.services import Services
from tests.helpers.browser import serveer
from tests.helpers.casus import aanmelding, bearer
from tests.helpers.web import html, login

GEHEIM = "Synthetisch-geheim"  # a value that must never come back in an answer


def _aantallen(services: Services) -> tuple[int, int]:
    """(casussen, log records): what a refused request must leave as it was."""
    with services.uow() as uow:
        return uow.casussen.count(), uow.log.size()


def _problemen(response: Any) -> dict[str, str]:
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    assert GEHEIM not in response.get_data(as_text=True)
    return {p["name"]: p["reason"] for p in response.get_json()["invalidParams"]}


def test_a_nul_anywhere_in_an_aanmelding_is_refused_naming_each_place_and_nothing_is_stored(
    client: FlaskClient, services: Services, politie: str
) -> None:
    voor = _aantallen(services)
    body = aanmelding()
    body["betrokkenen"][0]["velden"]["achternaam"] = f"{GEHEIM}\x00"
    body["velden"]["signaalOmschrijving"] = f"\x00{GEHEIM}"
    response = client.post("/v1/casussen", json=body, headers=bearer(politie))
    assert _problemen(response) == {
        "betrokkenen[0].velden.achternaam": REDEN_NUL,
        "velden.signaalOmschrijving": REDEN_NUL,
    }
    assert _aantallen(services) == voor
    assert client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie)).status_code == 201  # the control


def test_a_lone_surrogate_in_a_json_body_is_refused(client: FlaskClient, services: Services, politie: str) -> None:
    voor = _aantallen(services)
    tekst = '{"casustype": "regulier", "gemeente": "assen", "onderwerp": "verward-gedrag", "velden": {"x": "\\ud800"}}'
    response = client.post("/v1/casussen", data=tekst, content_type="application/json", headers=bearer(politie))
    assert _problemen(response) == {"velden.x": REDEN_UNICODE}
    assert _aantallen(services) == voor


@pytest.mark.parametrize(
    ("pad", "plek"),
    [
        ("/v1/verantwoording/exporten?formaat=ldv&doel=%00", "doel"),  # a query parameter (a 500 on PostgreSQL)
        ("/v1/casussen/%00abc", "casus_id"),  # a path parameter
        ("/v1/verantwoording/verstrekkingen?partner=politie%00", "partner"),
    ],
    ids=["query", "pad", "filter"],
)
def test_a_nul_in_the_path_or_query_is_refused(client: FlaskClient, fg: str, pad: str, plek: str) -> None:
    assert _problemen(client.get(pad, headers=bearer(fg))) == {plek: REDEN_NUL}


def test_a_page_with_a_nul_in_its_query_or_form_gets_a_dutch_400_page_and_changes_nothing(
    client: FlaskClient, services: Services, fg: str
) -> None:
    login(client, fg)
    pagina = client.get("/fg/verstrekkingen?partner=politie%00")
    assert pagina.status_code == 400 and pagina.mimetype == "text/html"
    assert "Ongeldige invoer" in html(pagina) and "NUL" in html(pagina)
    voor = _aantallen(services)
    formulier = client.post("/inloggen", data={"token": f"dp_{GEHEIM}\x00"})
    assert formulier.status_code == 400 and "Ongeldige invoer" in html(formulier)
    assert GEHEIM not in html(formulier)
    assert _aantallen(services) == voor
    assert client.get("/fg/verstrekkingen?partner=politie-noord-nederland").status_code == 200  # the control


def test_every_place_is_named_keys_included_and_no_value_is_returned() -> None:
    waarde = {"a": ["ok", f"{GEHEIM}\x00", {"b\x00": "ok", "c": "\ud800"}], "d": 3, "e": None}
    assert ongeldige_tekens(waarde, "") == [
        ("a[1]", REDEN_NUL),
        ("a[2].<name>", f"a name {REDEN_NUL}"),
        ("a[2].c", REDEN_UNICODE),
    ]
    assert ongeldige_tekens(waarde, "body")[0][0] == "body.a[1]"
    assert ongeldige_tekens({"naam": "Zoë \t van Ee", "lijst": ["\u2028", 1.5]}, "") == []  # other text is fine


def test_a_nul_in_a_chunked_body_is_refused_too(app: Flask, services: Services, politie: str) -> None:
    """A body sent without Content-Length (chunked, over a real HTTP server) is read and checked like any other."""
    voor = _aantallen(services)
    body = aanmelding()
    body["velden"]["signaalOmschrijving"] = f"{GEHEIM}\x00"
    with serveer(app) as url:
        verbinding = http.client.HTTPConnection(urlsplit(url).netloc, timeout=30)
        kop = {**bearer(politie), "Content-Type": "application/json"}
        verbinding.request(
            "POST", "/v1/casussen", body=iter([json.dumps(body).encode()]), headers=kop, encode_chunked=True
        )
        antwoord = verbinding.getresponse()
        status, inhoud = antwoord.status, antwoord.read().decode()
        verbinding.close()
    assert status == 400 and GEHEIM not in inhoud, inhoud
    assert {p["name"]: p["reason"] for p in json.loads(inhoud)["invalidParams"]} == {
        "velden.signaalOmschrijving": REDEN_NUL
    }
    assert _aantallen(services) == voor

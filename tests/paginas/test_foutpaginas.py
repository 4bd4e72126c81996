"""Every error of a page is a Dutch page with a way back (issue 24: no dead ends), never the API's problem+json:
a wrong address, a wrong method, a crash. The API keeps answering problem+json (`web/foutpaginas.py`)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.verantwoording import raadplegen
from tests.helpers.casus import bearer
from tests.helpers.web import html, login

GEHEIM = "Synthetisch-geheim-uit-de-fout"  # an exception's message: never on a page or in an answer


def _is_pagina(response: Any, status: int, titel: str, terug: str) -> str:
    assert response.status_code == status
    tekst = html(response)  # text/html, never problem+json
    assert f"<h1>{titel}</h1>" in tekst
    assert f'id="terug">{terug}</a>' in tekst
    assert response.headers["Content-Security-Policy"].startswith("default-src 'self'")  # its stylesheet loads
    return tekst


def test_a_wrong_address_is_a_dutch_page_with_the_way_home(client: FlaskClient, fg: str) -> None:
    _is_pagina(client.get("/nergens"), 404, "Niet gevonden", "Naar de inlogpagina")
    login(client, fg)
    tekst = _is_pagina(client.get("/fg/bestaat-niet"), 404, "Niet gevonden", "Naar uw startpagina")
    assert 'href="/fg/"' in tekst


def test_a_wrong_method_is_a_dutch_page_keeping_its_allow_header(client: FlaskClient, fg: str) -> None:
    login(client, fg)
    response = client.put("/fg/")
    _is_pagina(response, 405, "Niet toegestaan", "Naar uw startpagina")
    assert "GET" in response.headers["Allow"]


def test_a_crash_on_a_page_is_a_dutch_500_page_naming_nothing_of_it(
    app: Flask, client: FlaskClient, fg: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def stuk(*_: object, **__: object) -> None:
        raise RuntimeError(GEHEIM)

    monkeypatch.setattr(raadplegen, "verstrekkingen", stuk)
    login(client, fg)
    tekst = _is_pagina(client.get("/fg/verstrekkingen"), 500, "Er ging iets mis", "Naar uw startpagina")
    assert GEHEIM not in tekst and "RuntimeError" not in tekst
    api = client.get("/v1/verantwoording/verstrekkingen", headers=bearer(fg))  # the API: still problem+json
    assert api.status_code == 500 and api.mimetype == "application/problem+json"
    assert GEHEIM not in api.get_data(as_text=True)


def test_the_api_keeps_its_problem_json(client: FlaskClient, fg: str) -> None:
    for response in (client.get("/v1/bestaat-niet", headers=bearer(fg)), client.put("/v1/partners")):
        assert response.mimetype == "application/problem+json"
        assert response.status_code in (404, 405)

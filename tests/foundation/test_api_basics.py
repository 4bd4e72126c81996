"""API basics per the NL API Design Rules: problem+json errors, authentication, headers, limits."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from service.adapters.orm import PartnerRow
from service.api.headers import SECURITY_HEADERS
from service.service_layer.services import Services
from service.settings import API_VERSION
from tests.helpers.gebruikers import add_gebruiker

REGISTRY = ["/v1/partners", "/v1/doelen", "/v1/velden", "/v1/grondslagen", "/v1/verwerkingsactiviteiten"]


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _is_problem(response: object, status: int) -> dict[str, object]:
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.mimetype == "application/problem+json"  # type: ignore[attr-defined]
    body = response.get_json()  # type: ignore[attr-defined]
    assert body["status"] == status and body["title"] and body["detail"]
    return body  # type: ignore[no-any-return]


def test_an_app_built_later_in_the_process_serves_the_same_document_as_one_built_from_scratch(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OpenAPI document is built once per process (`DeelpoortApi`); a later app reuses it and still routes
    every documented path (a reused document with routes missing, or a stale one, fails here)."""
    from service import create_app
    from service.api.base import DeelpoortApi

    hergebruikt = app.test_client().get("/v1/openapi.json").get_json()
    monkeypatch.setattr(DeelpoortApi, "_document", None)
    vers = create_app(app.extensions["deelpoort.settings"])
    assert vers.extensions["deelpoort"] is not app.extensions["deelpoort"]
    assert vers.test_client().get("/v1/openapi.json").get_json() == hergebruikt
    assert DeelpoortApi._document is not None  # the fresh one is kept for the apps after it
    adapter = app.url_map.bind("localhost")
    for path, operations in hergebruikt["paths"].items():
        for method in operations:
            if method in ("get", "post", "put", "patch", "delete"):
                adapter.match("/v1" + re.sub(r"\{\w+\}", "1", path), method=method.upper())  # raises if unrouted


def test_status_needs_no_token_and_checks_the_database(client: FlaskClient) -> None:
    response = client.get("/v1/status")  # the test client is 127.0.0.1: a monitoring address in development
    assert response.status_code == 200
    checks = {"database": "ok", "sleutels": "ok", "beleid": "ok", "checkpoint": "ok", "herstel": "ok"}
    assert response.get_json() == {"status": "ok", "apiVersie": API_VERSION, **checks}


def test_openapi_document_is_public_and_relative_to_v1(client: FlaskClient) -> None:
    spec = client.get("/v1/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    assert spec["servers"][0]["url"] == "/v1"
    assert "/partners" in spec["paths"] and "/status" in spec["paths"]
    assert all(not path.startswith("/v1") for path in spec["paths"])
    partners = spec["paths"]["/partners"]["get"]
    assert partners["security"] == [{"bearerAuth": []}]
    assert "API-Version" in partners["responses"]["200"]["headers"]


@pytest.mark.parametrize("path", REGISTRY)
def test_registry_lists_answer_an_authenticated_partner(client: FlaskClient, token: str, path: str) -> None:
    response = client.get(path, headers=_bearer(token))
    assert response.status_code == 200
    (items,) = response.get_json().values()
    assert items, f"{path} is empty"


def test_partners_list_shows_oin_type_and_domein(client: FlaskClient, token: str) -> None:
    partners = client.get("/v1/partners", headers=_bearer(token)).get_json()["partners"]
    politie = next(p for p in partners if p["id"] == "politie-noord-nederland")
    assert politie["oin"].startswith("00000099") and len(politie["oin"]) == 20
    assert politie["domein"] == "veiligheid"
    assert politie["actief"] is True


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not-a-token",
        "Bearer dp_00000000000000000000000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
    ],
    ids=["no-header", "empty", "no-token", "basic-auth", "malformed", "unknown-token-id"],
)
@pytest.mark.parametrize("path", REGISTRY)
def test_without_a_valid_token_every_registry_list_is_401(
    client: FlaskClient, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization is not None else {}
    response = client.get(path, headers=headers)
    body = _is_problem(response, 401)
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert body["detail"] == "a valid bearer token is required"


def test_a_wrong_secret_for_a_known_token_id_is_401(client: FlaskClient, token: str) -> None:
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    _is_problem(client.get("/v1/partners", headers=_bearer(forged)), 401)


def test_an_inactive_gebruiker_is_401(client: FlaskClient, services: Services) -> None:
    token = add_gebruiker(services, "politie-noord-nederland", "deelnemer", actief=False)
    _is_problem(client.get("/v1/partners", headers=_bearer(token)), 401)


def test_suspending_a_partner_stops_its_tokens_at_once(client: FlaskClient, services: Services, token: str) -> None:
    assert client.get("/v1/partners", headers=_bearer(token)).status_code == 200
    with services.engine.begin() as connection:
        connection.execute(update(PartnerRow).where(PartnerRow.id == "politie-noord-nederland").values(actief=False))
    _is_problem(client.get("/v1/partners", headers=_bearer(token)), 401)


def test_tokens_are_stored_only_as_hashes(services: Services, token: str) -> None:
    secret = token.split("_", 2)[2]  # the secret itself may contain "_" (URL-safe base64)
    assert len(secret) == 43
    with services.engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT * FROM gebruikers").fetchall()
    dump = repr(rows)
    assert rows and secret not in dump and token not in dump


def test_a_trailing_slash_is_404_not_a_redirect(client: FlaskClient, token: str) -> None:
    _is_problem(client.get("/v1/partners/", headers=_bearer(token)), 404)


def test_unknown_path_is_problem_json_404(client: FlaskClient) -> None:
    _is_problem(client.get("/v1/bestaat-niet"), 404)


def test_wrong_method_is_405_and_keeps_allow(client: FlaskClient) -> None:
    response = client.delete("/v1/status")
    _is_problem(response, 405)
    assert "GET" in response.headers["Allow"]


def test_a_non_json_body_is_415(client: FlaskClient) -> None:
    response = client.post("/v1/status", data="a=b", content_type="application/x-www-form-urlencoded")
    _is_problem(response, 415)


def test_a_body_over_the_limit_is_413_and_stores_nothing(
    app: Flask, client: FlaskClient, services: Services, token: str
) -> None:
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/v1/casussen",
        data="x" * (limit + 1),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    _is_problem(response, 413)
    with services.uow() as uow:
        assert uow.casussen.count() == 0


@pytest.mark.parametrize("path", ["/v1/status", "/v1/partners", "/v1/bestaat-niet", "/v1/openapi.json"])
def test_every_response_carries_api_version_and_security_headers(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.headers["API-Version"] == API_VERSION
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value


def test_an_unexpected_error_is_a_generic_500_without_its_message(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(self: Services) -> bool:
        raise RuntimeError("BSN 999900110 of Jan Jansen")  # what a careless message might hold

    monkeypatch.setattr(Services, "database_ok", explode)
    response = client.get("/v1/status")
    body = _is_problem(response, 500)
    assert "999900110" not in response.get_data(as_text=True)
    assert "Jansen" not in str(body)


@pytest.mark.parametrize(
    "path",
    [
        "/v1/casussen?fase=triage&fse=aanmelding",
        "/v1/verantwoording/bewijzen/0?boomgrote=1",
        "/v1/verantwoording/consistentie?van=0&tot=1&tott=2",
        "/v1/verantwoording/verstrekkingen?partnr=politie-noord-nederland",
        "/v1/verantwoording/exporten?formaat=csv&partnr=politie-noord-nederland",
    ],
    ids=["werkvoorraad", "inclusion-proof", "consistency-proof", "fg-list", "fg-export"],
)
def test_an_unknown_query_parameter_is_named_not_ignored(client: FlaskClient, services: Services, path: str) -> None:
    """A misspelt filter must not be dropped silently (the answer would be wider than asked): 400 naming it."""
    token = add_gebruiker(services, "bureau-zvh-drenthe", "fg" if "/verantwoording/" in path else "procesregisseur")
    response = client.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 400, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    typo = path.rsplit("&", 1)[-1].rsplit("?", 1)[-1].split("=")[0]
    assert [p["name"] for p in response.get_json()["invalidParams"]] == [typo]

"""`/v1/gebruikers`: beheerders manage gebruikers; four eyes for beheerder and FG; every change in the log."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.beheer import approve, reject
from tests.helpers.casus import bearer
from tests.helpers.gebruikers import TokenFor, challenge, tweede_app

BUREAU = "bureau-zvh-drenthe"
POLITIE = "politie-noord-nederland"


def nieuw(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "partner": POLITIE,
        "rol": "casusregisseur",
        "soort": "systeem",
        "naam": "Synthetisch bronsysteem",
        "toelichting": "Aansluiting van het synthetische bronsysteem.",
    }
    body.update(overrides)
    return body


def log_size(services: Services) -> int:
    with services.uow() as uow:
        return uow.log.size()


def maak(client: FlaskClient, beheerder: str, **overrides: Any) -> Any:
    return client.post("/v1/gebruikers", json=nieuw(**overrides), headers=bearer(beheerder))


def token_van(client: FlaskClient, beheerder: str, gebruiker_id: str) -> str:
    response = client.post(f"/v1/gebruikers/{gebruiker_id}/tokens", headers=bearer(beheerder))
    assert response.status_code == 201, response.get_json()
    return str(response.get_json()["token"])


def status(client: FlaskClient, beheerder: str, gebruiker_id: str, naar: str) -> Any:
    body = {"status": naar, "toelichting": "Synthetische reden."}
    return client.post(f"/v1/gebruikers/{gebruiker_id}/statuswijzigingen", json=body, headers=bearer(beheerder))


def test_a_system_is_created_at_once_gets_a_token_and_every_step_is_in_the_log(
    client: FlaskClient, services: Services, beheerder_a: str, fg: str
) -> None:
    before = log_size(services)
    created = maak(client, beheerder_a)
    assert created.status_code == 201
    gebruiker = created.get_json()["gebruiker"]
    assert gebruiker["status"] == "actief" and created.get_json()["voorstel"] is None
    token = token_van(client, beheerder_a, gebruiker["id"])
    assert client.get("/v1/partners", headers=bearer(token)).status_code == 200
    assert log_size(services) == before + 2
    history = client.get("/v1/beleid/geschiedenis", headers=bearer(fg)).get_json()["gebeurtenissen"]
    mine = [h for h in history if h["betreft"] == gebruiker["id"]]
    assert [h["handeling"] for h in mine] == ["aangemaakt", "token-uitgifte"]
    assert all(h["onderwerp"] == "gebruiker" for h in mine)


def test_no_list_or_read_ever_holds_a_token(client: FlaskClient, beheerder_a: str, fg: str) -> None:
    gebruiker_id = maak(client, beheerder_a).get_json()["gebruiker"]["id"]
    token = token_van(client, beheerder_a, gebruiker_id)
    secret = token.split("_")[2]
    for path in ("/v1/gebruikers", f"/v1/gebruikers/{gebruiker_id}", f"/v1/gebruikers/{gebruiker_id}/tokens"):
        for reader in (beheerder_a, fg):
            response = client.get(path, headers=bearer(reader))
            assert response.status_code == 200, path
            assert secret not in response.get_data(as_text=True)
    tokens = client.get(f"/v1/gebruikers/{gebruiker_id}/tokens", headers=bearer(fg)).get_json()["tokens"]
    assert [t["id"] for t in tokens] == [token.split("_")[1]]


def test_the_list_filters_and_pages_with_a_total(client: FlaskClient, beheerder_a: str) -> None:
    for n in range(3):
        assert maak(client, beheerder_a, naam=f"Synthetisch systeem {n}").status_code == 201
    query = "/v1/gebruikers?partner=politie-noord-nederland&soort=systeem&pageSize=2"
    first = client.get(query, headers=bearer(beheerder_a)).get_json()
    assert first["totaal"] == 3 and len(first["gebruikers"]) == 2 and "next" in first["_links"]
    second = client.get(first["_links"]["next"]["href"], headers=bearer(beheerder_a)).get_json()
    assert len(second["gebruikers"]) == 1 and "next" not in second["_links"]
    names = {g["naam"] for g in first["gebruikers"] + second["gebruikers"]}
    assert names == {f"Synthetisch systeem {n}" for n in range(3)}
    none = client.get("/v1/gebruikers?partner=ggz-drenthe&rol=casusregisseur", headers=bearer(beheerder_a))
    assert none.get_json()["totaal"] == 0


def test_bad_input_is_400_with_every_problem_and_changes_nothing(
    client: FlaskClient, services: Services, beheerder_a: str
) -> None:
    before = log_size(services)
    bad = maak(client, beheerder_a, partner="geen-partner", rol="koning", naam=" ")
    assert bad.status_code == 400
    assert bad.mimetype == "application/problem+json"
    named = {p["name"] for p in bad.get_json()["invalidParams"]}
    assert {"partner", "rol", "naam"} <= named
    assert maak(client, beheerder_a, rol="fg", soort="systeem").status_code == 400  # an FG is a person
    assert maak(client, beheerder_a, partner=POLITIE, rol="beheerder", soort="persoon").status_code == 400
    unknown_field = client.post("/v1/gebruikers", json={**nieuw(), "token": "x"}, headers=bearer(beheerder_a))
    assert unknown_field.status_code == 400
    assert client.get("/v1/gebruikers?statuss=actief", headers=bearer(beheerder_a)).status_code == 400
    assert log_size(services) == before
    assert client.get("/v1/gebruikers", headers=bearer(beheerder_a)).get_json()["totaal"] == 1  # the fixture only


def test_only_a_beheerder_changes_and_only_beheerder_or_fg_reads(
    client: FlaskClient, token_for: TokenFor, fg: str
) -> None:
    politie = token_for(POLITIE, "casusregisseur")
    assert client.get("/v1/gebruikers", headers=bearer(politie)).status_code == 403
    assert client.post("/v1/gebruikers", json=nieuw(), headers=bearer(fg)).status_code == 403
    assert client.post("/v1/gebruikers", json=nieuw(), headers=bearer(politie)).status_code == 403
    assert client.get("/v1/gebruikers").status_code == 401


def test_an_fg_waits_for_a_second_beheerder_and_the_proposer_cannot_approve(
    client: FlaskClient, beheerder_a: str, beheerder_b: str, fg: str
) -> None:
    created = maak(client, beheerder_a, partner=BUREAU, rol="fg", soort="persoon", naam="Synthetische FG")
    assert created.status_code == 202
    gebruiker = created.get_json()["gebruiker"]
    voorstel = created.get_json()["voorstel"]
    assert gebruiker["status"] == "voorgesteld" and gebruiker["voorstel"] == voorstel
    # No token for it, from anyone: an FG's tokens never come from another beheerder.
    assert client.post(f"/v1/gebruikers/{gebruiker['id']}/tokens", headers=bearer(beheerder_b)).status_code == 403
    assert approve(client, beheerder_a, voorstel).status_code == 403
    assert approve(client, beheerder_b, voorstel).status_code == 200
    after = client.get(f"/v1/gebruikers/{gebruiker['id']}", headers=bearer(fg)).get_json()
    assert after["status"] == "actief" and after["voorstel"] is None
    history = client.get("/v1/beleid/geschiedenis", headers=bearer(fg)).get_json()["gebeurtenissen"]
    steps = [h["handeling"] for h in history if h["betreft"] == gebruiker["id"]]
    assert steps == ["voorstel", "goedkeuring", "activering"]


def test_a_rejected_beheerder_never_becomes_active(client: FlaskClient, beheerder_a: str, beheerder_b: str) -> None:
    created = maak(client, beheerder_a, partner=BUREAU, rol="beheerder", soort="persoon", naam="Synthetisch")
    assert created.status_code == 202
    assert reject(client, beheerder_b, created.get_json()["voorstel"]).status_code == 200
    gebruiker_id = created.get_json()["gebruiker"]["id"]
    found = client.get(f"/v1/gebruikers/{gebruiker_id}", headers=bearer(beheerder_a)).get_json()
    assert found["status"] == "verwijderd"
    assert status(client, beheerder_a, gebruiker_id, "actief").status_code == 409


def test_suspension_lift_and_removal_act_on_the_next_request_in_another_app(
    client: FlaskClient, settings: Settings, app: Flask, beheerder_a: str
) -> None:
    gebruiker_id = maak(client, beheerder_a).get_json()["gebruiker"]["id"]
    token = token_van(client, beheerder_a, gebruiker_id)
    with tweede_app(settings) as other:
        assert other.get("/v1/partners", headers=bearer(token)).status_code == 200
        assert status(client, beheerder_a, gebruiker_id, "geschorst").status_code == 200
        refused = other.get("/v1/partners", headers=bearer(token))
        assert refused.status_code == 401 and challenge(refused)["error"] == "invalid_token"
        assert status(client, beheerder_a, gebruiker_id, "geschorst").status_code == 409  # already suspended
        assert status(client, beheerder_a, gebruiker_id, "actief").status_code == 200
        assert other.get("/v1/partners", headers=bearer(token)).status_code == 200
        assert status(client, beheerder_a, gebruiker_id, "verwijderd").status_code == 200
        assert other.get("/v1/partners", headers=bearer(token)).status_code == 401
        tokens = client.get(f"/v1/gebruikers/{gebruiker_id}/tokens", headers=bearer(beheerder_a)).get_json()["tokens"]
        assert all(t["ingetrokkenOp"] is not None for t in tokens)
        assert status(client, beheerder_a, gebruiker_id, "actief").status_code == 409  # removal is final
        assert client.post(f"/v1/gebruikers/{gebruiker_id}/tokens", headers=bearer(beheerder_a)).status_code == 409


def test_two_active_beheerders_always_remain(client: FlaskClient, services: Services, beheerder_a: str) -> None:
    from tests.helpers.beheer import gebruiker_of

    b_id = gebruiker_of(services, beheerder_a).id
    before = log_size(services)
    refused = status(client, beheerder_a, b_id, "geschorst")
    assert refused.status_code == 409 and "two active beheerders" in refused.get_json()["detail"]
    assert log_size(services) == before


def test_suspending_a_third_beheerder_is_a_proposal(
    client: FlaskClient, services: Services, token_for: TokenFor, beheerder_a: str, beheerder_b: str
) -> None:
    from tests.helpers.beheer import gebruiker_of

    derde = token_for(BUREAU, "beheerder")
    derde_id = gebruiker_of(services, derde).id
    proposed = status(client, beheerder_a, derde_id, "geschorst")
    assert proposed.status_code == 202
    assert client.get("/v1/partners", headers=bearer(derde)).status_code == 200  # nothing yet
    assert status(client, beheerder_b, derde_id, "verwijderd").status_code == 409  # one proposal at a time
    assert approve(client, beheerder_b, proposed.get_json()["voorstel"]).status_code == 200
    assert client.get("/v1/partners", headers=bearer(derde)).status_code == 401


def test_an_oidc_identity_belongs_to_one_gebruiker(client: FlaskClient, beheerder_a: str) -> None:
    oidc = {"issuer": "https://idp.politie.example", "subject": "synthetisch-1"}
    first = maak(client, beheerder_a, soort="persoon", oidc=oidc)
    assert first.status_code == 201 and first.get_json()["gebruiker"]["oidc"] == oidc
    assert maak(client, beheerder_a, soort="persoon", oidc=oidc, naam="Ander").status_code == 409
    assert maak(client, beheerder_a, soort="systeem", oidc={**oidc, "subject": "x"}).status_code == 400


def test_unknown_ids_are_404(client: FlaskClient, beheerder_a: str) -> None:
    assert client.get("/v1/gebruikers/" + "0" * 32, headers=bearer(beheerder_a)).status_code == 404
    assert client.get("/v1/gebruikers/niet-hex", headers=bearer(beheerder_a)).status_code == 404
    assert status(client, beheerder_a, "f" * 32, "geschorst").status_code == 404

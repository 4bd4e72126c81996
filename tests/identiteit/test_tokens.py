"""Tokens with a life: expiry, revocation, renewal with an overlap, throttling, and what a refusal says."""

from __future__ import annotations

import datetime as dt

from flask.testing import FlaskClient
from sqlalchemy import update

from service.adapters.orm import TokenRow
from service.domain.casus import utcnow
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import bearer
from tests.helpers.gebruikers import TokenFor, challenge, tweede_app

POLITIE = "politie-noord-nederland"


def token_id(token: str) -> str:
    return token.split("_")[1]


def wrong_secret(token: str) -> str:
    prefix, ident, secret = token.split("_", 2)
    return f"{prefix}_{ident}_{'A' if secret[0] != 'A' else 'B'}{secret[1:]}"


def expire(services: Services, token: str, when: dt.datetime) -> None:
    with services.engine.begin() as connection:
        connection.execute(update(TokenRow).where(TokenRow.id == token_id(token)).values(verloopt_op=when))


def test_an_expired_token_is_told_so_with_invalid_token(client: FlaskClient, services: Services, politie: str) -> None:
    assert client.get("/v1/partners", headers=bearer(politie)).status_code == 200
    expire(services, politie, utcnow() - dt.timedelta(seconds=1))
    refused = client.get("/v1/partners", headers=bearer(politie))
    assert refused.status_code == 401
    assert refused.mimetype == "application/problem+json"
    params = challenge(refused)
    assert params["error"] == "invalid_token"
    assert 'error="invalid_token"' in refused.headers["WWW-Authenticate"]  # quoted, as RFC 6750 writes it
    assert "expired" in params["error_description"]


def test_a_wrong_secret_and_an_unknown_id_get_the_same_generic_answer(client: FlaskClient, politie: str) -> None:
    wrong = client.get("/v1/partners", headers=bearer(wrong_secret(politie)))
    unknown = client.get("/v1/partners", headers=bearer("dp_" + "0" * 32 + "_" + politie.split("_", 2)[2]))
    malformed = client.get("/v1/partners", headers=bearer("dp_kort"))
    for response in (wrong, unknown, malformed):
        assert response.status_code == 401
        assert challenge(response) == challenge(wrong)
        assert response.get_json()["detail"] == wrong.get_json()["detail"]
    assert "expired" not in str(challenge(wrong)) and "revoked" not in str(challenge(wrong))
    # No token at all: a challenge without an error (RFC 6750 section 3.1).
    assert "error" not in challenge(client.get("/v1/partners"))


def test_an_expired_token_with_a_wrong_secret_does_not_say_expired(
    client: FlaskClient, services: Services, politie: str
) -> None:
    expire(services, politie, utcnow() - dt.timedelta(seconds=1))
    response = client.get("/v1/partners", headers=bearer(wrong_secret(politie)))
    assert "expired" not in challenge(response)["error_description"]


def test_revocation_is_seen_by_another_app_on_its_next_request(
    client: FlaskClient, settings: Settings, services: Services, beheerder_a: str, token_for: TokenFor
) -> None:
    from tests.helpers.beheer import gebruiker_of

    system = token_for(POLITIE, "casusregisseur")
    owner = gebruiker_of(services, system).id
    with tweede_app(settings) as other:
        assert other.get("/v1/partners", headers=bearer(system)).status_code == 200
        revoked = client.delete(f"/v1/gebruikers/{owner}/tokens/{token_id(system)}", headers=bearer(beheerder_a))
        assert revoked.status_code == 200 and revoked.get_json()["ingetrokkenOp"] is not None
        refused = other.get("/v1/partners", headers=bearer(system))
        assert refused.status_code == 401 and "revoked" in challenge(refused)["error_description"]
        again = client.delete(f"/v1/gebruikers/{owner}/tokens/{token_id(system)}", headers=bearer(beheerder_a))
        assert again.status_code == 409


def test_a_holder_may_revoke_its_own_token_but_not_anothers(
    client: FlaskClient, services: Services, token_for: TokenFor
) -> None:
    from tests.helpers.beheer import gebruiker_of

    mine, theirs = token_for(POLITIE, "casusregisseur"), token_for(POLITIE, "casusregisseur")
    me, them = gebruiker_of(services, mine).id, gebruiker_of(services, theirs).id
    assert client.delete(f"/v1/gebruikers/{them}/tokens/{token_id(theirs)}", headers=bearer(mine)).status_code == 403
    assert client.get("/v1/partners", headers=bearer(theirs)).status_code == 200
    # A token of another gebruiker under my id is not found: ids do not cross.
    assert client.delete(f"/v1/gebruikers/{me}/tokens/{token_id(theirs)}", headers=bearer(mine)).status_code == 404
    assert client.get("/v1/partners", headers=bearer(theirs)).status_code == 200
    assert client.delete(f"/v1/gebruikers/{me}/tokens/{token_id(mine)}", headers=bearer(mine)).status_code == 200
    assert client.get("/v1/partners", headers=bearer(mine)).status_code == 401


def test_renewal_overlaps_then_only_the_new_token_works(client: FlaskClient, services: Services, politie: str) -> None:
    renewed = client.post("/v1/tokens/vernieuwing", headers=bearer(politie))
    assert renewed.status_code == 201
    body = renewed.get_json()
    new = body["nieuw"]["token"]
    assert body["vorige"]["id"] == token_id(politie) and body["vorige"]["opvolger"] == body["nieuw"]["id"]
    old_expiry = dt.datetime.fromisoformat(body["vorige"]["verlooptOp"])
    assert old_expiry <= utcnow() + services.levensduur.overlap
    new_expiry = dt.datetime.fromisoformat(body["nieuw"]["verlooptOp"])
    assert new_expiry > old_expiry
    # Within the overlap both work; the old one renews only once.
    assert client.get("/v1/partners", headers=bearer(politie)).status_code == 200
    assert client.get("/v1/partners", headers=bearer(new)).status_code == 200
    assert client.post("/v1/tokens/vernieuwing", headers=bearer(politie)).status_code == 409
    # After the overlap only the new one works.
    expire(services, politie, utcnow() - dt.timedelta(seconds=1))
    assert client.get("/v1/partners", headers=bearer(politie)).status_code == 401
    assert client.get("/v1/partners", headers=bearer(new)).status_code == 200


def test_renewal_never_lengthens_a_token_about_to_expire(client: FlaskClient, services: Services, politie: str) -> None:
    soon = utcnow() + dt.timedelta(minutes=5)
    expire(services, politie, soon)
    body = client.post("/v1/tokens/vernieuwing", headers=bearer(politie)).get_json()
    assert dt.datetime.fromisoformat(body["vorige"]["verlooptOp"]) <= soon


def test_repeated_failures_for_one_token_id_are_throttled_even_with_the_right_secret(
    client: FlaskClient, politie: str, token: str
) -> None:
    from service.service_layer.identiteit.authentication import DREMPEL

    for _ in range(DREMPEL):
        assert client.get("/v1/partners", headers=bearer(wrong_secret(politie))).status_code == 401
    throttled = client.get("/v1/partners", headers=bearer(politie))
    assert throttled.status_code == 429
    assert throttled.mimetype == "application/problem+json"
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    # Another token id is not affected.
    assert client.get("/v1/partners", headers=bearer(token)).status_code == 200


def test_unknown_token_ids_are_throttled_alike(client: FlaskClient) -> None:
    from service.service_layer.identiteit.authentication import DREMPEL

    guess = "dp_" + "1" * 32 + "_" + "x" * 43
    answers = [client.get("/v1/partners", headers=bearer(guess)).status_code for _ in range(DREMPEL + 1)]
    assert answers == [401] * DREMPEL + [429]


def test_the_throttle_holds_across_apps_and_ends(
    client: FlaskClient, settings: Settings, services: Services, politie: str
) -> None:
    from service.adapters.orm import TokenpogingRow
    from service.service_layer.identiteit.authentication import DREMPEL

    with tweede_app(settings) as other:
        for n in range(DREMPEL):
            worker = client if n % 2 else other
            worker.get("/v1/partners", headers=bearer(wrong_secret(politie)))
        assert other.get("/v1/partners", headers=bearer(politie)).status_code == 429
        assert client.get("/v1/partners", headers=bearer(politie)).status_code == 429
        with services.engine.begin() as connection:  # the block's end has come
            connection.execute(update(TokenpogingRow).values(geblokkeerd_tot=utcnow() - dt.timedelta(seconds=1)))
        assert client.get("/v1/partners", headers=bearer(politie)).status_code == 200


def test_token_lives_follow_the_soort(client: FlaskClient, services: Services, beheerder_a: str) -> None:
    created = []
    for soort in ("systeem", "persoon"):
        body = {
            "partner": POLITIE,
            "rol": "casusregisseur",
            "soort": soort,
            "naam": f"Synthetisch {soort}",
            "toelichting": "Synthetisch.",
        }
        gebruiker_id = client.post("/v1/gebruikers", json=body, headers=bearer(beheerder_a)).get_json()["gebruiker"]
        issued = client.post(f"/v1/gebruikers/{gebruiker_id['id']}/tokens", headers=bearer(beheerder_a)).get_json()
        life = dt.datetime.fromisoformat(issued["verlooptOp"]) - dt.datetime.fromisoformat(issued["uitgegevenOp"])
        created.append(life)
    assert created == [services.levensduur.systeem, services.levensduur.persoon]
    assert services.levensduur.persoon < dt.timedelta(days=1) < services.levensduur.systeem

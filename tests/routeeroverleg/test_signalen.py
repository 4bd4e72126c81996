"""POST /v1/routeeroverleg/signalen: a pseudonym, a risk indication, a contact point and a date; nothing else."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.routeeroverleg import GGD, pseudoniem_van, records, signaal, test_bsn

BSN = test_bsn(3)
NAAM = "Synthetische Testpersoon"


def _count_signalen(services: Services) -> int:
    with services.uow() as uow:
        return len(uow.routeeroverleg.signalen(pseudoniem_van(0)))


def test_a_valid_signal_is_stored_and_logged_without_its_values(
    client: FlaskClient, services: Services, ggd: str
) -> None:
    response = signaal(client, ggd)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) == {"id", "signaaldatum", "risicoIndicatie", "contactpunt"}
    [record] = records(services)
    assert record["soort"] == "routeeroverleg" and record["doel"] == "routeeroverleg"
    assert record["handeling"] == "signaal" and record["signalen"] == [body["id"]]
    assert record["partner"] == GGD and record["casus"] is None and record["uitkomst"] == "verstrekt"
    assert {v["veld"] for v in record["verstrekt"]} == {"risicoIndicatie", "contactpunt"}
    assert all(v["verwerkingsactiviteit"]["id"] == "va-routeeroverleg" for v in record["verstrekt"])
    text = json.dumps(record)
    assert pseudoniem_van(0) not in text and "0592" not in text and "hoog" not in text


BAD = [
    ("bsn-as-pseudonym", {"pseudoniem": BSN}, "pseudoniem", BSN),
    ("spaced-bsn-as-pseudonym", {"pseudoniem": f"{BSN[:3]} {BSN[3:6]} {BSN[6:]}"}, "pseudoniem", BSN[:3]),
    ("name-as-pseudonym", {"pseudoniem": NAAM}, "pseudoniem", NAAM),
    ("uppercase-hex", {"pseudoniem": pseudoniem_van(0).upper()}, "pseudoniem", pseudoniem_van(0).upper()),
    ("bsn-in-contactpunt", {"contactpunt": f"bel over {BSN}"}, "contactpunt", BSN),
    ("name-as-contactpunt", {"contactpunt": NAAM}, "contactpunt", NAAM),
    (
        "narrative-contactpunt",
        {"contactpunt": "Man slaat zijn partner, woont aan de Kerkstraat"},
        "contactpunt",
        "Kerkstraat",
    ),
    ("bsn-as-contactpunt", {"contactpunt": BSN}, "contactpunt", BSN),
    ("unknown-risk", {"risicoIndicatie": "zeer ernstig, " + NAAM}, "risicoIndicatie", NAAM),
    ("future-date", {"signaaldatum": "2999-01-01"}, "signaaldatum", "2999"),
    ("not-a-date", {"signaaldatum": NAAM}, "signaaldatum", NAAM),
    ("ancient-date", {"signaaldatum": "2001-01-01"}, "signaaldatum", "2001"),
    ("extra-bsn-field", {"bsn": BSN}, "bsn", BSN),
    ("extra-name-field", {"naam": NAAM}, "naam", NAAM),
    ("extra-narrative", {"toelichting": "Verward gedrag, " + NAAM}, "toelichting", NAAM),
    ("a-key-that-is-a-bsn", {BSN: "x"}, "body", BSN),
    ("a-key-that-is-a-name", {NAAM: "x"}, "body", NAAM),
    ("number-as-pseudonym", {"pseudoniem": int(BSN)}, "pseudoniem", BSN),
    ("missing-pseudonym", {"pseudoniem": ...}, "pseudoniem", None),
    ("null-pseudonym", {"pseudoniem": None}, "pseudoniem", None),
    ("list-contactpunt", {"contactpunt": [BSN]}, "contactpunt", BSN),
]


@pytest.mark.parametrize(("body", "field", "secret"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_a_signal_with_anything_but_the_minimum_is_refused_naming_the_field_never_the_value(
    client: FlaskClient, services: Services, ggd: str, body: dict[str, Any], field: str, secret: str | None
) -> None:
    response = signaal(client, ggd, **body)
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    problem = response.get_json()
    assert field in {p["name"] for p in problem["invalidParams"]}
    if secret is not None:
        assert secret not in response.get_data(as_text=True)
    assert _count_signalen(services) == 0 and records(services) == []


def test_every_bad_field_is_named_at_once(client: FlaskClient, ggd: str) -> None:
    response = signaal(client, ggd, pseudoniem="x", contactpunt="Jan", risicoIndicatie="?", signaaldatum="morgen")
    assert response.status_code == 400
    names = {p["name"] for p in response.get_json()["invalidParams"]}
    assert names == {"pseudoniem", "contactpunt", "risicoIndicatie", "signaaldatum"}


def test_a_missing_field_is_named_together_with_the_bad_ones(client: FlaskClient, ggd: str) -> None:
    response = signaal(client, ggd, pseudoniem=..., signaaldatum=..., contactpunt="Jan")
    assert response.status_code == 400
    names = {p["name"] for p in response.get_json()["invalidParams"]}
    assert names == {"pseudoniem", "signaaldatum", "contactpunt"}


@pytest.mark.parametrize(
    "contactpunt",
    ["0592 123 456 7", "+31 6 1234 5678", "0592-123456", "oggz-assen@ggd-drenthe.example", "088-1234567"],
)
def test_telephone_numbers_and_functional_mailboxes_are_contact_points(
    client: FlaskClient, ggd: str, contactpunt: str
) -> None:
    assert signaal(client, ggd, contactpunt=contactpunt).status_code == 201


@pytest.mark.parametrize(
    ("partner", "rol"),
    [
        ("politie-noord-nederland", "casusregisseur"),  # not a routeeroverleg participant in the convenant
        ("ggz-drenthe", "casusregisseur"),
        (GGD, "deelnemer"),  # a participant, but a rol the policy grants nothing in the routeeroverleg
        (GGD, "fg"),
        ("bureau-zvh-drenthe", "procesondersteuner"),
    ],
    ids=["politie", "ggz", "ggd-deelnemer", "ggd-fg", "zvh-procesondersteuner"],
)
def test_who_is_not_a_participant_is_refused_and_the_refusal_is_logged(
    client: FlaskClient, services: Services, partner: str, rol: str
) -> None:
    token = add_gebruiker(services, partner, rol)
    for response in (signaal(client, token), client.get("/v1/routeeroverleg/matches", headers=_h(token))):
        assert response.status_code == 403
        assert response.content_type == "application/problem+json"
    assert _count_signalen(services) == 0
    logged = records(services)
    assert [r["uitkomst"] for r in logged] == ["geweigerd", "geweigerd"]
    assert all(r["partner"] == partner and r["verstrekt"] == [] for r in logged)


def test_without_a_token_nothing_is_accepted(client: FlaskClient, services: Services) -> None:
    response = client.post("/v1/routeeroverleg/signalen", json={})
    assert response.status_code == 401
    assert client.get("/v1/routeeroverleg/matches").status_code == 401
    assert records(services) == []


def test_a_non_json_body_is_refused(client: FlaskClient, ggd: str) -> None:
    response = client.post(
        "/v1/routeeroverleg/signalen", data="pseudoniem=x", headers={**_h(ggd), "Content-Type": "text/plain"}
    )
    assert response.status_code in (400, 415)
    response = client.post("/v1/routeeroverleg/signalen", json=["x"], headers=_h(ggd))
    assert response.status_code == 400


def _h(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}

"""Suspending a partner, with four eyes: all its users are refused at once, its verstrekkingen stop."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.helpers.beheer import approve, propose
from tests.helpers.casus import bearer, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker

POLITIE = "politie-noord-nederland"


def _suspend(client: FlaskClient, token: str, actief: bool = False) -> Any:
    return propose(client, token, partner={"id": POLITIE, "actief": actief})


def test_suspension_stops_the_partners_verstrekkingen_in_the_next_request(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    politie: str,
    beheerder_a: str,
    beheerder_b: str,
) -> None:
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    other_user = add_gebruiker(services, POLITIE, "deelnemer")
    assert vraag(client, politie, casus["id"], doel="casusoverleg").status_code == 201
    voorstel = _suspend(client, beheerder_a)
    assert voorstel.status_code == 201, voorstel.get_json()
    assert voorstel.get_json()["soort"] == "partner-schorsing"
    # Proposed is not suspended, and the proposer alone cannot make it so.
    assert approve(client, beheerder_a, voorstel.get_json()["id"]).status_code == 403
    assert vraag(client, politie, casus["id"], doel="casusoverleg").status_code == 201

    diff = client.get(f"/v1/beleid/voorstellen/{voorstel.get_json()['id']}/verschil", headers=bearer(beheerder_b))
    assert diff.status_code == 200
    groups = diff.get_json()["groepen"]
    assert groups and {g["partner"] for g in groups} == {POLITIE}
    assert diff.get_json()["gekregen"] == 0 and diff.get_json()["verloren"] > 0

    assert approve(client, beheerder_b, voorstel.get_json()["id"]).status_code == 200
    for token in (politie, other_user):  # every user of the partner, at once
        refused = vraag(client, token, casus["id"], doel="casusoverleg")
        assert refused.status_code == 401
        assert client.get("/v1/casussen", headers=bearer(token)).status_code == 401
    assert _suspend(client, beheerder_a).status_code == 409  # already suspended
    history = client.get("/v1/beleid/geschiedenis", headers=bearer(beheerder_a)).get_json()["gebeurtenissen"]
    assert [(e["handeling"], e["onderwerp"], e["betreft"]) for e in history][-1] == (
        "activering",
        "partner-schorsing",
        POLITIE,
    )

    lift = _suspend(client, beheerder_b, actief=True)
    assert lift.status_code == 201 and lift.get_json()["soort"] == "partner-herstel"
    assert vraag(client, politie, casus["id"], doel="casusoverleg").status_code == 401
    assert approve(client, beheerder_a, lift.get_json()["id"]).status_code == 200
    assert vraag(client, politie, casus["id"], doel="casusoverleg").status_code == 201


def test_a_stale_suspension_proposal_is_refused(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    first = _suspend(client, beheerder_a).get_json()
    second = _suspend(client, beheerder_a).get_json()
    assert approve(client, beheerder_b, first["id"]).status_code == 200
    assert approve(client, beheerder_b, second["id"]).status_code == 409


def test_the_bureau_zvh_cannot_be_suspended_its_beheerders_would_be_locked_out(
    client: FlaskClient, services: Services, beheerder_a: str
) -> None:
    refused = _suspend_partner(client, beheerder_a, "bureau-zvh-drenthe")
    assert refused.status_code == 409 and "Bureau ZVH" in refused.get_json()["detail"]
    assert client.get("/v1/beleid/voorstellen", headers=bearer(beheerder_a)).get_json()["voorstellen"] == []
    assert _suspend_partner(client, beheerder_a, POLITIE).status_code == 201  # another partner still can be


def _suspend_partner(client: FlaskClient, token: str, partner: str) -> Any:
    return propose(client, token, partner={"id": partner, "actief": False})

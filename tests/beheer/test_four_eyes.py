"""Four eyes on policy (invariant 8): nothing a single beheerder does activates anything."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.domain.errors import ConflictError, NietToegestaanError
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.beleid.invoer import Toevoeging, Wijziging
from service.service_layer.services import Services
from tests.helpers.beheer import ADDED, REMOVED, active, approve, change, gebruiker_of, propose, reject
from tests.helpers.casus import bearer
from tests.helpers.gebruikers import add_gebruiker


def _versions(client: FlaskClient, token: str) -> dict[str, Any]:
    response = client.get("/v1/beleid", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def test_a_single_beheerder_can_never_activate_anything(
    client: FlaskClient, services: Services, beheerder_a: str
) -> None:
    before = active(services).version
    made = propose(client, beheerder_a, **change(toevoegen=[ADDED]))
    assert made.status_code == 201, made.get_json()
    voorstel = made.get_json()
    assert voorstel["status"] == "open" and voorstel["basisversie"] == before
    assert made.headers["Location"] == f"/v1/beleid/voorstellen/{voorstel['id']}"
    assert active(services).version == before  # proposing changes nothing

    refused = approve(client, beheerder_a, voorstel["id"])
    assert refused.status_code == 403
    assert refused.headers["Content-Type"] == "application/problem+json"
    # Re-proposing the same version and approving that one instead is the same single beheerder.
    again = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    assert approve(client, beheerder_a, again["id"]).status_code == 403
    # Rejecting (withdrawing) one's own proposal is allowed, and activates nothing either.
    assert reject(client, beheerder_a, voorstel["id"]).status_code == 200
    assert approve(client, beheerder_a, voorstel["id"]).status_code == 403
    assert active(services).version == before
    assert _versions(client, beheerder_a)["actieveVersie"] == before


@pytest.mark.parametrize(
    ("partner", "rol"),
    [
        ("bureau-zvh-drenthe", "procesregisseur"),
        ("bureau-zvh-drenthe", "fg"),
        ("politie-noord-nederland", "casusregisseur"),
        ("ggz-drenthe", "deelnemer"),
    ],
    ids=["procesregisseur", "fg", "casusregisseur", "deelnemer"],
)
def test_other_rollen_may_neither_propose_nor_approve(
    client: FlaskClient, services: Services, beheerder_a: str, partner: str, rol: str
) -> None:
    other = add_gebruiker(services, partner, rol)
    before = active(services).version
    assert propose(client, other, **change(toevoegen=[ADDED])).status_code == 403
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    assert approve(client, other, voorstel["id"]).status_code == 403
    assert reject(client, other, voorstel["id"]).status_code == 403
    assert active(services).version == before


def test_the_service_layer_refuses_the_proposer_and_other_rollen_too(services: Services, beheerder_a: str) -> None:
    proposer = gebruiker_of(services, beheerder_a)
    made = beheer.stel_beleid_voor(
        services, proposer, "Synthetisch.", wijziging=Wijziging((Toevoeging("zvh-drenthe.csv", ADDED),))
    )
    with pytest.raises(NietToegestaanError):
        beheer.keur_goed(services, proposer, made.id)
    procesregisseur = gebruiker_of(services, add_gebruiker(services, "bureau-zvh-drenthe", "procesregisseur"))
    with pytest.raises(NietToegestaanError):
        beheer.keur_goed(services, procesregisseur, made.id)
    assert beheer.voorstel(services, made.id).status.value == "open"


def test_a_second_beheerder_activates_and_a_decided_proposal_stays_decided(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    before = active(services).version
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED], verwijderen=[REMOVED])).get_json()
    approved = approve(client, beheerder_b, voorstel["id"])
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "goedgekeurd"
    assert active(services).version == voorstel["versie"] != before
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 409
    assert reject(client, beheerder_b, voorstel["id"]).status_code == 409
    overview = _versions(client, beheerder_a)
    assert overview["actieveVersie"] == voorstel["versie"]
    assert {v["versie"] for v in overview["versies"]} >= {before, voorstel["versie"]}
    assert overview["activeringen"][-1]["door"] == gebruiker_of(services, beheerder_b).id


def test_a_rejected_proposal_can_never_be_approved(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    before = active(services).version
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    rejected = reject(client, beheerder_b, voorstel["id"], "Synthetisch: niet proportioneel.")
    assert rejected.status_code == 200
    assert rejected.get_json()["reden"] == "Synthetisch: niet proportioneel."
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 409
    assert active(services).version == before


def test_concurrent_proposals_against_the_same_base_the_second_approval_is_stale(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    first = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    second = propose(client, beheerder_a, **change(verwijderen=[REMOVED])).get_json()
    assert first["basisversie"] == second["basisversie"]
    assert approve(client, beheerder_b, first["id"]).status_code == 200
    stale = approve(client, beheerder_b, second["id"])
    assert stale.status_code == 409
    assert "stale" in stale.get_json()["detail"]
    assert active(services).version == first["versie"]  # not merged: the second change is not in effect
    assert beheer.voorstel(services, second["id"]).status.value == "open"


def test_racing_approvals_of_two_proposals_on_one_base_activate_exactly_one(
    services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    proposer, approver = gebruiker_of(services, beheerder_a), gebruiker_of(services, beheerder_b)
    made = [
        beheer.stel_beleid_voor(
            services, proposer, "Synthetisch.", wijziging=Wijziging((Toevoeging("zvh-drenthe.csv", ADDED),))
        ),
        beheer.stel_beleid_voor(services, proposer, "Synthetisch.", wijziging=Wijziging(verwijderen=(REMOVED,))),
    ]
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run(voorstel_id: str) -> None:
        barrier.wait()
        try:
            beheer.keur_goed(services, approver, voorstel_id)
            outcomes.append("goedgekeurd")
        except ConflictError:
            outcomes.append("409")

    threads = [threading.Thread(target=run, args=(v.id,)) for v in made]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["409", "goedgekeurd"]
    assert active(services).version in {v.versie for v in made}
    with services.uow() as uow:
        assert len(uow.beleid.activations()) == 2  # the installation and exactly one approval


def test_rollback_is_a_proposal_of_the_older_version_through_the_same_four_eyes(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    original = active(services).version
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    terug = propose(client, beheerder_b, versie=original)
    assert terug.status_code == 201, terug.get_json()
    assert terug.get_json()["versie"] == original
    assert approve(client, beheerder_b, terug.get_json()["id"]).status_code == 403
    assert active(services).version == voorstel["versie"]
    assert approve(client, beheerder_a, terug.get_json()["id"]).status_code == 200
    assert active(services).version == original

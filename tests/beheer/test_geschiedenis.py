"""The history of beheer is in the tamper-evident log: readable by beheerders and the FG, checked by verify."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import update

from service.adapters.orm import VerstrekkingRow
from service.audit.record import canonical, parse
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from tests.helpers.beheer import ADDED, REMOVED, active, approve, change, gebruiker_of, propose, reject
from tests.helpers.casus import bearer
from tests.helpers.gebruikers import add_gebruiker


def test_every_proposal_approval_rejection_and_activation_is_in_the_log_and_shown_to_the_fg(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str, fg: str
) -> None:
    basis = active(services).version
    first = propose(client, beheerder_a, toelichting="Synthetisch: contact voor triage.", **change(toevoegen=[ADDED]))
    second = propose(client, beheerder_a, **change(verwijderen=[REMOVED]))
    assert approve(client, beheerder_b, first.get_json()["id"]).status_code == 200
    assert reject(client, beheerder_b, second.get_json()["id"], "Synthetisch: verouderd.").status_code == 200

    response = client.get("/v1/beleid/geschiedenis", headers=bearer(fg))
    assert response.status_code == 200, response.get_json()
    events = response.get_json()["gebeurtenissen"]
    a, b = gebruiker_of(services, beheerder_a).id, gebruiker_of(services, beheerder_b).id
    nieuw = first.get_json()["versie"]
    assert [(e["handeling"], e["voorstel"], e["gebruiker"], e["versieVoor"], e["versieNa"]) for e in events] == [
        ("voorstel", first.get_json()["id"], a, basis, basis),
        ("voorstel", second.get_json()["id"], a, basis, basis),
        ("goedkeuring", first.get_json()["id"], b, basis, basis),
        ("activering", first.get_json()["id"], b, basis, nieuw),
        ("afwijzing", second.get_json()["id"], b, nieuw, nieuw),
    ]
    assert events[0]["toelichting"] == "Synthetisch: contact voor triage."
    assert events[-1]["toelichting"] == "Synthetisch: verouderd."
    assert all(e["partner"] == "bureau-zvh-drenthe" and e["onderwerp"] == "beleid" for e in events)
    # The FG may ask the inclusion proof of a history record like of any record.
    proof = client.get(f"/v1/verantwoording/bewijzen/{events[3]['logIndex']}", headers=bearer(fg))
    assert proof.status_code == 200
    assert logboek.verifieer(services).ok


def test_partners_without_beheer_or_fg_rol_do_not_see_the_history(client: FlaskClient, services: Services) -> None:
    other = add_gebruiker(services, "politie-noord-nederland", "casusregisseur")
    for path in ("/v1/beleid/geschiedenis", "/v1/beleid", "/v1/beleid/voorstellen"):
        assert client.get(path, headers=bearer(other)).status_code == 403


def test_rewriting_a_history_record_is_detected_by_verify(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    assert logboek.verifieer(services).ok
    with services.uow() as uow:
        stored = next(r for r in uow.log.records() if parse(r.record)["uitkomst"] == "goedkeuring")
    record = parse(stored.record)
    record["gebruiker"] = gebruiker_of(services, beheerder_a).id  # claim the proposer approved it
    with services.engine.begin() as connection:
        connection.execute(
            update(VerstrekkingRow)
            .where(VerstrekkingRow.log_index == stored.log_index)
            .values(record=canonical(record))
        )
    result = logboek.verifieer(services)
    assert not result.ok and result.eerste_fout == stored.log_index


def test_every_beheer_step_is_sealed_by_a_checkpoint_at_once(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    """History records do not wait in the unsigned tail of the log: each committed step signs a checkpoint."""
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED]))
    assert voorstel.status_code == 201, voorstel.get_json()
    with services.uow() as uow:
        size, latest = uow.log.size(), uow.log.latest_checkpoint()
    assert size > 0 and latest is not None and latest.grootte == size
    assert approve(client, beheerder_b, voorstel.get_json()["id"]).status_code == 200
    with services.uow() as uow:
        grown, latest = uow.log.size(), uow.log.latest_checkpoint()
    assert grown == size + 2 and latest is not None and latest.grootte == grown
    assert logboek.verifieer(services).ok

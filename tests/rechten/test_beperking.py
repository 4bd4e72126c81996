"""Beperking (AVG art. 18): a restricted person gets nothing outside the listed doelen, others in the casus still
get theirs, lifting restores it, both steps are logged and `audit verify` passes; who may restrict; bad input."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select

from service.adapters.orm import BeperkingRow
from service.audit.record import parse
from service.cli import main
from service.domain.convenant import Fase
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, refer, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.rechten.conftest import BEPERKINGEN, beperk, hef_op

VALUES_HOOFDPERSOON = (BSN_HOOFDPERSOON, "Testpersoon-Synthetisch", "1990-04-01")


def _records(services: Services) -> list[dict[str, Any]]:
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]


def _persons(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["rol"]: b for b in body["betrokkenen"]}


def test_a_restricted_person_gets_nothing_outside_the_listed_doelen_and_others_still_get_theirs(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, procesregisseur: str, politie: str
) -> None:
    made = beperk(client, fg, ["casusoverleg"])
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["aantalCasussen"] == 1 and made.get_json()["actief"] is True
    hoofd = next(b["id"] for b in casus["betrokkenen"] if b["rol"] == "hoofdpersoon")

    triage = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert triage.status_code == 201, triage.get_json()
    body = triage.get_json()
    persons = _persons(body)
    assert "hoofdpersoon" not in persons  # nothing of the restricted person
    assert persons["systeemlid"]["velden"]["bsn"] == BSN_SYSTEEMLID  # the other betrokkene still gets hers
    assert body["velden"] == {}  # the casus's own values: the restricted person is the hoofdpersoon
    assert body["uitkomst"] == "gedeeltelijk"
    assert "signaalOmschrijving" in body["onthouden"] and "geboortedatum" in body["onthouden"]
    for value in VALUES_HOOFDPERSOON:
        assert value not in triage.get_data(as_text=True)
    record = _records(services)[-1]
    assert record["beperkt"] == ["casus", hoofd]  # the record says whose restriction withheld what
    assert all(hoofd not in v["plaatsen"] and "casus" not in v["plaatsen"] for v in record["verstrekt"])

    set_fase(services, casus["id"], Fase.PROCESREGIE)  # the listed doel still gets the person's values
    overleg = vraag(client, politie, casus["id"], doel="casusoverleg", velden=["achternaam"])
    assert overleg.status_code == 201, overleg.get_json()
    assert _persons(overleg.get_json())["hoofdpersoon"]["velden"] == {"achternaam": "Testpersoon-Synthetisch"}
    assert "beperkt" not in _records(services)[-1]


def test_an_empty_list_of_doelen_releases_nothing_about_the_person(
    client: FlaskClient, services: Services, fg: str, procesregisseur: str, politie: str
) -> None:
    alleen = refer(client, politie, betrokkenen=[{"rol": "hoofdpersoon", "velden": {"bsn": BSN_HOOFDPERSOON}}])
    assert beperk(client, fg, []).status_code == 201
    response = vraag(client, procesregisseur, alleen["id"], doel="triage")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["uitkomst"] == "leeg" and body["betrokkenen"] == [] and body["velden"] == {}
    assert BSN_HOOFDPERSOON not in response.get_data(as_text=True)
    assert _records(services)[-1]["uitkomst"] == "leeg"


def test_lifting_restores_release_and_both_steps_are_logged_and_verified(
    client: FlaskClient,
    services: Services,
    cli_settings: Settings,
    casus: dict[str, Any],
    fg: str,
    procesregisseur: str,
) -> None:
    made = beperk(client, fg, ["monitoring"]).get_json()
    assert _persons(vraag(client, procesregisseur, casus["id"], doel="triage").get_json()).keys() == {"systeemlid"}
    lifted = hef_op(client, fg, made["id"])
    assert lifted.status_code == 200, lifted.get_json()
    assert lifted.get_json()["actief"] is False and lifted.get_json()["opheffingsreden"] == "juist-of-gecorrigeerd"
    again = vraag(client, procesregisseur, casus["id"], doel="triage").get_json()
    assert _persons(again)["hoofdpersoon"]["velden"]["bsn"] == BSN_HOOFDPERSOON

    hoofd = next(b["id"] for b in casus["betrokkenen"] if b["rol"] == "hoofdpersoon")
    steps = [r for r in _records(services) if r["soort"] in ("beperking", "opheffing-beperking")]
    assert [(r["soort"], r["uitkomst"]) for r in steps] == [
        ("beperking", "ingesteld"),
        ("opheffing-beperking", "opgeheven"),
    ]
    assert all(r["betreft"] == made["id"] and r["casus"] == casus["id"] and r["betrokkenen"] == [hoofd] for r in steps)
    assert steps[0]["grond"] == "juistheid-betwist" and steps[0]["doelen"] == ["monitoring"]
    assert steps[1]["reden"] == "juist-of-gecorrigeerd"
    assert steps[0]["partner"] == "bureau-zvh-drenthe" and steps[0]["rol"] == "fg"
    for step in steps:
        for value in (*VALUES_HOOFDPERSOON, BSN_SYSTEEMLID):
            assert value not in str(step)
    with services.engine.connect() as connection:  # a lifted beperking no longer keeps the person's blind index
        assert connection.scalar(select(BeperkingRow.bsn_index).where(BeperkingRow.id == made["id"])) is None
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output


def test_the_restriction_covers_a_casus_created_after_it(
    client: FlaskClient, fg: str, politie: str, procesregisseur: str
) -> None:
    assert beperk(client, fg, ["casusoverleg"]).get_json()["aantalCasussen"] == 0
    later = refer(client, politie)
    persons = _persons(vraag(client, procesregisseur, later["id"], doel="triage").get_json())
    assert persons.keys() == {"systeemlid"}


def test_a_restriction_of_a_systeemlid_leaves_the_hoofdpersoon_and_the_casus(
    client: FlaskClient, casus: dict[str, Any], fg: str, procesregisseur: str
) -> None:
    assert beperk(client, fg, [], bsn=BSN_SYSTEEMLID).status_code == 201
    body = vraag(client, procesregisseur, casus["id"], doel="triage").get_json()
    assert _persons(body).keys() == {"hoofdpersoon"} and body["velden"]


def test_a_procesregisseur_of_the_bureau_may_restrict_and_lift(client: FlaskClient, procesregisseur: str) -> None:
    made = beperk(client, procesregisseur, ["triage"])
    assert made.status_code == 201, made.get_json()
    assert hef_op(client, procesregisseur, made.get_json()["id"], "ingetrokken").status_code == 200


@pytest.mark.parametrize(
    ("partner", "rol"),
    [
        ("ggz-drenthe", "fg"),  # a partner's FG sees only its own flows: it does not restrict the region's
        ("politie-noord-nederland", "procesregisseur"),
        ("politie-noord-nederland", "casusregisseur"),
        ("bureau-zvh-drenthe", "beheerder"),
        ("bureau-zvh-drenthe", "deelnemer"),
    ],
    ids=["partner-fg", "partner-procesregisseur", "casusregisseur", "beheerder", "deelnemer"],
)
def test_only_the_bureaus_fg_or_procesregisseur_may_restrict(
    client: FlaskClient, services: Services, fg: str, partner: str, rol: str
) -> None:
    other = add_gebruiker(services, partner, rol)
    made = beperk(client, fg, ["triage"]).get_json()
    assert beperk(client, other, ["triage"]).status_code == 403
    assert hef_op(client, other, made["id"]).status_code == 403
    assert client.get(BEPERKINGEN, headers={"Authorization": f"Bearer {other}"}).status_code == 403
    with services.engine.connect() as connection:
        assert connection.scalar(select(BeperkingRow.opgeheven_op).where(BeperkingRow.id == made["id"])) is None
    assert len(_records(services)) == 1


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"bsn": BSN_HOOFDPERSOON, "grond": "bezwaar", "doelen": ["nieuwsgierigheid"]}, "doelen[0]"),
        ({"bsn": "99990012x", "grond": "bezwaar", "doelen": []}, "bsn"),
        ({"bsn": "12345", "grond": "bezwaar", "doelen": []}, "bsn"),
        ({"bsn": BSN_HOOFDPERSOON, "grond": "ik-wil-het", "doelen": []}, "grond"),
        ({"bsn": BSN_HOOFDPERSOON, "grond": "bezwaar", "doelen": [], "regime": "ander"}, "regime"),
        ({"bsn": BSN_HOOFDPERSOON, "grond": "bezwaar"}, "doelen"),
        ({"bsn": BSN_HOOFDPERSOON, "grond": "bezwaar", "doelen": [], "toelichting": "vrije tekst"}, "toelichting"),
    ],
    ids=["unknown-doel", "bad-bsn", "short-bsn", "unknown-grond", "unknown-regime", "no-doelen", "unknown-key"],
)
def test_bad_input_is_a_problem_naming_the_field_and_changes_nothing(
    client: FlaskClient, services: Services, fg: str, body: dict[str, Any], name: str
) -> None:
    response = client.post(BEPERKINGEN, json=body, headers={"Authorization": f"Bearer {fg}"})
    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert any(p["name"].endswith(name) for p in problem["invalidParams"]), problem
    assert body["bsn"] not in response.get_data(as_text=True)  # never echoed
    with services.engine.connect() as connection:
        assert connection.scalar(select(BeperkingRow.id)) is None
    assert _records(services) == []


def test_an_unknown_beperking_or_a_second_lift_is_answered_and_logs_nothing_more(
    client: FlaskClient, services: Services, fg: str
) -> None:
    assert hef_op(client, fg, "0" * 32).status_code == 404
    assert hef_op(client, fg, "niet-een-id").status_code == 404
    made = beperk(client, fg, []).get_json()
    assert hef_op(client, fg, made["id"], "onbekende-reden").status_code == 400
    assert hef_op(client, fg, made["id"]).status_code == 200
    second = hef_op(client, fg, made["id"])
    assert second.status_code == 409 and second.mimetype == "application/problem+json"
    assert [r["soort"] for r in _records(services)] == ["beperking", "opheffing-beperking"]


def test_the_list_shows_codes_and_never_a_person(client: FlaskClient, fg: str, casus: dict[str, Any]) -> None:
    made = beperk(client, fg, ["triage", "casusoverleg"]).get_json()
    response = client.get(BEPERKINGEN, headers={"Authorization": f"Bearer {fg}"})
    assert response.status_code == 200
    [listed] = response.get_json()["beperkingen"]
    assert listed["id"] == made["id"] and listed["doelen"] == ["casusoverleg", "triage"]
    text = response.get_data(as_text=True)
    for value in VALUES_HOOFDPERSOON:
        assert value not in text

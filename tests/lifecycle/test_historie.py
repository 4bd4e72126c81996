"""The lifecycle end to end: every change recorded (who, when, why) and visible as the casus's history."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.adapters.orm import GebeurtenisRow
from service.service_layer.casus.bewaring import vernietig_casus
from service.service_layer.services import Services
from tests.helpers.casus import bearer, post

GEHEIM = "Synthetische toelichting over Testpersoon-Synthetisch"


def _historie(client: FlaskClient, token: str, casus_id: str) -> Any:
    return client.get(f"/v1/casussen/{casus_id}/historie", headers=bearer(token))


def test_a_casus_from_aanmelding_to_afsluiting_with_overdracht(
    client: FlaskClient, services: Services, regulier: dict[str, Any], procesregisseur: str, politie: str, ggz: str
) -> None:
    casus = f"/v1/casussen/{regulier['id']}"
    steps = [
        ("triage", {"besluit": "in-behandeling", "toelichting": "start triage"}),
        ("prioritering", {"prioriteit": 1, "toelichting": "acuut"}),
        ("triage", {"besluit": "procesregie", "toelichting": GEHEIM}),
        ("deelnemers", {"partner": "ggz-drenthe", "rol": "deelnemer", "toelichting": "behandelaar"}),
        ("afsluiting", {"uitkomst": "overgedragen", "toelichting": "warme overdracht", "overdracht": "zvh-groningen"}),
    ]
    for suffix, body in steps:
        response = post(client, procesregisseur, f"{casus}/{suffix}", body)
        assert response.status_code == 201, (suffix, response.get_json())

    response = _historie(client, procesregisseur, regulier["id"])
    assert response.status_code == 200, response.get_json()
    entries = response.get_json()["gebeurtenissen"]
    assert [(e["handeling"], e["vanFase"], e["naarFase"]) for e in entries] == [
        ("aanmelding", "aanmelding", "aanmelding"),
        ("triage", "aanmelding", "triage"),
        ("prioritering", "triage", "triage"),
        ("triage", "triage", "procesregie"),
        ("deelnemer-toegevoegd", "procesregie", "procesregie"),
        ("afsluiting", "procesregie", "afgesloten"),
    ]
    assert entries[0]["partner"] == "politie-noord-nederland" and entries[0]["rol"] == "casusregisseur"
    assert all(e["partner"] == "bureau-zvh-drenthe" and e["rol"] == "procesregisseur" for e in entries[1:])
    assert [e["tijd"] for e in entries] == sorted(e["tijd"] for e in entries)
    assert entries[3]["toelichting"] == GEHEIM and entries[3]["gegevens"] == {"besluit": "procesregie"}
    assert entries[4]["gegevens"] == {"partner": "ggz-drenthe", "rol": "deelnemer", "grondslag": None}
    assert entries[5]["gegevens"] == {"uitkomst": "overgedragen", "overdracht": "zvh-groningen"}

    detail = client.get(casus, headers=bearer(procesregisseur)).get_json()
    assert detail["fase"] == "afgesloten" and detail["afgeslotenOp"] is not None
    # Closing ends every deelname but the Bureau's; the receiving region takes part for the overdracht.
    assert {(d["partner"], d["rol"]) for d in detail["deelnemers"]} == {
        ("bureau-zvh-drenthe", "procesregisseur"),
        ("zvh-groningen", "deelnemer"),
    }
    for former in (politie, ggz):
        assert client.get(casus, headers=bearer(former)).status_code == 404
        assert _historie(client, former, regulier["id"]).status_code == 404


def test_toelichtingen_are_encrypted_and_destroyed_with_the_casus(
    client: FlaskClient, services: Services, regulier: dict[str, Any], procesregisseur: str
) -> None:
    response = post(
        client,
        procesregisseur,
        f"/v1/casussen/{regulier['id']}/triage",
        {"besluit": "afgewezen", "toelichting": GEHEIM},
    )
    assert response.status_code == 201
    with services.engine.connect() as connection:
        stored = connection.execute(select(GebeurtenisRow.toelichting, GebeurtenisRow.gegevens)).all()
    assert any(token for token, _ in stored)
    for token, gegevens in stored:
        assert GEHEIM.encode() not in (token or b"") and "Testpersoon" not in gegevens

    vernietig_casus(services, regulier["id"])
    entries = _historie(client, procesregisseur, regulier["id"]).get_json()["gebeurtenissen"]
    assert [e["handeling"] for e in entries] == ["aanmelding", "triage"]  # the account stays ...
    assert all(e["toelichting"] is None for e in entries)  # ... what it said is gone with the key
    with services.engine.connect() as connection:
        assert connection.execute(select(GebeurtenisRow.toelichting)).scalars().all() == [None, None]


def test_a_toelichting_moved_to_another_entry_does_not_decrypt(
    client: FlaskClient, services: Services, regulier: dict[str, Any], procesregisseur: str
) -> None:
    casus = f"/v1/casussen/{regulier['id']}"
    post(client, procesregisseur, f"{casus}/triage", {"besluit": "in-behandeling", "toelichting": "eerste"})
    post(client, procesregisseur, f"{casus}/prioritering", {"prioriteit": 3, "toelichting": "tweede"})
    with services.engine.begin() as connection:
        rows = connection.execute(
            select(GebeurtenisRow.id, GebeurtenisRow.toelichting)
            .where(GebeurtenisRow.toelichting.is_not(None))
            .order_by(GebeurtenisRow.tijd)
        ).all()
        (_, first), (second_id, _) = rows
        connection.execute(update(GebeurtenisRow).where(GebeurtenisRow.id == second_id).values(toelichting=first))
    response = _historie(client, procesregisseur, regulier["id"])
    assert response.status_code == 500  # tampering is an error of the service's data, not of the request
    assert "eerste" not in response.get_data(as_text=True)


def test_bad_input_is_400_naming_every_parameter_and_changes_nothing(
    client: FlaskClient, services: Services, regulier: dict[str, Any], procesregisseur: str
) -> None:
    casus = f"/v1/casussen/{regulier['id']}"
    cases = [
        ("triage", {"besluit": "misschien"}, {"besluit", "toelichting"}),
        ("triage", {"besluit": "procesregie", "toelichting": "x", "extra": 1}, {"extra"}),
        ("prioritering", {"prioriteit": 9}, {"prioriteit"}),
        ("prioritering", {"prioriteit": "1"}, {"prioriteit"}),
        ("deelnemers", {"partner": "onbekend", "rol": "fg"}, {"partner", "rol"}),
        ("deelnemers", {"partner": "onbekend", "rol": "deelnemer"}, {"partner"}),
        ("deelnemers", {"partner": "ggz-drenthe", "rol": "deelnemer", "grondslag": "wet-pga-3"}, {"grondslag"}),
        ("afsluiting", {"uitkomst": "overgedragen"}, {"overdracht"}),
        ("afsluiting", {"uitkomst": "klaar", "overdracht": "nergens"}, {"uitkomst", "overdracht"}),
    ]
    before = _historie(client, procesregisseur, regulier["id"]).get_json()
    for suffix, body, names in cases:
        response = post(client, procesregisseur, f"{casus}/{suffix}", body)
        assert response.status_code == 400, (suffix, body, response.get_json())
        assert {p["name"] for p in response.get_json()["invalidParams"]} == names, (suffix, body)
        assert "onbekend" not in response.get_data(as_text=True) and "nergens" not in response.get_data(as_text=True)
    assert _historie(client, procesregisseur, regulier["id"]).get_json() == before

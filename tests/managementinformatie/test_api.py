"""`GET /v1/managementinformatie/{jaar}`: only the Bureau's manager gets figures, each report is one logged
verstrekking naming no person, small cells are withheld when published, and bad input changes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

from flask.testing import FlaskClient

from service.audit.record import parse
from service.service_layer.managementinformatie.feiten import WAARDEVELDEN
from service.service_layer.services import Services
from tests.helpers.casus import bearer, post, refer

JAAR = dt.date.today().year


def _records(services: Services) -> list[dict[str, Any]]:
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]


def _rapport(client: FlaskClient, token: str, query: str = "") -> Any:
    return client.get(f"/v1/managementinformatie/{JAAR}{query}", headers=bearer(token))


def _rij(body: dict[str, Any], tabel: str, label: str) -> dict[str, Any]:
    gevonden = next(t for t in body["tabellen"] if t["id"] == tabel)
    return dict(
        zip(gevonden["kolommen"], next(r for r in gevonden["rijen"] if r["label"] == label)["waarden"], strict=True)
    )


def _twee_casussen(client: FlaskClient, politie: str, procesregisseur: str) -> None:
    """Two casussen in Assen this year; the Bureau takes one into procesregie."""
    casus = refer(client, politie)
    refer(client, politie)
    for besluit in ("in-behandeling", "procesregie"):
        assert (
            post(
                client, procesregisseur, f"/v1/casussen/{casus['id']}/triage", {"besluit": besluit, "toelichting": "t"}
            ).status_code
            == 201
        )


def test_the_manager_gets_exact_figures_and_the_report_is_one_record_naming_no_person(
    client: FlaskClient, services: Services, politie: str, procesregisseur: str, manager: str
) -> None:
    _twee_casussen(client, politie, procesregisseur)
    voor = len(_records(services))
    response = _rapport(client, manager, "?publicatie=false")
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert _rij(body, "per-gemeente", "Assen") == {
        "Actief op 31 december": 1,
        "Instroom (aanmeldingen)": 2,
        "Uitgebreid advies": 0,
        "Afgesloten": 0,
    }
    assert _rij(body, "procesregie", "Nieuw in procesregie")[str(JAAR)] == 1
    assert _rij(body, "aanmeldingen-per-partner", "Politie eenheid Noord-Nederland")["Totaal"] == 2
    records = _records(services)
    assert len(records) == voor + 1
    record = records[-1]
    assert (record["doel"], record["partner"], record["rol"], record["casus"], record["betrokkenen"]) == (
        "managementinformatie",
        "bureau-zvh-drenthe",
        "manager",
        None,
        [],
    )
    assert record["id"] == body["verstrekking"] and record["uitkomst"] == "verstrekt"
    assert {v["veld"]: v["grondslag"] for v in record["verstrekt"]}["psychischeGezondheid"] == "avg-9-uavg-30"
    assert {v["veld"] for v in record["verstrekt"]} == WAARDEVELDEN  # exactly the velden the report reads
    assert all(
        v["plaatsen"] == [] and v["verwerkingsactiviteit"]["id"] == "va-managementinformatie"
        for v in record["verstrekt"]
    )


def test_published_figures_withhold_small_cells(
    client: FlaskClient, politie: str, procesregisseur: str, manager: str
) -> None:
    _twee_casussen(client, politie, procesregisseur)
    body = _rapport(client, manager).get_json()
    assert body["publicatie"] is True and body["drempel"] == 5
    tabel = next(t for t in body["tabellen"] if t["id"] == "per-gemeente")
    assen = next(r for r in tabel["rijen"] if r["label"] == "Assen")
    assert assen["weergave"][:2] == ["x", "x"] and assen["waarden"][:2] == [None, None]
    assert 2 not in [w for r in tabel["rijen"] for w in r["waarden"]]  # not in a total either


def test_one_table_as_csv(client: FlaskClient, politie: str, procesregisseur: str, manager: str) -> None:
    _twee_casussen(client, politie, procesregisseur)
    response = _rapport(client, manager, "?publicatie=false&formaat=csv&tabel=per-gemeente")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rijen = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rijen[0] == ["", "Actief op 31 december", "Instroom (aanmeldingen)", "Uitgebreid advies", "Afgesloten"]
    assert ["Assen", "1", "2", "0", "0"] in rijen and rijen[-1][0] == "Totaal"


def test_others_are_refused_and_the_refusal_is_logged(
    client: FlaskClient, services: Services, procesregisseur: str, manager: str, fg: str
) -> None:
    for token in (procesregisseur, fg):
        voor = len(_records(services))
        response = _rapport(client, token)
        assert response.status_code == 403, response.get_json()
        records = _records(services)
        assert len(records) == voor + 1
        assert (records[-1]["uitkomst"], records[-1]["weigering"], records[-1]["verstrekt"]) == (
            "geweigerd",
            "geen-toegang",
            [],
        )


def test_bad_input_is_400_naming_it_and_logs_nothing(client: FlaskClient, services: Services, manager: str) -> None:
    voor = len(_records(services))
    for pad, naam in (
        ("/v1/managementinformatie/1999", "jaar"),
        (f"/v1/managementinformatie/{JAAR + 1}", "jaar"),
        (f"/v1/managementinformatie/{JAAR}?gemeente=atlantis", "gemeente"),
        (f"/v1/managementinformatie/{JAAR}?formaat=csv", "tabel"),
        (f"/v1/managementinformatie/{JAAR}?formaat=pdf", "formaat"),
        (f"/v1/managementinformatie/{JAAR}?onbekend=1", "onbekend"),
    ):
        response = client.get(pad, headers=bearer(manager))
        assert response.status_code == 400, (pad, response.get_json())
        assert [p["name"] for p in response.get_json()["invalidParams"]] == [naam], pad
    assert len(_records(services)) == voor
    assert client.get(f"/v1/managementinformatie/{JAAR}").status_code == 401

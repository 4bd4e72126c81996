"""The plan's texts are case data: never in plaintext at rest, bound to their place, gone with the casus's key,
and read only in a verstrekking that the policy decides and the log records with its grondslag."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.adapters.orm import OpschalingRow, PlanactieRow, PlanafspraakRow, PlandoelRow
from service.crypto import CryptoError
from service.domain.convenant import Fase, Regime
from service.service_layer.casus.bewaring import vernietig_casus
from service.service_layer.services import Services
from tests.helpers.at_rest import database_bytes, scan
from tests.helpers.casus import post, set_fase
from tests.helpers.overleg import agendeer, maak_overleg
from tests.helpers.plan import lees, plan, records

MORGEN = (dt.date.today() + dt.timedelta(days=1)).isoformat()
DOELTEKST = "Synthetisch-doel-Woonplek-Kwartel"
ACTIETEKST = "Synthetische-actie-Huisbezoek-Merel"
AFSPRAAKTEKST = "Synthetische-afspraak-Wekelijks-Spreeuw"
REDEN = "Synthetische-reden-Wachtlijst-Zwaluw"
UITKOMST = "Synthetische-uitkomst-Plek-Gevonden-Specht"
TEKSTEN = (DOELTEKST, ACTIETEKST, AFSPRAAKTEKST, REDEN, UITKOMST)


@pytest.fixture
def gevuld(client: FlaskClient, casus: dict[str, Any], procesregisseur: str) -> dict[str, str]:
    """The casus's plan with one item of each kind (each text distinctive); returns the items' ids."""
    pad = casus["id"]
    doel = plan(client, procesregisseur, pad, "doelen", {"leefgebied": "huisvesting", "tekst": DOELTEKST}).get_json()
    actie = plan(
        client,
        procesregisseur,
        pad,
        "acties",
        {"partner": "ggz-drenthe", "deadline": MORGEN, "omschrijving": ACTIETEKST, "doel": doel["id"]},
    ).get_json()
    overleg = maak_overleg(client, procesregisseur)["id"]
    assert agendeer(client, procesregisseur, {"id": overleg}, pad, []).status_code == 201
    afspraak = plan(
        client, procesregisseur, pad, "afspraken", {"datum": MORGEN, "tekst": AFSPRAAKTEKST, "overleg": overleg}
    ).get_json()
    opschaling = plan(
        client, procesregisseur, pad, "opschalingen", {"niveau": "bestuur", "datum": MORGEN, "reden": REDEN}
    ).get_json()
    afronding = {"uitkomst": "doorbraak", "toelichting": UITKOMST}
    assert (
        plan(client, procesregisseur, pad, f"opschalingen/{opschaling['id']}/afronding", afronding).status_code == 200
    )
    return {"doel": doel["id"], "actie": actie["id"], "afspraak": afspraak["id"], "opschaling": opschaling["id"]}


def _inzage(client: FlaskClient, token: str, casus_id: str, **body: Any) -> Any:
    return post(client, token, f"/v1/casussen/{casus_id}/plan/verstrekkingen", body)


def test_the_texts_leave_in_a_verstrekking_logged_with_its_grondslag(
    client: FlaskClient, services: Services, casus: dict[str, Any], gevuld: dict[str, str], ggz: str
) -> None:
    response = _inzage(client, ggz, casus["id"], doel="plan-van-aanpak")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["doelen"][0]["tekst"] == DOELTEKST
    assert body["acties"][0]["omschrijving"] == ACTIETEKST
    assert body["afspraken"][0]["tekst"] == AFSPRAAKTEKST and len(body["afspraken"][0]["overleg"]) == 32
    assert (body["opschalingen"][0]["reden"], body["opschalingen"][0]["toelichting"]) == (REDEN, UITKOMST)
    assert body["grondslagen"] == {
        veld: {"grondslag": "avg-6-1-e-wgs", "verwerkingsactiviteit": {"id": "va-plan-van-aanpak", "versie": 1}}
        for veld in ("afspraken", "escalatie", "planDoelen")
    }
    record = records(services)[-1]
    assert (record["id"], record["soort"], record["partner"], record["doel"], record["uitkomst"]) == (
        body["verstrekking"],
        "verstrekking",
        "ggz-drenthe",
        "plan-van-aanpak",
        "verstrekt",
    )
    assert {v["veld"]: v["grondslag"] for v in record["verstrekt"]} == {
        "afspraken": "avg-6-1-e-wgs",
        "escalatie": "avg-6-1-e-wgs",
        "planDoelen": "avg-6-1-e-wgs",
    }
    assert sorted(record["betrokkenen"]) == sorted(b["id"] for b in casus["betrokkenen"])
    assert body["ontvangstbewijs"]["logIndex"] == len(records(services)) - 1
    assert not [t for t in TEKSTEN if t in str(records(services))]  # the log holds why, never what


def test_only_the_velden_asked_for_are_decrypted_and_released(
    client: FlaskClient, services: Services, casus: dict[str, Any], gevuld: dict[str, str], ggz: str
) -> None:
    body = _inzage(client, ggz, casus["id"], doel="monitoring", velden=["planDoelen"]).get_json()
    assert body["doelen"][0]["tekst"] == DOELTEKST
    assert "omschrijving" not in body["acties"][0] and "reden" not in body["opschalingen"][0]
    assert list(body["grondslagen"]) == ["planDoelen"]
    assert body["grondslagen"]["planDoelen"]["verwerkingsactiviteit"]["id"] == "va-monitoring"


def test_the_metadata_read_holds_no_text(
    client: FlaskClient, casus: dict[str, Any], gevuld: dict[str, str], ggz: str
) -> None:
    text = lees(client, ggz, casus["id"]).get_data(as_text=True)
    assert gevuld["actie"] in text
    assert not [t for t in TEKSTEN if t in text]


@pytest.mark.parametrize(
    ("wie", "body", "status", "weigering"),
    [
        ("buitenstaander", {"doel": "plan-van-aanpak"}, 404, "geen-deelnemer"),
        ("ggz", {"doel": "triage"}, 403, "fase"),
        ("ggz", {"doel": "plan-van-aanpak", "velden": ["bsn"]}, 400, "onbekende-naam"),
        ("ggz", {"doel": "bijdrage"}, 400, "aanleverdoel"),
    ],
    ids=["buitenstaander", "doel-buiten-fase", "geen-plantekst", "aanleverdoel"],
)
def test_a_refused_read_is_logged_and_discloses_nothing(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    gevuld: dict[str, str],
    request: pytest.FixtureRequest,
    wie: str,
    body: dict[str, Any],
    status: int,
    weigering: str,
) -> None:
    response = _inzage(client, request.getfixturevalue(wie), casus["id"], **body)
    assert response.status_code == status, response.get_json()
    assert not [t for t in TEKSTEN if t in response.get_data(as_text=True)]
    record = records(services)[-1]
    assert (record["uitkomst"], record["weigering"], record["verstrekt"]) == ("geweigerd", weigering, [])


def test_monitoring_is_not_permitted_in_advies(
    client: FlaskClient, services: Services, casus: dict[str, Any], gevuld: dict[str, str], ggz: str
) -> None:
    set_fase(services, casus["id"], Fase.ADVIES)
    assert _inzage(client, ggz, casus["id"], doel="monitoring").status_code == 403
    assert _inzage(client, ggz, casus["id"], doel="plan-van-aanpak").status_code == 201


def test_no_text_of_a_plan_appears_in_the_database_at_rest(services: Services, gevuld: dict[str, str]) -> None:
    blob = database_bytes(services)
    assert gevuld["doel"].encode() in blob, "the scan must have read the plan's rows"
    assert scan(blob, [t.encode() for t in TEKSTEN]) == []


def test_a_text_moved_to_another_item_does_not_decrypt(
    client: FlaskClient, services: Services, casus: dict[str, Any], gevuld: dict[str, str], procesregisseur: str
) -> None:
    tweede = plan(client, procesregisseur, casus["id"], "doelen", {"leefgebied": "financien", "tekst": "Tweede."})
    with services.engine.begin() as connection:
        token = connection.scalar(select(PlandoelRow.tekst).where(PlandoelRow.id == gevuld["doel"]))
        connection.execute(update(PlandoelRow).where(PlandoelRow.id == tweede.get_json()["id"]).values(tekst=token))
    with services.uow() as uow:
        versleuteld = uow.plannen.versleuteld(casus["id"], Regime.REGULIER)
        assert versleuteld is not None
        with pytest.raises(CryptoError):
            versleuteld.teksten({"planDoelen"})


def test_after_destruction_the_texts_are_gone_and_the_metadata_stays(
    client: FlaskClient, services: Services, casus: dict[str, Any], gevuld: dict[str, str], ggz: str
) -> None:
    vernietig_casus(services, casus["id"])
    with services.engine.connect() as connection:
        kolommen = [
            (PlandoelRow, PlandoelRow.tekst),
            (PlanactieRow, PlanactieRow.omschrijving),
            (PlanafspraakRow, PlanafspraakRow.tekst),
            (OpschalingRow, OpschalingRow.reden),
            (OpschalingRow, OpschalingRow.toelichting),
        ]
        for table, kolom in kolommen:
            assert connection.execute(select(kolom).where(table.casus_id == casus["id"])).scalars().all() == [None]
    assert _inzage(client, ggz, casus["id"], doel="plan-van-aanpak").status_code == 410
    assert records(services)[-1]["weigering"] == "vernietigd"
    metadata = lees(client, ggz, casus["id"]).get_json()
    assert [d["leefgebied"] for d in metadata["doelen"]] == ["huisvesting"]
    assert [(o["niveau"], o["uitkomst"]) for o in metadata["opschalingen"]] == [("bestuur", "doorbraak")]
    assert scan(database_bytes(services), [t.encode() for t in TEKSTEN]) == []

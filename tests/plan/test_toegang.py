"""Who may do what with a plan van aanpak, and how bad input is answered: outsiders learn nothing (404), deelnemers
without the right are refused (403), invalid input is 400 naming every field, and nothing changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.adapters.orm import GebeurtenisRow, OpschalingRow, PlanactieRow, PlanafspraakRow, PlandoelRow
from service.service_layer.services import Services
from tests.helpers.beheer import approve, change, propose
from tests.helpers.casus import set_fase
from tests.helpers.gebruikers import TokenFor
from tests.helpers.plan import actie, lees, plan, records

MORGEN = (dt.date.today() + dt.timedelta(days=1)).isoformat()
DOEL = {"leefgebied": "huisvesting", "tekst": "Synthetisch doel: een vaste woonplek."}
ACTIE = {"partner": "ggz-drenthe", "deadline": MORGEN, "omschrijving": "Synthetische actie."}
AFSPRAAK = {"datum": MORGEN, "tekst": "Synthetische afspraak."}
OPSCHALING = {"niveau": "lokale-driehoek", "datum": MORGEN, "reden": "Synthetische reden."}
PLAN_VAN_IEDEREEN = "p, *, *, regulier, bijdrage, plan, avg-6-1-e-wgs, allow"  # the bronregel of the plan
SCHRIJFPADEN = [("doelen", DOEL), ("acties", ACTIE), ("afspraken", AFSPRAAK), ("opschalingen", OPSCHALING)]


def _stand(services: Services) -> tuple[int, ...]:
    tables = (PlandoelRow, PlanactieRow, PlanafspraakRow, OpschalingRow, GebeurtenisRow)
    with services.engine.connect() as connection:
        counts = tuple(int(connection.scalar(select(func.count()).select_from(t)) or 0) for t in tables)
    return (*counts, len(records(services)))


@pytest.mark.parametrize(("soort", "body"), SCHRIJFPADEN, ids=[s for s, _ in SCHRIJFPADEN])
def test_the_regie_adds_items_and_each_is_logged_as_an_aanlevering(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    soort: str,
    body: dict[str, Any],
) -> None:
    response = plan(client, procesregisseur, casus["id"], soort, body)
    assert response.status_code == 201, response.get_json()
    assert not {"tekst", "omschrijving", "reden"} & set(response.get_json())  # the answer is metadata
    laatste = records(services)[-1]
    assert (laatste["soort"], laatste["doel"], laatste["partner"]) == ("aanlevering", "bijdrage", "bureau-zvh-drenthe")
    assert [v["veld"] for v in laatste["verstrekt"]] == [
        {"doelen": "planDoelen", "acties": "afspraken", "afspraken": "afspraken", "opschalingen": "escalatie"}[soort]
    ]
    assert laatste["verstrekt"][0]["grondslag"] == "avg-6-1-e-wgs"
    assert body[
        {"doelen": "tekst", "acties": "omschrijving", "afspraken": "tekst", "opschalingen": "reden"}[soort]
    ] not in str(laatste)


@pytest.mark.parametrize(("soort", "body"), SCHRIJFPADEN, ids=[s for s, _ in SCHRIJFPADEN])
def test_outsiders_get_not_found_and_deelnemers_without_the_regie_are_refused(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    ggz: str,
    buitenstaander: str,
    token_for: TokenFor,
    soort: str,
    body: dict[str, Any],
) -> None:
    voor = _stand(services)
    assert plan(client, buitenstaander, casus["id"], soort, body).status_code == 404
    assert plan(client, token_for("bureau-zvh-drenthe", "fg"), casus["id"], soort, body).status_code == 404
    assert plan(client, ggz, casus["id"], soort, body).status_code == 403
    assert (
        plan(client, token_for("bureau-zvh-drenthe", "procesondersteuner"), casus["id"], soort, body).status_code == 403
    )
    assert _stand(services) == voor
    assert lees(client, buitenstaander, casus["id"]).status_code == 404
    assert lees(client, ggz, casus["id"]).status_code == 200  # the metadata is for every deelnemer


def test_an_acties_status_is_set_by_its_own_partner_or_the_regie_only(
    client: FlaskClient, casus: dict[str, Any], procesregisseur: str, ggz: str, politie: str, buitenstaander: str
) -> None:
    van_ggz = actie(client, procesregisseur, casus["id"], dt.date.today())
    van_politie = actie(client, procesregisseur, casus["id"], dt.date.today(), partner="politie-noord-nederland")
    status = {"status": "in-uitvoering"}
    assert plan(client, ggz, casus["id"], f"acties/{van_ggz}/status", status).status_code == 200
    assert plan(client, ggz, casus["id"], f"acties/{van_politie}/status", status).status_code == 403
    assert plan(client, politie, casus["id"], f"acties/{van_politie}/status", status).status_code == 200
    assert plan(client, buitenstaander, casus["id"], f"acties/{van_ggz}/status", status).status_code == 404
    assert plan(client, ggz, casus["id"], f"acties/{'0' * 32}/status", status).status_code == 404
    deadline = {"deadline": MORGEN}
    assert plan(client, ggz, casus["id"], f"acties/{van_ggz}/deadline", deadline).status_code == 403  # the regie's
    acties = {a["id"]: a["status"] for a in lees(client, ggz, casus["id"]).get_json()["acties"]}
    assert acties == {van_ggz: "in-uitvoering", van_politie: "in-uitvoering"}


def test_a_partner_whose_deelname_ended_gets_not_found_for_its_own_actie(
    client: FlaskClient, casus: dict[str, Any], procesregisseur: str, ggz: str
) -> None:
    van_ggz = actie(client, procesregisseur, casus["id"], dt.date.today())
    weg = client.delete(
        f"/v1/casussen/{casus['id']}/deelnemers",
        json={"partner": "ggz-drenthe"},
        headers={"Authorization": f"Bearer {procesregisseur}"},
    )
    assert weg.status_code == 200, weg.get_json()
    assert plan(client, ggz, casus["id"], f"acties/{van_ggz}/status", {"status": "afgerond"}).status_code == 404


@pytest.mark.parametrize(
    ("soort", "body", "namen"),
    [
        ("doelen", {"leefgebied": "geluk", "tekst": "  "}, ["leefgebied", "tekst"]),
        ("doelen", {"leefgebied": "huisvesting", "tekst": "x" * 4001}, ["tekst"]),
        ("doelen", {"leefgebied": "huisvesting", "tekst": "t", "bsn": "999900122"}, ["bsn"]),
        ("acties", {**ACTIE, "partner": "reclassering-nederland", "doel": "0" * 32}, ["doel", "partner"]),
        ("acties", {**ACTIE, "deadline": "morgen"}, ["deadline"]),
        ("afspraken", {**AFSPRAAK, "overleg": "Overleg met J. Jansen"}, ["overleg"]),
        ("afspraken", {**AFSPRAAK, "overleg": "a" * 32}, ["overleg"]),  # no such overleg
        ("opschalingen", {**OPSCHALING, "niveau": "minister", "reden": ""}, ["niveau", "reden"]),
    ],
    ids=[
        "doel-enum-en-leeg",
        "doel-te-lang",
        "onbekend-veld",
        "actie-partner-en-doel",
        "actie-datum",
        "afspraak-overleg",
        "afspraak-onbekend-overleg",
        "opschaling",
    ],
)
def test_invalid_input_is_400_naming_every_field_and_changes_nothing(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    soort: str,
    body: dict[str, Any],
    namen: list[str],
) -> None:
    voor = _stand(services)
    response = plan(client, procesregisseur, casus["id"], soort, body)
    assert response.status_code == 400, response.get_json()
    assert sorted(p["name"] for p in response.get_json()["invalidParams"]) == namen
    assert "Jansen" not in response.get_data(as_text=True)
    assert _stand(services) == voor


def test_the_plan_is_kept_in_procesregie_or_advies_only(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    from service.domain.convenant import Fase

    set_fase(services, casus["id"], Fase.TRIAGE)
    voor = _stand(services)
    assert plan(client, procesregisseur, casus["id"], "doelen", DOEL).status_code == 409
    assert _stand(services) == voor


def test_an_opschaling_is_closed_once_with_its_uitkomst(
    client: FlaskClient, casus: dict[str, Any], procesregisseur: str
) -> None:
    made = plan(client, procesregisseur, casus["id"], "opschalingen", OPSCHALING).get_json()
    assert (made["status"], made["uitkomst"]) == ("open", None)
    pad = f"opschalingen/{made['id']}/afronding"
    afgerond = plan(client, procesregisseur, casus["id"], pad, {"uitkomst": "doorbraak", "toelichting": "Synthetisch."})
    assert afgerond.status_code == 200, afgerond.get_json()
    assert (afgerond.get_json()["status"], afgerond.get_json()["uitkomst"]) == ("afgerond", "doorbraak")
    assert plan(client, procesregisseur, casus["id"], pad, {"uitkomst": "doorbraak"}).status_code == 409
    assert plan(client, procesregisseur, casus["id"], pad, {"uitkomst": "gewonnen"}).status_code == 400


def test_a_text_the_bronregels_do_not_allow_is_refused_logged_and_not_stored(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    beheerder_a: str,
    beheerder_b: str,
) -> None:
    voorstel = propose(client, beheerder_a, **change(verwijderen=[PLAN_VAN_IEDEREEN]))
    assert voorstel.status_code == 201, voorstel.get_json()
    assert approve(client, beheerder_b, voorstel.get_json()["id"]).status_code == 200
    voor = _stand(services)
    response = plan(client, procesregisseur, casus["id"], "doelen", DOEL)
    assert response.status_code == 403
    assert "planDoelen" in response.get_json()["detail"]
    laatste = records(services)[-1]
    assert (laatste["soort"], laatste["uitkomst"], laatste["weigering"]) == ("aanlevering", "geweigerd", "bronregel")
    assert laatste["onthouden"] == ["planDoelen"]
    assert _stand(services)[:-1] == voor[:-1]  # nothing stored; only the refusal was logged


def test_an_afspraak_names_only_an_overleg_that_has_the_casus_on_its_agenda(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    from tests.helpers.overleg import agendeer, maak_overleg

    overleg = maak_overleg(client, procesregisseur)
    voor = _stand(services)
    zonder = plan(client, procesregisseur, casus["id"], "afspraken", {**AFSPRAAK, "overleg": overleg["id"]})
    assert zonder.status_code == 400 and [p["name"] for p in zonder.get_json()["invalidParams"]] == ["overleg"]
    assert _stand(services) == voor
    assert agendeer(client, procesregisseur, overleg, casus["id"], []).status_code == 201
    met = plan(client, procesregisseur, casus["id"], "afspraken", {**AFSPRAAK, "overleg": overleg["id"]})
    assert met.status_code == 201, met.get_json()
    assert met.get_json()["overleg"] == overleg["id"]

"""The regie's werkvoorraad of acties: an overdue actie appears, and disappears when it is afgerond or vervallen
or its deadline is moved; it lists only the casussen whose regie the caller holds, as metadata."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient

from tests.helpers.casus import bearer
from tests.helpers.plan import actie, plan, werkvoorraad

VANDAAG = dt.date.today()
GISTEREN = VANDAAG - dt.timedelta(days=2)  # two days: past in Amsterdam whatever the machine's time zone
VOLGENDE_WEEK = VANDAAG + dt.timedelta(days=7)


def _verlopen(client: FlaskClient, token: str) -> set[str]:
    response = werkvoorraad(client, token)
    assert response.status_code == 200, response.get_json()
    acties = response.get_json()["acties"]
    assert all(a["verlopen"] for a in acties)
    return {a["id"] for a in acties}


def test_overdue_actions_appear_and_disappear_with_their_status(
    client: FlaskClient, casus: dict[str, Any], procesregisseur: str, ggz: str
) -> None:
    afgerond, vervallen, verschoven = (actie(client, procesregisseur, casus["id"], GISTEREN) for _ in range(3))
    op_tijd = actie(client, procesregisseur, casus["id"], VOLGENDE_WEEK)
    assert _verlopen(client, procesregisseur) == {afgerond, vervallen, verschoven}

    assert plan(client, ggz, casus["id"], f"acties/{afgerond}/status", {"status": "afgerond"}).status_code == 200
    assert _verlopen(client, procesregisseur) == {vervallen, verschoven}
    assert (
        plan(client, procesregisseur, casus["id"], f"acties/{vervallen}/status", {"status": "vervallen"}).status_code
        == 200
    )
    assert _verlopen(client, procesregisseur) == {verschoven}
    nieuw = {"deadline": VOLGENDE_WEEK.isoformat()}
    assert plan(client, procesregisseur, casus["id"], f"acties/{verschoven}/deadline", nieuw).status_code == 200
    assert _verlopen(client, procesregisseur) == set()

    # in uitvoering is not done: reopened, it is overdue again
    assert plan(client, ggz, casus["id"], f"acties/{afgerond}/status", {"status": "in-uitvoering"}).status_code == 200
    assert _verlopen(client, procesregisseur) == {afgerond}
    lopend = werkvoorraad(client, procesregisseur, verlopen=False).get_json()["acties"]
    assert {a["id"]: a["verlopen"] for a in lopend} == {afgerond: True, verschoven: False, op_tijd: False}


def test_the_werkvoorraad_holds_metadata_only(client: FlaskClient, casus: dict[str, Any], procesregisseur: str) -> None:
    actie(client, procesregisseur, casus["id"], GISTEREN)
    (item,) = werkvoorraad(client, procesregisseur).get_json()["acties"]
    assert set(item) == {
        "id",
        "casus",
        "doel",
        "partner",
        "deadline",
        "status",
        "verlopen",
        "aangemaaktOp",
        "gewijzigdOp",
    }
    assert (item["casus"], item["partner"], item["status"]) == (casus["id"], "ggz-drenthe", "open")


def test_only_the_casussen_whose_regie_the_caller_holds(
    client: FlaskClient, casus: dict[str, Any], procesregisseur: str, ggz: str, politie: str
) -> None:
    actie(client, procesregisseur, casus["id"], GISTEREN)
    assert werkvoorraad(client, politie).get_json()["acties"] == []  # takes part, a regie rol, not the regie
    assert werkvoorraad(client, ggz).status_code == 403  # a deelnemer never holds a regie


def test_an_unknown_query_parameter_is_refused(client: FlaskClient, procesregisseur: str) -> None:
    response = client.get("/v1/werkvoorraad/acties?verlopen=true&partner=x", headers=bearer(procesregisseur))
    assert response.status_code == 400
    assert [p["name"] for p in response.get_json()["invalidParams"]] == ["partner"]

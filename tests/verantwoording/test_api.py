"""The FG's API: filtered, paged log records; access requests; integrity; signals (rol `fg` only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, bearer
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.verantwoording import CASE_VALUES, Logboek

FG_GETS = (
    "/v1/verantwoording/verstrekkingen",
    "/v1/verantwoording/integriteit",
    "/v1/verantwoording/signalen",
    "/v1/verantwoording/exporten?formaat=csv",
)


def _lijst(client: FlaskClient, token: str, **query: Any) -> Any:
    response = client.get("/v1/verantwoording/verstrekkingen", query_string=query, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("path", FG_GETS)
@pytest.mark.parametrize(
    ("partner", "rol"),
    [
        ("bureau-zvh-drenthe", "procesregisseur"),
        ("politie-noord-nederland", "casusregisseur"),
        ("bureau-zvh-drenthe", "beheerder"),
    ],
    ids=["procesregisseur", "politie", "beheerder"],
)
def test_only_the_fg_may_read(client: FlaskClient, services: Services, path: str, partner: str, rol: str) -> None:
    token = add_gebruiker(services, partner, rol)
    assert client.get(path, headers=bearer(token)).status_code == 403
    assert client.get(path).status_code == 401
    assert client.get(path, headers=bearer(token + "x")).status_code == 401


def test_access_request_refused_to_other_rollen_and_inactive_fg(client: FlaskClient, services: Services) -> None:
    other = add_gebruiker(services, "politie-noord-nederland", "casusregisseur")
    inactive = add_gebruiker(services, "bureau-zvh-drenthe", "fg", actief=False)
    url = "/v1/verantwoording/inzageverzoeken"
    assert client.post(url, json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(other)).status_code == 403
    assert client.post(url, json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(inactive)).status_code == 401


def test_list_shows_every_record_newest_first_without_values(client: FlaskClient, logboek: Logboek) -> None:
    body = _lijst(client, logboek.fg)
    records = body["verstrekkingen"]
    assert [r["uitkomst"] for r in records] == ["geweigerd", "gedeeltelijk", "verstrekt"]
    assert [r["logIndex"] for r in records] == [2, 1, 0]
    triage = records[2]
    assert triage["doel"] == "triage" and triage["partner"] == "bureau-zvh-drenthe"
    assert {"veld": "bsn", "categorie": "bsn", "grondslag": "uavg-46-bsn"}.items() <= next(
        v for v in triage["verstrekt"] if v["veld"] == "bsn"
    ).items()
    assert records[1]["onthouden"] == ["psychischeGezondheid"]
    assert triage["aantalBetrokkenen"] == 2
    text = str(body)
    for value in CASE_VALUES:
        assert value not in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"partner": "politie-noord-nederland"}, [2, 1]),
        ({"partner": "bureau-zvh-drenthe"}, [0]),
        ({"doel": "triage"}, [0]),
        ({"uitkomst": "gedeeltelijk"}, [1]),
        ({"uitkomst": "geweigerd"}, [2]),
        ({"grondslag": "uavg-46-bsn"}, [0]),
        ({"grondslag": "wpg-20"}, []),
        ({"partner": "ggd-drenthe"}, []),
        ({"van": "2000-01-01T00:00:00Z", "tot": "2001-01-01T00:00:00Z"}, []),
        ({"sorteer": "tijd"}, [0, 1, 2]),
    ],
    ids=[
        "partner",
        "bureau",
        "doel",
        "gedeeltelijk",
        "geweigerd",
        "grondslag",
        "grondslag-none",
        "none",
        "period",
        "asc",
    ],
)
def test_filters_and_sorting(client: FlaskClient, logboek: Logboek, query: dict[str, str], expected: list[int]) -> None:
    assert [r["logIndex"] for r in _lijst(client, logboek.fg, **query)["verstrekkingen"]] == expected


def test_casus_and_period_filters(client: FlaskClient, logboek: Logboek) -> None:
    casus = logboek.casus["id"]
    assert [r["logIndex"] for r in _lijst(client, logboek.fg, casus=casus)["verstrekkingen"]] == [2, 1, 0]
    assert _lijst(client, logboek.fg, casus="0" * 32)["verstrekkingen"] == []
    now = dt.datetime.now(dt.UTC)
    around = {"van": (now - dt.timedelta(hours=1)).isoformat(), "tot": (now + dt.timedelta(hours=1)).isoformat()}
    assert len(_lijst(client, logboek.fg, **around)["verstrekkingen"]) == 3


def test_paging_links(client: FlaskClient, logboek: Logboek) -> None:
    first = _lijst(client, logboek.fg, pageSize=2, partner="politie-noord-nederland")
    assert first["page"] == 1 and first["pageSize"] == 2
    assert "next" not in first["_links"]
    page1 = _lijst(client, logboek.fg, pageSize=1)
    assert [r["logIndex"] for r in page1["verstrekkingen"]] == [2]
    assert "prev" not in page1["_links"]
    nxt = page1["_links"]["next"]["href"]
    page2 = client.get(nxt, headers=bearer(logboek.fg)).get_json()
    assert [r["logIndex"] for r in page2["verstrekkingen"]] == [1]
    assert "page=1" in page2["_links"]["prev"]["href"]
    page3 = _lijst(client, logboek.fg, pageSize=1, page=3)
    assert [r["logIndex"] for r in page3["verstrekkingen"]] == [0] and "next" not in page3["_links"]


def test_invalid_parameters_are_all_named(client: FlaskClient, logboek: Logboek) -> None:
    response = client.get(
        "/v1/verantwoording/verstrekkingen",
        query_string={"page": "0", "pageSize": "1000", "uitkomst": "alles", "van": "gisteren", "onbekend": "1"},
        headers=bearer(logboek.fg),
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    names = {p["name"] for p in response.get_json()["invalidParams"]}
    assert names == {"page", "pageSize", "uitkomst", "van", "onbekend"}


def test_period_must_run_forwards(client: FlaskClient, logboek: Logboek) -> None:
    response = client.get(
        "/v1/verantwoording/verstrekkingen",
        query_string={"van": "2026-02-01T00:00:00Z", "tot": "2026-01-01T00:00:00Z"},
        headers=bearer(logboek.fg),
    )
    assert response.status_code == 400
    assert [p["name"] for p in response.get_json()["invalidParams"]] == ["van"]


@pytest.mark.parametrize(
    "bsn", [BSN_HOOFDPERSOON, BSN_SYSTEEMLID, "999 900 122"], ids=["hoofd", "systeemlid", "spaces"]
)
def test_access_request_finds_every_disclosure_about_the_person(
    client: FlaskClient, logboek: Logboek, bsn: str
) -> None:
    response = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": bsn}, headers=bearer(logboek.fg))
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["aantalBetrokkenen"] == 1 and body["afgekapt"] is False
    rows = body["verstrekkingen"]
    # the triage (everything) and the casusoverleg (partly); never the refused request
    assert [r["doel"] for r in rows] == ["triage", "casusoverleg"]
    assert rows[0]["ontvanger"] == "bureau-zvh-drenthe" and rows[0]["ontvangerNaam"]
    assert rows[1]["ontvanger"] == "politie-noord-nederland"
    expected_rol = "systeemlid" if bsn == BSN_SYSTEEMLID else "hoofdpersoon"
    assert {r["rolBetrokkene"] for r in rows} == {expected_rol}
    assert any(g["id"] == "uavg-46-bsn" and g["artikel"] for g in rows[0]["grondslagen"])
    assert rows[0]["categorieen"]
    text = response.get_data(as_text=True)
    for value in CASE_VALUES:
        assert value not in text


def test_access_request_for_an_unknown_person_is_empty(client: FlaskClient, logboek: Logboek) -> None:
    response = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": "999900134"}, headers=bearer(logboek.fg))
    assert response.status_code == 200
    assert response.get_json() == {"aantalBetrokkenen": 0, "afgekapt": False, "verstrekkingen": []}


@pytest.mark.parametrize(
    "body",
    [{"bsn": "12345678x"}, {"bsn": "1234"}, {}, {"bsn": BSN_HOOFDPERSOON, "naam": "x"}, {"bsn": 999900122}],
    ids=["letters", "short", "missing", "unknown-key", "number"],
)
def test_access_request_rejects_bad_input_without_echo(client: FlaskClient, logboek: Logboek, body: Any) -> None:
    response = client.post("/v1/verantwoording/inzageverzoeken", json=body, headers=bearer(logboek.fg))
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "12345678x" not in text and BSN_HOOFDPERSOON not in text


def test_access_request_needs_a_json_body(client: FlaskClient, logboek: Logboek) -> None:
    response = client.post(
        "/v1/verantwoording/inzageverzoeken",
        data=f"bsn={BSN_HOOFDPERSOON}",
        headers=bearer(logboek.fg),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 415


def test_the_derived_index_follows_new_records(client: FlaskClient, logboek: Logboek) -> None:
    before = client.post(
        "/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(logboek.fg)
    )
    assert len(before.get_json()["verstrekkingen"]) == 2
    again = client.post(
        f"/v1/casussen/{logboek.casus['id']}/verstrekkingen",
        json={"doel": "casusoverleg"},
        headers=bearer(logboek.politie),
    )
    assert again.status_code == 201
    after = client.post(
        "/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(logboek.fg)
    )
    assert len(after.get_json()["verstrekkingen"]) == 3


def test_a_partners_fg_sees_only_its_own_organisations_records(
    client: FlaskClient, services: Services, logboek: Logboek
) -> None:
    politie_fg = add_gebruiker(services, "politie-noord-nederland", "fg")
    records = _lijst(client, politie_fg)["verstrekkingen"]
    assert {r["partner"] for r in records} == {"politie-noord-nederland"} and len(records) == 2
    other = client.get(
        "/v1/verantwoording/verstrekkingen", query_string={"partner": "bureau-zvh-drenthe"}, headers=bearer(politie_fg)
    )
    assert other.status_code == 403
    export = client.get("/v1/verantwoording/exporten?formaat=csv", headers=bearer(politie_fg)).get_data(as_text=True)
    assert "bureau-zvh-drenthe" not in export and "politie-noord-nederland" in export
    inzage = client.post(
        "/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(politie_fg)
    ).get_json()
    assert [r["ontvanger"] for r in inzage["verstrekkingen"]] == ["politie-noord-nederland"]
    ggd_fg = add_gebruiker(services, "ggd-drenthe", "fg")
    nothing = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(ggd_fg))
    assert nothing.get_json() == {"aantalBetrokkenen": 0, "afgekapt": False, "verstrekkingen": []}
    assert _lijst(client, ggd_fg)["verstrekkingen"] == []

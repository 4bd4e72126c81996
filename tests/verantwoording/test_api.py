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
    assert [r["uitkomst"] for r in records] == ["geweigerd", "gedeeltelijk", "verstrekt", "verstrekt", "verstrekt"]
    assert [r["logIndex"] for r in records] == [4, 3, 2, 1, 0]
    assert [r["soort"] for r in records] == ["verstrekking"] * 3 + ["aanlevering"] * 2  # both sides of each flow
    assert (records[4]["partner"], records[4]["doel"]) == ("politie-noord-nederland", "aanmelding")
    assert (records[3]["partner"], records[3]["doel"]) == ("ggd-drenthe", "bijdrage")
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
        ({"partner": "politie-noord-nederland"}, [4, 3, 0]),  # its aanmelding (index 0) too
        ({"partner": "bureau-zvh-drenthe"}, [2]),
        ({"doel": "triage"}, [2]),
        ({"uitkomst": "gedeeltelijk"}, [3]),
        ({"uitkomst": "geweigerd"}, [4]),
        ({"grondslag": "uavg-46-bsn"}, [2, 0]),  # the BSN was supplied with the aanmelding on UAVG art. 46
        ({"grondslag": "wpg-20"}, []),
        ({"partner": "veilig-thuis-drenthe"}, []),
        ({"van": "2000-01-01T00:00:00Z", "tot": "2001-01-01T00:00:00Z"}, []),
        ({"sorteer": "tijd"}, [0, 1, 2, 3, 4]),
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
    assert [r["logIndex"] for r in _lijst(client, logboek.fg, casus=casus)["verstrekkingen"]] == [4, 3, 2, 1, 0]
    assert _lijst(client, logboek.fg, casus="0" * 32)["verstrekkingen"] == []
    now = dt.datetime.now(dt.UTC)
    around = {"van": (now - dt.timedelta(hours=1)).isoformat(), "tot": (now + dt.timedelta(hours=1)).isoformat()}
    assert len(_lijst(client, logboek.fg, **around)["verstrekkingen"]) == 5


def test_paging_links(client: FlaskClient, logboek: Logboek) -> None:
    first = _lijst(client, logboek.fg, pageSize=3, partner="politie-noord-nederland")
    assert first["page"] == 1 and first["pageSize"] == 3
    assert "next" not in first["_links"]
    page1 = _lijst(client, logboek.fg, pageSize=1)
    assert [r["logIndex"] for r in page1["verstrekkingen"]] == [4]
    assert "prev" not in page1["_links"]
    nxt = page1["_links"]["next"]["href"]
    page2 = client.get(nxt, headers=bearer(logboek.fg)).get_json()
    assert [r["logIndex"] for r in page2["verstrekkingen"]] == [3]
    assert "page=1" in page2["_links"]["prev"]["href"]
    last = _lijst(client, logboek.fg, pageSize=1, page=5)
    assert [r["logIndex"] for r in last["verstrekkingen"]] == [0] and "next" not in last["_links"]


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
    # both sides, in log order: the police's aanmelding and (for the hoofdpersoon) the GGD's bijdrage, then the
    # triage (everything) and the casusoverleg (partly); never the refused request
    hoofd = bsn != BSN_SYSTEEMLID
    expected = [("aanlevering", "aanmelding")] + [("aanlevering", "bijdrage")] * hoofd
    expected += [("verstrekking", "triage"), ("verstrekking", "casusoverleg")]
    assert [(r["soort"], r["doel"]) for r in rows] == expected
    aanmelding = rows[0]
    assert [b["id"] for b in aanmelding["bronnen"]] == ["politie-noord-nederland"] and aanmelding["bronnen"][0]["naam"]
    assert aanmelding["ontvanger"] == "casus"
    if hoofd:
        assert [b["id"] for b in rows[1]["bronnen"]] == ["ggd-drenthe"]
        assert [g["id"] for g in rows[1]["grondslagen"]] == ["avg-9-uavg-30"]  # the GGD's own ground
    triage, overleg = rows[-2:]
    assert triage["ontvanger"] == "bureau-zvh-drenthe" and triage["ontvangerNaam"]
    assert overleg["ontvanger"] == "politie-noord-nederland"
    # who supplied what was released: the police its own aanmelding, the GGD the health field (hoofdpersoon)
    assert {b["id"] for b in triage["bronnen"]} == {"politie-noord-nederland"} | ({"ggd-drenthe"} if hoofd else set())
    expected_rol = "hoofdpersoon" if hoofd else "systeemlid"
    assert {r["rolBetrokkene"] for r in rows} == {expected_rol}
    assert any(g["id"] == "uavg-46-bsn" and g["artikel"] for g in triage["grondslagen"])
    assert triage["categorieen"]
    text = response.get_data(as_text=True)
    for value in CASE_VALUES:
        assert value not in text


def test_access_request_for_an_unknown_person_is_empty(client: FlaskClient, logboek: Logboek) -> None:
    response = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": "999900134"}, headers=bearer(logboek.fg))
    assert response.status_code == 200
    assert response.get_json() == {"aantalBetrokkenen": 0, "afgekapt": False, "verstrekkingen": [], "rechtsstappen": []}


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
    assert len(before.get_json()["verstrekkingen"]) == 4
    again = client.post(
        f"/v1/casussen/{logboek.casus['id']}/verstrekkingen",
        json={"doel": "casusoverleg"},
        headers=bearer(logboek.politie),
    )
    assert again.status_code == 201
    after = client.post(
        "/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(logboek.fg)
    )
    assert len(after.get_json()["verstrekkingen"]) == 5


def test_a_partners_fg_sees_only_its_own_organisations_records(
    client: FlaskClient, services: Services, logboek: Logboek
) -> None:
    politie_fg = add_gebruiker(services, "politie-noord-nederland", "fg")
    records = _lijst(client, politie_fg)["verstrekkingen"]
    assert {r["partner"] for r in records} == {"politie-noord-nederland"} and len(records) == 3  # with its aanmelding
    other = client.get(
        "/v1/verantwoording/verstrekkingen", query_string={"partner": "bureau-zvh-drenthe"}, headers=bearer(politie_fg)
    )
    assert other.status_code == 403
    export = client.get("/v1/verantwoording/exporten?formaat=csv", headers=bearer(politie_fg)).get_data(as_text=True)
    assert "bureau-zvh-drenthe" not in export and "politie-noord-nederland" in export
    inzage = client.post(
        "/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(politie_fg)
    ).get_json()
    # its own flows about the person: what it supplied (the aanmelding) and what it received
    assert [(r["soort"], r["ontvanger"]) for r in inzage["verstrekkingen"]] == [
        ("aanlevering", "casus"),
        ("verstrekking", "politie-noord-nederland"),
    ]
    ggd_fg = add_gebruiker(services, "ggd-drenthe", "fg")
    ggd = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(ggd_fg))
    assert [(r["soort"], r["doel"]) for r in ggd.get_json()["verstrekkingen"]] == [("aanlevering", "bijdrage")]
    assert [r["partner"] for r in _lijst(client, ggd_fg)["verstrekkingen"]] == ["ggd-drenthe"]
    vt_fg = add_gebruiker(services, "veilig-thuis-drenthe", "fg")
    nothing = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(vt_fg))
    assert nothing.get_json() == {"aantalBetrokkenen": 0, "afgekapt": False, "verstrekkingen": [], "rechtsstappen": []}
    assert _lijst(client, vt_fg)["verstrekkingen"] == []

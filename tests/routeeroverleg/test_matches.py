"""Matches and besluit: exactly the participants with a signal see a match; every exchange is logged first."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.adapters.log_store import LogStore
from service.service_layer.services import Services
from tests.helpers.casus import bearer
from tests.helpers.routeeroverleg import GGD, VT, ZVH, matches, pseudoniem_van, records, signaal

VANDAAG = dt.date.today()


def _dag(dagen: int) -> str:
    return (VANDAAG - dt.timedelta(days=dagen)).isoformat()


def _besluit(client: FlaskClient, token: str, match_id: str, **body: Any) -> Any:
    payload = {
        "route": "veilig-thuis-onderzoek",
        "regie": VT,
        "grondslag": "avg-6-1-e-wgs",
        "toelichting": "Signalen van twee organisaties wijzen op acuut huiselijk geweld; VT onderzoekt.",
    }
    payload.update(body)
    return client.post(f"/v1/routeeroverleg/matches/{match_id}/besluit", json=payload, headers=bearer(token))


def test_two_participants_with_the_same_pseudonym_see_one_match_with_only_the_minimum(
    client: FlaskClient, services: Services, ggd: str, vt: str, zvh: str
) -> None:
    assert (
        signaal(client, ggd, risicoIndicatie="hoog", contactpunt="0592 111 111 1", signaaldatum=_dag(5)).status_code
        == 201
    )
    assert matches(client, ggd).get_json() == {"matches": []}  # alone: no match yet
    assert (
        signaal(client, vt, risicoIndicatie="acuut", contactpunt="vt@example.org", signaaldatum=_dag(2)).status_code
        == 201
    )

    for token in (ggd, vt):
        [match] = matches(client, token).get_json()["matches"]
        assert match["sinds"] == _dag(5) and match["status"] == "open" and match["besluit"] is None
        assert set(match) == {"id", "sinds", "ontstaanOp", "status", "signalen", "besluit"}
        assert [(s["organisatie"], s["risicoIndicatie"], s["contactpunt"]) for s in match["signalen"]] == [
            (GGD, "hoog", "0592 111 111 1"),
            (VT, "acuut", "vt@example.org"),
        ]
        assert all(
            set(s) == {"organisatie", "naam", "signaaldatum", "risicoIndicatie", "contactpunt"}
            for s in match["signalen"]
        )
        assert pseudoniem_van(0) not in json.dumps(match)
    assert matches(client, zvh).get_json() == {"matches": []}  # a participant without a signal learns nothing


def test_signals_outside_the_window_do_not_match(client: FlaskClient, ggd: str, vt: str) -> None:
    venster = 28  # the default DEELPOORT_ROUTEEROVERLEG_VENSTER_DAGEN
    assert signaal(client, ggd, signaaldatum=_dag(venster + 2)).status_code == 201
    assert signaal(client, vt, signaaldatum=_dag(1)).status_code == 201
    assert matches(client, ggd).get_json()["matches"] == []
    assert matches(client, vt).get_json()["matches"] == []
    # a third signal within the window of the second forms a match with it, not with the old one
    assert signaal(client, ggd, signaaldatum=_dag(0)).status_code == 201
    [match] = matches(client, vt).get_json()["matches"]
    assert [s["signaaldatum"] for s in match["signalen"]] == [_dag(1), _dag(0)]


def test_two_signals_of_one_participant_are_no_match(client: FlaskClient, ggd: str) -> None:
    assert signaal(client, ggd, signaaldatum=_dag(3)).status_code == 201
    assert signaal(client, ggd, signaaldatum=_dag(1)).status_code == 201
    assert matches(client, ggd).get_json()["matches"] == []


def test_a_third_participant_joins_the_open_match(client: FlaskClient, ggd: str, vt: str, zvh: str) -> None:
    for token in (ggd, vt, zvh):
        assert signaal(client, token).status_code == 201
    views = [matches(client, token).get_json()["matches"] for token in (ggd, vt, zvh)]
    assert all(len(v) == 1 for v in views) and views[0] == views[1] == views[2]
    assert {s["organisatie"] for s in views[0][0]["signalen"]} == {GGD, VT, ZVH}


def test_showing_matches_is_logged_with_match_ids_and_grondslag_never_values(
    client: FlaskClient, services: Services, ggd: str, vt: str
) -> None:
    signaal(client, ggd)
    signaal(client, vt)
    [match] = matches(client, ggd).get_json()["matches"]
    record = records(services)[-1]
    assert record["handeling"] == "matches" and record["partner"] == GGD and record["uitkomst"] == "verstrekt"
    assert record["matches"] == [match["id"]] and record["doel"] == "routeeroverleg"
    assert {v["veld"]: v["grondslag"] for v in record["verstrekt"]} == {
        "risicoIndicatie": "avg-6-1-e-wgs",
        "contactpunt": "avg-6-1-e-wgs",
    }
    assert "0592" not in json.dumps(record) and pseudoniem_van(0) not in json.dumps(record)


def test_the_besluit_is_recorded_once_seen_by_the_participants_and_logged(
    client: FlaskClient, services: Services, ggd: str, vt: str
) -> None:
    signaal(client, ggd)
    signaal(client, vt)
    [match] = matches(client, ggd).get_json()["matches"]
    response = _besluit(client, ggd, match["id"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["match"] == match["id"] and body["route"] == "veilig-thuis-onderzoek" and body["regie"] == VT
    assert body["beslotenDoor"] == GGD
    [seen] = matches(client, vt).get_json()["matches"]
    assert seen["status"] == "besloten" and seen["besluit"]["grondslag"] == "avg-6-1-e-wgs"
    assert _besluit(client, vt, match["id"]).status_code == 409
    besluiten = [r for r in records(services) if r["handeling"] == "besluit"]
    assert len(besluiten) == 1 and besluiten[0]["matches"] == [match["id"]]
    assert "huiselijk" not in json.dumps(besluiten[0])


def test_a_match_is_not_found_for_anyone_without_a_signal_in_it(
    client: FlaskClient, services: Services, ggd: str, vt: str, zvh: str
) -> None:
    signaal(client, ggd)
    signaal(client, vt)
    [match] = matches(client, ggd).get_json()["matches"]
    signaal(client, zvh, pseudoniem=pseudoniem_van(1))  # zvh has a signal, about someone else
    for match_id in (match["id"], "0" * 32, "not-an-id"):
        response = _besluit(client, zvh, match_id)
        assert response.status_code == 404, match_id
        assert response.get_json()["detail"] == "no such match for this partner"
    assert _besluit(client, zvh, "x/../" + match["id"]).status_code == 404
    refused = [r for r in records(services) if r["handeling"] == "besluit"]
    assert all(r["uitkomst"] == "geweigerd" and r["partner"] == ZVH for r in refused)
    assert [r["matches"] for r in refused] == [[], [], []]  # an id the caller may not see is not logged
    [still_open] = matches(client, ggd).get_json()["matches"]
    assert still_open["besluit"] is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"route": "gevangenis"}, "route"),
        ({"regie": "onbekende-partner"}, "regie"),
        ({"grondslag": "wpg-20"}, "grondslag"),
        ({"toelichting": "Betreft BSN 999900122"}, "toelichting"),
        ({"toelichting": ""}, "toelichting"),
        ({"extra": "x"}, "extra"),
    ],
    ids=["route", "regie", "grondslag", "bsn-in-toelichting", "empty-toelichting", "unknown-field"],
)
def test_a_bad_besluit_is_refused_and_changes_nothing(
    client: FlaskClient, ggd: str, vt: str, body: dict[str, str], field: str
) -> None:
    signaal(client, ggd)
    signaal(client, vt)
    [match] = matches(client, ggd).get_json()["matches"]
    response = _besluit(client, ggd, match["id"], **body)
    assert response.status_code == 400
    assert field in {p["name"] for p in response.get_json()["invalidParams"]}
    assert "999900122" not in response.get_data(as_text=True)
    assert matches(client, vt).get_json()["matches"][0]["besluit"] is None


def test_when_the_log_fails_nothing_is_stored_or_shown(
    client: FlaskClient, services: Services, ggd: str, vt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    signaal(client, ggd)
    original = LogStore.append
    monkeypatch.setattr(LogStore, "append", lambda *a, **k: (_ for _ in ()).throw(OSError("injected")))
    assert signaal(client, vt).status_code == 503
    with services.uow() as uow:
        assert len(uow.routeeroverleg.signalen(pseudoniem_van(0))) == 1  # vt's signal was not stored
    monkeypatch.setattr(LogStore, "append", original)
    signaal(client, vt)
    [match] = matches(client, ggd).get_json()["matches"]
    monkeypatch.setattr(LogStore, "append", lambda *a, **k: (_ for _ in ()).throw(OSError("injected")))
    response = matches(client, vt)
    assert response.status_code == 503 and match["id"] not in response.get_data(as_text=True)
    assert _besluit(client, vt, match["id"]).status_code == 503
    monkeypatch.setattr(LogStore, "append", original)
    assert matches(client, vt).get_json()["matches"][0]["besluit"] is None


def test_routeeroverleg_records_keep_the_log_verifiable(
    client: FlaskClient, services: Services, ggd: str, vt: str
) -> None:
    from service.service_layer.logboek import controle as logboek

    signaal(client, ggd)
    signaal(client, vt)
    [match] = matches(client, ggd).get_json()["matches"]
    assert _besluit(client, vt, match["id"]).status_code == 201
    result = logboek.verifieer(services)
    assert result.ok, result.problemen
    assert result.grootte == len(records(services)) == 4

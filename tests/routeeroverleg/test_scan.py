"""The service's database never holds a BSN or name from the routeeroverleg (a scan of every table)."""

from __future__ import annotations

import datetime as dt

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from structlog.testing import capture_logs

from service.adapters.orm import Base
from service.crypto import routeer_pseudoniem
from service.service_layer.services import Services
from tests.helpers.casus import bearer
from tests.helpers.routeeroverleg import SLEUTEL, VT, matches, signaal, test_bsn

PERSONS = [
    {"bsn": test_bsn(10), "naam": "Synthetische Routeerpersoon", "geboortedatum": "1984-06-15"},
    {"bsn": test_bsn(11), "naam": "Fictieve Testvrouw-Oudhuis", "geboortedatum": "1992-11-02"},
]


def _everything(services: Services) -> str:
    """Every value of every row of every table, as text (binary columns decoded leniently)."""
    parts: list[str] = []
    with services.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(select(table)):
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        parts.append(bytes(value).decode("utf-8", "replace"))
                    else:
                        parts.append(str(value))
    return "\n".join(parts)


def test_no_bsn_or_name_from_the_routeeroverleg_reaches_the_database(
    client: FlaskClient, services: Services, ggd: str, vt: str
) -> None:
    today = dt.date.today().isoformat()
    for person in PERSONS:
        by_bsn = routeer_pseudoniem(SLEUTEL, bsn=person["bsn"])
        by_name = routeer_pseudoniem(SLEUTEL, naam=person["naam"], geboortedatum=person["geboortedatum"])
        assert signaal(client, ggd, pseudoniem=by_bsn, signaaldatum=today).status_code == 201
        assert signaal(client, vt, pseudoniem=by_bsn, signaaldatum=today).status_code == 201
        assert signaal(client, ggd, pseudoniem=by_name, signaaldatum=today).status_code == 201
        # mistakes a participant could make are refused, and leave no trace either
        for wrong in (
            {"pseudoniem": person["bsn"]},
            {"pseudoniem": person["naam"]},
            {"contactpunt": person["naam"]},
            {"contactpunt": f"over {person['bsn']}"},
            {"naam": person["naam"]},
            {"bsn": person["bsn"]},
            {"geboortedatum": person["geboortedatum"]},
        ):
            assert signaal(client, vt, **wrong).status_code == 400
    for match in matches(client, ggd).get_json()["matches"]:
        response = client.post(
            f"/v1/routeeroverleg/matches/{match['id']}/besluit",
            json={
                "route": "zvh-procesregie",
                "regie": VT,
                "grondslag": "avg-6-1-e-wgs",
                "toelichting": f"Betreft {PERSONS[0]['bsn']}",
            },
            headers=bearer(ggd),
        )
        assert response.status_code == 400

    stored = _everything(services)
    assert "routeer_signalen" in {t.name for t in Base.metadata.sorted_tables}
    assert routeer_pseudoniem(SLEUTEL, bsn=PERSONS[0]["bsn"]) in stored  # the scan does see the routeeroverleg
    lowered = stored.casefold()
    for person in PERSONS:
        assert person["bsn"] not in stored
        for part in person["naam"].replace("-", " ").split():
            assert part.casefold() not in lowered
        assert person["geboortedatum"] not in stored


def test_refused_signals_leave_no_bsn_or_name_in_the_application_logs(
    client: FlaskClient, ggd: str, capsys: pytest.CaptureFixture[str]
) -> None:
    person = PERSONS[1]
    with capture_logs() as events:
        for wrong in (
            {"pseudoniem": person["bsn"]},
            {"contactpunt": person["naam"]},
            {person["naam"]: person["bsn"]},
            {"risicoIndicatie": {"naam": person["naam"]}},
        ):
            response = signaal(client, ggd, **wrong)
            assert response.status_code == 400
            assert person["bsn"] not in response.get_data(as_text=True)
            assert person["naam"] not in response.get_data(as_text=True)
    captured = capsys.readouterr()
    written = captured.out + captured.err + repr(events)
    assert person["bsn"] not in written and person["naam"] not in written

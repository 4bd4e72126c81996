"""An anonymous consultation (an uitgebreid advies without betrokkenen) leaves no personal value anywhere.

The API has no place for one: every attempt to send a person's data with an advies (a name, a BSN, a birth date,
free text, betrokkenen, or such a value in a field meant for a code) is refused whole, and afterwards a byte scan
of every table (the at-rest scan of `tests/casus/test_at_rest.py`), the answers and the application's log output
finds none of the values sent. What is stored is checked column by column: codes and ids of the convenant, a
date and a time.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, text

from service.adapters.orm import AdviesRow
from service.domain.advies import Adviessoort, Antwoord
from service.service_layer.services import Services
from tests.advies.conftest import advies
from tests.helpers.at_rest import database_bytes, scan
from tests.helpers.casus import post

# Synthetic values of a fictitious person (a BSN from the BRP test range, passing the elfproef).
NAAM = "Testpersoon-Anoniem-Synthetisch"
BSN = "999900134"
GEBOORTEDATUM = "1987-06-15"
ADRES = "Synthetischestraat 12"
VRAAG = "Synthetische vraag: buurman dreigt met geweld"
NEEDLES = [v.encode() for v in (NAAM, BSN, GEBOORTEDATUM, ADRES, VRAAG)]

ANONIEM = advies("uitgebreid", antwoorden=["meegedacht", "advies-gegeven"])

# Every way a client could try to put a person into an anonymous consultation, each refused whole.
ATTEMPTS: dict[str, dict[str, Any]] = {
    "betrokkenen": ANONIEM | {"betrokkenen": [{"rol": "hoofdpersoon", "velden": {"bsn": BSN, "achternaam": NAAM}}]},
    "persoon-velden": ANONIEM | {"velden": {"bsn": BSN, "geboortedatum": GEBOORTEDATUM}},
    "naam": ANONIEM | {"naam": NAAM},
    "bsn": ANONIEM | {"bsn": BSN},
    "toelichting": ANONIEM | {"toelichting": VRAAG},
    "vraag": ANONIEM | {"vraag": VRAAG, "adres": ADRES},
    "naam-als-vrager": ANONIEM | {"vrager": NAAM},
    "bsn-als-gemeente": ANONIEM | {"gemeente": BSN},
    "vraag-als-onderwerp": ANONIEM | {"onderwerp": VRAAG[:40]},
    "adres-als-antwoord": ANONIEM | {"antwoorden": [ADRES]},
    "geboortedatum-als-datum": ANONIEM | {"datum": GEBOORTEDATUM + "T00:00:00 " + NAAM},
    "bsn-als-casus": ANONIEM | {"casus": BSN},
}


def test_the_api_refuses_personal_data_on_an_anonymous_advies_and_stores_none_of_it(
    client: FlaskClient,
    services: Services,
    ondersteuner: str,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    answers: list[bytes] = []
    for name, body in ATTEMPTS.items():
        response = post(client, ondersteuner, "/v1/adviezen", body)
        assert response.status_code == 400, (name, response.get_json())
        answers.append(response.get_data())
    created = post(client, ondersteuner, "/v1/adviezen", ANONIEM)
    assert created.status_code == 201, created.get_json()
    answers.append(created.get_data())

    with services.engine.connect() as connection:
        rows = connection.execute(select(AdviesRow)).all()
    assert len(rows) == 1, "only the anonymous advies itself was stored"
    _every_column_is_a_code_an_id_or_a_date(services, rows[0]._asdict())

    blob = database_bytes(services)
    assert len(blob) > 10_000, "the scan must have read the stored data"
    assert scan(blob, NEEDLES) == [], "a value sent with a refused advies is in the database"
    assert scan(b"".join(answers), NEEDLES) == [], "an answer echoed a value sent"
    out = capsys.readouterr()
    logged = (caplog.text + out.out + out.err).encode()
    assert scan(logged, NEEDLES) == [], "a value sent is in the application's log output"


def test_the_scan_finds_the_values_where_they_are_stored(services: Services) -> None:
    """The control: the same scan over the same database finds the values once they are stored in plaintext."""
    with services.engine.begin() as connection:
        connection.execute(text("CREATE TABLE onversleutelde_kopie (tekst text)"))
        for needle in NEEDLES:
            connection.execute(text("INSERT INTO onversleutelde_kopie VALUES (:t)"), {"t": needle.decode()})
    assert scan(database_bytes(services), NEEDLES) == NEEDLES


def _every_column_is_a_code_an_id_or_a_date(services: Services, row: dict[str, Any]) -> None:
    convenant = services.convenant
    allowed: dict[str, Any] = {
        "id": lambda v: _hex_id(v),
        "soort": lambda v: v in {s.value for s in Adviessoort},
        "datum": lambda v: isinstance(v, dt.date),
        "vrager": lambda v: v in convenant.ids("partner"),
        "gemeente": lambda v: v in convenant.ids("gemeente"),
        "onderwerp": lambda v: v in convenant.ids("onderwerp"),
        "antwoorden": lambda v: set(v.split()) <= {a.value for a in Antwoord},
        "casus_id": lambda v: v is None,
        "geregistreerd_door": lambda v: _hex_id(v),
        "geregistreerd_partner": lambda v: v == "bureau-zvh-drenthe",
        "geregistreerd_op": lambda v: isinstance(v, dt.datetime),
    }
    assert set(row) == set(allowed), "a new column of adviezen must be shown to hold no personal data here"
    wrong = {k: json.dumps(str(v)) for k, v in row.items() if not allowed[k](v)}
    assert wrong == {}


def _hex_id(value: object) -> bool:
    return isinstance(value, str) and len(value) == 32 and all(c in "0123456789abcdef" for c in value)

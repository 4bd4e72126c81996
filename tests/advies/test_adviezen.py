"""`/v1/adviezen`: each soort registered as metadata only, every invalid part named (nothing stored), only the
Bureau's procesregisseurs and procesondersteuners, an uitgebreid advies with betrokkenen through its casus, and
the counts for the annual report."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.adapters.orm import AdviesRow, VerstrekkingRow
from service.domain.advies import Adviessoort
from service.service_layer.advies import registratie
from service.service_layer.services import Services
from tests.advies.conftest import advies
from tests.helpers.casus import bearer, post, refer
from tests.helpers.gebruikers import TokenFor


def _count(services: Services, table: Any) -> int:
    with services.engine.connect() as connection:
        return int(connection.scalar(select(func.count()).select_from(table)) or 0)


def _to_advies(client: FlaskClient, regisseur: str, aanmelder: str) -> dict[str, Any]:
    """A regular casus referred by `aanmelder`, triaged by the Bureau to uitgebreid advies."""
    casus = refer(client, aanmelder, onderwerp="huiselijk-geweld")
    for besluit in ("in-behandeling", "uitgebreid-advies"):
        body = {"besluit": besluit, "toelichting": "synthetisch"}
        assert post(client, regisseur, f"/v1/casussen/{casus['id']}/triage", body).status_code == 201
    return casus


@pytest.mark.parametrize("soort", ["kort", "informatieknooppunt", "uitgebreid"])
def test_each_soort_without_a_casus_is_stored_as_codes_and_ids(
    client: FlaskClient, services: Services, ondersteuner: str, soort: str
) -> None:
    before = _count(services, VerstrekkingRow)
    response = post(client, ondersteuner, "/v1/adviezen", advies(soort, antwoorden=["informatie-gegeven"]))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert {k: created[k] for k in ("soort", "vrager", "gemeente", "onderwerp", "antwoorden", "casus")} == {
        "soort": soort,
        "vrager": "gemeente-emmen-veiligheid",
        "gemeente": "emmen",
        "onderwerp": "burenruzie",
        "antwoorden": ["informatie-gegeven"],
        "casus": None,
    }
    assert created["metBetrokkenen"] is False and created["datum"] == "2026-03-02"
    assert client.get(response.headers["Location"], headers=bearer(ondersteuner)).get_json() == created
    assert _count(services, VerstrekkingRow) == before, "an advies discloses nothing: no log record"


def test_an_uitgebreid_advies_with_betrokkenen_names_its_casus_and_takes_its_metadata(
    client: FlaskClient, services: Services, procesregisseur: str, politie: str
) -> None:
    casus = _to_advies(client, procesregisseur, politie)
    body = {"soort": "uitgebreid", "casus": casus["id"], "antwoorden": ["meegedacht", "doorverwezen"]}
    response = post(client, procesregisseur, "/v1/adviezen", body)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["casus"] == casus["id"] and created["metBetrokkenen"] is True
    assert (created["vrager"], created["gemeente"], created["onderwerp"]) == (
        "politie-noord-nederland",
        "assen",
        "huiselijk-geweld",
    )
    again = post(client, procesregisseur, "/v1/adviezen", body)
    assert again.status_code == 409, "one advies per casus: counted once"
    assert _count(services, AdviesRow) == 1


def test_a_casus_outside_fase_advies_or_unknown_is_refused(
    client: FlaskClient, services: Services, procesregisseur: str, politie: str
) -> None:
    casus = refer(client, politie)
    in_aanmelding = post(
        client,
        procesregisseur,
        "/v1/adviezen",
        {"soort": "uitgebreid", "casus": casus["id"], "antwoorden": ["meegedacht"]},
    )
    assert in_aanmelding.status_code == 409 and "fase 'aanmelding'" in in_aanmelding.get_json()["detail"]
    unknown = post(
        client,
        procesregisseur,
        "/v1/adviezen",
        {"soort": "uitgebreid", "casus": "0" * 32, "antwoorden": ["meegedacht"]},
    )
    assert unknown.status_code == 404
    assert _count(services, AdviesRow) == 0


INVALID: dict[str, tuple[dict[str, Any], set[str]]] = {
    "unknown-soort": (advies("lang"), {"soort"}),
    "unknown-onderwerp": (advies(onderwerp="overlast-algemeen"), {"onderwerp"}),
    "unknown-gemeente": (advies(gemeente="groningen"), {"gemeente"}),
    "unknown-vrager": (advies(vrager="buurman"), {"vrager"}),
    "missing-vrager-gemeente-onderwerp": (
        {"soort": "kort", "antwoorden": ["advies-gegeven"]},
        {"vrager", "gemeente", "onderwerp"},
    ),
    "no-antwoord": (advies(antwoorden=[]), {"antwoorden"}),
    "unknown-antwoord": (advies(antwoorden=["advies-gegeven", "gebeld"]), {"antwoorden[1]"}),
    "antwoord-twice": (advies(antwoorden=["doorverwezen", "doorverwezen"]), {"antwoorden[1]"}),
    "future-datum": (advies(datum="2999-01-01"), {"datum"}),
    "casus-on-kort": (
        {"soort": "kort", "casus": "a" * 32, "antwoorden": ["advies-gegeven"]},
        {"casus"},
    ),
    "metadata-beside-casus": (
        {"soort": "uitgebreid", "casus": "a" * 32, "gemeente": "emmen", "antwoorden": ["meegedacht"]},
        {"gemeente"},
    ),
    "free-text": (advies(toelichting="Synthetisch: vraag over een bewoner"), {"toelichting"}),
    "a-person": (advies("uitgebreid", betrokkenen=[{"rol": "hoofdpersoon"}]), {"betrokkenen"}),
}


@pytest.mark.parametrize(("body", "names"), INVALID.values(), ids=INVALID.keys())
def test_invalid_input_is_400_naming_every_place_and_stores_nothing(
    client: FlaskClient, services: Services, ondersteuner: str, body: dict[str, Any], names: set[str]
) -> None:
    response = post(client, ondersteuner, "/v1/adviezen", body)
    assert response.status_code == 400, response.get_json()
    assert {p["name"] for p in response.get_json()["invalidParams"]} == names
    assert _count(services, AdviesRow) == 0


@pytest.mark.parametrize(
    ("partner", "rol"),
    [
        ("politie-noord-nederland", "casusregisseur"),
        ("gemeente-emmen-veiligheid", "procesregisseur"),
        ("bureau-zvh-drenthe", "fg"),
        ("bureau-zvh-drenthe", "casusregisseur"),
    ],
    ids=["politie", "gemeente-procesregisseur", "bureau-fg", "bureau-casusregisseur"],
)
def test_only_the_bureaus_procesregisseurs_and_procesondersteuners_register_and_read(
    client: FlaskClient, services: Services, token_for: TokenFor, partner: str, rol: str
) -> None:
    token = token_for(partner, rol)
    assert post(client, token, "/v1/adviezen", advies()).status_code == 403
    assert client.get("/v1/adviezen", headers=bearer(token)).status_code == 403
    assert client.get("/v1/adviezen/tellingen", headers=bearer(token)).status_code == 403
    assert _count(services, AdviesRow) == 0


def test_the_list_filters_by_jaar_soort_and_gemeente(client: FlaskClient, ondersteuner: str) -> None:
    for body in (
        advies("kort", datum="2026-01-05"),
        advies("kort", gemeente="assen", datum="2026-02-05"),
        advies("informatieknooppunt", datum="2026-02-06"),
        advies("kort", datum="2025-12-31"),
    ):
        assert post(client, ondersteuner, "/v1/adviezen", body).status_code == 201

    def listed(query: str) -> list[tuple[str, str, str]]:
        response = client.get(f"/v1/adviezen?{query}", headers=bearer(ondersteuner))
        assert response.status_code == 200, response.get_json()
        return [(a["soort"], a["gemeente"], a["datum"]) for a in response.get_json()["adviezen"]]

    assert listed("jaar=2026") == [
        ("informatieknooppunt", "emmen", "2026-02-06"),
        ("kort", "assen", "2026-02-05"),
        ("kort", "emmen", "2026-01-05"),
    ]
    assert listed("jaar=2026&soort=kort&gemeente=emmen") == [("kort", "emmen", "2026-01-05")]
    assert listed("jaar=2025") == [("kort", "emmen", "2025-12-31")]
    bad = client.get("/v1/adviezen?jaar=2026&persoon=x", headers=bearer(ondersteuner))
    assert bad.status_code == 400 and [p["name"] for p in bad.get_json()["invalidParams"]] == ["persoon"]


def test_counts_per_soort_gemeente_onderwerp_and_vrager_for_the_annual_report(
    client: FlaskClient, services: Services, ondersteuner: str, procesregisseur: str, politie: str
) -> None:
    for body in (
        advies("kort"),
        advies("kort", gemeente="assen", onderwerp="stalking"),
        advies("uitgebreid", vrager="ggz-drenthe"),
        advies("informatieknooppunt", onderwerp="nazorg-ex-gedetineerden", vrager="reclassering-nederland"),
    ):
        assert post(client, ondersteuner, "/v1/adviezen", body | {"datum": "2026-04-01"}).status_code == 201
    casus = _to_advies(client, procesregisseur, politie)
    met = {"soort": "uitgebreid", "casus": casus["id"], "antwoorden": ["meegedacht"]}
    assert post(client, procesregisseur, "/v1/adviezen", met).status_code == 201

    telling = registratie.tellingen(services, 2026)
    assert telling.totaal == 5
    assert telling.per("soort") == {"informatieknooppunt": 1, "kort": 2, "uitgebreid": 2}
    assert telling.per("gemeente") == {"assen": 2, "emmen": 3}
    assert telling.per("onderwerp", Adviessoort.KORT) == {"burenruzie": 1, "stalking": 1}
    assert telling.per("vrager", Adviessoort.UITGEBREID) == {"ggz-drenthe": 1, "politie-noord-nederland": 1}
    assert telling.uitgebreid() == {"anoniem": 1, "metBetrokkenen": 1}
    assert registratie.tellingen(services, 2025).totaal == 0

    over_http = client.get("/v1/adviezen/tellingen?jaar=2026", headers=bearer(ondersteuner)).get_json()
    assert over_http["perSoort"] == dict(telling.per("soort")) and over_http["uitgebreid"] == telling.uitgebreid()

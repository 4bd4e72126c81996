"""Running an overleg: who creates it, its agenda, who may be invited and recorded as attending, the listing."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.helpers.casus import ZORGPARTNER, bearer, post, refer
from tests.helpers.gebruikers import TokenFor
from tests.helpers.overleg import DATUM, GGZ, POLITIE, aanwezig, agendeer, maak_overleg


def _agenda(client: FlaskClient, token: str, van: str = "2026-12-01", tot: str = "2026-12-31") -> Any:
    return client.get(f"/v1/overleggen?van={van}&tot={tot}", headers=bearer(token))


@pytest.mark.parametrize(
    ("partner", "rol", "status"),
    [
        ("bureau-zvh-drenthe", "procesregisseur", 201),
        ("bureau-zvh-drenthe", "procesondersteuner", 403),
        ("politie-noord-nederland", "casusregisseur", 403),
        ("ggz-drenthe", "deelnemer", 403),
        ("bureau-zvh-drenthe", "fg", 403),
    ],
    ids=["procesregisseur", "procesondersteuner", "politie", "ggz", "fg"],
)
def test_only_a_procesregisseur_of_the_bureau_creates_an_overleg(
    client: FlaskClient, token_for: TokenFor, partner: str, rol: str, status: int
) -> None:
    token = token_for(partner, rol)
    for soort in ("casusoverleg", "pga-tafel", "cter-casustafel"):
        response = post(client, token, "/v1/overleggen", {"soort": soort, "datum": DATUM})
        assert response.status_code == status, (soort, response.get_json())
        if status == 201:
            assert response.get_json()["voorzitterPartner"] == "bureau-zvh-drenthe"


def test_the_soorten_are_the_fixed_ones_and_those_of_the_convenant(client: FlaskClient, procesregisseur: str) -> None:
    for soort, casustype in [
        ("casusoverleg", "regulier"),
        ("procesregieoverleg", "regulier"),
        ("stalking", "regulier"),
        ("nazorg-ex-gedetineerden", "regulier"),
        ("cter-casustafel", "cter"),
    ]:
        assert maak_overleg(client, procesregisseur, soort)["casustype"] == casustype


@pytest.mark.parametrize(
    ("body", "names"),
    [
        ({"soort": "koffie", "datum": DATUM}, {"soort"}),
        ({"soort": "casusoverleg", "datum": "10-12-2026"}, {"datum"}),
        ({"datum": DATUM}, {"soort"}),
        ({"soort": "casusoverleg", "datum": DATUM, "notitie": "x"}, {"notitie"}),
    ],
    ids=["unknown-soort", "bad-date", "missing-soort", "unknown-key"],
)
def test_bad_input_is_400_naming_the_fields_and_changes_nothing(
    client: FlaskClient, procesregisseur: str, body: dict[str, Any], names: set[str]
) -> None:
    response = post(client, procesregisseur, "/v1/overleggen", body)
    assert response.status_code == 400, response.get_json()
    assert {p["name"] for p in response.get_json()["invalidParams"]} == names
    assert _agenda(client, procesregisseur).get_json()["overleggen"] == []


def test_a_partner_that_is_not_a_deelnemer_cannot_be_invited_or_attend(
    client: FlaskClient, procesregisseur: str, in_procesregie: dict[str, Any]
) -> None:
    casus = in_procesregie["id"]
    overleg = maak_overleg(client, procesregisseur)
    onbekend = agendeer(client, procesregisseur, overleg, "0" * 32, [POLITIE])
    niet_deelnemer = agendeer(client, procesregisseur, overleg, casus, [POLITIE, GGZ])
    assert niet_deelnemer.status_code == onbekend.status_code == 404
    assert niet_deelnemer.get_json()["detail"] == onbekend.get_json()["detail"]  # the same answer as for outsiders
    assert _agenda(client, procesregisseur).get_json()["overleggen"][0]["agenda"] == []

    assert agendeer(client, procesregisseur, overleg, casus, [POLITIE]).status_code == 201
    assert aanwezig(client, procesregisseur, overleg, casus, GGZ).status_code == 404
    assert aanwezig(client, procesregisseur, overleg, casus, ZORGPARTNER).status_code == 409  # deelnemer, not invited
    punt = _agenda(client, procesregisseur).get_json()["overleggen"][0]["agenda"][0]
    assert [u["partner"] for u in punt["uitgenodigd"]] == [POLITIE]
    assert punt["uitgenodigd"][0]["aanwezig"] is None


def test_a_withdrawn_deelnemer_can_no_longer_be_recorded_as_attending(
    client: FlaskClient, procesregisseur: str, in_procesregie: dict[str, Any]
) -> None:
    casus = in_procesregie["id"]
    overleg = maak_overleg(client, procesregisseur)
    assert agendeer(client, procesregisseur, overleg, casus, [ZORGPARTNER]).status_code == 201
    ingetrokken = client.delete(
        f"/v1/casussen/{casus}/deelnemers", json={"partner": ZORGPARTNER}, headers=bearer(procesregisseur)
    )
    assert ingetrokken.status_code == 200, ingetrokken.get_json()
    assert aanwezig(client, procesregisseur, overleg, casus, ZORGPARTNER).status_code == 404


def test_only_the_voorzitters_partner_runs_the_overleg(
    client: FlaskClient, procesregisseur: str, politie: str, token_for: TokenFor, in_procesregie: dict[str, Any]
) -> None:
    casus = in_procesregie["id"]
    overleg = maak_overleg(client, procesregisseur)
    assert agendeer(client, politie, overleg, casus, [POLITIE]).status_code == 404  # not its overleg
    ondersteuner = token_for("bureau-zvh-drenthe", "procesondersteuner")
    assert agendeer(client, ondersteuner, overleg, casus, [POLITIE]).status_code == 403
    collega = token_for("bureau-zvh-drenthe", "procesregisseur")  # a colleague may stand in for the voorzitter
    assert agendeer(client, collega, overleg, casus, [POLITIE]).status_code == 201
    assert agendeer(client, collega, overleg, casus, [POLITIE]).status_code == 409  # already on the agenda


def test_agendapunt_input_is_checked(client: FlaskClient, procesregisseur: str, in_procesregie: dict[str, Any]) -> None:
    overleg = maak_overleg(client, procesregisseur)
    pad = f"/v1/overleggen/{overleg['id']}/agendapunten"
    cases = [
        ({"casus": in_procesregie["id"], "uitgenodigd": [POLITIE, POLITIE]}, {"uitgenodigd"}),
        ({"casus": in_procesregie["id"]}, {"uitgenodigd"}),
        ({"uitgenodigd": []}, {"casus"}),
        ({"casus": in_procesregie["id"], "uitgenodigd": [], "verslag": "x"}, {"verslag"}),
    ]
    for body, names in cases:
        response = post(client, procesregisseur, pad, body)
        assert response.status_code == 400, body
        assert {p["name"] for p in response.get_json()["invalidParams"]} == names, body
    assert _agenda(client, procesregisseur).get_json()["overleggen"][0]["agenda"] == []


def test_the_agenda_lists_a_period_and_an_invited_partner_sees_only_its_own_agendapunten(
    client: FlaskClient, services: Services, procesregisseur: str, politie: str, in_procesregie: dict[str, Any]
) -> None:
    ander = refer(client, politie)
    eerste = maak_overleg(client, procesregisseur, datum="2026-12-03")
    tweede = maak_overleg(client, procesregisseur, "stalking", datum="2026-12-17")
    maak_overleg(client, procesregisseur, datum="2027-01-07")  # outside the period
    assert agendeer(client, procesregisseur, eerste, in_procesregie["id"], [POLITIE, ZORGPARTNER]).status_code == 201
    assert agendeer(client, procesregisseur, eerste, ander["id"], []).status_code == 201

    bureau = _agenda(client, procesregisseur).get_json()["overleggen"]
    assert [o["id"] for o in bureau] == [eerste["id"], tweede["id"]]
    assert {p["casus"] for p in bureau[0]["agenda"]} == {in_procesregie["id"], ander["id"]}

    genodigde = _agenda(client, politie).get_json()["overleggen"]
    assert [o["id"] for o in genodigde] == [eerste["id"]]
    assert [p["casus"] for p in genodigde[0]["agenda"]] == [in_procesregie["id"]]
    assert _agenda(client, politie, "2027-01-01", "2027-01-31").get_json()["overleggen"] == []

    for query, name in [
        ("van=2026-12-31&tot=2026-12-01", "tot"),
        ("van=2026-01-01&tot=2027-12-31", "tot"),
        ("van=x&tot=2026-12-01", "van"),
    ]:
        response = client.get(f"/v1/overleggen?{query}", headers=bearer(procesregisseur))
        assert response.status_code == 400, query
        assert {p["name"] for p in response.get_json()["invalidParams"]} == {name}


def test_a_cter_casus_is_never_on_a_regular_overleg_nor_a_regular_one_at_a_cter_tafel(
    client: FlaskClient, procesregisseur: str, in_procesregie: dict[str, Any], cter_casus: dict[str, Any]
) -> None:
    regulier = maak_overleg(client, procesregisseur, "pga-tafel")
    tafel = maak_overleg(client, procesregisseur, "cter-casustafel")
    refused = agendeer(client, procesregisseur, regulier, cter_casus["id"], [POLITIE])
    assert refused.status_code == 400
    assert {p["name"] for p in refused.get_json()["invalidParams"]} == {"casus"}
    assert agendeer(client, procesregisseur, tafel, in_procesregie["id"], [POLITIE]).status_code == 400
    assert agendeer(client, procesregisseur, tafel, cter_casus["id"], [POLITIE, GGZ]).status_code == 201
    overleggen = _agenda(client, procesregisseur).get_json()["overleggen"]
    assert [len(o["agenda"]) for o in overleggen] == [0, 1]


def test_a_geheimhoudingsverklaring_is_recorded_with_time_and_who_for_an_invited_partner_only(
    client: FlaskClient, procesregisseur: str, in_procesregie: dict[str, Any]
) -> None:
    overleg = maak_overleg(client, procesregisseur)
    pad = f"/v1/overleggen/{overleg['id']}/geheimhoudingsverklaringen"
    assert post(client, procesregisseur, pad, {"partner": ZORGPARTNER}).status_code == 404  # not invited
    assert agendeer(client, procesregisseur, overleg, in_procesregie["id"], [ZORGPARTNER]).status_code == 201
    assert post(client, procesregisseur, pad, {"partner": ZORGPARTNER, "tekst": "ik beloof"}).status_code == 400
    response = post(client, procesregisseur, pad, {"partner": ZORGPARTNER})
    assert response.status_code == 201, response.get_json()
    assert set(response.get_json()) == {"partner", "vastgelegdOp", "vastgelegdDoor"}
    assert post(client, procesregisseur, pad, {"partner": ZORGPARTNER}).status_code == 409

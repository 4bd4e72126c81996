"""The report for the person (issue 21 item 6): inflow and outflow in order with bron and recipient, doel,
grondslag, verwerkingsactiviteit and bewaartermijn in plain Dutch, the person's rights and whom to contact; never a
value, an id or a trace of what it leaves out (deferred records, CTER)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.domain.bewaartermijn import in_woorden
from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, bearer, cter_aanmelding, post, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.verantwoording import CASE_VALUES
from tests.rechten.conftest import inzage, stel_uit

RAPPORTEN = "/v1/verantwoording/inzagerapporten"
POLITIE = "Politie eenheid Noord-Nederland"
GGD = "GGD Drenthe – OGGZ"
BUREAU = "Bureau Zorg- en Veiligheidshuis Drenthe"


def rapport(client: FlaskClient, fg: str, bsn: str = BSN_HOOFDPERSOON) -> dict[str, Any]:
    response = client.post(RAPPORTEN, json={"bsn": bsn}, headers=bearer(fg))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


@pytest.fixture
def gedeeld(client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str, politie: str) -> str:
    """The casus's four flows: the police's aanmelding, the GGD's bijdrage, the triage to the Bureau, the
    casusoverleg to the police."""
    assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    assert vraag(client, politie, casus["id"], doel="casusoverleg", velden=["achternaam"]).status_code == 201
    return str(casus["id"])


def test_the_report_tells_inflow_and_outflow_in_order_with_bron_recipient_and_bewaartermijn(
    client: FlaskClient, gedeeld: str, fg: str
) -> None:
    body = rapport(client, fg)
    regels = body["regels"]
    assert [(r["aangeleverd"], r["doel"]) for r in regels] == [
        (True, "Aanmelding"),
        (True, "Bijdrage"),
        (False, "Triage"),
        (False, "Casusoverleg"),
    ]
    aanmelding, bijdrage, triage, overleg = regels
    assert aanmelding["bronnen"] == [POLITIE] and aanmelding["ontvanger"] == "de casus in het Zorg- en Veiligheidshuis"
    assert aanmelding["zin"].startswith(f"{POLITIE} heeft gegevens over u aangeleverd")
    assert bijdrage["bronnen"] == [GGD]
    assert [g["artikel"] for g in bijdrage["grondslagen"]] == ["AVG art. 9 lid 2 sub g jo. UAVG art. 30 en de Wgs"]
    assert triage["ontvanger"] == BUREAU and sorted(triage["bronnen"]) == sorted([GGD, POLITIE])
    assert triage["zin"].startswith(f"{BUREAU} heeft gegevens over u ontvangen")
    assert triage["verwerkingen"] == [{"naam": "Triage door het Bureau ZVH", "bewaartermijn": "2 jaar"}]
    assert overleg["ontvanger"] == POLITIE and overleg["bronnen"] == [POLITIE]  # achternaam: the police's own
    assert overleg["zin"].endswith("die het zelf had aangeleverd.")
    assert all(r["uAls"] == "hoofdpersoon" and r["doelOmschrijving"] and r["grondslagen"] for r in regels)
    assert any("Autoriteit Persoonsgegevens" in tekst for tekst in body["rechten"])
    assert "privacy@zvh-drenthe.example" in body["contact"]
    assert body["opgesteldOp"] == dt.datetime.now(dt.UTC).date().isoformat() and body["afgekapt"] is False


def test_the_report_holds_no_value_no_id_and_no_log_position(
    client: FlaskClient, services: Services, gedeeld: str, fg: str, casus: dict[str, Any]
) -> None:
    response = client.post(RAPPORTEN, json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(fg))
    text = response.get_data(as_text=True)
    for value in (*CASE_VALUES, "signalen", gedeeld, *(b["id"] for b in casus["betrokkenen"])):
        assert value not in text
    keys = {key for regel in response.get_json()["regels"] for key in regel}
    assert not keys & {"logIndex", "casus", "casustype", "oin", "traceId"}


def test_a_systeemlid_sees_only_the_flows_about_them(client: FlaskClient, gedeeld: str, fg: str) -> None:
    regels = rapport(client, fg, BSN_SYSTEEMLID)["regels"]
    assert [r["doel"] for r in regels] == ["Aanmelding", "Triage", "Casusoverleg"]  # not the GGD's bijdrage
    assert {r["uAls"] for r in regels} == {"systeemlid"}


def test_cter_records_never_reach_the_report_while_the_fg_sees_them(
    client: FlaskClient, services: Services, politie: str, fg: str
) -> None:
    """A person known only in a CTER casus gets exactly the report of a person not known at all."""
    body = cter_aanmelding()
    body["betrokkenen"] = [{"rol": "hoofdpersoon", "velden": {"bsn": "999900134"}}]
    assert post(client, politie, "/v1/casussen", body).status_code == 201
    fg_view = inzage(client, fg, "999900134")["verstrekkingen"]
    assert [(r["soort"], r["casustype"]) for r in fg_view] == [("aanlevering", "cter")]
    alleen_cter = rapport(client, fg, "999900134")
    onbekend = rapport(client, fg, "999900146")
    assert alleen_cter == onbekend and alleen_cter["regels"] == []


def test_a_deferred_flow_leaves_no_trace_in_the_report(
    client: FlaskClient, gedeeld: str, politie: str, fg: str
) -> None:
    einde = (dt.datetime.now(dt.UTC) + dt.timedelta(days=30)).date().isoformat()
    before = rapport(client, fg)
    assert stel_uit(client, politie, einde).status_code == 201
    after = rapport(client, fg)
    assert [r["bronnen"] for r in after["regels"]] == [[GGD]]  # only the GGD's bijdrage is not the police's flow
    assert (after["rechten"], after["contact"]) == (before["rechten"], before["contact"])
    assert "uitgesteld" not in str(after).lower()


@pytest.mark.parametrize(
    ("rol", "partner"),
    [("procesregisseur", "bureau-zvh-drenthe"), ("casusregisseur", "politie-noord-nederland")],
)
def test_only_an_fg_makes_the_report(client: FlaskClient, services: Services, rol: str, partner: str) -> None:
    token = add_gebruiker(services, partner, rol)
    assert client.post(RAPPORTEN, json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(token)).status_code == 403


@pytest.mark.parametrize("body", [{"bsn": "12345678x"}, {}, {"bsn": BSN_HOOFDPERSOON, "naam": "x"}])
def test_bad_input_is_400_and_never_echoed(client: FlaskClient, fg: str, body: dict[str, Any]) -> None:
    response = client.post(RAPPORTEN, json=body, headers=bearer(fg))
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "12345678x" not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("duur", "woorden"),
    [("P2Y", "2 jaar"), ("P6M", "6 maanden"), ("P1M", "1 maand"), ("P1Y6M", "1 jaar en 6 maanden"),
     ("P1Y2M3D", "1 jaar, 2 maanden en 3 dagen"), ("P1W", "1 week")],
)  # fmt: skip
def test_a_bewaartermijn_in_plain_dutch(duur: str, woorden: str) -> None:
    assert in_woorden(duur) == woorden


def test_a_malformed_bewaartermijn_is_refused() -> None:
    with pytest.raises(ValueError, match="ISO 8601"):
        in_woorden("twee jaar")

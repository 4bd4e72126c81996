"""POST /v1/casussen/{id}/verstrekkingen: exactly what the convenant allows, every request logged first."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.access import DecisionKey
from service.audit.record import parse
from service.crypto.field_cipher import FieldCipher
from service.domain.convenant import Fase
from service.service_layer.beleid import actief as beleid
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker


def _records(services: Services, soort: str = "verstrekking") -> list[dict[str, Any]]:
    """The log's records of one soort (the fixture's aanmelding and bijdrage are aanleveringen)."""
    with services.uow() as uow:
        return [record for r in uow.log.records() if (record := parse(r.record))["soort"] == soort]


def _allowed(services: Services, partner: str, rol: str, doel: str) -> set[str]:
    with services.uow() as uow:
        access = beleid.active_access(services, uow.beleid)
    return set(access.allowed_fields(DecisionKey(partner, rol, "regulier", doel)))


def test_triage_releases_the_allowed_values_with_grondslag_and_a_receipt(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    response = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    hoofdpersoon = next(b for b in body["betrokkenen"] if b["rol"] == "hoofdpersoon")
    systeemlid = next(b for b in body["betrokkenen"] if b["rol"] == "systeemlid")
    assert hoofdpersoon["velden"]["bsn"] == BSN_HOOFDPERSOON
    assert systeemlid["velden"]["bsn"] == BSN_SYSTEEMLID
    assert body["grondslagen"]["bsn"] == {
        "grondslag": "uavg-46-bsn",
        "verwerkingsactiviteit": {"id": "va-triage", "versie": 1},
    }
    released = set(hoofdpersoon["velden"]) | set(systeemlid["velden"]) | set(body["velden"])
    assert released == set(body["grondslagen"])
    assert released <= _allowed(services, "bureau-zvh-drenthe", "procesregisseur", "triage")
    assert body["uitkomst"] == "verstrekt" and body["onthouden"] == []
    receipt = body["ontvangstbewijs"]
    assert receipt["logIndex"] == 2  # after the aanmelding and the GGD's bijdrage
    assert response.headers["Location"] == "/v1/verantwoording/bewijzen/2"
    assert re.fullmatch(r"00-[0-9a-f]{32}-[0-9a-f]{16}-00", response.headers["traceparent"])

    [record] = _records(services)
    assert record["id"] == body["id"] and record["casus"] == casus["id"] and record["doel"] == "triage"
    assert record["partner"] == "bureau-zvh-drenthe" and record["rol"] == "procesregisseur"
    assert record["beleidsversie"] == body["beleidsversie"]
    assert {v["veld"]: v["grondslag"] for v in record["verstrekt"]} == {
        k: v["grondslag"] for k, v in body["grondslagen"].items()
    }
    assert sorted(record["betrokkenen"]) == sorted(b["id"] for b in body["betrokkenen"])
    bronnen = {v["veld"]: set(v["bronnen"]) for v in record["verstrekt"]}  # who supplied each released value
    assert bronnen["bsn"] == bronnen["achternaam"] == {"politie-noord-nederland"}
    assert bronnen["psychischeGezondheid"] == {"ggd-drenthe"}
    assert all(len(v["bronnen"]) == len(v["plaatsen"]) for v in record["verstrekt"])
    raw = str(record)
    for value in (BSN_HOOFDPERSOON, BSN_SYSTEEMLID, "Testpersoon-Synthetisch", "Synthetisch signaal"):
        assert value not in raw  # the record says why, never what


def test_withheld_names_are_listed_and_their_values_never_sent(
    client: FlaskClient, services: Services, casus: dict[str, Any], politie: str
) -> None:
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    response = vraag(client, politie, casus["id"], doel="casusoverleg", velden=["achternaam", "psychischeGezondheid"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert "psychischeGezondheid" not in _allowed(services, "politie-noord-nederland", "casusregisseur", "casusoverleg")
    assert body["onthouden"] == ["psychischeGezondheid"]
    assert body["uitkomst"] == "gedeeltelijk"
    assert all("psychischeGezondheid" not in b["velden"] for b in body["betrokkenen"])
    assert "signalen" not in response.get_data(as_text=True)


@pytest.mark.parametrize("velden", [None, ["achternaam", "psychischeGezondheid", "bsn"]])
def test_a_withheld_value_is_never_decrypted(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    politie: str,
    monkeypatch: pytest.MonkeyPatch,
    velden: list[str] | None,
) -> None:
    """Only what may be released becomes plaintext, even inside the service (the cipher is watched)."""
    decrypted: list[str] = []
    original = FieldCipher.decrypt

    def watched(self: FieldCipher, veld: str, token: bytes) -> bytes:
        decrypted.append(veld.rsplit("/", 1)[1])
        return original(self, veld, token)

    monkeypatch.setattr(FieldCipher, "decrypt", watched)
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    body = {"doel": "casusoverleg"} | ({"velden": velden} if velden is not None else {})
    response = vraag(client, politie, casus["id"], **body)
    assert response.status_code == 201, response.get_json()
    released = set(response.get_json()["grondslagen"])
    assert released and response.get_json()["onthouden"]
    assert set(decrypted) == released
    assert "psychischeGezondheid" not in decrypted


def test_nothing_allowed_is_an_empty_answer_that_is_logged(
    client: FlaskClient, services: Services, casus: dict[str, Any], politie: str
) -> None:
    assert _allowed(services, "politie-noord-nederland", "casusregisseur", "triage") == set()
    response = vraag(client, politie, casus["id"], doel="triage")
    assert response.status_code == 201
    body = response.get_json()
    assert body["uitkomst"] == "leeg" and body["betrokkenen"] == [] and body["velden"] == {}
    assert "bsn" in body["onthouden"] and "achternaam" in body["onthouden"]
    assert [r["uitkomst"] for r in _records(services)] == ["leeg"]


def test_a_partner_that_does_not_take_part_gets_404_like_for_a_missing_casus_and_is_logged(
    client: FlaskClient, services: Services, casus: dict[str, Any]
) -> None:
    outsider = add_gebruiker(services, "ggz-drenthe", "deelnemer")
    real = vraag(client, outsider, casus["id"], doel="triage")
    missing = vraag(client, outsider, "0" * 32, doel="triage")
    assert real.status_code == missing.status_code == 404
    assert real.get_json()["detail"] == missing.get_json()["detail"]
    assert BSN_HOOFDPERSOON not in real.get_data(as_text=True)
    records = _records(services)
    assert [(r["uitkomst"], r["weigering"], r["casus"]) for r in records] == [
        ("geweigerd", "geen-deelnemer", casus["id"]),
        ("geweigerd", "geen-deelnemer", "0" * 32),
    ]


def test_a_doel_not_permitted_in_the_fase_is_403_with_the_reason_and_logged(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    response = vraag(client, procesregisseur, casus["id"], doel="casusoverleg")
    assert response.status_code == 403
    assert "not permitted in fase 'aanmelding'" in response.get_json()["detail"]
    assert [(r["uitkomst"], r["weigering"]) for r in _records(services)] == [("geweigerd", "fase")]


def test_unknown_doel_or_veld_is_400_naming_it_and_logged(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    response = vraag(client, procesregisseur, casus["id"], doel="nieuwsgierigheid", velden=["bsn", "schoenmaat"])
    assert response.status_code == 400
    names = {p["name"] for p in response.get_json()["invalidParams"]}
    assert names == {"doel", "velden[1]"}
    assert "schoenmaat" not in response.get_data(as_text=True)  # named by place, never echoed
    assert [(r["uitkomst"], r["weigering"], r["doel"]) for r in _records(services)] == [
        ("geweigerd", "onbekende-naam", "onbekend")  # what the caller typed never enters the log
    ]


def test_a_destroyed_casus_is_410_and_logged(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    from service.domain.casus import utcnow

    with services.uow() as uow:
        uow.veldwaarden.shred(casus["id"], utcnow())
        uow.commit()
    response = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert response.status_code == 410
    assert [(r["uitkomst"], r["weigering"]) for r in _records(services)] == [("geweigerd", "vernietigd")]


def test_an_incoming_traceparent_is_kept_and_stored(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    trace_id, parent = "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7"
    response = client.post(
        f"/v1/casussen/{casus['id']}/verstrekkingen",
        json={"doel": "triage"},
        headers={"Authorization": f"Bearer {procesregisseur}", "traceparent": f"00-{trace_id}-{parent}-01"},
    )
    assert response.status_code == 201
    _, echoed_trace, span, flags = response.headers["traceparent"].split("-")
    assert (echoed_trace, flags) == (trace_id, "01") and span != parent
    [record] = _records(services)
    assert (record["traceId"], record["spanId"]) == (trace_id, span)


def test_an_invalid_traceparent_starts_a_new_trace(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str
) -> None:
    zero_trace = "00-" + "0" * 32 + "-00f067aa0ba902b7-01"
    upper_case = "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"
    for bad in (zero_trace, "zz-nonsense", upper_case):
        response = client.post(
            f"/v1/casussen/{casus['id']}/verstrekkingen",
            json={"doel": "triage"},
            headers={"Authorization": f"Bearer {procesregisseur}", "traceparent": bad},
        )
        assert response.status_code == 201
        assert response.headers["traceparent"].split("-")[1] not in bad

"""Overdracht between regions: a signed package with only what the receiving ZVH may get, logged first."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.access import DecisionKey
from service.audit.record import parse
from service.crypto import CheckpointSigner, CryptoError
from service.domain.convenant import Fase
from service.service_layer.beleid import actief as beleid
from service.service_layer.casus.overdracht import verifieer_pakket
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, aanmelding, bearer, post, set_fase, zorgbijdrage
from tests.helpers.gebruikers import add_gebruiker


@pytest.fixture
def gesloten(client: FlaskClient, services: Services, politie: str, procesregisseur: str) -> dict[str, Any]:
    """A regular casus with a health field, closed by the Bureau with an overdracht to ZVH Groningen."""
    response = client.post("/v1/casussen", json=aanmelding(), headers=bearer(politie))
    assert response.status_code == 201
    casus: dict[str, Any] = response.get_json()
    zorgbijdrage(client, services, casus, procesregisseur, {"psychischeGezondheid": "signalen"})
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    afsluiting = {"uitkomst": "overgedragen", "overdracht": "zvh-groningen", "toelichting": "verhuisd"}
    assert post(client, procesregisseur, f"/v1/casussen/{casus['id']}/afsluiting", afsluiting).status_code == 201
    return casus


def _records(services: Services) -> list[dict[str, Any]]:
    """The verstrekkingen in the log (the casussen's aanmelding and bijdragen are aanleveringen)."""
    with services.uow() as uow:
        return [record for r in uow.log.records() if (record := parse(r.record))["soort"] == "verstrekking"]


def test_the_package_holds_only_what_the_region_may_receive_and_is_logged_to_it(
    client: FlaskClient, services: Services, gesloten: dict[str, Any], procesregisseur: str
) -> None:
    response = post(client, procesregisseur, f"/v1/casussen/{gesloten['id']}/overdrachten", {"regio": "zvh-groningen"})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    inhoud = verifieer_pakket(body["sleutel"], body["pakket"], body["handtekening"])

    with services.uow() as uow:
        access = beleid.active_access(services, uow.beleid)
    allowed = set(access.allowed_fields(DecisionKey("zvh-groningen", "procesregisseur", "regulier", "overdracht")))
    released = set(inhoud["grondslagen"])
    for betrokkene in inhoud["betrokkenen"]:
        released |= set(betrokkene["velden"])
    assert released and released <= allowed
    assert "psychischeGezondheid" not in body["pakket"]  # health data is not for the other region
    hoofdpersoon = next(b for b in inhoud["betrokkenen"] if b["rol"] == "hoofdpersoon")
    assert hoofdpersoon["velden"]["bsn"] == BSN_HOOFDPERSOON
    assert inhoud["naar"]["partner"] == "zvh-groningen" and inhoud["van"]["partner"] == "bureau-zvh-drenthe"
    assert inhoud["casus"]["fase"] == "afgesloten"

    record = _records(services)[-1]
    assert record["id"] == body["verstrekking"] == inhoud["verstrekking"]["id"]
    assert (record["partner"], record["doel"], record["casus"]) == ("zvh-groningen", "overdracht", gesloten["id"])
    assert {v["veld"] for v in record["verstrekt"]} == released
    assert "psychischeGezondheid" in record["onthouden"]


def test_a_changed_package_or_another_key_fails_verification(
    client: FlaskClient, services: Services, gesloten: dict[str, Any], procesregisseur: str
) -> None:
    body = post(
        client, procesregisseur, f"/v1/casussen/{gesloten['id']}/overdrachten", {"regio": "zvh-groningen"}
    ).get_json()
    key, text, line = body["sleutel"], body["pakket"], body["handtekening"]
    name = key.split("+")[0]
    other_key = CheckpointSigner(name, CheckpointSigner.generate_private_key()).verifier.verifier_key
    malformed_key = key.replace(key.split("+")[2][:8], "AQAAAAAA")
    tampered = [
        (key, text.replace(BSN_HOOFDPERSOON, "999900110"), line),
        (key, text.replace("zvh-groningen", "zvh-fryslan"), line),
        (key, text + "\n", line),
        (key, text, line.replace(line.split(" ")[2][10:14], "AAAA")),
        (key, text, "garbage"),
        (other_key, text, line),
        (malformed_key, text, line),
        (key, "deelpoort/overdracht/v1\n{}\n", line),
    ]
    for args in tampered:
        with pytest.raises(CryptoError):
            verifieer_pakket(*args)


def test_refusals(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    cter: dict[str, Any],
    procesregisseur: str,
    politie: str,
) -> None:
    path = f"/v1/casussen/{regulier['id']}/overdrachten"
    set_fase(services, regulier["id"], Fase.PROCESREGIE)
    assert post(client, politie, path, {"regio": "zvh-groningen"}).status_code == 403  # no regie
    ggz = add_gebruiker(services, "ggz-drenthe", "casusregisseur")
    assert post(client, ggz, path, {"regio": "zvh-groningen"}).status_code == 404
    response = post(client, procesregisseur, path, {"regio": "ggz-drenthe"})
    assert response.status_code == 400 and response.get_json()["invalidParams"][0]["name"] == "regio"
    assert post(client, procesregisseur, path, {"regio": "zvh-fryslan"}).status_code == 409  # takes no part
    cter_path = f"/v1/casussen/{cter['id']}/overdrachten"
    assert post(client, politie, cter_path, {"regio": "zvh-groningen"}).status_code == 409
    logged = len(_records(services))
    assert logged == 0  # nothing reached the disclosure step

    # The region takes part, but the fase does not permit the doel overdracht: refused and logged as such.
    invite = {"partner": "zvh-groningen", "rol": "deelnemer"}
    assert post(client, procesregisseur, f"/v1/casussen/{regulier['id']}/deelnemers", invite).status_code == 201
    set_fase(services, regulier["id"], Fase.TRIAGE)
    response = post(client, procesregisseur, path, {"regio": "zvh-groningen"})
    assert response.status_code == 403
    [record] = _records(services)
    assert (record["partner"], record["doel"], record["weigering"]) == ("zvh-groningen", "overdracht", "fase")

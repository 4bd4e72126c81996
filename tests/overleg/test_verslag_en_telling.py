"""The verslag of a bespreking (case data, supplied by the Bureau, released by the policy) and the counts of how
often casussen were discussed."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from service.adapters.orm import VeldwaardeRow
from service.domain.casus import Gebruiker
from service.domain.convenant import Fase
from service.domain.errors import NietToegestaanError, OngeldigeInvoerError
from service.service_layer.logboek.controle import verifieer
from service.service_layer.overleg.telling import Besprekingen, tellen
from service.service_layer.services import Services
from tests.helpers.casus import bearer, post, refer, set_fase
from tests.helpers.overleg import GGZ, POLITIE, agendeer, bijgewoond, maak_overleg, vraag_in
from tests.helpers.routeeroverleg import records

VERSLAG = "Synthetisch verslag: afspraak huisbezoek, politie en GGD stemmen af."


def test_the_voorzitter_writes_the_verslag_as_encrypted_case_data_released_by_the_policy(
    client: FlaskClient,
    services: Services,
    procesregisseur: str,
    politie: str,
    politie_deelnemer: str,
    in_procesregie: dict[str, Any],
) -> None:
    casus = in_procesregie["id"]
    overleg = bijgewoond(client, procesregisseur, casus, POLITIE)
    pad = f"/v1/overleggen/{overleg}/verslagen"
    assert post(client, politie, pad, {"casus": casus, "verslag": VERSLAG}).status_code == 404  # not its overleg
    assert post(client, procesregisseur, pad, {"casus": "0" * 32, "verslag": VERSLAG}).status_code == 404
    assert post(client, procesregisseur, pad, {"casus": casus, "verslag": ""}).status_code == 400
    assert (
        post(client, procesregisseur, pad, {"casus": casus, "verslag": "x" * 8001}).status_code == 400
    )  # the veld's max
    response = post(client, procesregisseur, pad, {"casus": casus, "verslag": VERSLAG})
    assert response.status_code == 204, response.get_json()

    with services.engine.connect() as connection:
        stored = connection.execute(
            select(VeldwaardeRow.waarde, VeldwaardeRow.bron).where(VeldwaardeRow.veld == "verslag")
        ).all()
    assert len(stored) == 1 and stored[0].bron == "bureau-zvh-drenthe"
    assert VERSLAG.encode() not in stored[0].waarde  # encrypted at rest

    gegeven = vraag_in(client, politie_deelnemer, casus, overleg)
    assert gegeven.status_code == 201, gegeven.get_json()
    assert gegeven.get_json()["velden"]["verslag"] == VERSLAG
    assert gegeven.get_json()["grondslagen"]["verslag"]["grondslag"] == "avg-6-1-e-wgs"
    aanlevering = [r for r in records(services) if r["soort"] == "aanlevering" and r["doel"] == "bijdrage"][-1]
    assert aanlevering["partner"] == "bureau-zvh-drenthe"
    assert [v["veld"] for v in aanlevering["verstrekt"]] == ["verslag"]
    punt = client.get("/v1/overleggen?van=2026-12-01&tot=2026-12-31", headers=bearer(procesregisseur)).get_json()
    assert punt["overleggen"][0]["agenda"][0]["verslagOp"] is not None
    assert verifieer(services).ok


def test_only_the_bureau_supplies_a_verslag(client: FlaskClient, politie: str, in_procesregie: dict[str, Any]) -> None:
    refused = post(client, politie, f"/v1/casussen/{in_procesregie['id']}/bijdragen", {"velden": {"verslag": VERSLAG}})
    assert refused.status_code == 403, refused.get_json()


def test_the_counts_per_soort_and_distinct_casussen_discussed_in_a_period(
    client: FlaskClient, services: Services, procesregisseur: str, politie: str, in_procesregie: dict[str, Any]
) -> None:
    ander = refer(client, politie)
    set_fase(services, ander["id"], Fase.PROCESREGIE)
    casus = in_procesregie["id"]
    eerste = maak_overleg(client, procesregisseur, datum="2026-12-03")
    tweede = maak_overleg(client, procesregisseur, datum="2026-12-17")
    stalking = maak_overleg(client, procesregisseur, "stalking", datum="2026-12-10")
    buiten = maak_overleg(client, procesregisseur, datum="2027-01-07")
    for overleg, besproken in [
        (eerste, [casus, ander["id"]]),
        (tweede, [casus]),
        (stalking, [casus]),
        (buiten, [casus]),
    ]:
        for c in besproken:
            assert agendeer(client, procesregisseur, overleg, c, [POLITIE]).status_code == 201

    gebruiker = Gebruiker("g-regisseur", "bureau-zvh-drenthe", "procesregisseur", "procesregisseur 1")
    telling = tellen(services, gebruiker, dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert dict(telling.per_soort) == {"casusoverleg": Besprekingen(3, 2), "stalking": Besprekingen(1, 1)}
    assert telling.totaal == Besprekingen(4, 2)
    with pytest.raises(OngeldigeInvoerError):
        tellen(services, gebruiker, dt.date(2026, 12, 31), dt.date(2026, 12, 1))
    with pytest.raises(NietToegestaanError):
        tellen(
            services,
            Gebruiker("g-agent", POLITIE, "casusregisseur", "agent"),
            dt.date(2026, 12, 1),
            dt.date(2026, 12, 31),
        )


def test_at_a_cter_casustafel_the_verslag_follows_the_cter_policy(
    client: FlaskClient, services: Services, procesregisseur: str, ggz: str, cter_casus: dict[str, Any]
) -> None:
    casus = cter_casus["id"]
    tafel = bijgewoond(client, procesregisseur, casus, GGZ, "cter-casustafel")
    response = post(client, procesregisseur, f"/v1/overleggen/{tafel}/verslagen", {"casus": casus, "verslag": VERSLAG})
    assert response.status_code == 204, response.get_json()
    gegeven = vraag_in(client, ggz, casus, tafel)
    assert gegeven.status_code == 201, gegeven.get_json()
    assert gegeven.get_json()["velden"]["verslag"] == VERSLAG
    assert gegeven.get_json()["grondslagen"]["verslag"]["grondslag"] == "wet-pga-3"
    aanlevering = [r for r in records(services) if r["soort"] == "aanlevering" and r["casus"] == casus][-1]
    assert (aanlevering["casustype"], aanlevering["partner"]) == ("cter", "bureau-zvh-drenthe")

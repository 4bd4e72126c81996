"""Fase gating (invariant 1c): every doel in every fase of both casustypes, through the verstrekkingen endpoint.

The expected table is written out here from the register of verwerkingsactiviteiten as the convenants state it,
so a change to the register or to the check shows up as a failing row.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.audit.record import parse
from service.domain.convenant import Fase
from service.domain.verstrekking import AANLEVERDOELEN
from service.service_layer.services import Services
from tests.helpers.casus import set_fase, vraag

A, T, P, V, W, S = Fase.AANMELDING, Fase.TRIAGE, Fase.PROCESREGIE, Fase.ADVIES, Fase.AFGEWEZEN, Fase.AFGESLOTEN
PERMITTED: dict[tuple[str, str], set[Fase]] = {
    ("regulier", "triage"): {A, T},
    ("regulier", "casusoverleg"): {P, V},
    ("regulier", "plan-van-aanpak"): {P, V},
    ("regulier", "monitoring"): {P},
    ("regulier", "routeeroverleg"): {A},
    ("regulier", "overdracht"): {P, V, S},
    ("regulier", "terugkoppeling"): {S},  # the aanmelder (politie here) hears the outcome once closed
    ("regulier", "verantwoording"): set(),
    ("cter", "triage"): {A, T},
    ("cter", "casusoverleg"): {P, V},
    ("cter", "plan-van-aanpak"): {P, V},
    ("cter", "monitoring"): {P},
    ("cter", "routeeroverleg"): set(),
    ("cter", "overdracht"): set(),
    ("cter", "terugkoppeling"): set(),
    ("cter", "verantwoording"): set(),
}


# Doelen under which only counts over all casussen leave (never anything about one casus).
OVER_ALLE_CASUSSEN = {"managementinformatie"}


def test_the_table_covers_every_doel_of_the_convenant(services: Services) -> None:
    assert {doel for _, doel in PERMITTED} | AANLEVERDOELEN | OVER_ALLE_CASUSSEN == services.convenant.ids("doel")
    assert not {doel for _, doel in PERMITTED} & (AANLEVERDOELEN | OVER_ALLE_CASUSSEN)


@pytest.mark.parametrize("casustype", ["regulier", "cter"])
def test_managementinformatie_is_never_answered_about_one_casus(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    cter: dict[str, Any],
    token_for: Any,
    casustype: str,
) -> None:
    """Even the Bureau's manager, whom the policy grants velden for this doel, gets nothing about one casus: as
    for a casus it does not take part in (404), in every fase, logged as refused."""
    manager = token_for("bureau-zvh-drenthe", "manager")
    casus_id = (regulier if casustype == "regulier" else cter)["id"]
    for fase in Fase:
        set_fase(services, casus_id, fase)
        response = vraag(client, manager, casus_id, doel="managementinformatie")
        assert response.status_code == 404, (fase, response.get_json())
        with services.uow() as uow:
            last = parse(list(uow.log.records())[-1].record)
        assert (last["doel"], last["uitkomst"], last["verstrekt"]) == ("managementinformatie", "geweigerd", []), fase


@pytest.mark.parametrize("casustype", ["regulier", "cter"])
@pytest.mark.parametrize("doel", sorted(AANLEVERDOELEN))
def test_nothing_leaves_under_a_doel_for_supplying_data_in_any_fase(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    cter: dict[str, Any],
    politie: str,
    casustype: str,
    doel: str,
) -> None:
    """The bronregels (policy lines for aanmelding and bijdrage) grant the politie its own data: asking for a
    verstrekking under such a doel must still release nothing, in every fase, and is logged as refused."""
    casus_id = (regulier if casustype == "regulier" else cter)["id"]
    for fase in Fase:
        set_fase(services, casus_id, fase)
        response = vraag(client, politie, casus_id, doel=doel)
        body = response.get_json()
        assert response.status_code == 400, (fase, body)
        assert "velden" not in body and "betrokkenen" not in body
        with services.uow() as uow:
            last = parse(list(uow.log.records())[-1].record)
        assert (last["soort"], last["doel"], last["uitkomst"], last["weigering"]) == (
            "verstrekking",
            doel,
            "geweigerd",
            "aanleverdoel",
        ), fase
        assert last["verstrekt"] == [] and last["betrokkenen"] == []


@pytest.mark.parametrize(("casustype", "doel"), list(PERMITTED), ids=[f"{c}-{d}" for c, d in PERMITTED])
def test_a_doel_is_answered_only_in_the_fasen_the_register_permits(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    cter: dict[str, Any],
    politie: str,
    casustype: str,
    doel: str,
) -> None:
    casus_id = (regulier if casustype == "regulier" else cter)["id"]
    for fase in Fase:
        set_fase(services, casus_id, fase)
        response = vraag(client, politie, casus_id, doel=doel)
        body = response.get_json()
        if fase in PERMITTED[(casustype, doel)]:
            assert response.status_code == 201, (fase, body)
        else:
            assert response.status_code == 403, (fase, body)
            assert "velden" not in body and "betrokkenen" not in body
            with services.uow() as uow:
                last = parse(list(uow.log.records())[-1].record)
            assert (last["casus"], last["uitkomst"], last["weigering"]) == (casus_id, "geweigerd", "fase"), fase

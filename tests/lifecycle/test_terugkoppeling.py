"""Terugkoppeling (issue 22 item 4): at afsluiting the aanmelder hears the uitkomst and who took over, through a
verstrekking with its own doel and grondslag that releases only those two velden, although its deelname ended;
one vocabulary for the afsluiting's uitkomst and the veld afsluitreden."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from service.audit.record import parse
from service.domain.convenant import Convenant, Fase
from service.domain.levensloop import Uitkomst
from service.service_layer.services import Services
from tests.helpers.casus import bearer, post, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker

TERUGKOPPELING = {"doel": "terugkoppeling"}


def _records(services: Services) -> list[dict[str, Any]]:
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]


def _sluit(client: FlaskClient, services: Services, casus: dict[str, Any], regisseur: str, **body: Any) -> None:
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    response = post(client, regisseur, f"/v1/casussen/{casus['id']}/afsluiting", body)
    assert response.status_code == 201, response.get_json()


def test_the_aanmelder_hears_the_uitkomst_and_who_took_over_and_nothing_else(
    client: FlaskClient, services: Services, regulier: dict[str, Any], politie: str, procesregisseur: str
) -> None:
    assert vraag(client, politie, regulier["id"], doel="terugkoppeling").status_code == 403  # not closed yet
    _sluit(
        client,
        services,
        regulier,
        procesregisseur,
        uitkomst="overgedragen",
        overdracht="zvh-groningen",
        toelichting="x",
    )
    assert vraag(client, politie, regulier["id"], doel="casusoverleg").status_code == 404  # its deelname ended

    response = vraag(client, politie, regulier["id"], doel="terugkoppeling")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["velden"] == {"afsluitreden": "overgedragen", "overdrachtAan": "Zorg- en Veiligheidshuis Groningen"}
    assert body["betrokkenen"] == []  # nothing about the persons: the outcome only
    assert {k: v["grondslag"] for k, v in body["grondslagen"].items()} == {
        "afsluitreden": "avg-6-1-e-wgs",
        "overdrachtAan": "avg-6-1-e-wgs",
    }
    record = _records(services)[-1]
    assert (record["soort"], record["partner"], record["doel"]) == (
        "verstrekking",
        "politie-noord-nederland",
        "terugkoppeling",
    )
    assert {v["verwerkingsactiviteit"]["id"] for v in record["verstrekt"]} == {"va-terugkoppeling"}
    assert {b for v in record["verstrekt"] for b in v["bronnen"]} == {"bureau-zvh-drenthe"}  # the regie supplied it


def test_the_afsluiting_is_the_regie_holders_aanlevering_of_the_uitkomst(
    client: FlaskClient, services: Services, regulier: dict[str, Any], procesregisseur: str
) -> None:
    _sluit(client, services, regulier, procesregisseur, uitkomst="doel-deels-gerealiseerd")
    aanlevering = [r for r in _records(services) if r["soort"] == "aanlevering"][-1]
    assert (aanlevering["partner"], aanlevering["doel"]) == ("bureau-zvh-drenthe", "bijdrage")
    assert [v["veld"] for v in aanlevering["verstrekt"]] == ["afsluitreden"]  # no overdracht: no overdrachtAan


@pytest.mark.parametrize(("partner", "rol"), [("bureau-zvh-drenthe", "procesregisseur"), ("ggz-drenthe", "deelnemer")])
def test_only_the_aanmelder_asks_for_terugkoppeling(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    procesregisseur: str,
    partner: str,
    rol: str,
) -> None:
    _sluit(client, services, regulier, procesregisseur, uitkomst="doel-gerealiseerd")
    other = add_gebruiker(services, partner, rol)
    response = vraag(client, other, regulier["id"], doel="terugkoppeling")
    assert response.status_code == 404  # as for a casus it does not take part in
    assert _records(services)[-1]["weigering"] == "geen-deelnemer"


def test_a_cter_casus_has_no_terugkoppeling(
    client: FlaskClient, services: Services, cter: dict[str, Any], politie: str
) -> None:
    set_fase(services, cter["id"], Fase.PROCESREGIE)
    assert (
        post(client, politie, f"/v1/casussen/{cter['id']}/afsluiting", {"uitkomst": "doel-gerealiseerd"}).status_code
        == 201
    )
    response = vraag(client, politie, cter["id"], doel="terugkoppeling")
    assert response.status_code == 403  # the CTER register has no such activity
    assert not [r for r in _records(services) if r["soort"] == "aanlevering" and r["doel"] == "bijdrage"]


def test_one_vocabulary_for_uitkomst_and_afsluitreden(convenant: Convenant) -> None:
    veld = convenant.veld("afsluitreden")
    assert veld is not None and list(veld.keuzes) == [u.value for u in Uitkomst]


def test_the_aanmelder_finds_its_closed_casussen_and_no_one_elses(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    cter: dict[str, Any],
    politie: str,
    procesregisseur: str,
) -> None:
    assert client.get("/v1/terugkoppelingen", headers=bearer(politie)).get_json() == {"terugkoppelingen": []}
    _sluit(client, services, regulier, procesregisseur, uitkomst="doel-gerealiseerd")
    set_fase(services, cter["id"], Fase.PROCESREGIE)
    assert post(client, politie, f"/v1/casussen/{cter['id']}/afsluiting", {"uitkomst": "anders"}).status_code == 201
    listed = client.get("/v1/terugkoppelingen", headers=bearer(politie)).get_json()["terugkoppelingen"]
    assert [t["casus"] for t in listed] == [regulier["id"]]  # never the CTER casus
    other = add_gebruiker(services, "gemeente-assen-veiligheid", "casusregisseur")
    assert client.get("/v1/terugkoppelingen", headers=bearer(other)).get_json() == {"terugkoppelingen": []}
    fg = add_gebruiker(services, "politie-noord-nederland", "fg")
    assert client.get("/v1/terugkoppelingen", headers=bearer(fg)).status_code == 403

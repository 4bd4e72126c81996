"""The CTER regime (invariant 5): weegploeg by right, others only on invitation, nothing for anyone else."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.adapters.orm import BetrokkeneRow, CasusRow, CasusSleutelRow
from service.crypto import CryptoError
from service.domain.convenant import Fase, Regime
from service.domain.verstrekking import AANLEVERDOELEN
from service.service_layer.casus.bewaring import retention_run
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, bearer, cter_aanmelding, post, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker

WEEGPLOEG_ASSEN = {"politie-noord-nederland", "gemeente-assen-veiligheid", "openbaar-ministerie-noord-nederland"}
UITNODIGING = {"partner": "ggz-drenthe", "rol": "deelnemer", "grondslag": "wet-pga-3", "toelichting": "behandelaar"}


def _deelnemers(client: FlaskClient, token: str, casus_id: str) -> set[str]:
    response = client.get(f"/v1/casussen/{casus_id}", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return {d["partner"] for d in response.get_json()["deelnemers"]}


def _listed(client: FlaskClient, token: str) -> set[str]:
    response = client.get("/v1/casussen", headers=bearer(token))
    assert response.status_code == 200
    return {c["id"] for c in response.get_json()["casussen"]}


@pytest.mark.parametrize(
    ("partner", "rol", "status"),
    [
        ("politie-noord-nederland", "casusregisseur", 201),
        ("gemeente-assen-veiligheid", "casusregisseur", 201),
        ("openbaar-ministerie-noord-nederland", "casusregisseur", 201),
        ("gemeente-assen-sociaal-domein", "casusregisseur", 403),
        ("ggz-drenthe", "casusregisseur", 403),
        ("bureau-zvh-drenthe", "procesregisseur", 403),
        ("politie-noord-nederland", "deelnemer", 403),
    ],
    ids=["politie", "gemeente-veiligheid", "om", "gemeente-sociaal-domein", "ggz", "bureau-zvh", "rol-deelnemer"],
)
def test_a_cter_casus_is_created_only_by_the_weegploeg(
    client: FlaskClient, services: Services, partner: str, rol: str, status: int
) -> None:
    token = add_gebruiker(services, partner, rol)
    response = client.post("/v1/casussen", json=cter_aanmelding(), headers=bearer(token))
    assert response.status_code == status, response.get_json()
    with services.uow() as uow:
        assert uow.casussen.count() == (1 if status == 201 else 0)


def test_the_weegploeg_of_the_gemeente_takes_part_by_right_and_nobody_else(
    client: FlaskClient, cter: dict[str, Any], politie: str
) -> None:
    assert _deelnemers(client, politie, cter["id"]) == WEEGPLOEG_ASSEN


def test_an_invitation_names_a_cter_grondslag_and_a_toelichting(
    client: FlaskClient, cter: dict[str, Any], politie: str, ggz: str
) -> None:
    path = f"/v1/casussen/{cter['id']}/deelnemers"
    cases = [
        ({"partner": "ggz-drenthe", "rol": "deelnemer"}, {"grondslag", "toelichting"}),
        ({**UITNODIGING, "grondslag": "avg-6-1-e-wgs"}, {"grondslag"}),  # a regular grondslag
        ({**UITNODIGING, "toelichting": "   "}, {"toelichting"}),
        ({**UITNODIGING, "partner": "cosis"}, {"partner"}),  # did not sign the CTER convenant
    ]
    for body, names in cases:
        response = post(client, politie, path, body)
        assert response.status_code == 400, body
        assert {p["name"] for p in response.get_json()["invalidParams"]} == names, body
    assert "ggz-drenthe" not in _deelnemers(client, politie, cter["id"])

    response = post(client, politie, path, UITNODIGING)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["gegevens"] == {"partner": "ggz-drenthe", "rol": "deelnemer", "grondslag": "wet-pga-3"}
    detail = client.get(f"/v1/casussen/{cter['id']}", headers=bearer(ggz)).get_json()
    assert {"partner": "ggz-drenthe", "rol": "deelnemer", "grondslag": "wet-pga-3"} in [
        {k: d[k] for k in ("partner", "rol", "grondslag")} for d in detail["deelnemers"]
    ]
    assert cter["id"] in _listed(client, ggz)
    assert post(client, politie, path, UITNODIGING).status_code == 409  # already takes part


def test_the_weegploeg_may_hand_the_regie_to_the_bureau_by_invitation(
    client: FlaskClient, cter: dict[str, Any], politie: str, procesregisseur: str
) -> None:
    triage = f"/v1/casussen/{cter['id']}/triage"
    assert post(client, procesregisseur, triage, {"besluit": "in-behandeling", "toelichting": "x"}).status_code == 404
    invite = {
        "partner": "bureau-zvh-drenthe",
        "rol": "procesregisseur",
        "grondslag": "wet-pga-3",
        "toelichting": "regie",
    }
    assert post(client, politie, f"/v1/casussen/{cter['id']}/deelnemers", invite).status_code == 201
    assert post(client, procesregisseur, triage, {"besluit": "in-behandeling", "toelichting": "x"}).status_code == 201


def test_withdrawing_an_invitation_ends_access_at_once_and_the_weegploeg_stays(
    client: FlaskClient, services: Services, cter: dict[str, Any], politie: str, ggz: str
) -> None:
    set_fase(services, cter["id"], Fase.PROCESREGIE)
    path = f"/v1/casussen/{cter['id']}/deelnemers"
    assert post(client, politie, path, UITNODIGING).status_code == 201
    assert vraag(client, ggz, cter["id"], doel="casusoverleg").status_code == 201

    withdraw = {"partner": "ggz-drenthe", "toelichting": "niet meer nodig"}
    response = client.delete(path, json=withdraw, headers=bearer(politie))
    assert response.status_code == 200, response.get_json()
    assert vraag(client, ggz, cter["id"], doel="casusoverleg").status_code == 404
    assert cter["id"] not in _listed(client, ggz)
    assert client.delete(path, json=withdraw, headers=bearer(politie)).status_code == 409  # no longer takes part

    for partner in WEEGPLOEG_ASSEN:
        response = client.delete(path, json={"partner": partner}, headers=bearer(politie))
        assert response.status_code == 409, partner
    assert _deelnemers(client, politie, cter["id"]) == WEEGPLOEG_ASSEN


def test_closing_a_cter_casus_ends_every_access_and_has_no_overdracht(
    client: FlaskClient, services: Services, cter: dict[str, Any], politie: str, ggz: str
) -> None:
    set_fase(services, cter["id"], Fase.PROCESREGIE)
    assert post(client, politie, f"/v1/casussen/{cter['id']}/deelnemers", UITNODIGING).status_code == 201
    afsluiting = f"/v1/casussen/{cter['id']}/afsluiting"
    response = post(client, politie, afsluiting, {"uitkomst": "overgedragen", "overdracht": "zvh-groningen"})
    assert response.status_code == 400
    assert [p["name"] for p in response.get_json()["invalidParams"]] == ["overdracht"]

    assert post(client, politie, afsluiting, {"uitkomst": "doel-gerealiseerd"}).status_code == 201
    for token in (politie, ggz, add_gebruiker(services, "openbaar-ministerie-noord-nederland", "casusregisseur")):
        assert cter["id"] not in _listed(client, token)
        assert client.get(f"/v1/casussen/{cter['id']}", headers=bearer(token)).status_code == 404
        assert vraag(client, token, cter["id"], doel="casusoverleg").status_code == 404


def _everything(client: FlaskClient, token: str, casus_id: str, doelen: frozenset[str]) -> dict[str, int]:
    """Every way to reach a casus; what each answered."""
    base = f"/v1/casussen/{casus_id}"
    out = {
        "lees": client.get(base, headers=bearer(token)).status_code,
        "historie": client.get(f"{base}/historie", headers=bearer(token)).status_code,
        "bijdrage": post(client, token, f"{base}/bijdragen", {"velden": {"signaalOmschrijving": "x"}}).status_code,
        "triage": post(client, token, f"{base}/triage", {"besluit": "afgewezen", "toelichting": "x"}).status_code,
        "toevoegen": post(client, token, f"{base}/deelnemers", UITNODIGING).status_code,
        "verwijderen": client.delete(
            f"{base}/deelnemers", json={"partner": "politie-noord-nederland"}, headers=bearer(token)
        ).status_code,
        "prioritering": post(client, token, f"{base}/prioritering", {"prioriteit": 1}).status_code,
        "afsluiting": post(client, token, f"{base}/afsluiting", {"uitkomst": "doel-gerealiseerd"}).status_code,
    }
    for doel in sorted(doelen):
        out[f"verstrekking-{doel}"] = vraag(client, token, casus_id, doel=doel).status_code
    return out


def test_outsiders_get_nothing_whatever_they_try(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    cter: dict[str, Any],
    politie: str,
    procesregisseur: str,
) -> None:
    """A non-participant, a withdrawn participant and a participant of the other regime: 404 for everything."""
    set_fase(services, cter["id"], Fase.PROCESREGIE)
    set_fase(services, regulier["id"], Fase.PROCESREGIE)
    withdrawn = add_gebruiker(services, "reclassering-nederland", "casusregisseur")
    invite = {**UITNODIGING, "partner": "reclassering-nederland"}
    assert post(client, politie, f"/v1/casussen/{cter['id']}/deelnemers", invite).status_code == 201
    response = client.delete(
        f"/v1/casussen/{cter['id']}/deelnemers", json={"partner": "reclassering-nederland"}, headers=bearer(politie)
    )
    assert response.status_code == 200
    outsiders = {
        "cter/non-participant": (add_gebruiker(services, "ggz-drenthe", "casusregisseur"), cter),
        "cter/withdrawn": (withdrawn, cter),
        "cter/regular-participant": (procesregisseur, cter),  # Bureau ZVH takes part in every regular casus
        "regulier/cter-participant": (  # OM is weegploeg of the CTER casus, not part of the regular one
            add_gebruiker(services, "openbaar-ministerie-noord-nederland", "casusregisseur"),
            regulier,
        ),
    }
    doelen = services.convenant.ids("doel") - AANLEVERDOELEN  # those are 400 for anyone (test_fase_gating)
    before = {
        c["id"]: client.get(f"/v1/casussen/{c['id']}/historie", headers=bearer(politie)).get_json()
        for c in (regulier, cter)
    }
    for name, (token, casus) in outsiders.items():
        assert casus["id"] not in _listed(client, token), name
        answers = _everything(client, token, casus["id"], doelen)
        assert answers == dict.fromkeys(answers, 404), name
    after = {
        c["id"]: client.get(f"/v1/casussen/{c['id']}/historie", headers=bearer(politie)).get_json()
        for c in (regulier, cter)
    }
    assert after == before


def test_a_cter_and_a_regular_casus_about_the_same_person_stay_unlinked(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    cter: dict[str, Any],
    politie: str,
    procesregisseur: str,
) -> None:
    blind = services.keys.blind_index
    regular_index, cter_index = (
        blind.bsn_hex(Regime.REGULIER, BSN_HOOFDPERSOON),
        blind.bsn_hex(Regime.CTER, BSN_HOOFDPERSOON),
    )
    assert regular_index != cter_index
    with services.engine.connect() as connection:

        def found(index: str) -> set[str]:
            rows = connection.execute(select(BetrokkeneRow.casus_id).where(BetrokkeneRow.bsn_index == index))
            return set(rows.scalars())

        assert found(regular_index) == {regulier["id"]}
        assert found(cter_index) == {cter["id"]}
        keys = dict(connection.execute(select(CasusSleutelRow.casus_id, CasusSleutelRow.regime)).all())
        wrapped = connection.scalar(select(CasusSleutelRow.wrapped).where(CasusSleutelRow.casus_id == cter["id"]))
    assert keys == {regulier["id"]: "regulier", cter["id"]: "cter"}
    assert wrapped is not None
    with pytest.raises(CryptoError):  # the CTER data key does not open under the regular KEK
        services.keys.cipher_for(Regime.REGULIER, cter["id"], wrapped)

    # Every query path a partner in both casussen has: each answer names only its own casus and betrokkenen.
    set_fase(services, regulier["id"], Fase.PROCESREGIE)
    set_fase(services, cter["id"], Fase.PROCESREGIE)
    own = {c["id"]: {c["id"], *(b["id"] for b in c["betrokkenen"])} for c in (regulier, cter)}
    for casus_id, other_id in ((regulier["id"], cter["id"]), (cter["id"], regulier["id"])):
        answers = [
            client.get(f"/v1/casussen/{casus_id}", headers=bearer(politie)).get_data(as_text=True),
            client.get(f"/v1/casussen/{casus_id}/historie", headers=bearer(politie)).get_data(as_text=True),
            vraag(client, politie, casus_id, doel="casusoverleg").get_data(as_text=True),
        ]
        for answer in answers:
            assert not any(ref in answer for ref in own[other_id]), casus_id
    # The Bureau (regular regime) lists the regular casus only, in every fase filter.
    assert _listed(client, procesregisseur) == {regulier["id"]}
    listed = client.get("/v1/casussen?fase=procesregie&sort=prioriteit", headers=bearer(procesregisseur)).get_json()
    assert [c["id"] for c in listed["casussen"]] == [regulier["id"]]


def test_cter_retention_follows_its_own_register(
    client: FlaskClient, services: Services, regulier: dict[str, Any], cter: dict[str, Any]
) -> None:
    closed = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    with services.engine.begin() as connection:
        connection.execute(update(CasusRow).values(fase=Fase.AFGESLOTEN.value, afgesloten_op=closed))
    three_years = closed + dt.timedelta(days=3 * 366)
    assert retention_run(services, now=three_years) == [regulier["id"]]  # P2Y passed, the CTER P5Y not yet
    assert retention_run(services, now=closed + dt.timedelta(days=5 * 366)) == [cter["id"]]

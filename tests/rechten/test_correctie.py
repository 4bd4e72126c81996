"""Correctie and verwijdering (AVG art. 16, 17): a verzoek reaches the partner that supplied the value (its bron)
and lists the partners that received the value before; the bron answers gecorrigeerd only after a new bijdrage,
verwijderd deletes; every step is logged without a value; who may enter and answer; bad input changes nothing."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import select

from service.adapters.orm import Base, BetrokkeneRow
from service.audit.record import parse
from service.cli import main
from service.domain.convenant import Fase
from service.service_layer.logboek.controle import verifieer, verifieer_index
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, ZORGPARTNER, bearer, post, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker

VERZOEKEN = "/v1/verantwoording/correctieverzoeken"
BRON_VERZOEKEN = "/v1/correctieverzoeken"
POLITIE = "politie-noord-nederland"
BUREAU = "bureau-zvh-drenthe"
WAARDEN = (BSN_HOOFDPERSOON, BSN_SYSTEEMLID, "Testpersoon-Synthetisch", "Testkind", "1990-04-01", "signalen")
# Tables that record a request's authentication (last use, throttling), not what the request did.
_AUTHENTICATIE = frozenset({"tokens", "tokenpogingen", "beveiligingssignalen", "websessies"})


def dien_in(client: FlaskClient, token: str, velden: list[str], soort: str = "correctie", **extra: Any) -> Any:
    return post(client, token, VERZOEKEN, {"bsn": BSN_HOOFDPERSOON, "soort": soort, "velden": velden, **extra})


def handel_af(client: FlaskClient, token: str, verzoek_id: str, resultaat: str, **extra: Any) -> Any:
    return post(client, token, f"{BRON_VERZOEKEN}/{verzoek_id}/afhandeling", {"resultaat": resultaat, **extra})


def _records(services: Services) -> list[dict[str, Any]]:
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]


def _hoofd(casus: dict[str, Any]) -> str:
    return str(next(b["id"] for b in casus["betrokkenen"] if b["rol"] == "hoofdpersoon"))


def _per_bron(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {v["bron"]: v for v in body["verzoeken"]}


def _inhoud(services: Services) -> dict[str, list[str]]:
    """Every row of every table but the authentication's, as text."""
    with services.engine.connect() as connection:
        return {
            table.name: sorted(str(tuple(row)) for row in connection.execute(select(table)))
            for table in Base.metadata.sorted_tables
            if table.name not in _AUTHENTICATIE
        }


@pytest.fixture
def gedeeld(client: FlaskClient, services: Services, casus: dict[str, Any], politie: str, procesregisseur: str) -> Any:
    """The casus after a triage by the Bureau and a casusoverleg by the police: who received which value."""
    triage = vraag(client, procesregisseur, casus["id"], doel="triage")
    assert triage.status_code == 201, triage.get_json()
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    overleg = vraag(client, politie, casus["id"], doel="casusoverleg")
    assert overleg.status_code == 201, overleg.get_json()
    hoofd = next(b for b in overleg.get_json()["betrokkenen"] if b["rol"] == "hoofdpersoon")
    assert "achternaam" in hoofd["velden"] and "psychischeGezondheid" not in hoofd["velden"]  # the policy's choice
    return {r["id"]: r for r in _records(services) if r["soort"] == "verstrekking"}


def test_a_correctie_reaches_the_bron_of_each_value_and_lists_the_earlier_recipients(
    client: FlaskClient, services: Services, casus: dict[str, Any], gedeeld: Any, fg: str, politie: str
) -> None:
    response = dien_in(client, fg, ["psychischeGezondheid", "achternaam"])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["aantalCasussen"] == 1 and body["geenWaarde"] == []
    verzoeken = _per_bron(body)
    assert verzoeken.keys() == {ZORGPARTNER, POLITIE}  # the health value to the GGD, the name to the police
    ggd, pol = verzoeken[ZORGPARTNER], verzoeken[POLITIE]
    hoofd = _hoofd(casus)
    assert ggd["velden"] == ["psychischeGezondheid"] and ggd["plaatsen"] == [
        {"betrokkene": hoofd, "veld": ggd["velden"][0]}
    ]
    assert pol["velden"] == ["achternaam"] and pol["betrokkenen"] == [hoofd]
    assert ggd["status"] == pol["status"] == "doorgestuurd" and ggd["casus"] == casus["id"]
    # the Bureau's triage received both values; the police's casusoverleg only the name (the policy's choice)
    assert [(o["partner"], o["doel"]) for o in ggd["eerdereOntvangers"]] == [(BUREAU, "triage")]
    assert [(o["partner"], o["doel"]) for o in pol["eerdereOntvangers"]] == [
        (BUREAU, "triage"),
        (POLITIE, "casusoverleg"),
    ]
    log = _records(services)
    for ontvanger in ggd["eerdereOntvangers"] + pol["eerdereOntvangers"]:
        assert log[ontvanger["logIndex"]]["soort"] == "verstrekking"
        assert log[ontvanger["logIndex"]]["partner"] == ontvanger["partner"]
    for value in WAARDEN:
        assert value not in response.get_data(as_text=True)

    steps = [r for r in log if r["soort"] == "correctieverzoek"]
    assert {(r["bron"], r["uitkomst"], tuple(r["velden"])) for r in steps} == {
        (ZORGPARTNER, "doorgestuurd", ("psychischeGezondheid",)),
        (POLITIE, "doorgestuurd", ("achternaam",)),
    }
    assert all(r["casus"] == casus["id"] and r["betrokkenen"] == [hoofd] and r["rol"] == "fg" for r in steps)

    listed = client.get(VERZOEKEN, headers=bearer(fg)).get_json()["correctieverzoeken"]
    assert {v["id"]: v["eerdereOntvangers"] for v in listed} == {v["id"]: v["eerdereOntvangers"] for v in (ggd, pol)}


def test_each_bron_sees_only_the_verzoeken_routed_to_it_and_metadata_only(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, politie: str
) -> None:
    verzoeken = _per_bron(dien_in(client, fg, ["psychischeGezondheid", "achternaam"]).get_json())
    ggd = add_gebruiker(services, ZORGPARTNER, "casusregisseur")
    seen = client.get(BRON_VERZOEKEN, headers=bearer(ggd))
    assert seen.status_code == 200
    [only] = seen.get_json()["correctieverzoeken"]
    assert only["id"] == verzoeken[ZORGPARTNER]["id"] and only["velden"] == ["psychischeGezondheid"]
    assert "eerdereOntvangers" not in only and "bron" not in only
    police = client.get(BRON_VERZOEKEN, headers=bearer(politie)).get_json()["correctieverzoeken"]
    assert [v["id"] for v in police] == [verzoeken[POLITIE]["id"]]
    assert client.get(BRON_VERZOEKEN, headers=bearer(fg)).status_code == 403


def test_gecorrigeerd_only_after_a_new_bijdrage_of_the_bron(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, procesregisseur: str
) -> None:
    ggd = add_gebruiker(services, ZORGPARTNER, "deelnemer")
    verzoek = _per_bron(dien_in(client, fg, ["psychischeGezondheid"]).get_json())[ZORGPARTNER]
    early = handel_af(client, ggd, verzoek["id"], "gecorrigeerd")
    assert early.status_code == 409 and early.mimetype == "application/problem+json"
    assert "psychischeGezondheid" in early.get_json()["detail"]

    hoofd = _hoofd(casus)
    nieuw = {"betrokkenen": [{"id": hoofd, "velden": {"psychischeGezondheid": "geen-signalen"}}]}
    assert post(client, ggd, f"/v1/casussen/{casus['id']}/bijdragen", nieuw).status_code == 201
    done = handel_af(client, ggd, verzoek["id"], "gecorrigeerd")
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "afgehandeld" and done.get_json()["resultaat"] == "gecorrigeerd"
    assert handel_af(client, ggd, verzoek["id"], "gecorrigeerd").status_code == 409  # once

    triage = vraag(client, procesregisseur, casus["id"], doel="triage").get_json()
    persoon = next(b for b in triage["betrokkenen"] if b["rol"] == "hoofdpersoon")
    assert persoon["velden"]["psychischeGezondheid"] == "geen-signalen"
    log = _records(services)
    aanlevering, afhandeling = log[-3], log[-2]  # then the triage
    assert aanlevering["soort"] == "aanlevering" and aanlevering["partner"] == ZORGPARTNER
    assert afhandeling["soort"] == "afhandeling-correctieverzoek" and afhandeling["uitkomst"] == "gecorrigeerd"
    assert afhandeling["partner"] == ZORGPARTNER and afhandeling["betreft"] == verzoek["id"]
    listed = client.get(VERZOEKEN, headers=bearer(fg)).get_json()["correctieverzoeken"]
    assert listed[0]["eerdereOntvangers"] == []  # the triage after the answer received the corrected value


def test_verwijderd_deletes_the_value_and_is_logged(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, politie: str, procesregisseur: str
) -> None:
    verzoek = _per_bron(dien_in(client, fg, ["achternaam", "bsn"], soort="verwijdering").get_json())[POLITIE]
    assert verzoek["velden"] == ["achternaam", "bsn"]
    assert handel_af(client, politie, verzoek["id"], "gecorrigeerd").status_code == 400  # erasure is not corrected
    done = handel_af(client, politie, verzoek["id"], "verwijderd")
    assert done.status_code == 200, done.get_json()

    triage = vraag(client, procesregisseur, casus["id"], doel="triage").get_json()
    persoon = next(b for b in triage["betrokkenen"] if b["rol"] == "hoofdpersoon")
    assert "achternaam" not in persoon["velden"] and "bsn" not in persoon["velden"]
    assert "geboortedatum" in persoon["velden"]  # what was not disputed stays
    with services.engine.connect() as connection:  # no longer found by the BSN in this casus
        index = connection.scalar(select(BetrokkeneRow.bsn_index).where(BetrokkeneRow.id == _hoofd(casus)))
    assert index is None
    log = _records(services)
    afhandeling = log[-2]
    assert afhandeling["soort"] == "afhandeling-correctieverzoek" and afhandeling["uitkomst"] == "verwijderd"
    assert afhandeling["verwijderd"] == ["achternaam", "bsn"] and afhandeling["betrokkenen"] == [_hoofd(casus)]
    assert verifieer(services).ok
    again = dien_in(client, fg, ["achternaam"]).get_json()
    assert again["aantalCasussen"] == 0 and again["geenWaarde"] == [{"casus": None, "velden": ["achternaam"]}]


def test_an_afwijzing_names_its_reden_as_a_code(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, politie: str
) -> None:
    verzoek = _per_bron(dien_in(client, fg, ["achternaam"]).get_json())[POLITIE]
    assert handel_af(client, politie, verzoek["id"], "afgewezen").status_code == 400  # a reden is needed
    done = handel_af(client, politie, verzoek["id"], "afgewezen", reden="juist-bevonden")
    assert done.status_code == 200 and done.get_json()["reden"] == "juist-bevonden"
    assert _records(services)[-1]["reden"] == "juist-bevonden"


def test_velden_without_a_value_are_reported_and_a_casus_veld_goes_with_the_hoofdpersoon(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str
) -> None:
    body = dien_in(client, fg, ["signaalOmschrijving", "psychischeGezondheid"], bsn=BSN_SYSTEEMLID).get_json()
    assert body["verzoeken"] == []  # the systeemlid has no health value and the casus's own velden are not hers
    assert body["geenWaarde"] == [{"casus": casus["id"], "velden": ["psychischeGezondheid", "signaalOmschrijving"]}]
    assert _records(services)[-1]["uitkomst"] == "geen-waarde"
    hoofd = dien_in(client, fg, ["signaalOmschrijving"], casus=casus["id"]).get_json()
    [verzoek] = hoofd["verzoeken"]
    assert verzoek["bron"] == POLITIE and verzoek["plaatsen"] == [
        {"betrokkene": "casus", "veld": "signaalOmschrijving"}
    ]


def test_a_procesregisseur_of_the_bureau_may_enter(
    client: FlaskClient, casus: dict[str, Any], procesregisseur: str
) -> None:
    assert dien_in(client, procesregisseur, ["achternaam"]).status_code == 201


@pytest.mark.parametrize(
    ("partner", "rol"),
    [("ggz-drenthe", "fg"), (POLITIE, "deelnemer"), (POLITIE, "procesregisseur"), (BUREAU, "beheerder")],
    ids=["partner-fg", "deelnemer", "partner-procesregisseur", "beheerder"],
)
def test_only_the_bureau_enters_a_verzoek(
    client: FlaskClient, services: Services, casus: dict[str, Any], partner: str, rol: str
) -> None:
    other = add_gebruiker(services, partner, rol)
    before = _inhoud(services)
    assert dien_in(client, other, ["achternaam"]).status_code == 403
    assert client.get(VERZOEKEN, headers=bearer(other)).status_code == 403
    assert _inhoud(services) == before


def test_another_partner_gets_404_on_a_verzoek_not_routed_to_it(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, politie: str
) -> None:
    verzoek = _per_bron(dien_in(client, fg, ["psychischeGezondheid"]).get_json())[ZORGPARTNER]
    ggd_fg = add_gebruiker(services, ZORGPARTNER, "fg")  # the bron's FG does not answer for it
    before = _inhoud(services)
    assert handel_af(client, politie, verzoek["id"], "verwijderd").status_code == 404
    assert handel_af(client, politie, "0" * 32, "verwijderd").status_code == 404
    assert handel_af(client, politie, "geen-id", "verwijderd").status_code == 404
    assert handel_af(client, ggd_fg, verzoek["id"], "verwijderd").status_code == 403
    assert _inhoud(services) == before


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ({"bsn": "99990012x", "soort": "correctie", "velden": ["achternaam"]}, "bsn"),
        ({"bsn": BSN_HOOFDPERSOON, "soort": "correctie", "velden": ["schoenmaat"]}, "velden[0]"),
        ({"bsn": BSN_HOOFDPERSOON, "soort": "correctie", "velden": []}, "velden"),
        ({"bsn": BSN_HOOFDPERSOON, "soort": "bezwaar", "velden": ["achternaam"]}, "soort"),
        ({"bsn": BSN_HOOFDPERSOON, "soort": "correctie", "velden": ["achternaam"], "regime": "ander"}, "regime"),
        (
            {"bsn": BSN_HOOFDPERSOON, "soort": "correctie", "velden": ["achternaam"], "toelichting": "tekst"},
            "toelichting",
        ),
    ],
    ids=["bad-bsn", "unknown-veld", "no-velden", "unknown-soort", "unknown-regime", "free-text"],
)
def test_bad_input_is_400_naming_the_field_and_changes_nothing(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, body: dict[str, Any], name: str
) -> None:
    before = _inhoud(services)
    response = post(client, fg, VERZOEKEN, body)
    assert response.status_code == 400, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert any(p["name"].endswith(name) for p in response.get_json()["invalidParams"]), response.get_json()
    assert body["bsn"] not in response.get_data(as_text=True)
    assert _inhoud(services) == before


@pytest.mark.parametrize(
    "body",
    [{"resultaat": "weggegooid"}, {"resultaat": "afgewezen", "reden": "geen-zin"}, {"resultaat": "verwijderd", "x": 1}],
    ids=["unknown-resultaat", "unknown-reden", "unknown-key"],
)
def test_a_bad_answer_is_400_and_changes_nothing(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, politie: str, body: dict[str, Any]
) -> None:
    verzoek = _per_bron(dien_in(client, fg, ["achternaam"]).get_json())[POLITIE]
    before = _inhoud(services)
    response = post(client, politie, f"{BRON_VERZOEKEN}/{verzoek['id']}/afhandeling", body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert _inhoud(services) == before


def test_the_log_and_its_lookup_tables_verify_and_no_record_holds_a_value_or_the_bsn(
    client: FlaskClient,
    services: Services,
    cli_settings: Settings,
    casus: dict[str, Any],
    gedeeld: Any,
    fg: str,
    politie: str,
) -> None:
    verzoeken = _per_bron(dien_in(client, fg, ["psychischeGezondheid", "achternaam", "bsn"]).get_json())
    assert handel_af(client, politie, verzoeken[POLITIE]["id"], "verwijderd").status_code == 200
    dien_in(client, fg, ["achternaam"], bsn=BSN_SYSTEEMLID)
    client.get(VERZOEKEN, headers=bearer(fg))  # brings the lookup tables up to the head
    assert verifieer(services).ok and verifieer_index(services).ok
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    stappen = [r for r in _records(services) if "correctieverzoek" in r["soort"]]
    assert len(stappen) == 4
    for record in stappen:
        for value in WAARDEN:
            assert value not in str(record)

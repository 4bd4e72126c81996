"""Early destruction of one casus by decision (soort casus-vernietiging): proposed with a reason, approved only by
a second beheerder through the existing proposal routes and pages; refused with a clear problem for an unknown
or already destroyed casus; after approval the casus's data is unreadable and the destruction is logged like
the ordinary one. Also from the command line."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient

from service.audit.record import parse
from service.cli import main
from service.domain.convenant import Regime
from service.domain.errors import CasusVernietigdError
from service.service_layer.casus.bewaring import vernietig_casus
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.beheer import approve, propose, reject, toestand
from tests.helpers.casus import bearer, vraag
from tests.helpers.web import BEVESTIGD, csrf, html, login, post

REDEN = "Synthetisch: besluit van de procesregisseur, casus ten onrechte aangemeld."


def _propose(client: FlaskClient, token: str, casus_id: str) -> Any:
    return propose(client, token, vernietiging={"casus": casus_id}, toelichting=REDEN)


def _readable(services: Services, casus_id: str) -> bool:
    with services.uow() as uow:
        try:
            uow.veldwaarden.read(casus_id, Regime.REGULIER)
        except CasusVernietigdError:
            return False
    return True


def _records(services: Services) -> list[dict[str, Any]]:
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]


def test_a_second_beheerder_approves_and_the_casus_is_destroyed_and_logged(
    client: FlaskClient, services: Services, casus: dict[str, Any], beheerder_a: str, beheerder_b: str
) -> None:
    casus_id = casus["id"]
    made = _propose(client, beheerder_a, casus_id)
    assert made.status_code == 201, made.get_json()
    voorstel = made.get_json()
    assert (voorstel["soort"], voorstel["casus"], voorstel["status"]) == ("casus-vernietiging", casus_id, "open")
    assert _readable(services, casus_id)  # proposing destroys nothing

    own = approve(client, beheerder_a, voorstel["id"])
    assert own.status_code == 403 and own.headers["Content-Type"] == "application/problem+json"
    assert _readable(services, casus_id)  # the proposer cannot approve it

    approved = approve(client, beheerder_b, voorstel["id"])
    assert approved.status_code == 200, approved.get_json()
    assert approved.get_json()["status"] == "goedgekeurd"
    assert not _readable(services, casus_id)
    records = _records(services)
    destruction = [r for r in records if r["soort"] == "vernietiging"]
    assert len(destruction) == 1
    assert destruction[0] | {"id": "", "tijd": "", "vergeten": []} == {
        "formaat": 1,
        "soort": "vernietiging",
        "id": "",
        "tijd": "",
        "partner": "deelpoort",
        "casus": casus_id,
        "casustype": "regulier",
        "doel": "vernietiging",
        "uitkomst": "vernietigd",
        "reden": "besluit",
        "vergeten": [],
        "voorstel": voorstel["id"],
    }
    assert len(destruction[0]["vergeten"]) == 2  # the hoofdpersoon and the systeemlid
    beheer = [(r["uitkomst"], r["betreft"]) for r in records if r["soort"] == "beheer"]
    assert beheer == [("voorstel", casus_id), ("goedkeuring", casus_id), ("activering", casus_id)]
    assert logboek.verifieer(services).ok and logboek.verifieer_index(services).ok


def test_after_approval_a_verstrekking_of_the_casus_is_refused(
    client: FlaskClient, services: Services, casus: dict[str, Any], beheerder_a: str, beheerder_b: str, politie: str
) -> None:
    voorstel = _propose(client, beheerder_a, casus["id"]).get_json()
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    response = vraag(client, politie, casus["id"], doel="triage")
    assert response.status_code in (403, 404, 410) and response.headers["Content-Type"] == "application/problem+json"
    for value in ("Testpersoon-Synthetisch", "999900122"):
        assert value not in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("casus", "status", "name"),
    [
        ("0" * 32, 400, "vernietiging.casus"),  # well formed, no such casus
        ("../../casussen", 400, "vernietiging.casus"),
        ("x" * 33, 400, "vernietiging.casus"),
        (5, 400, "vernietiging.casus"),
        ("", 400, "vernietiging.casus"),
    ],
    ids=["unknown", "path", "too-long", "number", "empty"],
)
def test_an_unknown_or_malformed_casus_is_a_400_problem_and_changes_nothing(
    client: FlaskClient, services: Services, beheerder_a: str, casus: Any, status: int, name: str
) -> None:
    before = toestand(services)
    response = propose(client, beheerder_a, vernietiging={"casus": casus}, toelichting=REDEN)
    assert response.status_code == status, response.get_json()
    assert response.headers["Content-Type"] == "application/problem+json"
    assert name in [p["name"] for p in response.get_json()["invalidParams"]]
    assert toestand(services) == before


@pytest.mark.parametrize(
    "body",
    [
        {"vernietiging": {"casus": "0" * 32, "extra": 1}},
        {"vernietiging": {"casus": "0" * 32}, "partner": {"id": "politie-noord-nederland", "actief": False}},
        {"vernietiging": "0" * 32},
        {"vernietiging": {"casus": "0" * 32}, "toelichting": ""},
    ],
    ids=["unknown-key", "two-soorten", "not-an-object", "no-reason"],
)
def test_other_bad_bodies_are_400_problems(
    client: FlaskClient, services: Services, beheerder_a: str, body: dict[str, Any]
) -> None:
    body.setdefault("toelichting", REDEN)
    before = toestand(services)
    response = client.post("/v1/beleid/voorstellen", json=body, headers=bearer(beheerder_a))
    assert response.status_code == 400 and response.headers["Content-Type"] == "application/problem+json"
    assert toestand(services) == before


def test_an_already_destroyed_casus_is_a_409_when_proposed_and_when_approved(
    client: FlaskClient, services: Services, casus: dict[str, Any], beheerder_a: str, beheerder_b: str
) -> None:
    casus_id = casus["id"]
    voorstel = _propose(client, beheerder_a, casus_id).get_json()
    second = _propose(client, beheerder_b, casus_id)
    assert second.status_code == 409 and "already open" in second.get_json()["detail"]
    vernietig_casus(services, casus_id)  # a retention run got there first
    before = toestand(services)
    late = approve(client, beheerder_b, voorstel["id"])
    assert late.status_code == 409 and late.headers["Content-Type"] == "application/problem+json"
    assert "already destroyed" in late.get_json()["detail"]
    assert toestand(services) == before  # still open, nothing logged: the approval was one transaction
    again = _propose(client, beheerder_b, casus_id)
    assert again.status_code == 409 and "already destroyed" in again.get_json()["detail"]


def test_a_rejected_proposal_destroys_nothing_and_only_beheerders_propose(
    client: FlaskClient, services: Services, casus: dict[str, Any], beheerder_a: str, beheerder_b: str, fg: str
) -> None:
    assert _propose(client, fg, casus["id"]).status_code == 403
    voorstel = _propose(client, beheerder_a, casus["id"]).get_json()
    assert reject(client, beheerder_b, voorstel["id"]).status_code == 200
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 409
    assert _readable(services, casus["id"])
    assert not [r for r in _records(services) if r["soort"] == "vernietiging"]


# --- the pages ---------------------------------------------------------------------------------------------------


def test_through_the_pages_the_proposer_sees_no_approve_button_and_the_second_beheerder_destroys(
    app: Flask, services: Services, casus: dict[str, Any], beheerder_a: str, beheerder_b: str
) -> None:
    a, b = app.test_client(), app.test_client()
    login(a, beheerder_a)
    login(b, beheerder_b)
    assert 'id="vernietiging-casus"' in html(a.get("/beheer/voorstellen/nieuw"))
    unknown = post(a, "/beheer/voorstellen/vernietiging", {"casus": "0" * 32, "toelichting": REDEN})
    assert unknown.status_code == 400 and "er is geen casus met dit kenmerk" in html(unknown)
    made = post(a, "/beheer/voorstellen/vernietiging", {"casus": casus["id"], "toelichting": REDEN})
    assert made.status_code == 303, html(made)
    found = re.fullmatch(r"/beheer/voorstellen/([0-9a-f]{32})", made.headers["Location"])
    assert found
    page = html(a.get(made.headers["Location"]))
    assert casus["id"] in page and 'id="goedkeuren"' not in page and 'id="eigen-voorstel"' in page
    crafted = post(a, f"/beheer/voorstellen/{found.group(1)}/goedkeuring", BEVESTIGD)
    assert crafted.status_code == 403 and _readable(services, casus["id"])
    page_b = b.get(made.headers["Location"])
    assert 'id="goedkeuren"' in html(page_b) and 'id="onherroepelijk"' in html(page_b)
    done = b.post(
        f"/beheer/voorstellen/{found.group(1)}/goedkeuring", data={"csrf_token": csrf(html(page_b)), **BEVESTIGD}
    )
    assert done.status_code == 303
    assert not _readable(services, casus["id"])
    again = post(a, "/beheer/voorstellen/vernietiging", {"casus": casus["id"], "toelichting": REDEN})
    assert again.status_code == 409 and "al vernietigd" in html(again)


# --- the command line ------------------------------------------------------------------------------------------


def test_the_command_proposes_and_refuses_clearly(
    tmp_path: Path,
    services: Services,
    cli_settings: Settings,
    casus: dict[str, Any],
    beheerder_a: str,
) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(beheerder_a, encoding="ascii")
    run = CliRunner().invoke
    args = ["retention", "vernietig", "--token-bestand", str(token_file), "--toelichting", REDEN]
    unknown = run(main, [*args, "0" * 32])
    assert unknown.exit_code == 1 and "deelpoort: Casus: er is geen casus met dit kenmerk" in unknown.output
    made = run(main, [*args, casus["id"]])
    assert made.exit_code == 0, made.output
    with services.uow() as uow:
        [voorstel] = uow.voorstellen.list()
    assert voorstel.casus == casus["id"] and voorstel.status.value == "open"
    assert _readable(services, casus["id"])
    twice = run(main, [*args, casus["id"]])
    assert twice.exit_code == 1 and "loopt al een voorstel" in twice.output

"""Proposals are validated exactly like the policy files; the diff says exactly what an approval changes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

from service.access.diff import changes
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT
from tests.helpers.beheer import ADDED, REMOVED, active, approve, change, propose
from tests.helpers.casus import bearer


def _state(services: Services) -> tuple[int, int, int]:
    """(stored versions, proposals, log records): what a refused proposal must leave unchanged."""
    with services.uow() as uow:
        return len(uow.beleid.versions()), len(uow.voorstellen.list()), uow.log.size()


def _files() -> list[dict[str, str]]:
    return [
        {"naam": p.name, "inhoud": p.read_text(encoding="utf-8")}
        for p in sorted((PROJECT_ROOT / "policies").glob("*.csv"))
    ]


def test_an_uploaded_set_is_refused_with_every_problem_at_once_naming_file_and_line(
    client: FlaskClient, services: Services, beheerder_a: str
) -> None:
    before = _state(services)
    files = _files()
    lines = files[1]["inhoud"].splitlines()
    # Line 5 gets an unknown rol, line 6 a grondslag that does not cover health data; line 7 is not a p line.
    lines[4] = "p, zvh, opperbaas, regulier, triage, bsn, uavg-46-bsn, allow"
    lines[5] = "p, zvh, procesregisseur, regulier, triage, gezondheid, avg-6-1-e-wgs, allow"
    lines[6] = "g, politie-noord-nederland, zvh"
    files[1]["inhoud"] = "\n".join(lines)
    response = propose(client, beheerder_a, bestanden=files)
    assert response.status_code == 400, response.get_json()
    names = [p["name"] for p in response.get_json()["invalidParams"]]
    name = files[1]["naam"]
    assert f"{name}:5" in names and f"{name}:6" in names and f"{name}:7" in names
    assert any("opperbaas" in p["reason"] for p in response.get_json()["invalidParams"])
    assert _state(services) == before


def test_an_uploaded_complete_set_equal_to_the_active_version_is_a_conflict(
    client: FlaskClient, services: Services, beheerder_a: str
) -> None:
    before = _state(services)
    response = propose(client, beheerder_a, bestanden=_files())
    assert response.status_code == 409
    assert _state(services) == before


def test_an_uploaded_set_becomes_the_proposed_version(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    files = _files()
    files[1]["inhoud"] += ADDED + "\n"
    response = propose(client, beheerder_a, bestanden=files)
    assert response.status_code == 201, response.get_json()
    assert approve(client, beheerder_b, response.get_json()["id"]).status_code == 200
    assert active(services).version == response.get_json()["versie"]


def test_a_change_is_refused_with_every_problem_named_by_its_place(
    client: FlaskClient, services: Services, beheerder_a: str
) -> None:
    before = _state(services)
    body = change(
        toevoegen=[ADDED, "p, zvh, procesregisseur, regulier, triage, bsn, onbekende-grond, allow", "p, te, weinig"],
        verwijderen=["p, zvh, procesregisseur, regulier, triage, bsn, avg-6-1-e-wgs, allow", REMOVED],
    )
    body["wijziging"]["toevoegen"].append({"bestand": "../buiten.csv", "regel": ADDED})
    response = propose(client, beheerder_a, **body)
    assert response.status_code == 400, response.get_json()
    names = sorted({p["name"] for p in response.get_json()["invalidParams"]})
    assert names == [
        "wijziging.toevoegen[1]",
        "wijziging.toevoegen[2]",
        "wijziging.toevoegen[3].bestand",
        "wijziging.verwijderen[0]",
    ]
    assert _state(services) == before


@pytest.mark.parametrize(
    "body",
    [
        {"toelichting": "x"},
        {"toelichting": "x", "versie": "a" * 64, "wijziging": {"toevoegen": []}},
        {"toelichting": "", "versie": "a" * 64},
        {"toelichting": "x", "versie": "niet-hex"},
        {"toelichting": "x", "versie": "a" * 64, "extra": 1},
        {"toelichting": "x", "bestanden": "geen-lijst"},
        {"toelichting": "x", "wijziging": {}},
        {"toelichting": "x", "partner": {"id": "bestaat-niet", "actief": False}},
        {"toelichting": "x" * 2001, "versie": "a" * 64},
        {"toelichting": "x", "versie": "a" * 64},
    ],
    ids=[
        "nothing",
        "two",
        "empty-toelichting",
        "bad-versie",
        "unknown-key",
        "bad-bestanden",
        "empty-change",
        "unknown-partner",
        "long-toelichting",
        "unknown-versie",
    ],
)
def test_bad_proposals_are_400_and_change_nothing(
    client: FlaskClient, services: Services, beheerder_a: str, body: dict[str, Any]
) -> None:
    before = _state(services)
    response = client.post("/v1/beleid/voorstellen", json=body, headers=bearer(beheerder_a))
    assert response.status_code == 400, response.get_json()
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.get_json()["invalidParams"]
    assert _state(services) == before


def test_other_bad_requests_are_problems_never_500(client: FlaskClient, services: Services, beheerder_a: str) -> None:
    headers = bearer(beheerder_a)
    assert client.post("/v1/beleid/voorstellen", data="x", headers=headers).status_code == 415
    assert client.post("/v1/beleid/voorstellen", json={"toelichting": "x"}).status_code == 401
    for path in ("/v1/beleid/voorstellen/" + "0" * 32, "/v1/beleid/voorstellen/nope/verschil"):
        assert client.get(path, headers=headers).status_code == 404
    assert client.post("/v1/beleid/voorstellen/" + "0" * 32 + "/goedkeuring", headers=headers).status_code == 404
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    afwijzing = f"/v1/beleid/voorstellen/{voorstel['id']}/afwijzing"
    assert client.post(afwijzing, json={}, headers=headers).status_code == 400
    assert client.post(afwijzing, json={"reden": "  "}, headers=headers).status_code == 400


def test_an_approved_change_alters_the_compiled_table_exactly_as_its_diff_said(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str, fg: str
) -> None:
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED], verwijderen=[REMOVED])).get_json()
    response = client.get(f"/v1/beleid/voorstellen/{voorstel['id']}/verschil", headers=bearer(fg))
    assert response.status_code == 200, response.get_json()
    diff = response.get_json()
    assert diff["gekregen"] > 0 and diff["verloren"] > 0
    said = {
        (g["partner"], g["rol"], g["casustype"], g["doel"], b["veld"], b["was"], b["wordt"])
        for g in diff["groepen"]
        for b in g["beslissingen"]
    }
    assert {s[1] for s in said} == {"procesondersteuner"}
    assert all(g["partner"] and g["beslissingen"] for g in diff["groepen"])

    before = active(services).table
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    after = active(services).table
    happened = {
        (c.key.partner, c.key.rol, c.key.casustype, c.key.doel, c.veld, c.old, c.new) for c in changes(before, after)
    }
    assert happened == said
    # Every decision not in the diff is unchanged.
    untouched = {k for k in before.allowed if k.rol != "procesondersteuner"}
    assert all(before.allowed_fields(k) == after.allowed_fields(k) for k in untouched)


def test_export_writes_the_active_version_back_as_files_that_load_as_it(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str, tmp_path: Path
) -> None:
    from service.access import load_policy
    from service.service_layer.beleid import actief as beleid

    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED], verwijderen=[REMOVED])).get_json()
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    target = tmp_path / "policies"
    target.mkdir()
    (target / "oud.csv").write_text("p, zvh, procesregisseur, regulier, triage, bsn, uavg-46-bsn, allow\n")
    versie, written, removed = beleid.exporteer(services, target)
    assert versie == voorstel["versie"] == active(services).version
    assert removed == ["oud.csv"]
    assert written == sorted(p.name for p in (PROJECT_ROOT / "policies").glob("*.csv"))
    assert load_policy(target, services.convenant).version == versie
    assert ADDED in (target / "zvh-drenthe.csv").read_text()
    assert REMOVED not in (target / "zvh-drenthe.csv").read_text()


def test_cli_policy_export(services: Services, settings: Any, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from service.cli import main

    env = {
        "DEELPOORT_DATABASE_URL": settings.database_url,
        "DEELPOORT_KEYS_DIR": str(settings.keys_dir),
        "DEELPOORT_INSTANCE_PATH": str(settings.instance_path),
    }
    result = CliRunner().invoke(main, ["policy", "export", str(tmp_path / "uit")], env=env)
    assert result.exit_code == 0, result.output
    written = f"beleidsversie {active(services).version} geschreven naar {tmp_path / 'uit'}/: model.conf, "
    assert written in result.output
    assert (tmp_path / "uit" / "model.conf").is_file()

"""The FG's integrity view: a quick check on every view (never a scan of the whole log), stored full
verifications (`deelpoort audit verify` and the FG's own request), one FG-requested verification at a time."""

from __future__ import annotations

from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import delete, event, func, select, update

from service.adapters.integriteit_store import IntegriteitStore
from service.adapters.orm import CheckpointRow, IntegriteitscontroleRow, LogknoopRow, VerstrekkingRow
from service.cli import main
from service.domain.casus import Gebruiker
from service.domain.verantwoording import MAX_PROBLEMEN
from service.service_layer.identiteit.authentication import authenticate
from service.service_layer.logboek import controle as logboek_service
from service.service_layer.logboek import integriteit
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.casus import BSN_HOOFDPERSOON, bearer
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.verantwoording import CASE_VALUES, Logboek


def _view(client: FlaskClient, token: str) -> Any:
    response = client.get("/v1/verantwoording/integriteit", headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def _full(client: FlaskClient, token: str) -> Any:
    response = client.post("/v1/verantwoording/integriteitscontroles", headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"] == f"/v1/verantwoording/integriteitscontroles/{response.get_json()['id']}"
    return response.get_json()


def test_a_fresh_log_has_a_quick_check_and_no_full_verification_yet(client: FlaskClient, logboek: Logboek) -> None:
    body = _view(client, logboek.fg)
    assert body["snelleControle"]["intact"] is True and body["snelleControle"]["problemen"] == []
    assert body["snelleControle"]["grootte"] == 5  # two aanleveringen and three verstrekkingen
    assert body["laatsteControle"] is None and body["recordsSindsLaatsteControle"] is None
    assert body["laatsteCheckpoint"]["grootte"] >= 1 and body["vkey"]


def test_viewing_does_not_read_the_records(client: FlaskClient, services: Services, logboek: Logboek) -> None:
    """A view costs O(log n): it never selects from the records table (which a full verification reads whole)."""
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    event.listen(services.engine, "before_cursor_execute", seen)
    try:
        _view(client, logboek.fg)
    finally:
        event.remove(services.engine, "before_cursor_execute", seen)
    assert statements  # the listener saw the view's statements
    assert not [s for s in statements if "FROM verstrekkingen" in s]


def test_a_full_verification_is_stored_and_shown(client: FlaskClient, services: Services, logboek: Logboek) -> None:
    # the lookup tables are brought up to date by the FG's queries (a verification only reads them)
    inzage = client.post(
        "/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(logboek.fg)
    )
    assert inzage.status_code == 200
    controle = _full(client, logboek.fg)
    assert controle["intact"] is True and controle["bron"] == "fg"
    assert (controle["grootte"], controle["problemen"], controle["eersteFout"]) == (5, [], None)
    assert controle["opzoektabellen"] == {"gedekt": 5, "problemen": [], "eersteFout": None}
    body = _view(client, logboek.fg)
    assert body["laatsteControle"] == controle and body["recordsSindsLaatsteControle"] == 0
    again = client.get(f"/v1/verantwoording/integriteitscontroles/{controle['id']}", headers=bearer(logboek.fg))
    assert again.status_code == 200 and again.get_json() == controle
    with services.uow() as uow:
        (stored,) = uow.integriteit.latest(5)
    assert stored.gebruiker is not None and stored.bron == "fg"


def test_new_records_since_the_latest_verification_are_counted(client: FlaskClient, logboek: Logboek) -> None:
    _full(client, logboek.fg)
    response = client.post(
        f"/v1/casussen/{logboek.casus['id']}/verstrekkingen",
        json={"doel": "casusoverleg"},
        headers=bearer(logboek.politie),
    )
    assert response.status_code == 201, response.get_json()
    body = _view(client, logboek.fg)
    assert body["snelleControle"]["grootte"] == 6 and body["recordsSindsLaatsteControle"] == 1


def test_a_changed_record_shows_in_a_full_verification_and_is_stored_as_such(
    client: FlaskClient, services: Services, logboek: Logboek
) -> None:
    with services.engine.begin() as connection:
        connection.execute(update(VerstrekkingRow).where(VerstrekkingRow.log_index == 1).values(doel="triage"))
    controle = _full(client, logboek.fg)
    assert controle["intact"] is False and controle["eersteFout"] == 1
    assert any("index 1" in p for p in controle["problemen"])
    body = _view(client, logboek.fg)
    assert body["laatsteControle"]["intact"] is False and body["laatsteControle"]["eersteFout"] == 1
    stored = "".join(p for p in controle["problemen"])
    for value in (BSN_HOOFDPERSOON, *CASE_VALUES):  # the stored problems name indexes, never a value
        assert str(value) not in stored


def test_the_quick_check_catches_a_deleted_latest_checkpoint(
    client: FlaskClient, services: Services, logboek: Logboek
) -> None:
    with services.engine.begin() as connection:
        latest = connection.scalar(select(func.max(CheckpointRow.grootte)))
        connection.execute(delete(CheckpointRow).where(CheckpointRow.grootte == latest))
    body = _view(client, logboek.fg)
    assert body["snelleControle"]["intact"] is False
    assert any("latest checkpoint" in p for p in body["snelleControle"]["problemen"])


def test_the_quick_check_catches_a_changed_node_on_the_path_to_the_root(
    client: FlaskClient, services: Services, logboek: Logboek
) -> None:
    assert services.log.checkpoint_now() is not None  # the latest checkpoint covers all 5 records
    with services.engine.begin() as connection:  # the root of 5 is made of the node over 0..3 and leaf 4
        connection.execute(update(LogknoopRow).where(LogknoopRow.niveau == 2).values(hash=bytes(32)))
    body = _view(client, logboek.fg)
    assert body["snelleControle"]["intact"] is False
    assert any("root differs" in p for p in body["snelleControle"]["problemen"])


def test_the_quick_check_catches_a_missing_node(client: FlaskClient, services: Services, logboek: Logboek) -> None:
    with services.engine.begin() as connection:
        connection.execute(delete(LogknoopRow).where(LogknoopRow.niveau == 0, LogknoopRow.positie == 4))
    body = _view(client, logboek.fg)
    assert body["snelleControle"]["intact"] is False
    assert any("do not give the root" in p for p in body["snelleControle"]["problemen"])


def test_one_fg_requested_verification_at_a_time(client: FlaskClient, services: Services, logboek: Logboek) -> None:
    """While a verification requested by an FG runs in this process, another request is refused with 409 and
    stores nothing; once it is done, a request runs again."""
    assert integriteit._EEN_TEGELIJK.acquire(blocking=False)  # as a running verification holds it
    try:
        busy = client.post("/v1/verantwoording/integriteitscontroles", headers=bearer(logboek.fg))
    finally:
        integriteit._EEN_TEGELIJK.release()
    assert busy.status_code == 409 and busy.mimetype == "application/problem+json"
    assert "already running" in busy.get_json()["detail"]
    with services.uow() as uow:
        assert uow.integriteit.latest(5) == []
    _full(client, logboek.fg)


def test_a_failing_verification_releases_the_turn(
    client: FlaskClient, services: Services, logboek: Logboek, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("injected")

    monkeypatch.setattr(logboek_service, "verifieer", broken)
    with pytest.raises(RuntimeError, match="injected"):
        integriteit.volledige_controle(services, _gebruiker(services, logboek.fg))
    monkeypatch.undo()
    assert _full(client, logboek.fg)["intact"] is True


def _gebruiker(services: Services, token: str) -> Gebruiker:
    found = authenticate(services.uow(), token)
    assert found is not None
    return found


@pytest.mark.parametrize("rol", ["procesregisseur", "beheerder"])
def test_only_an_fg_may_verify_or_read_a_controle(
    client: FlaskClient, services: Services, logboek: Logboek, rol: str
) -> None:
    controle = _full(client, logboek.fg)
    other = add_gebruiker(services, "bureau-zvh-drenthe", rol)
    assert client.post("/v1/verantwoording/integriteitscontroles", headers=bearer(other)).status_code == 403
    assert (
        client.get(f"/v1/verantwoording/integriteitscontroles/{controle['id']}", headers=bearer(other)).status_code
        == 403
    )
    with services.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(IntegriteitscontroleRow)) == 1


@pytest.mark.parametrize("ident", ["0" * 32, "onbekend", "x" * 200])
def test_an_unknown_controle_is_404(client: FlaskClient, logboek: Logboek, ident: str) -> None:
    response = client.get(f"/v1/verantwoording/integriteitscontroles/{ident}", headers=bearer(logboek.fg))
    assert response.status_code == 404 and response.mimetype == "application/problem+json"


def test_audit_verify_stores_its_outcome_for_the_fg(
    client: FlaskClient, cli_settings: Settings, logboek: Logboek
) -> None:
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    body = _view(client, logboek.fg)
    assert body["laatsteControle"]["bron"] == "cli" and body["laatsteControle"]["intact"] is True
    assert (
        f"opgeslagen als integriteitscontrole {body['laatsteControle']['id']} (zichtbaar voor de FG)" in result.output
    )


def test_an_empty_log_passes_the_quick_check(client: FlaskClient, fg: str) -> None:
    body = _view(client, fg)
    assert body["snelleControle"] == {
        "intact": True,
        "grootte": 0,
        "problemen": [],
        "gecontroleerdOp": body["snelleControle"]["gecontroleerdOp"],
    }
    assert body["laatsteCheckpoint"] is None and body["laatsteControle"] is None


def test_a_stored_controle_keeps_the_first_problems_and_the_first_bad_index(
    services: Services, logboek: Logboek, monkeypatch: pytest.MonkeyPatch
) -> None:
    def many(*_args: Any, **_kwargs: Any) -> logboek_service.Verificatie:
        found = logboek_service.Verificatie(grootte=3)
        for index in range(120, 0, -1):
            found.fout(index, f"index {index}: synthetic problem")
        return found

    monkeypatch.setattr(logboek_service, "verifieer", many)
    controle = integriteit.controleer(services, "cli")
    assert len(controle.problemen) == MAX_PROBLEMEN and controle.problemen[0] == "index 120: synthetic problem"
    assert controle.eerste_fout == 1 and not controle.intact
    integriteit.bewaar(services, controle)
    with services.uow() as uow:
        assert uow.integriteit.get(controle.id) == controle


def test_audit_verify_reports_and_exits_by_the_outcome_when_it_cannot_store_it(
    services: Services, cli_settings: Settings, logboek: Logboek, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A read-only copy of the database can be verified too: the outcome is printed and decides the exit code."""

    def read_only(*_args: Any, **_kwargs: Any) -> None:
        raise PermissionError("injected: read-only")

    monkeypatch.setattr(IntegriteitStore, "add", read_only)
    good = CliRunner().invoke(main, ["audit", "verify"])
    assert good.exit_code == 0, good.output
    assert "OK: 5 records en " in good.output
    assert "niet opgeslagen voor de FG (PermissionError: is de database alleen-lezen?)" in good.output
    with services.engine.begin() as connection:
        connection.execute(update(VerstrekkingRow).where(VerstrekkingRow.log_index == 1).values(doel="triage"))
    bad = CliRunner().invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1 and "FOUT: eerste fout bij logindex 1\n" in bad.output


def test_audit_verify_of_an_empty_log_says_that_nothing_is_covered(client: FlaskClient, cli_settings: Settings) -> None:
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: 0 records en 0 checkpoints gecontroleerd\n" in result.output
    assert "OK: de opzoektabellen dekken geen record (het logboek is leeg)\n" in result.output


def test_audit_verify_names_a_problem_of_no_single_record_without_an_index(
    cli_settings: Settings, logboek: Logboek, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A problem that concerns no record (a witness quorum not met) fails the check without a made-up index."""

    def zonder_index(*_args: Any, **_kwargs: Any) -> logboek_service.Verificatie:
        found = logboek_service.Verificatie(grootte=5, checkpoints=1)
        found.fout(None, "synthetic problem of no single record")
        return found

    monkeypatch.setattr(logboek_service, "verifieer", zonder_index)
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "FOUT: niet in orde\n  - synthetic problem of no single record\n" in result.output
    assert "logindex" not in result.output and "None" not in result.output


def test_an_unknown_bron_is_refused(services: Services, logboek: Logboek) -> None:
    with pytest.raises(ValueError, match="unknown bron"):
        integriteit.controleer(services, "cron")

"""Retention you can see: the dry run changes nothing and says what a run would destroy; after a destruction
(by bewaartermijn or by decision) nobody finds the person by BSN any more, while every log record stays and
`audit verify` (records and lookup tables) still passes; a destruction record cannot hide another casus."""

from __future__ import annotations

import datetime as dt
import io
import sys
from collections.abc import Callable
from typing import Any

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from sqlalchemy import delete, inspect, select, text, update

from service.adapters.database import make_engine
from service.adapters.migrate import upgrade
from service.adapters.orm import BetrokkeneRow, CasusRow, PartnerRow, VerstrekkingBetrokkeneRow
from service.audit.record import parse
from service.cli import main
from service.cli.common import voortgang
from service.domain.casus import new_id
from service.domain.convenant import Fase
from service.domain.verstrekking import Vernietiging
from service.service_layer.casus.bewaring import bewaarplan, retention_run
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.service_layer.verantwoording import raadplegen as verantwoording
from service.settings import Settings
from tests.helpers.beheer import approve, propose
from tests.helpers.casus import BSN_HOOFDPERSOON, BSN_SYSTEEMLID, aanmelding, bearer, refer, set_fase, vraag
from tests.helpers.verantwoording import CASE_VALUES

CLOSED = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
LONG_AFTER = CLOSED + dt.timedelta(days=366 * 20)


def _close(services: Services, casus_id: str, op: dt.datetime = CLOSED) -> None:
    with services.engine.begin() as connection:
        connection.execute(update(CasusRow).where(CasusRow.id == casus_id).values(fase="afgesloten", afgesloten_op=op))


def _shared(client: FlaskClient, services: Services, procesregisseur: str, politie: str, casus_id: str) -> None:
    """Two verstrekkingen about the casus's persons, so the log and the lookup tables name them."""
    assert vraag(client, procesregisseur, casus_id, doel="triage").status_code == 201
    set_fase(services, casus_id, Fase.PROCESREGIE)
    assert vraag(client, politie, casus_id, doel="casusoverleg", velden=["achternaam"]).status_code == 201


def _inzage(client: FlaskClient, fg: str, bsn: str) -> dict[str, Any]:
    response = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": bsn}, headers=bearer(fg))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


def _everything(services: Services) -> dict[str, list[tuple[str, ...]]]:
    """Every row of every table in the database (also those no model names), as sorted text."""
    with services.engine.connect() as connection:
        names = sorted(inspect(connection).get_table_names())
        return {
            name: sorted(
                tuple(repr(bytes(v)) if isinstance(v, bytes | memoryview) else repr(v) for v in row)
                for row in connection.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608 - names from the schema
            )
            for name in names
        }


# --- the dry run ---------------------------------------------------------------------------------------------


def test_the_dry_run_lists_what_would_be_destroyed_and_changes_nothing(
    client: FlaskClient, services: Services, cli_settings: Settings, politie: str, procesregisseur: str, fg: str
) -> None:
    due, kept = refer(client, politie), refer(client, politie)
    _shared(client, services, procesregisseur, politie, due["id"])
    _inzage(client, fg, BSN_HOOFDPERSOON)  # the lookup tables are filled: a run would delete rows there too
    _close(services, due["id"])
    _close(services, kept["id"], dt.datetime.now(dt.UTC))  # closed today: within its bewaartermijn
    before = _everything(services)
    assert sum(len(rows) for rows in before.values()) > 0

    result = CliRunner().invoke(main, ["retention", "run", "--droog"])

    assert result.exit_code == 0, result.output
    assert _everything(services) == before  # every row of every table, unchanged
    assert f"casus {due['id']}  regulier  afgesloten 2020-01-01  bewaartermijn P" in result.output
    assert kept["id"] not in result.output
    assert "droog: niets veranderd; een run op " in result.output and " zou 1 casus(sen) vernietigen" in result.output
    for value in CASE_VALUES:
        assert value not in result.output
    # and what it listed is exactly what a run destroys
    plan = bewaarplan(services)
    assert [t.casus for t in plan.casussen] == [due["id"]]
    assert plan.casussen[0].einde <= plan.moment and plan.casussen[0].sinds == CLOSED
    assert retention_run(services, now=plan.moment) == [due["id"]]


def test_a_real_run_changes_what_the_dry_run_left(services: Services, aangemeld: dict[str, Any]) -> None:
    """The comparison above can fail: a run does change the database."""
    _close(services, aangemeld["id"])
    before = _everything(services)
    assert retention_run(services) == [aangemeld["id"]]
    assert _everything(services) != before


# --- after destruction nobody finds the person ----------------------------------------------------------------


def _by_retention(client: FlaskClient, services: Services, casus_id: str, a: str, b: str) -> None:
    _close(services, casus_id)
    assert retention_run(services, now=LONG_AFTER) == [casus_id]


def _by_decision(client: FlaskClient, services: Services, casus_id: str, a: str, b: str) -> None:
    made = propose(client, a, vernietiging={"casus": casus_id}, toelichting="Synthetisch besluit tot vernietiging.")
    assert made.status_code == 201, made.get_json()
    assert approve(client, b, made.get_json()["id"]).status_code == 200


@pytest.mark.parametrize("indexed_before", [True, False], ids=["tables-filled-before", "tables-filled-after"])
@pytest.mark.parametrize("destroy", [_by_retention, _by_decision], ids=["bewaartermijn", "besluit"])
def test_after_destruction_an_access_request_by_bsn_finds_nothing_while_audit_verify_passes(
    client: FlaskClient,
    services: Services,
    politie: str,
    procesregisseur: str,
    fg: str,
    beheerder_a: str,
    beheerder_b: str,
    destroy: Callable[[FlaskClient, Services, str, str, str], None],
    indexed_before: bool,
) -> None:
    casus = refer(client, politie)
    other = refer(client, politie, **{"betrokkenen": [aanmelding()["betrokkenen"][0]]})  # the same person again
    _shared(client, services, procesregisseur, politie, casus["id"])
    _shared(client, services, procesregisseur, politie, other["id"])
    before = _inzage(client, fg, BSN_HOOFDPERSOON) if indexed_before else None
    if before is not None:
        assert before["aantalBetrokkenen"] == 2 and {r["casus"] for r in before["verstrekkingen"]} == {
            casus["id"],
            other["id"],
        }
    with services.uow() as uow:
        size = uow.log.size()
        ids = uow.casussen.betrokkene_ids(casus["id"])

    destroy(client, services, casus["id"], beheerder_a, beheerder_b)

    systeemlid = _inzage(client, fg, BSN_SYSTEEMLID)
    hoofdpersoon = _inzage(client, fg, BSN_HOOFDPERSOON)
    assert systeemlid == {"aantalBetrokkenen": 0, "afgekapt": False, "verstrekkingen": [], "rechtsstappen": []}
    # the same person in a casus that was not destroyed is still found there, and only there
    assert hoofdpersoon["aantalBetrokkenen"] == 1
    assert {r["casus"] for r in hoofdpersoon["verstrekkingen"]} == {other["id"]}
    with services.engine.connect() as connection:
        assert connection.scalars(select(BetrokkeneRow.bsn_index).where(BetrokkeneRow.casus_id == casus["id"])).all()
        assert set(
            connection.scalars(select(BetrokkeneRow.bsn_index).where(BetrokkeneRow.casus_id == casus["id"]))
        ) == {None}
        rows = connection.scalars(
            select(VerstrekkingBetrokkeneRow.log_index).where(VerstrekkingBetrokkeneRow.betrokkene_id.in_(ids))
        ).all()
    assert rows == []
    with services.uow() as uow:
        records = [parse(r.record) for r in uow.log.records()]
    assert len(records) > size  # nothing removed from the log: the destruction (and its decision) added
    named = [r for r in records if r.get("soort") == "verstrekking" and r.get("casus") == casus["id"]]
    assert len(named) == 2 and set(named[0]["betrokkenen"]) == set(ids)  # the records keep their pseudonymous ids
    vernietiging = next(r for r in records if r.get("soort") == "vernietiging")
    assert vernietiging["casus"] == casus["id"] and vernietiging["vergeten"] == sorted(ids)
    records_ok, tables_ok = logboek.verifieer(services), logboek.verifieer_index(services)
    assert records_ok.ok, records_ok.problemen
    assert tables_ok.ok and tables_ok.grootte == len(records), tables_ok.problemen


def test_audit_verify_passes_after_a_destruction(
    client: FlaskClient, services: Services, cli_settings: Settings, politie: str, procesregisseur: str, fg: str
) -> None:
    casus = refer(client, politie)
    _shared(client, services, procesregisseur, politie, casus["id"])
    _inzage(client, fg, BSN_HOOFDPERSOON)
    _by_retention(client, services, casus["id"], "", "")
    _inzage(client, fg, BSN_HOOFDPERSOON)  # the tables catch up with the destruction record
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert "OK: de opzoektabellen kloppen met de " in result.output


# --- the index check knows the destroyed persons, and nothing else -------------------------------------------


@pytest.fixture
def two_destroyed_one_kept(
    client: FlaskClient, services: Services, politie: str, procesregisseur: str, fg: str
) -> tuple[str, str]:
    """A destroyed casus and a kept one, both shared, the lookup tables filled: (destroyed id, kept id)."""
    gone, kept = refer(client, politie), refer(client, politie)
    for casus in (gone, kept):
        _shared(client, services, procesregisseur, politie, casus["id"])
    _by_retention(client, services, gone["id"], "", "")
    verantwoording.bijwerken(services)
    assert logboek.verifieer_index(services).ok
    return gone["id"], kept["id"]


def test_a_deleted_lookup_row_of_a_person_not_destroyed_is_still_found(
    services: Services, two_destroyed_one_kept: tuple[str, str]
) -> None:
    _, kept = two_destroyed_one_kept
    with services.uow() as uow:
        person = uow.casussen.betrokkene_ids(kept)[0]
    with services.engine.begin() as connection:
        connection.execute(delete(VerstrekkingBetrokkeneRow).where(VerstrekkingBetrokkeneRow.betrokkene_id == person))
    result = logboek.verifieer_index(services)
    assert not result.ok and "lookup rows" in result.problemen[0]


def test_a_destruction_record_forgetting_the_persons_of_another_casus_is_a_fault(
    services: Services, two_destroyed_one_kept: tuple[str, str]
) -> None:
    """Someone who may append to the log tries to hide the kept casus's persons from access requests."""
    gone, kept = two_destroyed_one_kept
    with services.uow() as uow:
        victims = tuple(uow.casussen.betrokkene_ids(kept))
    services.log.append(Vernietiging(new_id(), LONG_AFTER, gone, "regulier", "bewaartermijn", victims))
    verantwoording.bijwerken(services)  # the tables drop the victims' rows as the forged record asks
    assert logboek.verifieer(services).ok  # the record itself is a proper log record ...
    result = logboek.verifieer_index(services)
    assert not result.ok  # ... but it forgets persons of a casus it did not destroy
    assert "forgotten by the destruction of another casus" in result.problemen[0]


def test_a_destroyed_persons_row_put_back_is_found(services: Services, two_destroyed_one_kept: tuple[str, str]) -> None:
    gone, _ = two_destroyed_one_kept
    with services.uow() as uow:
        person = uow.casussen.betrokkene_ids(gone)[0]
    with services.engine.begin() as connection:
        connection.execute(
            VerstrekkingBetrokkeneRow.__table__.insert().values(betrokkene_id=person, log_index=0, tijd=CLOSED)
        )
    assert not logboek.verifieer_index(services).ok


# --- progress, and the migration for destructions made before ---------------------------------------------------


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False], ids=["terminal", "pipe"])
def test_progress_is_shown_on_standard_error_only_when_it_is_a_terminal(
    monkeypatch: pytest.MonkeyPatch, terminal: bool
) -> None:
    stderr = _Terminal() if terminal else io.StringIO()
    monkeypatch.setattr(sys, "stderr", stderr)
    with voortgang(3, "vernietigen") as stappen:
        for _ in range(3):
            next(stappen)
    assert ("vernietigen" in stderr.getvalue()) is terminal
    assert ("100%" in stderr.getvalue()) is terminal


def test_migration_0016_deletes_the_blind_index_of_casussen_destroyed_before(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine, "0015")
    with engine.begin() as connection:
        connection.execute(
            PartnerRow.__table__.insert().values(
                id="p", oin="0" * 20, naam="Synthetische partner", type="t", actief=True
            )
        )
        for casus_id, vernietigd in (("gone", CLOSED), ("kept", None)):
            connection.execute(
                CasusRow.__table__.insert().values(
                    id=casus_id, casustype="regulier", fase="afgesloten", gemeente="assen", onderwerp="overlast",
                    aanmelder="p", aangemeld_op=CLOSED, gewijzigd_op=CLOSED, vernietigd_op=vernietigd,
                )
            )  # fmt: skip
            connection.execute(
                BetrokkeneRow.__table__.insert().values(
                    id=f"b-{casus_id}", casus_id=casus_id, rol="hoofdpersoon", bsn_index="ab" * 32
                )
            )
    upgrade(engine)
    with engine.connect() as connection:
        found = dict(connection.execute(select(BetrokkeneRow.casus_id, BetrokkeneRow.bsn_index)).all())
    engine.dispose()
    assert found == {"gone": None, "kept": "ab" * 32}

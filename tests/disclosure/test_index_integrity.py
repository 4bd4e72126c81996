"""The lookup tables derived from the log (`verstrekking_betrokkenen`, `verstrekking_grondslagen`) are checked
against the records by `logboek.verifieer_index` and `deelpoort audit verify`: an access request reads them, so a
row deleted, changed or added there must not go unnoticed."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, delete, func, insert, select, update

from service import create_app
from service.adapters.orm import VerantwoordingIndexRow, VerstrekkingBetrokkeneRow, VerstrekkingGrondslagRow
from service.cli import main
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.service_layer.verantwoording import raadplegen as verantwoording
from service.settings import Settings
from tests.helpers.logboek import synthetic

RECORDS = 40  # synthetic records in the indexed log

B = VerstrekkingBetrokkeneRow
G = VerstrekkingGrondslagRow


@pytest.fixture
def indexed(settings: Settings, migrated_database: None) -> Iterator[Services]:
    app = create_app(dataclasses.replace(settings, checkpoint_records=8, checkpoint_seconds=3600))
    services: Services = app.extensions["deelpoort"]
    for n in range(RECORDS):
        services.log.append(synthetic(n))
    assert verantwoording.bijwerken(services) == RECORDS
    yield services
    services.engine.dispose()


def _check(services: Services, change: Callable[[Connection], None]) -> logboek.Verificatie:
    """Apply `change`; check in blocks of 4 and of 5,000, which must agree."""
    with services.engine.begin() as connection:
        change(connection)
    result = logboek.verifieer_index(services)
    small = logboek.verifieer_index(services, block=4)
    assert (small.ok, small.eerste_fout, small.problemen) == (result.ok, result.eerste_fout, result.problemen)
    return result


def _first_person(connection: Connection, index: int) -> str:
    found = connection.scalar(select(B.betrokkene_id).where(B.log_index == index).order_by(B.betrokkene_id))
    assert found is not None
    return found


def test_untouched_lookup_tables_agree_with_the_records(indexed: Services) -> None:
    result = _check(indexed, lambda c: None)
    assert result.ok, result.problemen
    assert result.grootte == RECORDS
    with indexed.engine.connect() as connection:  # not vacuous: each record names its betrokkene and a place
        assert connection.scalar(select(func.count()).select_from(B)) == 2 * RECORDS
        assert connection.scalar(select(func.count()).select_from(G)) == RECORDS


@pytest.mark.parametrize("index", [0, 13, RECORDS - 1])
def test_a_deleted_person_row_is_caught(indexed: Services, index: int) -> None:
    """What an attacker does to hide a verstrekking from one person's access request."""

    def change(connection: Connection) -> None:
        person = _first_person(connection, index)
        connection.execute(delete(B).where(B.log_index == index, B.betrokkene_id == person))

    result = _check(indexed, change)
    assert not result.ok and result.eerste_fout == index
    assert result.problemen == [f"index {index}: its lookup rows (access requests, grondslagen) differ from the record"]


def test_a_person_row_moved_to_someone_else_is_caught(indexed: Services) -> None:
    def change(connection: Connection) -> None:
        person = _first_person(connection, 21)
        connection.execute(update(B).where(B.log_index == 21, B.betrokkene_id == person).values(betrokkene_id="x" * 32))

    assert _check(indexed, change).eerste_fout == 21


def test_a_changed_time_of_a_person_row_is_caught(indexed: Services) -> None:
    """The time chooses a person's page: moved, the verstrekking drops out of the period asked for."""

    def change(connection: Connection) -> None:
        person = _first_person(connection, 5)
        moment = connection.scalar(select(B.tijd).where(B.log_index == 5, B.betrokkene_id == person))
        assert moment is not None
        later = moment + dt.timedelta(days=400)
        connection.execute(update(B).where(B.log_index == 5, B.betrokkene_id == person).values(tijd=later))

    assert _check(indexed, change).eerste_fout == 5


@pytest.mark.parametrize(
    ("index", "change"),
    [
        (30, lambda c: c.execute(delete(G).where(G.log_index == 30))),
        (7, lambda c: c.execute(insert(G).values(grondslag="wpg-16", log_index=7))),
        (11, lambda c: c.execute(update(G).where(G.log_index == 11).values(grondslag="wpg-16"))),
    ],
)
def test_a_changed_grondslag_row_is_caught(indexed: Services, index: int, change: Callable[[Connection], None]) -> None:
    assert _check(indexed, change).eerste_fout == index


def test_rows_beyond_what_the_tables_claim_to_cover_are_caught(indexed: Services) -> None:
    """Lowering `tot` would make catch_up index those records again; rows already there are stray."""
    result = _check(indexed, lambda c: c.execute(update(VerantwoordingIndexRow).values(tot=20)))
    assert not result.ok and result.eerste_fout == 20
    assert result.problemen == ["index 20: lookup rows for a record beyond the 20 the tables cover"]


def test_a_claim_to_cover_more_than_the_log_is_caught(indexed: Services) -> None:
    """Raising `tot` would keep records appended later out of the tables, and so out of access requests."""
    result = _check(indexed, lambda c: c.execute(update(VerantwoordingIndexRow).values(tot=RECORDS + 5)))
    assert not result.ok and result.eerste_fout == RECORDS
    assert result.problemen == [f"the lookup tables claim to cover {RECORDS + 5} records, the log has {RECORDS}"]


def test_records_not_yet_indexed_are_not_a_problem(indexed: Services) -> None:
    for n in range(3):
        indexed.log.append(synthetic(RECORDS + n))
    result = logboek.verifieer_index(indexed)
    assert result.ok and result.grootte == RECORDS


def test_the_cli_says_plainly_when_the_lookup_tables_cover_nothing_yet(
    settings: Settings, migrated_database: None, cli_settings: Settings
) -> None:
    """Right after the demo is installed nothing is indexed yet: no "kloppen met de 0 records die ze dekken"."""
    app = create_app(dataclasses.replace(settings, checkpoint_records=8, checkpoint_seconds=3600))
    services: Services = app.extensions["deelpoort"]
    for n in range(3):
        services.log.append(synthetic(n))
    services.engine.dispose()
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert (
        "OK: de opzoektabellen dekken nog geen record: alle 3 worden toegevoegd voordat de volgende zoekvraag van de "
        "FG beantwoord wordt\n"
    ) in result.output
    assert "0 records die ze dekken" not in result.output


def test_the_cli_checks_the_lookup_tables_too(indexed: Services, cli_settings: Settings) -> None:
    good = CliRunner().invoke(main, ["audit", "verify"])
    assert good.exit_code == 0, good.output
    assert f"OK: de opzoektabellen kloppen met de {RECORDS} records die ze dekken\n" in good.output
    indexed.log.append(synthetic(RECORDS))
    later = CliRunner().invoke(main, ["audit", "verify"])
    assert later.exit_code == 0, later.output
    assert (
        f"OK: de opzoektabellen kloppen met de {RECORDS} records die ze dekken "
        "(het overige record wordt toegevoegd voordat de volgende zoekvraag van de FG beantwoord wordt)"
    ) in later.output
    with indexed.engine.begin() as connection:
        person = _first_person(connection, 17)
        connection.execute(delete(B).where(B.log_index == 17, B.betrokkene_id == person))
    bad = CliRunner().invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1
    assert f"OK: {RECORDS + 1} records en " in bad.output  # the log itself is intact
    assert "FOUT: opzoektabellen, eerste fout bij logindex 17" in bad.output

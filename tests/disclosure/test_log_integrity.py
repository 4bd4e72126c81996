"""Tamper evidence (DESIGN invariant 6): `audit verify` catches every change, deletion, insertion, reordering
and truncation of log records, at several positions, also when the attacker recomputes every derived hash."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, delete, select, update

from service import create_app
from service.adapters.orm import CheckpointRow, LoghoofdRow, LogknoopRow, VerstrekkingRow
from service.cli import main
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.logboek import forge_record, modify_record, rebuild_derived, synthetic, tamper

RECORDS = 40
EVERY = 8  # the first record is checkpointed at once, then every 8: sizes 1, 9, 17, 25, 33 (+ 40, signed at the end)
CHECKPOINTS = [1, 9, 17, 25, 33, 40]


def covering(index: int) -> int:
    """The last index of the first checkpointed tree that includes `index` (where a rebuilt forgery shows)."""
    return next(size for size in CHECKPOINTS if size > index) - 1


@pytest.fixture
def log_services(settings: Settings, migrated_database: None) -> Iterator[Services]:
    app = create_app(dataclasses.replace(settings, checkpoint_records=EVERY, checkpoint_seconds=3600))
    services: Services = app.extensions["deelpoort"]
    for n in range(RECORDS):
        services.log.append(synthetic(n))
    services.log.checkpoint_now()  # as `deelpoort audit checkpoint` (cron) does for the tail
    with services.uow() as uow:
        assert [c.grootte for c in uow.log.checkpoints()] == CHECKPOINTS
    yield services
    services.engine.dispose()


def test_an_untouched_log_verifies(log_services: Services) -> None:
    result = logboek.verifieer(log_services)
    assert result.ok, result.problemen
    assert (result.grootte, result.checkpoints) == (RECORDS, len(CHECKPOINTS))


POSITIONS = [0, 17, RECORDS - 1]


@pytest.mark.parametrize("index", POSITIONS)
def test_a_modified_record_is_caught(log_services: Services, index: int) -> None:
    result = tamper(log_services, modify_record(index))
    assert not result.ok and result.eerste_fout == index


@pytest.mark.parametrize("index", POSITIONS)
def test_a_modified_record_with_every_hash_recomputed_is_caught_by_the_checkpoints(
    log_services: Services, index: int
) -> None:
    def change(connection: Connection) -> None:
        modify_record(index)(connection)
        rebuild_derived(connection)

    result = tamper(log_services, change)
    assert not result.ok
    assert any("root differs" in p for p in result.problemen)
    assert result.eerste_fout == covering(index)


@pytest.mark.parametrize("index", POSITIONS)
@pytest.mark.parametrize("rebuild", [False, True])
def test_a_deleted_record_is_caught(log_services: Services, index: int, rebuild: bool) -> None:
    def change(connection: Connection) -> None:
        connection.execute(delete(VerstrekkingRow).where(VerstrekkingRow.log_index == index))
        if rebuild:
            rebuild_derived(connection)

    result = tamper(log_services, change)
    assert not result.ok
    assert result.eerste_fout is not None and result.eerste_fout <= covering(index)


@pytest.mark.parametrize("index", POSITIONS)
@pytest.mark.parametrize("rebuild", [False, True])
def test_an_inserted_record_is_caught(log_services: Services, index: int, rebuild: bool) -> None:
    def change(connection: Connection) -> None:
        connection.execute(
            update(VerstrekkingRow)
            .where(VerstrekkingRow.log_index >= index)
            .values(log_index=VerstrekkingRow.log_index + 1000)
        )
        connection.execute(
            update(VerstrekkingRow)
            .where(VerstrekkingRow.log_index >= 1000)
            .values(log_index=VerstrekkingRow.log_index - 999)
        )
        forge_record(connection, index)
        if rebuild:
            rebuild_derived(connection)

    result = tamper(log_services, change)
    assert not result.ok
    assert result.eerste_fout is not None and result.eerste_fout <= covering(index)


@pytest.mark.parametrize(("first", "second"), [(0, 1), (5, 30), (RECORDS - 2, RECORDS - 1)])
@pytest.mark.parametrize("rebuild", [False, True])
def test_reordered_records_are_caught(log_services: Services, first: int, second: int, rebuild: bool) -> None:
    def change(connection: Connection) -> None:
        table = VerstrekkingRow.__table__
        connection.execute(update(table).where(table.c.log_index == first).values(log_index=-1))
        connection.execute(update(table).where(table.c.log_index == second).values(log_index=first))
        connection.execute(update(table).where(table.c.log_index == -1).values(log_index=second))
        if rebuild:
            rebuild_derived(connection)

    result = tamper(log_services, change)
    assert not result.ok
    assert result.eerste_fout is not None and result.eerste_fout <= covering(first)


@pytest.mark.parametrize("keep", [0, 20, RECORDS - 1])
def test_truncation_is_caught_even_with_every_hash_recomputed(log_services: Services, keep: int) -> None:
    def change(connection: Connection) -> None:
        connection.execute(delete(VerstrekkingRow).where(VerstrekkingRow.log_index >= keep))
        rebuild_derived(connection)

    result = tamper(log_services, change)
    assert not result.ok
    assert any("beyond the log" in p or "root differs" in p for p in result.problemen)


def test_a_forged_checkpoint_note_is_caught(log_services: Services) -> None:
    def change(connection: Connection) -> None:
        note = connection.scalar(select(CheckpointRow.notitie).where(CheckpointRow.grootte == 17))
        assert note is not None
        lines = note.split("\n")
        lines[1] = "16"
        connection.execute(update(CheckpointRow).where(CheckpointRow.grootte == 17).values(notitie="\n".join(lines)))

    result = tamper(log_services, change)
    assert not result.ok and result.eerste_fout == 16


def test_a_changed_query_column_is_caught(log_services: Services) -> None:
    result = tamper(
        log_services,
        lambda c: c.execute(
            update(VerstrekkingRow).where(VerstrekkingRow.log_index == 3).values(partner_id="ggz-drenthe")
        ),
    )
    assert not result.ok and result.eerste_fout == 3


def test_a_changed_stored_node_is_caught(log_services: Services) -> None:
    result = tamper(
        log_services,
        lambda c: c.execute(
            update(LogknoopRow).where(LogknoopRow.niveau == 2, LogknoopRow.positie == 3).values(hash=b"\x00" * 32)
        ),
    )
    assert not result.ok and result.eerste_fout == 12


def test_the_cli_exits_non_zero_and_names_the_first_bad_index(log_services: Services, cli_settings: Settings) -> None:
    good = CliRunner().invoke(main, ["audit", "verify"])
    assert good.exit_code == 0, good.output
    assert f"OK: {RECORDS} records en " in good.output
    with log_services.engine.begin() as connection:
        modify_record(17)(connection)
    bad = CliRunner().invoke(main, ["audit", "verify"])
    assert bad.exit_code == 1
    assert "FOUT: eerste fout bij logindex 17" in bad.output


@pytest.mark.parametrize("block_level", [0, 2, 13])
def test_an_untouched_log_verifies_in_any_block_size(log_services: Services, block_level: int) -> None:
    result = logboek.verifieer(log_services, block_level=block_level)
    assert result.ok, result.problemen
    assert (result.grootte, result.checkpoints) == (RECORDS, len(CHECKPOINTS))


@pytest.mark.parametrize("index", [0, 13, RECORDS - 1])
def test_a_changed_time_column_is_caught(log_services: Services, index: int) -> None:
    """The time column is compared in the record's spelling (per database), to the microsecond."""

    def change(connection: Connection) -> None:
        tijd = connection.scalar(select(VerstrekkingRow.tijd).where(VerstrekkingRow.log_index == index))
        assert tijd is not None
        later = tijd + dt.timedelta(microseconds=1)
        connection.execute(update(VerstrekkingRow).where(VerstrekkingRow.log_index == index).values(tijd=later))

    result = tamper(log_services, change)
    assert not result.ok and result.eerste_fout == index
    assert result.problemen == [f"index {index}: query columns differ from the record"]


@pytest.mark.parametrize("garbage", [b"\xff\xfe not text", b"[1, 2, 3]", b'{"id": '])
def test_a_record_that_is_not_a_json_object_is_caught_even_with_every_hash_recomputed(
    log_services: Services, garbage: bytes
) -> None:
    """The database's JSON functions cannot read it (PostgreSQL stops with an error): still named, by index."""

    def change(connection: Connection) -> None:
        connection.execute(update(VerstrekkingRow).where(VerstrekkingRow.log_index == 37).values(record=garbage))
        rebuild_derived(connection)

    result = tamper(log_services, change)
    assert not result.ok
    assert result.eerste_fout == 37
    assert any(p.startswith("index 37:") for p in result.problemen), result.problemen


def test_a_changed_leaf_node_is_caught(log_services: Services) -> None:
    result = tamper(
        log_services,
        lambda c: c.execute(
            update(LogknoopRow).where(LogknoopRow.niveau == 0, LogknoopRow.positie == 21).values(hash=b"\x01" * 32)
        ),
    )
    assert not result.ok and result.eerste_fout == 21
    assert result.problemen == ["stored log node at level 0, position 21 is wrong or missing"]


@pytest.mark.parametrize("level", [0, 1, 3, 6])
def test_a_stored_node_beyond_the_tree_is_caught(log_services: Services, level: int) -> None:
    result = tamper(
        log_services,
        lambda c: c.execute(
            LogknoopRow.__table__.insert().values(niveau=level, positie=RECORDS >> level, hash=b"\x02" * 32)
        ),
    )
    assert not result.ok and result.eerste_fout == RECORDS - 1
    assert result.problemen == [
        f"level {level} holds {(RECORDS >> level) + 1} stored log nodes, the tree has {RECORDS >> level}"
    ]


def test_a_deleted_latest_checkpoint_is_caught(log_services: Services) -> None:
    """The log head keeps the latest checkpoint's size: without it, deleting the newest signed checkpoint would
    leave a log that still verifies (every remaining checkpoint is valid)."""
    result = tamper(log_services, lambda c: c.execute(delete(CheckpointRow).where(CheckpointRow.grootte == RECORDS)))
    assert not result.ok
    assert any("latest checkpoint as size 40, the latest stored is size 33" in p for p in result.problemen)


def test_a_head_holding_off_checkpoints_is_caught(log_services: Services) -> None:
    """Pushing the head's latest-checkpoint size forward would keep the writer from signing new checkpoints."""
    result = tamper(log_services, lambda c: c.execute(update(LoghoofdRow).values(checkpoint_grootte=10**6)))
    assert not result.ok
    assert any("latest checkpoint as size 1000000" in p for p in result.problemen)


@pytest.mark.parametrize(
    ("column", "value", "named"),
    [
        ("sleutel_id", "0badc0de", "key id"),
        ("tijd", dt.datetime(2020, 1, 1, tzinfo=dt.UTC), "time"),
    ],
    ids=["key-id", "time"],
)
def test_a_changed_time_or_key_id_of_an_older_checkpoint_is_caught(
    log_services: Services, column: str, value: object, named: str
) -> None:
    """Every column of every checkpoint must say what its signed note says, not only the newest's (issue 20)."""
    result = tamper(
        log_services,
        lambda c: c.execute(update(CheckpointRow).where(CheckpointRow.grootte == 17).values({column: value})),
    )
    assert not result.ok and result.eerste_fout == 16
    assert f"checkpoint of size 17: columns differ from its note ({named})" in result.problemen

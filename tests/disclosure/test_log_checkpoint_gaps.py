"""A removed checkpoint is noticed whenever the signing rule required it (issue 20): `audit verify` checks that
checkpoints fall at least every N records, at once after a record dated T seconds past the latest, and that the
head is less than N records past the newest; the FG's quick check the last of these. Each tamper test here
fails without the check it names (the rule's size, time or tail part)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from collections.abc import Callable, Iterator

import pytest
from click.testing import CliRunner
from sqlalchemy import Connection, delete, select, update

from service import create_app
from service.adapters.orm import CheckpointRow, LoghoofdRow
from service.cli import main
from service.service_layer.logboek import controle as logboek
from service.service_layer.logboek.schrijver import VerstrekkingLog
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.logboek import forge_record, modify_record, rebuild_derived, synthetic, tamper

EVERY = 8
T0 = dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC)


def _services(settings: Settings, records: int, seconds: int) -> Services:
    app = create_app(dataclasses.replace(settings, checkpoint_records=records, checkpoint_seconds=seconds))
    services: Services = app.extensions["deelpoort"]
    return services


def _writer(services: Services, clock: Callable[[], dt.datetime]) -> VerstrekkingLog:
    """A writer of the same log with a clock of the test's own (as another host's would be)."""
    return VerstrekkingLog(
        services.log.database, lambda: services.keys.material.signer, services.log.beleid, clock=clock
    )


@pytest.fixture
def by_size(settings: Settings, migrated_database: None) -> Iterator[Services]:
    """41 records signed by size alone: checkpoints 1, 9, 17, 25, 33, 41 (the last one the rule requires)."""
    services = _services(settings, EVERY, 3600)
    for n in range(41):
        services.log.append(synthetic(n))
    with services.uow() as uow:
        assert [c.grootte for c in uow.log.checkpoints()] == [1, 9, 17, 25, 33, 41]
    yield services
    services.engine.dispose()


@pytest.fixture
def by_time(settings: Settings, migrated_database: None) -> Iterator[Services]:
    """40 records 20 s apart, each appended when it is dated, signed by time alone (every 60 s, never 1000
    records): checkpoints 1, 4, 7, ..., 40, each at the time of the record that made it due."""
    services = _services(settings, 1000, 60)
    now = [T0]
    writer = _writer(services, lambda: now[0])
    for n in range(40):
        now[0] = T0 + dt.timedelta(seconds=20 * n)
        writer.append(dataclasses.replace(synthetic(n), tijd=now[0]))
    with services.uow() as uow:
        assert [c.grootte for c in uow.log.checkpoints()] == list(range(1, 41, 3))
    yield services
    services.engine.dispose()


def _remove(size: int) -> Callable[[Connection], None]:
    return lambda connection: connection.execute(delete(CheckpointRow).where(CheckpointRow.grootte == size))


def _remove_newest(connection: Connection) -> None:
    """Delete the newest checkpoint and set the head's copy back to the one before, as a careful attacker does
    (else `check_head` names it)."""
    newest = connection.scalar(select(CheckpointRow.grootte).order_by(CheckpointRow.grootte.desc()).limit(1))
    _remove(newest)(connection)
    size, tijd = connection.execute(
        select(CheckpointRow.grootte, CheckpointRow.tijd).order_by(CheckpointRow.grootte.desc()).limit(1)
    ).one()
    connection.execute(update(LoghoofdRow).values(checkpoint_grootte=size, checkpoint_tijd=tijd))


RULE = f"(signing rule: every {EVERY} records or 3600 s)"


@pytest.mark.parametrize(
    ("size", "problem", "first"),
    [
        (1, f"the first checkpoint has size 9: the first record is signed at once {RULE}", 0),
        (9, f"no checkpoint between sizes 1 and 17: one was removed {RULE}", 1),
        (17, f"no checkpoint between sizes 9 and 25: one was removed {RULE}", 9),
        (33, f"no checkpoint between sizes 25 and 41: one was removed {RULE}", 25),
    ],
)
def test_a_deleted_older_checkpoint_is_caught(by_size: Services, size: int, problem: str, first: int) -> None:
    result = tamper(by_size, _remove(size))
    assert result.problemen == [problem]
    assert result.eerste_fout == first
    assert logboek.snelle_controle(by_size).ok  # the quick check sees only the latest two and the tail


@pytest.mark.parametrize("rewrite", [False, True])
def test_a_removed_newest_checkpoint_the_rule_required_is_caught_even_after_rewriting_what_it_covered(
    by_size: Services, rewrite: bool
) -> None:
    """The attack of issue 20: delete the newest checkpoint (41), set the head's copy back to the one before
    (33), rewrite record 35 that only the deleted one covered and recompute its leaf and every stored node. No
    root differs any more; but 41 was required (8 records past 33), so the tail is longer than the rule allows."""

    def change(connection: Connection) -> None:
        _remove_newest(connection)
        if rewrite:
            modify_record(35)(connection)
            rebuild_derived(connection)

    result = tamper(by_size, change)
    tail = f"the head is 8 records past the newest checkpoint (size 33): its checkpoint was removed {RULE}"
    assert result.problemen == [tail]
    assert result.eerste_fout == 33
    assert logboek.snelle_controle(by_size).problemen == [tail]


def test_a_removed_newest_checkpoint_of_a_tail_shorter_than_the_rule_is_not_noticed_without_witnesses(
    by_size: Services,
) -> None:
    """What remains undetectable from the database alone: a checkpoint the rule did not require yet (here one
    `deelpoort audit checkpoint` signed at 44, 3 records past 41) can be deleted with the head's copy set back,
    and the records only it covered rewritten with every hash recomputed: the log is then one the rule allows.
    Only a copy of that checkpoint kept outside the database catches it: a partner's receipt, or the witnesses
    of issue 20 (items 2-3), which keep the latest checkpoint they cosigned."""
    for n in range(3):
        by_size.log.append(synthetic(100 + n))
    assert by_size.log.checkpoint_now() is not None

    def change(connection: Connection) -> None:
        _remove_newest(connection)
        modify_record(42)(connection)
        rebuild_derived(connection)

    assert tamper(by_size, change).ok
    assert logboek.snelle_controle(by_size).ok


@pytest.mark.parametrize(("forged", "caught"), [(EVERY - 1, False), (EVERY, True)])
def test_a_tail_longer_than_the_rule_is_caught(by_size: Services, forged: int, caught: bool) -> None:
    """Records appended after the newest checkpoint (41) with every hash recomputed: unsigned, so a short tail
    of forged records is not noticed (it would be once signed by the next checkpoint, or against a witness);
    a tail as long as the rule signs is."""

    def change(connection: Connection) -> None:
        for offset in range(forged):
            forge_record(connection, 41 + offset)
        rebuild_derived(connection)

    result = tamper(by_size, change)
    quick = logboek.snelle_controle(by_size)
    tail = f"the head is {EVERY} records past the newest checkpoint (size 41): its checkpoint was removed {RULE}"
    assert (result.problemen, quick.problemen) == (([tail], [tail]) if caught else ([], []))


def test_a_log_signed_by_time_verifies(by_time: Services) -> None:
    result = logboek.verifieer(by_time)
    assert result.ok, result.problemen
    assert logboek.snelle_controle(by_time).ok


TIME_RULE = "(signing rule: every 1000 records or 60 s)"


def test_a_checkpoint_missing_in_the_middle_of_a_log_signed_by_time_is_caught(by_time: Services) -> None:
    """Checkpoint 19 was made due by record 18, dated 60 s after checkpoint 16: without it, records 18 to 20 (the
    latest dated 100 s after 16) are followed by no checkpoint until 22. The sizes alone (6 of 1000) say nothing."""
    result = tamper(by_time, _remove(19))
    assert result.problemen == [
        "a record dated 100 s after the checkpoint of size 16 is not followed by one at once (the next is of size 22):"
        f" one was removed {TIME_RULE}"
    ]
    assert result.eerste_fout == 16


def test_a_removed_newest_checkpoint_made_due_by_time_is_caught(by_time: Services) -> None:
    result = tamper(by_time, _remove_newest)
    assert result.problemen == [
        f"a record dated 60 s after the newest checkpoint (size 37) is unsigned: its checkpoint was removed {TIME_RULE}"
    ]
    assert logboek.snelle_controle(by_time).ok  # the quick check reads no record times


def test_the_rule_is_checked_as_given_so_history_written_under_larger_settings_still_verifies(
    by_size: Services,
) -> None:
    """Settings lowered after the log was written (every 4 records now): the history breaks the rule in force,
    and verifies against the rule it was written under (`audit verify --regel 8,3600`)."""
    assert not logboek.verifieer(by_size, regel=(4, 3600)).ok
    assert logboek.verifieer(by_size, regel=(EVERY, 3600)).ok
    assert logboek.verifieer(by_size, regel=(EVERY * 2, 7200)).ok  # larger still: the rule is monotone


def test_the_cli_names_the_rule_it_checked_and_takes_another(by_size: Services, cli_settings: Settings) -> None:
    """The environment's settings (256 records by default) are larger than the log's, and its records came within
    5 s (the default T) of each checkpoint: it verifies. Given
    a smaller rule than the log was written under, `--regel` makes it fail; a malformed one is refused."""
    good = CliRunner().invoke(main, ["audit", "verify"])
    assert good.exit_code == 0, good.output
    assert (
        "ondertekenregel gecontroleerd: minstens elke 256 records of 5 s een checkpoint (DEELPOORT_CHECKPOINT_"
    ) in good.output
    strict = CliRunner().invoke(main, ["audit", "verify", "--regel", "4,3600"])
    assert strict.exit_code == 1
    assert (
        "geen checkpoint tussen grootte 1 en 9: er is er een verwijderd (ondertekenregel: elke 4 records"
        in strict.output
    )
    assert "minstens elke 4 records of 3600 s een checkpoint (--regel)" in strict.output
    for wrong, reden in (
        ("4", "geef RECORDS,SECONDEN, bijvoorbeeld 256,60"),
        ("a,b", "geef RECORDS,SECONDEN, bijvoorbeeld 256,60"),
        ("0,60", "RECORDS en SECONDEN zijn minstens 1"),
    ):
        refused = CliRunner().invoke(main, ["audit", "verify", "--regel", wrong])
        assert refused.exit_code == 2 and reden in refused.output, refused.output


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_honest_operation_never_breaks_the_rule_whatever_the_clocks(
    settings: Settings, migrated_database: None, seed: int
) -> None:
    """Single records and batches of up to 12 in beheer transactions, `audit checkpoint` at odd sizes, time
    jumping by up to two rule periods, and record times up to 90 s before or after the writer's clock (hosts
    disagreeing): the full verification and the quick check find nothing."""
    chance = random.Random(seed)
    services = _services(settings, 5, 60)
    now = [T0]
    writer = _writer(services, lambda: now[0])
    try:
        for n in range(60):
            now[0] += dt.timedelta(seconds=chance.choice([0, 1, 7, 30, 59, 60, 61, 119]))
            records = [
                dataclasses.replace(synthetic(100 * n + k), tijd=now[0] + dt.timedelta(seconds=chance.randint(-90, 90)))
                for k in range(chance.randint(1, 12))
            ]
            if chance.random() < 0.15:
                writer.checkpoint_now()
            elif len(records) > 1:
                with services.uow() as uow:
                    size = uow.log.lock_head()
                    writer.append_in(uow.log, size, records)
                    uow.commit()
            else:
                writer.append(records[0])
        result = logboek.verifieer(services)
        assert result.ok, result.problemen
        assert result.checkpoints > 10
        quick = logboek.snelle_controle(services)
        assert quick.ok, quick.problemen
    finally:
        services.engine.dispose()

"""Alembic owns the schema: migrations create exactly what the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import update

from service.adapters.database import make_engine
from service.adapters.log_store import Head, LogStore
from service.adapters.migrate import current_revision, head_revision, upgrade
from service.adapters.orm import Base, CheckpointRow, LoghoofdRow


def test_migrations_match_the_models(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    assert differences == []


def test_upgrade_is_idempotent_and_reaches_head(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    engine.dispose()


def test_0012_gives_the_log_head_the_latest_checkpoint_already_signed(database_url: str) -> None:
    """A log that had checkpoints before 0012 keeps its cadence: the head is filled from the newest one."""
    engine = make_engine(database_url)
    upgrade(engine, "0011")
    signed = [(1, dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)), (9, dt.datetime(2026, 11, 2, 9, 30, tzinfo=dt.UTC))]
    with engine.begin() as connection:
        for size, moment in signed:
            connection.execute(
                CheckpointRow.__table__.insert().values(
                    grootte=size, wortel=bytes(32), tijd=moment, sleutel_id="k", notitie="n"
                )
            )
        connection.execute(update(LoghoofdRow).values(grootte=12))
    upgrade(engine)
    with engine.connect() as connection:
        head = LogStore(connection).head()
    engine.dispose()
    assert head == Head(12, signed[-1])


def test_0012_on_a_log_without_checkpoints_leaves_none(database_url: str) -> None:
    engine = make_engine(database_url)
    upgrade(engine)
    with engine.connect() as connection:
        head = LogStore(connection).head()
    engine.dispose()
    assert head == Head(0, None)

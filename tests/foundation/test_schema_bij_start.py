"""A serving process refuses a database whose schema is not this release's (issue 25.7, upgrades with several
hosts): older means `db upgrade` was forgotten; unknown means a newer release upgraded it and this one must not
write into a schema it does not know."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from service import create_app, serving_app
from service.adapters.migrate import head_revision
from service.settings import Settings, SettingsError


def _zet_revisie(settings: Settings, revisie: str) -> None:
    """Set the schema revision the database says it is at."""
    engine = create_app(settings).extensions["deelpoort"].engine
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revisie})
    engine.dispose()


def test_a_schema_behind_the_release_is_refused_with_the_command_to_run(
    seeded_database: None, settings: Settings
) -> None:
    serving_app(settings).extensions["deelpoort"].engine.dispose()  # the migrated test database: serves
    _zet_revisie(settings, "0021")
    with pytest.raises(SettingsError, match=r"schema is at 0021, this release needs .*deelpoort db upgrade"):
        serving_app(settings)
    _zet_revisie(settings, head_revision() or "")
    serving_app(settings).extensions["deelpoort"].engine.dispose()  # at the release's revision again: serves


def test_a_schema_this_release_does_not_know_is_refused(seeded_database: None, settings: Settings) -> None:
    _zet_revisie(settings, "9999_van_later")
    with pytest.raises(SettingsError, match="does not know"):
        serving_app(settings)

"""Settings are validated at start: every bad configuration fails with a message naming the setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.settings import PROJECT_ROOT, Omgeving, Settings, SettingsError

SECRET = "x" * 40


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DEELPOORT_DATABSE_URL": "sqlite:///x"}, "unknown setting(s): DEELPOORT_DATABSE_URL"),
        ({"DEELPOORT_DATABASE_URL": "mysql://u@h/db"}, "driver 'mysql'"),
        ({"DEELPOORT_DATABASE_URL": "not a url at all"}, "is not a database URL"),
        ({"DEELPOORT_DATABASE_URL": "sqlite://"}, "in-memory SQLite"),
        ({"DEELPOORT_DATABASE_URL": ""}, "DEELPOORT_DATABASE_URL: must not be empty"),
        ({"DEELPOORT_ENV": "staging"}, "DEELPOORT_ENV: must be 'development' or 'production'"),
        ({"DEELPOORT_MAX_BODY_BYTES": "lots"}, "DEELPOORT_MAX_BODY_BYTES: must be a whole number"),
        ({"DEELPOORT_MAX_BODY_BYTES": "10"}, "at least 1024"),
        ({"DEELPOORT_LOG_LEVEL": "chatty"}, "DEELPOORT_LOG_LEVEL"),
        ({"DEELPOORT_ENV": "production", "DEELPOORT_SECRET_KEY": SECRET}, "production needs key material"),
        (
            {
                "DEELPOORT_ENV": "production",
                "DEELPOORT_KEYS_FILE": str(PROJECT_ROOT / "keys" / "dev.json"),
                "DEELPOORT_SECRET_KEY": SECRET,
            },
            "refuses key material from keys/",
        ),
        (
            {"DEELPOORT_ENV": "production", "DEELPOORT_KEYS_FILE": "/run/secrets/deelpoort.json"},
            "DEELPOORT_SECRET_KEY",
        ),
        (
            {"DEELPOORT_KEYS_FILE": "/run/secrets/k.json", "DEELPOORT_KEYS_JSON": "{}"},
            "not both",
        ),
    ],
    ids=[
        "misspelt-setting",
        "unsupported-driver",
        "garbage-url",
        "in-memory-sqlite",
        "empty-url",
        "unknown-env",
        "body-limit-not-a-number",
        "body-limit-too-small",
        "unknown-log-level",
        "production-without-keys",
        "production-keys-from-keys-dir",
        "production-without-secret-key",
        "two-key-sources",
    ],
)
def test_bad_configuration_is_refused_with_a_clear_message(environ: dict[str, str], message: str) -> None:
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert message in str(caught.value)


def test_error_messages_never_contain_secret_values() -> None:
    environ = {
        "DEELPOORT_ENV": "production",
        "DEELPOORT_KEYS_JSON": '{"kek": "SUPERSECRET"}',
        "DEELPOORT_SECRET_KEY": "short-SECRET",
    }
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(environ)
    assert "SECRET" not in str(caught.value).replace("DEELPOORT_SECRET_KEY", "")


def test_defaults_are_a_development_sqlite_file_under_instance() -> None:
    settings = Settings.from_env({})
    assert settings.omgeving is Omgeving.DEVELOPMENT
    assert settings.database_url == f"sqlite:///{PROJECT_ROOT / 'instance' / 'deelpoort.sqlite3'}"


def test_a_valid_production_configuration_is_accepted(tmp_path: Path) -> None:
    environ = {
        "DEELPOORT_ENV": "production",
        "DEELPOORT_KEYS_FILE": str(tmp_path / "secrets.json"),
        "DEELPOORT_SECRET_KEY": SECRET,
        "DEELPOORT_DATABASE_URL": "postgresql+psycopg://deelpoort@db.internal/deelpoort",
        "DEELPOORT_VERTROUWDE_PROXIES": "127.0.0.1",
        "DEELPOORT_VERNIETIGINGSJOURNAAL": "/var/lib/deelpoort/vernietigingsjournaal.jsonl",
    }
    settings = Settings.from_env(environ)
    assert settings.is_production
    assert SECRET not in repr(settings)


def test_test_harness_variables_are_not_settings() -> None:
    settings = Settings.from_env({"DEELPOORT_TEST_DATABASE_URL": "postgresql+psycopg://x@y/z"})
    assert settings.database_url.startswith("sqlite")


def test_settings_are_frozen() -> None:
    settings = Settings.from_env({})
    with pytest.raises(AttributeError):
        settings.database_url = "sqlite:///elsewhere"  # type: ignore[misc]

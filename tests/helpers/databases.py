"""Test databases: an empty one per test, or a copy of a template migrated (and seeded) once per session.

Migrating 13 Alembic revisions, syncing the partners and installing the policy cost 1-3 s; doing it once per
session and copying the result per test costs milliseconds. The same holds, at 10-30 s per install, for the demo
region as `deelpoort demo` installs it (`Inhoud.DEMO`, for the tests that read the demo and do not test its
install). The copy is exact (a file copy on SQLite, `CREATE
DATABASE ... TEMPLATE` on PostgreSQL), so a test sees the same rows, sequences and settings a fresh migration
would have left; only the timestamps the seeding wrote are from the start of the session.

Invariants:
- Every test gets a database of its own: copies are never shared, and each is removed after its test (on
  PostgreSQL in batches, see `Templates._drop_later`; never reused meanwhile).
- A template is built by exactly the steps the fixtures used to run per test (`seed`), with the same settings
  apart from the database and the instance folder; a test whose settings differ in anything else must not use
  a copy (`Templates.check_settings` refuses it).
- Names are unique per session (`dp_tpl_<random>`, `dp_t_<random>`): parallel runs and engineers sharing one
  PostgreSQL server never collide, and leftovers of a crashed run are never reused.
- A template has no open connection once built (PostgreSQL refuses to copy a database in use) and is dropped at
  the end of the session.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from service import create_app
from service.adapters.migrate import upgrade
from service.cli.demo import VERZOEKEN
from service.demo.installatie import DemoCredential, install_region
from service.demo.regio import DemoRegion, generate_region
from service.domain.casus import utcnow
from service.service_layer.beleid import actief as beleid
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT, Settings

# SQLite files beside the database that belong to it (WAL mode); `-loglock` is a lock, never copied.
_SQLITE_COMPANIONS = ("-wal",)
DROP_BATCH = 16


def postgres_or_skip() -> str:
    """The PostgreSQL URL the suite tests against; skips the test when none is set, fails when CI requires one."""
    url = os.environ.get("DEELPOORT_TEST_DATABASE_URL", "")
    if not url:
        if os.environ.get("DEELPOORT_TEST_REQUIRE_POSTGRESQL") == "1":
            pytest.fail("DEELPOORT_TEST_REQUIRE_POSTGRESQL=1 but DEELPOORT_TEST_DATABASE_URL is not set")
        pytest.skip("PostgreSQL tests need DEELPOORT_TEST_DATABASE_URL (CI sets it)")
    return url


class Inhoud(enum.Enum):
    """What a test database holds when the test starts."""

    LEEG = "leeg"  # nothing: migration and `deelpoort db upgrade` tests build the schema themselves
    GEMIGREERD = "gemigreerd"  # the schema at head, no rows
    INGERICHT = "ingericht"  # the schema, the convenant's partners and the installed policy (the `app` fixture)
    DEMO = "demo"  # INGERICHT, then the demo region as `deelpoort demo` installs it (the `demo` fixture)


DEMO_SEED = 2023  # `deelpoort demo`'s default seed


@dataclasses.dataclass(frozen=True)
class Demo:
    """The demo region a DEMO database holds: what was generated, the gebruikers' tokens, and the install's `now`
    (the region's today is `now.date()`)."""

    region: DemoRegion
    credentials: tuple[DemoCredential, ...]
    now: dt.datetime

    def credential(self, partner: str, rol: str) -> DemoCredential:
        """The first demo gebruiker of `partner` with `rol`."""
        return next(c for c in self.credentials if c.partner == partner and c.rol == rol)


def seed(services: Services) -> None:
    """Install what a new installation holds: the partners of the convenant and the policy of `policies/`."""
    with services.uow() as uow:
        uow.partners.sync(services.convenant.partners)
        uow.commit()
    beleid.installeer(services, PROJECT_ROOT / "policies")


def install_demo(services: Services) -> Demo:
    """Install the demo region with the arguments `deelpoort demo` gives it (`cli/demo.py`)."""
    now = utcnow()
    region = generate_region(services.convenant, seed=DEMO_SEED, today=now.date())
    credentials = install_region(services, region, now=now, verzoeken=VERZOEKEN, seed=DEMO_SEED, beheer=True)
    return Demo(region, tuple(credentials), now)


def build(settings: Settings, inhoud: Inhoud) -> Demo | None:
    """Bring the (empty) database of `settings` to `inhoud`, then close every connection to it; for DEMO, return
    what the demo installed."""
    if inhoud is Inhoud.LEEG:
        return None
    services: Services = create_app(settings).extensions["deelpoort"]
    try:
        upgrade(services.engine)
        if inhoud in (Inhoud.INGERICHT, Inhoud.DEMO):
            seed(services)
        return install_demo(services) if inhoud is Inhoud.DEMO else None
    finally:
        services.engine.dispose()


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


class Templates:
    """The session's templates, each built on first use and copied per test."""

    def __init__(self, workdir: Path, keys_dir: Path, postgresql_url: str) -> None:
        self._workdir = workdir
        self._keys_dir = keys_dir
        self._postgresql_url = postgresql_url
        self._sqlite: dict[Inhoud, Path] = {}
        self._postgresql: dict[Inhoud, str] = {}
        self._admin: Engine | None = None
        self._pending: list[str] = []  # per-test copies used and not dropped yet (see `_drop_later`)
        self._demo: dict[str, Demo] = {}  # per kind of database ("sqlite", "postgresql"): what its DEMO holds

    def demo(self, database_url: str) -> Demo:
        """What the DEMO template that `database_url` was copied from holds."""
        return self._demo["sqlite" if database_url.startswith("sqlite") else "postgresql"]

    def settings(self, database_url: str) -> Settings:
        """The settings every template is built with (the `settings` fixture's, on another database)."""
        return Settings(instance_path=self._workdir / "instance", database_url=database_url, keys_dir=self._keys_dir)

    def check_settings(self, settings: Settings) -> None:
        """Raise ValueError when `settings` differ from the templates' in more than database and instance."""
        expected = dataclasses.replace(self.settings(settings.database_url), instance_path=settings.instance_path)
        if settings != expected:
            raise ValueError("a copied test database needs the default test settings (build the database instead)")

    # SQLite: a file per template, copied with its WAL (empty after a clean close, copied if not).

    def sqlite(self, inhoud: Inhoud, target: Path) -> str:
        """A new SQLite file at `target` holding `inhoud`; returns its URL."""
        if inhoud is not Inhoud.LEEG:
            template = self._sqlite.get(inhoud)
            if template is None:
                template = self._workdir / f"template-{inhoud.value}.sqlite3"
                if (demo := build(self.settings(f"sqlite:///{template}"), inhoud)) is not None:
                    self._demo["sqlite"] = demo
                self._sqlite[inhoud] = template
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, target)
            for suffix in _SQLITE_COMPANIONS:
                companion = Path(f"{template}{suffix}")
                if companion.exists():
                    shutil.copyfile(companion, f"{target}{suffix}")
        return f"sqlite:///{target}"

    # PostgreSQL: an empty database gets a schema of its own in the configured database (as always); a
    # migrated one is a database of its own, copied from a template database.

    def _admin_engine(self) -> Engine:
        if self._admin is None:
            # CREATE/DROP DATABASE cannot run in a transaction block.
            self._admin = create_engine(self._postgresql_url, isolation_level="AUTOCOMMIT")
        return self._admin

    def _database_url(self, name: str) -> str:
        return make_url(self._postgresql_url).set(database=name).render_as_string(hide_password=False)

    def _execute(self, statement: str) -> None:
        with self._admin_engine().connect() as connection:
            connection.execute(text(statement))

    @contextmanager
    def postgresql(self, inhoud: Inhoud) -> Iterator[str]:
        """A new PostgreSQL database (or, for LEEG, schema) holding `inhoud`, dropped on leaving."""
        if inhoud is Inhoud.LEEG:
            schema = _unique("dp_test")
            self._execute(f'CREATE SCHEMA "{schema}"')
            url = make_url(self._postgresql_url).update_query_dict({"options": f"-csearch_path={schema}"})
            try:
                yield url.render_as_string(hide_password=False)
            finally:
                self._execute(f'DROP SCHEMA "{schema}" CASCADE')
            return
        template = self._postgresql.get(inhoud)
        if template is None:
            template = _unique("dp_tpl")
            self._execute(f'CREATE DATABASE "{template}" TEMPLATE template0')
            self._postgresql[inhoud] = template
            if (demo := build(self.settings(self._database_url(template)), inhoud)) is not None:
                self._demo["postgresql"] = demo
        name = _unique("dp_t")
        # FILE_COPY copies the template's files instead of writing every page through the WAL and the shared
        # buffers; the drop then has no dirty pages of the copy to flush (measured: 16 copies created and dropped
        # in 2.0 s instead of 2.8 s with fsync on, 0.45 s instead of 1.45 s with fsync off as in CI).
        self._execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}" STRATEGY FILE_COPY')
        try:
            yield self._database_url(name)
        finally:
            self._drop_later(name)

    def _drop_later(self, name: str) -> None:
        """Drop `name` with the next batch: PostgreSQL forces a checkpoint for every DROP DATABASE, which on a
        busy shared server costs seconds when it must flush everyone's dirty pages, and next to nothing when the
        previous drop just did. A batch of DROP_BATCH copies holds some 10 MB each on disk meanwhile."""
        self._pending.append(name)
        if len(self._pending) >= DROP_BATCH:
            self._drop_pending()

    def _drop_pending(self) -> None:
        while self._pending:
            # FORCE: a test may leave an engine (a second worker, a CLI run) holding a connection.
            self._execute(f'DROP DATABASE IF EXISTS "{self._pending.pop()}" WITH (FORCE)')

    def close(self) -> None:
        """Drop the PostgreSQL templates (SQLite's live in the session's temporary folder)."""
        self._drop_pending()
        for template in self._postgresql.values():
            self._execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
        self._postgresql.clear()
        if self._admin is not None:
            self._admin.dispose()
            self._admin = None

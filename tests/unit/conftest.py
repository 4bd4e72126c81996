"""Fixtures for use cases run on fakes: no database, no application, nothing from `tests/conftest.py`.

Every fixture here is self-contained (the convenant files, development keys in a temporary directory, the
fakes of `tests/unit/fakes.py`). A test in this directory that asks for a database fixture of the suite's
conftest fails, and `Services.engine` refuses every connection, so "no database" is checked, not assumed.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.adapters.casus_keys import CasusKeys
from service.convenant.versies import laad, lees_map
from service.crypto import load_key_material, write_development_keys
from service.domain.convenant import Convenant
from service.service_layer.beleid.actief import installeer
from service.service_layer.register.bron import ConvenantBron
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT
from tests.unit.fakes import FakeDatabase, FakeLog, refusing_engine
from tests.unit.scenario import T0

# The fixtures of the suite's conftest (an application, a database, its keys): a unit test uses none of them.
SUITE_FIXTURES = frozenset(
    {
        "database_url",
        "migrated_database",
        "seeded_database",
        "templates",
        "convenant",
        "keys_dir",
        "settings",
        "cli_settings",
        "app",
        "services",
        "client",
        "token",
        "token_for",
        "politie",
        "procesregisseur",
        "fg",
        "beheerder_a",
        "beheerder_b",
        "casus",
    }
)


@pytest.fixture(autouse=True)
def _no_suite_fixtures(request: pytest.FixtureRequest) -> None:
    used = SUITE_FIXTURES.intersection(request.fixturenames)
    if used:
        pytest.fail(f"a unit test uses the suite's fixtures {sorted(used)}; use those of tests/unit")


@pytest.fixture(scope="session")
def bron() -> ConvenantBron:
    """The convenant files as the version in force (no stored version: nothing is read from a database)."""
    documenten = lees_map(PROJECT_ROOT / "convenants")
    return ConvenantBron(laad(documenten), documenten, lambda: None, lambda _versie: None)


@pytest.fixture(scope="session")
def regio(bron: ConvenantBron) -> Convenant:
    return bron.seed.convenant


@pytest.fixture(scope="session")
def casus_keys(tmp_path_factory: pytest.TempPathFactory) -> CasusKeys:
    """Real development key material (the blind index of a BSN is computed by the use case itself)."""
    path = write_development_keys(tmp_path_factory.mktemp("unit-keys"))
    return CasusKeys(lambda: load_key_material(path))


@pytest.fixture
def database() -> FakeDatabase:
    return FakeDatabase()


@pytest.fixture
def log() -> FakeLog:
    return FakeLog()


@pytest.fixture
def fake_services(
    bron: ConvenantBron, casus_keys: CasusKeys, database: FakeDatabase, log: FakeLog
) -> Iterator[Services]:
    """`Services` on the fakes: every `services.uow()` is a `FakeUnitOfWork` of `database`."""
    engine = refusing_engine()
    yield Services(
        convenanten=bron,
        engine=engine,
        keys=casus_keys,
        log=log,
        production=False,
        unit_of_work=database.uow,
    )
    engine.dispose()


@pytest.fixture
def beleid(fake_services: Services, database: FakeDatabase) -> None:
    """The field policy in force (its bronregels decide what each partner may supply). The installation's own
    units of work and commits are forgotten, so a test counts only those of the use case under test."""
    installeer(fake_services, PROJECT_ROOT / "policies", now=T0)
    database.units.clear()
    database.commits = 0

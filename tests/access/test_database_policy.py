"""The policy in the database: installed from the files, read back by version (also by plain Casbin through
sqlalchemy-adapter), activated atomically for every worker, and failing closed when anything is off."""

from __future__ import annotations

import itertools
import random

import pytest
from flask import Flask
from sqlalchemy import text

from service import create_app
from service.access import Access, DecisionKey, Policy, load_policy
from service.access.database import VersionAdapter, database_enforcer
from service.adapters.orm import BeleidsregelRow
from service.domain.convenant import Convenant
from service.domain.errors import GeenBeleidError
from service.service_layer.beleid import actief as beleid
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.projectdata import POLICIES


def _active(services: Services) -> Access:
    with services.uow() as uow:
        return beleid.active_access(services, uow.beleid)


def _narrower_policy_dir(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """A copy of policies/ without the first allow line of zvh-drenthe.csv; returns (dir, "file:line" removed)."""
    removed = ""
    directory = tmp_path_factory.mktemp("policies")
    (directory / "model.conf").write_text((POLICIES / "model.conf").read_text())
    for path in POLICIES.glob("*.csv"):
        lines = path.read_text().splitlines()
        if path.name == "zvh-drenthe.csv":
            index = next(i for i, line in enumerate(lines) if line.startswith("p,") and line.endswith("allow"))
            lines.pop(index)
            removed = f"zvh-drenthe.csv:{index + 1}"
        (directory / path.name).write_text("\n".join(lines) + "\n")
    return str(directory), removed


def test_the_installed_version_compiles_to_the_same_table_as_the_files(
    services: Services, policy: Policy, access: Access
) -> None:
    beleid.CompiledPolicies.clear()
    from_database = _active(services)
    assert from_database.version == policy.version
    assert from_database.table.allowed == access.table.allowed
    assert [line.source for line in from_database.policy.lines] == [line.source for line in policy.lines]


def test_plain_casbin_reading_the_database_through_sqlalchemy_adapter_agrees_with_the_table(
    services: Services, convenant: Convenant, policy: Policy, access: Access
) -> None:
    enforcer = database_enforcer(services.engine, BeleidsregelRow, policy)
    # Every line arrived with all seven values (v6) and in file order; plain Casbin on exactly these lines is
    # proven equal to the table exhaustively in test_equivalence. Here a sample of decisions, end to end.
    assert enforcer.get_named_policy("p") == [list(line.values()) for line in policy.lines]
    rng = random.Random(5)
    partners = [rng.choice(sorted(convenant.ids("partner"))), "bureau-zvh-drenthe"]
    doelen = ["triage", "routeeroverleg", rng.choice(sorted(convenant.ids("doel")))]
    checked = 0
    for partner, rol, casustype, doel in itertools.product(
        partners, sorted(convenant.ids("rol")), sorted(convenant.casustypen()), doelen
    ):
        table = access.allowed_fields(DecisionKey(partner, rol, casustype, doel))
        for veld in sorted(convenant.ids("veld")):
            assert (veld in table) == enforcer.enforce(partner, rol, casustype, doel, veld)
            checked += 1
    assert checked == 2 * len(convenant.ids("rol")) * 2 * 3 * len(convenant.ids("veld"))


def test_the_version_adapter_is_read_only(services: Services, policy: Policy) -> None:
    adapter = VersionAdapter(services.engine, BeleidsregelRow, policy.version)
    with pytest.raises(PermissionError):
        adapter.add_policy("p", "p", ["a", "b", "c", "d", "e", "f", "allow"])
    with pytest.raises(PermissionError):
        adapter.remove_policy("p", "p", list(policy.lines[0].values()))
    enforcer = database_enforcer(services.engine, BeleidsregelRow, policy)
    enforcer.add_policy("x", "y", "regulier", "triage", "bsn", "uavg-46-bsn", "allow")  # in memory only
    with services.uow() as uow:
        stored = uow.beleid.load(policy.version)
    assert stored is not None
    assert len(stored.lines) == len(policy.lines)


def test_activation_in_one_worker_is_used_by_another_for_its_next_request(
    app: Flask, services: Services, settings: Settings, convenant: Convenant, tmp_path_factory: pytest.TempPathFactory
) -> None:
    other_worker = create_app(settings).extensions["deelpoort"]  # its own engine, same database
    before = _active(other_worker)
    held = before.table.allowed  # a request in flight holds its table: it must not change under it
    snapshot = dict(held)
    directory, removed_at = _narrower_policy_dir(tmp_path_factory)
    from pathlib import Path

    narrower, activated = beleid.installeer(services, Path(directory), activeer="altijd", door="test")
    assert activated
    after = _active(other_worker)
    assert after.version == narrower.version != before.version
    assert after.table.allowed != before.table.allowed
    lost = [(k, v) for k, grants in before.table.allowed.items() for v in grants if v not in after.allowed_fields(k)]
    gained = [(k, v) for k, grants in after.table.allowed.items() for v in grants if v not in before.allowed_fields(k)]
    assert lost and not gained  # removing an allow line only takes away
    assert all(before.allowed_fields(k)[v].regel.endswith(removed_at) for k, v in lost)
    assert dict(held) == snapshot
    other_worker.engine.dispose()


def test_no_active_version_shares_nothing(settings: Settings) -> None:
    from service.adapters.migrate import upgrade

    fresh = create_app(settings).extensions["deelpoort"]
    upgrade(fresh.engine)
    with fresh.uow() as uow:
        uow.beleid.activations()  # the table exists and is empty
    with pytest.raises(GeenBeleidError):
        _active(fresh)
    fresh.engine.dispose()


def test_a_tampered_stored_line_is_refused_when_compiled(services: Services, policy: Policy) -> None:
    with services.engine.begin() as connection:
        connection.execute(
            text("DELETE FROM beleidsregels WHERE id = (SELECT max(id) FROM beleidsregels WHERE v6 = 'deny')")
        )  # still a valid policy, but no longer the version it claims to be
    beleid.CompiledPolicies.clear()  # a worker starting now
    with pytest.raises(GeenBeleidError, match="does not match its version hash"):
        _active(services)
    beleid.CompiledPolicies.clear()


def test_a_stored_version_that_no_longer_fits_the_convenant_is_refused(services: Services, policy: Policy) -> None:
    with services.engine.begin() as connection:
        connection.execute(
            text("UPDATE beleidsregels SET v0 = 'vertrokken-partner' WHERE id = (SELECT min(id) FROM beleidsregels)")
        )
    beleid.CompiledPolicies.clear()
    with pytest.raises(GeenBeleidError, match="does not fit the convenant"):
        _active(services)
    beleid.CompiledPolicies.clear()


def test_installing_the_same_files_twice_stores_one_version(services: Services, convenant: Convenant) -> None:
    again, activated = beleid.installeer(services, POLICIES)
    assert not activated
    assert again.version == load_policy(POLICIES, convenant).version
    with services.uow() as uow:
        assert [a.versie for a in uow.beleid.activations()] == [again.version]

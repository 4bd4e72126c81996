"""Fixtures for the field policy: the real Drenthe policy, loaded and compiled once per session."""

from __future__ import annotations

import pytest

from service.access import Access, Policy, load_policy
from service.domain.convenant import Convenant
from tests.helpers.projectdata import POLICIES


@pytest.fixture(scope="session")
def policy(convenant: Convenant) -> Policy:
    return load_policy(POLICIES, convenant)


@pytest.fixture(scope="session")
def access(policy: Policy, convenant: Convenant) -> Access:
    return Access.compile(policy, convenant)

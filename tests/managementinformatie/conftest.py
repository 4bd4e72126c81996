"""Fixtures for managementinformatie: the Bureau's manager, and casussen entered through the API."""

from __future__ import annotations

import pytest

from tests.helpers.gebruikers import TokenFor

BUREAU = "bureau-zvh-drenthe"


@pytest.fixture
def manager(token_for: TokenFor) -> str:
    """The manager of the Bureau ZVH: the only rol the policy grants velden for doel managementinformatie."""
    return token_for(BUREAU, "manager")

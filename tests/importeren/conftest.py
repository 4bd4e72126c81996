"""Fixtures for importing history: the operator (a beheerder of the Bureau ZVH) and a moment to import at."""

from __future__ import annotations

import datetime as dt

import pytest

from service.domain.casus import Gebruiker, new_id, utcnow
from tests.helpers.importbestand import BUREAU


@pytest.fixture
def beheerder() -> Gebruiker:
    """The operator: a beheerder of the Bureau ZVH (the use case takes the gebruiker the entry point
    authenticated; `test_cli.py` goes through a real token)."""
    return Gebruiker(new_id(), BUREAU, "beheerder", "beheerder (synthetisch)")


@pytest.fixture
def nu() -> dt.datetime:
    """Now, to the second: the synthetic histories end before it."""
    return utcnow().replace(microsecond=0)

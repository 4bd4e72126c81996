"""Fixtures for case data tests: a casus referred by the police (helpers: `tests.helpers.casus`)."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from tests.helpers.casus import refer


@pytest.fixture
def aangemeld(client: FlaskClient, politie: str) -> dict[str, Any]:
    """A regular casus referred by the police's casusregisseur (`aanmelding()` as it is)."""
    return refer(client, politie)

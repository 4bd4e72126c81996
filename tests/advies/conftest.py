"""Fixtures for adviezen: the Bureau's procesondersteuner, and an advies body per soort (codes and ids only)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.gebruikers import TokenFor


@pytest.fixture
def ondersteuner(token_for: TokenFor) -> str:
    """A procesondersteuner of Bureau ZVH: answers questions and registers adviezen."""
    return token_for("bureau-zvh-drenthe", "procesondersteuner")


def advies(soort: str = "kort", **overrides: Any) -> dict[str, Any]:
    """A valid advies body without a casus (a kort advies by default); `overrides` replace or add keys."""
    body: dict[str, Any] = {
        "soort": soort,
        "vrager": "gemeente-emmen-veiligheid",
        "gemeente": "emmen",
        "onderwerp": "burenruzie",
        "antwoorden": ["advies-gegeven"],
        "datum": "2026-03-02",
    }
    body.update(overrides)
    return body

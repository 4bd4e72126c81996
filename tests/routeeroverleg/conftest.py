"""Fixtures for the routeeroverleg: gebruikers of the participants (helpers: `tests.helpers.routeeroverleg`)."""

from __future__ import annotations

import pytest

from tests.helpers.gebruikers import TokenFor
from tests.helpers.routeeroverleg import GGD, VT, ZVH


@pytest.fixture
def ggd(token_for: TokenFor) -> str:
    return token_for(GGD, "casusregisseur")


@pytest.fixture
def vt(token_for: TokenFor) -> str:
    return token_for(VT, "casusregisseur")


@pytest.fixture
def zvh(token_for: TokenFor) -> str:
    return token_for(ZVH, "procesregisseur")

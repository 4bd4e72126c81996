"""The project's own data files the tests read: the convenants and the demo policy."""

from __future__ import annotations

from service.settings import PROJECT_ROOT

CONVENANTEN = PROJECT_ROOT / "convenants"
POLICIES = PROJECT_ROOT / "policies"
MODEL_TEXT = (POLICIES / "model.conf").read_text(encoding="utf-8")

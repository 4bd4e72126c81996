"""Verantwoording: what the functionaris gegevensbescherming (FG) sees of the log, never case content.

Invariants:
- Every use case requires rol `fg`; the FG of a partner other than the Bureau ZVH sees only verstrekkingen to
  its own organisation.
- What leaves is built field by field from record metadata (`Regel`); a BSN for an access request is turned
  into a blind index and forgotten.
"""

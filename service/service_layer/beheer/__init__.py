"""Beheer with four eyes: proposals by one beheerder, approved or rejected by another (DESIGN invariant 8).

Invariants:
- Nothing takes effect when proposed; approval by a second beheerder changes state, marks the proposal and
  logs its history records in one transaction, which takes the log's append lock first.
- Every step is a record in the tamper-evident log, sealed by a checkpoint right after.
"""

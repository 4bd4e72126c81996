"""The routeeroverleg: early joint triage of OGGZ, Veilig Thuis and the ZVH (DESIGN invariant 7).

Invariants:
- The service sees only pseudonyms made with a key it does not hold; participants learn only that others have a
  signal about the same person, each one's risk indication and contact point.
- Every exchange is logged before anything is stored or shown.
"""

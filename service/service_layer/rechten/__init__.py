"""Rights of the betrokkene (AVG art. 18, deferral of informing): beperkingen and uitstellen.

Invariants:
- A person is named by a BSN in a request body only; it becomes the blind index of one regime here and is never
  stored, logged or returned.
- A beperking is entered and lifted by an FG or a procesregisseur of a Bureau ZVH; an uitstel by a
  casusregisseur or procesregisseur of the partner that defers, about its own flows only.
- Every step is logged (`domain.rechten.Rechtenrecord`) in the same transaction as the change it records.
- Deferred records and CTER records never reach a report for the person (`rapport.voor_betrokkene`).
"""

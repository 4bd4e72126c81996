"""The casus: aanmelding and bijdragen (what comes in), the lifecycle, overdracht and bewaring.

Invariants:
- Only a partner that actively takes part in a casus sees or changes it; anyone else is told it does not exist.
- Every change to a casus and its history entry commit in one unit of work, after all checks passed.
- Case data is stored only encrypted, per casus and veld (the repositories encrypt); the bewaartermijn ends
  in crypto-shredding that is itself logged.
"""

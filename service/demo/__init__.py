"""The synthetic demo region: partners' casussen, persons, gebruikers and log records that belong to nobody.

Used by `deelpoort demo` and by tests; never in production (the CLI refuses there). It drives the service
layer's use cases like any other caller, so what it makes is decided and logged as real work would be.

Invariants:
- Deterministic for a given seed and date; every person and value is synthetic (BSNs from the BRP test range).
- Installing is all or nothing.
"""

DEMO_GEBRUIKER = "demo"  # the gebruiker named by the generated past (history, overleggen, plans): no real one

"""The synthetic demo region: partners' casussen, persons, gebruikers and log records that belong to nobody.

Used by `deelpoort demo` and by tests; never in production (the CLI refuses there). It drives the service
layer's use cases like any other caller, so what it makes is decided and logged as real work would be.

Invariants:
- Deterministic for a given seed and date; every person and value is synthetic (BSNs from the BRP test range).
- Installing is all or nothing.
"""

import datetime as dt

DEMO_GEBRUIKER = "demo"  # the gebruiker named by the generated past (history, overleggen, plans): no real one
# Demo tokens live until 30 days after the install, so a demo installed today still answers next week; production
# uses the settings.
DEMO_TOKEN_DUUR = dt.timedelta(days=30)

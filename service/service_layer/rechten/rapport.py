"""What a report for the person (the answer to their access request) may hold: `voor_betrokkene`.

Invariants:
- A record an uitstel defers today is left out until its einddatum (the FG's own view shows it, marked).
- A record of a casus whose regime does not allow it (`domain.rechten.INZAGE_BETROKKENE`: CTER does not) is left
  out, and so is a record whose casustype is unknown: fail closed.
- The number of casussen the person is said to be found in counts only casussen with a record left in the
  report, so the count never reveals a deferred or CTER casus.
"""

from __future__ import annotations

import dataclasses

from service.domain.convenant import Regime
from service.domain.rechten import INZAGE_BETROKKENE
from service.service_layer.verantwoording.raadplegen import Inzage, InzageRegel


def voor_betrokkene(inzage: Inzage) -> Inzage:
    """The FG's access-request result as the person may see it (deferred and CTER records dropped)."""
    regels = [r for r in inzage.regels if _mag(r)]
    return dataclasses.replace(inzage, aantal_betrokkenen=len({r.casus for r in regels}), regels=regels)


def _mag(regel: InzageRegel) -> bool:
    if regel.uitgesteld is not None:
        return False
    try:
        regime = Regime(regel.casustype or "")
    except ValueError:
        return False
    return INZAGE_BETROKKENE.get(regime, False)

"""Who supplied each value of a generated demo casus: a bron the bronregels allow, as in a working region.

Invariants:
- Every value gets the first partner of the casus that the bronregels allow to supply it: the aanmelder (doel
  `aanmelding`, in fase aanmelding), else the other deelnemers in the order they joined (doel `bijdrage`, in
  fase triage). A value nobody in the casus may supply is left out, as the service would refuse it.
- A partner that took part only for a while (an incidental participant at one overleg: its deelname ended
  before the casus was closed, or ended in an open casus) supplies nothing.
- The result is grouped per (bron, doel): one aanlevering each, in the order above.
- The bronregels are asked with the register in force on the day the caller names (the installer: the day of the
  aanmelding; for the 2023 year, older than the demo's register, the install day on which they are logged).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from service.domain.casus import Casus, Deelname
from service.domain.convenant import Casustype, Fase
from service.domain.veldwaarde import JsonWaarde
from service.service_layer.casus.aanlevering import AANMELDING, BIJDRAGE, Bronregels

Plaats = tuple[str | None, str]


@dataclass(frozen=True, slots=True)
class Levering:
    """The values one partner supplied to a demo casus, under one doel, acting in its rol in the casus."""

    partner: str
    rol: str
    doel: str
    fase: Fase
    waarden: dict[Plaats, JsonWaarde]


@dataclass(frozen=True, slots=True)
class Onthouden:
    """The bronregels of one install, each question asked once: the answer depends only on the partner, rol,
    casustype, fase, doel, veld and the register's activity in force on the day (the install's thousands of
    values ask a few hundred questions)."""

    regels: Bronregels
    antwoorden: dict[tuple[object, ...], bool] = field(default_factory=dict)

    def mag(self, partner: str, rol: str, casus: tuple[Casustype, Fase], doel: str, veld: str, op: dt.date) -> bool:
        va = self.regels.services.convenant.verwerkingsactiviteit(casus[0], doel, op)
        vraag = (partner, rol, casus, doel, veld, (va.id, va.versie) if va is not None else None)
        if vraag not in self.antwoorden:
            self.antwoorden[vraag] = self.regels.mag(partner, rol, casus, doel, veld, op)
        return self.antwoorden[vraag]


def verdeel(
    regels: Bronregels | Onthouden, casus: Casus, waarden: Mapping[Plaats, JsonWaarde], op: dt.date
) -> list[Levering]:
    """The casus's values grouped per bron and doel (see the module invariants), judged by the register in force
    on `op`."""
    aanmelder = [d for d in casus.deelnames if d.partner_id == casus.aanmelder][:1]
    kandidaten = [(d.partner_id, d.rol, AANMELDING, Fase.AANMELDING) for d in aanmelder]
    kandidaten += [
        (d.partner_id, d.rol, BIJDRAGE, Fase.TRIAGE)
        for d in casus.deelnames
        if d.partner_id != casus.aanmelder and _bleef(casus, d)
    ]
    leveringen = {k: Levering(*k, {}) for k in kandidaten}
    for plaats, waarde in waarden.items():
        for kandidaat in kandidaten:
            partner, rol, doel, fase = kandidaat
            if regels.mag(partner, rol, (casus.casustype, fase), doel, plaats[1], op):
                leveringen[kandidaat].waarden[plaats] = waarde
                break
    return [levering for levering in leveringen.values() if levering.waarden]


def _bleef(casus: Casus, deelname: Deelname) -> bool:
    """Whether the deelname lasted: still active, or ended when the casus was closed (not before)."""
    if deelname.tot is None:
        return True
    return casus.afgesloten_op is not None and deelname.tot >= casus.afgesloten_op

"""A casus's lifecycle as the FG's timeline shows it beside the log's records (issue 24.2): who moved the casus
from which fase to which, when, and the codes of the step (besluit, partner, prioriteit, uitkomst).

Invariants:
- Metadata only: the step's codes from `Gebeurtenis.gegevens` (never a value about a person); the toelichting,
  free text, is never read out here. Plan van aanpak items are left out (their record is the plan's own).
- Scoped like every verantwoording use case: the FG of a Bureau ZVH sees every step; a partner's FG only the steps
  its own organisation took (another partner's actions are not its to supervise).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from service.domain.casus import Gebruiker
from service.domain.convenant import Regime
from service.domain.levensloop import Handeling
from service.domain.verantwoording import Selectie
from service.service_layer.services import Services
from service.service_layer.verantwoording.raadplegen import binnen_bereik

# The codes of a step worth showing, per handeling (all are codes or ids, see `levensloop.py` in casus/).
_CODES = ("besluit", "partner", "rol", "grondslag", "prioriteit", "uitkomst", "overdracht", "casustype")


@dataclass(frozen=True, slots=True)
class Levensloopstap:
    tijd: dt.datetime
    handeling: str
    partner: str  # who took the step
    rol: str
    van_fase: str
    naar_fase: str
    codes: tuple[tuple[str, str], ...]  # (key, code) of the step's gegevens, in `_CODES` order


def levensloop(services: Services, gebruiker: Gebruiker, casus_id: str) -> list[Levensloopstap]:
    """The casus's lifecycle steps, oldest first, as far as this FG may see them; empty for an unknown casus.

    Raises:
        NietToegestaanError: not an FG.
    """
    scope = binnen_bereik(services, gebruiker, Selectie()).partner
    with services.uow() as uow:
        casus = uow.casussen.get(casus_id)
        if casus is None:
            return []
        stappen = uow.historie.list(casus.id, Regime.of(casus.casustype))
    return [
        Levensloopstap(
            g.tijd,
            g.handeling.value,
            g.partner_id,
            g.rol,
            g.van_fase.value,
            g.naar_fase.value,
            tuple((k, str(g.gegevens[k])) for k in _CODES if g.gegevens.get(k) is not None),
        )
        for g in stappen
        if g.handeling not in (Handeling.PLAN, Handeling.AVE_FASE) and (scope is None or g.partner_id == scope)
    ]

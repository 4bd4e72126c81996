"""Which of its referred casussen an aanmelder may hear the outcome of (issue 22 item 4: terugkoppeling).

Invariants:
- Only ids and closing times of the regular casussen the caller's own partner referred and that are closed:
  metadata, no person, no value. The outcome itself leaves only through a verstrekking with doel
  `terugkoppeling` (logged, only `afsluitreden` and `overdrachtAan`).
- CTER casussen are never listed: under the Wet PGA there is no terugkoppeling through Deelpoort.
"""

from __future__ import annotations

import datetime as dt

from service.domain.casus import Gebruiker
from service.domain.convenant import Casustype
from service.domain.errors import NietToegestaanError
from service.service_layer.casus.aanmelding import AANMELDER_ROLLEN
from service.service_layer.services import Services


def afgesloten(services: Services, gebruiker: Gebruiker) -> list[tuple[str, dt.datetime]]:
    """The regular casussen the caller's partner referred that were closed: (id, afgesloten op), newest first.

    Raises:
        NietToegestaanError: the rol is not one that refers casussen.
    """
    if gebruiker.rol not in AANMELDER_ROLLEN:
        raise NietToegestaanError(f"rol '{gebruiker.rol}' does not refer casussen")
    with services.uow() as uow:
        return list(uow.casussen.afgesloten_aanmeldingen(gebruiker.partner_id, Casustype.REGULIER))

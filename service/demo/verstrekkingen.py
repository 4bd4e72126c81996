"""Synthetic verstrekkingen for the demo region, so the FG's pages and the log show something after `make run`.

Never in production (the demo command refuses there). Every one goes through `verstrekken`, so it is decided by
the active policy, the deelname and the fase, and logged like any other: the log holds released, partly
released, empty and refused requests, about as a working region would produce them.
"""

from __future__ import annotations

import contextlib
import random
import secrets
from collections.abc import Sequence

from service.domain.casus import Casus, Gebruiker, utcnow
from service.domain.errors import CasusVernietigdError, NietGevondenError, NietToegestaanError
from service.domain.verstrekking import AANLEVERDOELEN, Trace
from service.service_layer.services import Services
from service.service_layer.verstrekking.verstrekken import Verzoek, verstrekken

OUTSIDER_SHARE = 10  # about one request in this many comes from a partner that does not take part (refused)


def demo_verstrekkingen(
    services: Services, casussen: Sequence[Casus], gebruikers: Sequence[Gebruiker], *, seed: int, aantal: int = 150
) -> int:
    """Make up to `aantal` verstrekkingen by participating partners for doelen their casus's fase permits, plus
    some refused ones by outsiders; returns how many were logged. Deterministic per seed (apart from ids)."""
    rng = random.Random(seed)  # noqa: S311 - which synthetic requests to make, not a secret
    per_partner: dict[str, list[Gebruiker]] = {}
    for gebruiker in gebruikers:
        per_partner.setdefault(gebruiker.partner_id, []).append(gebruiker)
    doelen = sorted(services.convenant.ids("doel") - AANLEVERDOELEN)  # data leaves only under the others
    logged = 0
    candidates = [c for c in casussen if c.deelnames]
    rng.shuffle(candidates)
    vandaag = utcnow().date()
    for casus in candidates[:aantal]:
        permitted = [
            d
            for d in doelen
            if (va := services.convenant.verwerkingsactiviteit(casus.casustype, d, vandaag)) and casus.fase in va.fasen
        ]
        if rng.randrange(OUTSIDER_SHARE) == 0:
            inside = {d.partner_id for d in casus.deelnames}
            partner = rng.choice(sorted(p for p in per_partner if p not in inside))
            doel = rng.choice(permitted or doelen)
        else:
            partner = rng.choice(sorted({d.partner_id for d in casus.deelnames} & per_partner.keys() or {""}))
            if not partner or not permitted:
                continue
            doel = rng.choice(permitted)
        gebruiker = rng.choice(per_partner[partner])
        trace = Trace(secrets.token_hex(16), secrets.token_hex(8))
        # A refusal (not a deelnemer, fase) is logged as such, which is what the demo wants to show too.
        with contextlib.suppress(NietGevondenError, NietToegestaanError, CasusVernietigdError):
            verstrekken(services, gebruiker, casus.id, Verzoek(doel), trace)
        logged += 1
    return logged

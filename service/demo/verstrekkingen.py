"""Synthetic verstrekkingen for the demo region, so the FG's pages and the log show something after `make run`.

Never in production (the demo command refuses there). Every one goes through `verstrekken`, so it is decided by
the active policy, the deelname and the fase, and logged like any other: the log holds released, partly
released, empty and refused requests, about as a working region would produce them. Some are asked in an overleg
of the last weeks (doel casusoverleg naming it), each by a partner recorded as attending that agendapunt.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import random
import secrets
from collections.abc import Mapping, Sequence

from service.domain.casus import Casus, Gebruiker, neemt_deel, utcnow
from service.domain.errors import CasusVernietigdError, NietGevondenError, NietToegestaanError
from service.domain.overleg import OVERLEGDOEL, Overleg
from service.domain.verstrekking import AANLEVERDOELEN, Trace
from service.service_layer.services import Services
from service.service_layer.verstrekking.verstrekken import Verzoek, verstrekken

OUTSIDER_SHARE = 10  # about one request in this many comes from a partner that does not take part (refused)
IN_OVERLEG = 40  # of `aantal`, at most this many are asked in an overleg
RECENT = dt.timedelta(weeks=6)  # ... of the last six weeks


def demo_verstrekkingen(
    services: Services,
    casussen: Sequence[Casus],
    gebruikers: Sequence[Gebruiker],
    *,
    seed: int,
    aantal: int = 150,
    overleggen: Sequence[Overleg] = (),
) -> int:
    """Make up to `aantal` verstrekkingen: some in the recent `overleggen` (by partners recorded as attending),
    the rest by participating partners for doelen their casus's fase permits, plus some refused ones by outsiders;
    returns how many were logged. Deterministic per seed (apart from ids)."""
    rng = random.Random(seed)  # noqa: S311 - which synthetic requests to make, not a secret
    per_partner: dict[str, list[Gebruiker]] = {}
    for gebruiker in gebruikers:
        per_partner.setdefault(gebruiker.partner_id, []).append(gebruiker)
    doelen = sorted(services.convenant.ids("doel") - AANLEVERDOELEN)  # data leaves only under the others
    logged = _in_overleggen(services, casussen, per_partner, overleggen, random.Random(f"{seed}/overleggen"))  # noqa: S311
    candidates = [c for c in casussen if c.deelnames]
    rng.shuffle(candidates)
    vandaag = utcnow().date()
    for casus in candidates[: max(aantal - logged, 0)]:
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


def _in_overleggen(
    services: Services,
    casussen: Sequence[Casus],
    per_partner: Mapping[str, Sequence[Gebruiker]],
    overleggen: Sequence[Overleg],
    rng: random.Random,
) -> int:
    """Verstrekkingen asked in the overleggen of the last weeks: one per attending partner of a sampled agendapunt,
    for doel casusoverleg naming the overleg, by that partner's gebruiker in its rol in the casus. Only a partner
    recorded as attending, still taking part, and not incidental (its deelname ended with the occasion); only a
    casus whose fase still permits the doel. Returns how many were logged."""
    now = utcnow()
    per_id = {c.id: c for c in casussen}
    gevraagd: list[tuple[Overleg, Casus, Gebruiker]] = []
    for overleg in overleggen:
        if not now.date() - RECENT <= overleg.datum < now.date():
            continue
        for punt in overleg.agenda:
            casus = per_id.get(punt.casus)
            va = services.convenant.verwerkingsactiviteit(overleg.casustype, OVERLEGDOEL, now.date())
            if casus is None or va is None or casus.fase not in va.fasen:
                continue
            for uitnodiging in punt.uitnodigingen:
                gebruiker = _gebruiker(casus, uitnodiging.partner, per_partner)
                attending = uitnodiging.aanwezig is True and not uitnodiging.incidenteel
                if attending and gebruiker is not None and neemt_deel(casus, uitnodiging.partner, now):
                    gevraagd.append((overleg, casus, gebruiker))
    gekozen = sorted(rng.sample(range(len(gevraagd)), min(IN_OVERLEG, len(gevraagd))))
    for index in gekozen:
        overleg, casus, gebruiker = gevraagd[index]
        trace = Trace(secrets.token_hex(16), secrets.token_hex(8))
        verstrekken(services, gebruiker, casus.id, Verzoek(OVERLEGDOEL, overleg=overleg.id), trace)
    return len(gekozen)


def _gebruiker(casus: Casus, partner: str, per_partner: Mapping[str, Sequence[Gebruiker]]) -> Gebruiker | None:
    """The partner's gebruiker in its rol in the casus (else any of its gebruikers), or None."""
    eigen = per_partner.get(partner, ())
    rollen = {d.rol for d in casus.deelnames if d.partner_id == partner}
    return next((g for g in eigen if g.rol in rollen), next(iter(eigen), None))

"""Synthetic routeeroverleg signals for the demo region, so the routeeroverleg endpoints show something.

Never in production (the demo command refuses there). The pseudonyms are random: they stand for persons and
identify nobody. Each is submitted on its signaaldatum in office hours (`demo/tijdlijn.py`), but never dated
before what the log already holds (after a demo's year of verstrekkingen: just after its last record), through
a log writer with the demo's clock.
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from dataclasses import replace

from service.demo.tijdlijn import DemoKlok, Tijdlijn, in_het_verleden, laatste_tijd
from service.domain.casus import Gebruiker, utcnow
from service.service_layer.routeeroverleg.overleg import demo_trace, signaal_indienen
from service.service_layer.services import Services


def demo_signalen(services: Services, deelnemers: list[Gebruiker], *, now: dt.datetime | None = None) -> int:
    """Replace the routeeroverleg with a few synthetic signals (demo only): some form matches, one waits.

    The pseudonyms are random (the demo has no shared key): they stand for persons, identify nobody.
    Each signal goes through `signaal_indienen`, so it is validated and logged like any other.
    """
    now = now or utcnow()
    with services.uow() as uow:
        uow.routeeroverleg.delete_all()
        grootte = uow.log.lock_head()
        tijdlijn = Tijdlijn(now, laatste_tijd(uow, grootte))
        uow.commit()
    klok = DemoKlok(tijdlijn.begin)
    verleden = replace(services, log=in_het_verleden(services.log, klok))
    rng = random.Random(len(deelnemers))  # noqa: S311 - the minute of a synthetic signal, not a secret
    per_partner: dict[str, Gebruiker] = {}
    for gebruiker in deelnemers:
        per_partner.setdefault(gebruiker.partner_id, gebruiker)
    users = [per_partner[p] for p in sorted(per_partner)]
    if len(users) < 2:
        return 0
    personen = [secrets.token_hex(32) for _ in range(4)]
    plan = [  # (person, user index, risk, days ago)
        (0, 0, "hoog", 9),
        (0, 1, "acuut", 3),
        (1, 1, "verhoogd", 12),
        (1, 2 % len(users), "hoog", 5),
        (2, 0, "verhoogd", 2),
        (3, 2 % len(users), "laag", 6),
    ]
    count = 0
    for persoon, index, risico, dagen in plan:
        gebruiker = users[index]
        body = {
            "pseudoniem": personen[persoon],
            "risicoIndicatie": risico,
            "contactpunt": f"routeeroverleg-{gebruiker.partner_id}@example.org",
            "signaaldatum": (now.date() - dt.timedelta(days=dagen)).isoformat(),
        }
        gepland = dt.datetime.combine(now.date() - dt.timedelta(days=dagen), dt.time(9), tzinfo=dt.UTC)
        moment = klok.zet(max(tijdlijn.werktijd(gepland, rng), klok() + dt.timedelta(minutes=1)))
        signaal_indienen(verleden, gebruiker, body, demo_trace(), now=moment)
        count += 1
    return count

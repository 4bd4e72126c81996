"""Synthetic routeeroverleg signals for the demo region, so the routeeroverleg endpoints show something.

Never in production (the demo command refuses there). The pseudonyms are random: they stand for persons and
identify nobody.
"""

from __future__ import annotations

import datetime as dt
import secrets

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
        uow.commit()
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
        signaal_indienen(services, gebruiker, body, demo_trace(), now=now)
        count += 1
    return count

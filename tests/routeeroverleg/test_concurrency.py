"""Signals about one person that arrive at the same time still end up in one match (the matching lock)."""

from __future__ import annotations

import datetime as dt
import threading

from service.domain.casus import Gebruiker, new_id, utcnow
from service.service_layer.routeeroverleg.overleg import demo_trace, signaal_indienen
from service.service_layer.services import Services
from tests.helpers.routeeroverleg import GGD, VT, ZVH, pseudoniem_van

WRITERS = 6


def test_concurrent_signals_form_exactly_one_match(services: Services) -> None:
    partners = (GGD, VT, ZVH)
    now = utcnow()
    barrier = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def submit(index: int) -> None:
        partner = partners[index % len(partners)]
        user = Gebruiker(new_id(), partner, "procesregisseur" if partner == ZVH else "casusregisseur", "test")
        body = {
            "pseudoniem": pseudoniem_van(7),
            "risicoIndicatie": "hoog",
            "contactpunt": "0592 111 111 1",
            "signaaldatum": (now.date() - dt.timedelta(days=index)).isoformat(),
        }
        barrier.wait()
        try:
            signaal_indienen(services, user, body, demo_trace(), now=now)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with services.uow() as uow:
        stored = uow.routeeroverleg.signalen(pseudoniem_van(7))
    assert len(stored) == WRITERS
    assert len({s.match_id for s in stored}) == 1 and stored[0].match_id is not None

"""Property: over random signal sets, each participant receives exactly the minimal set for its matches.

The signal dates of one run all fall within the window, so the expected matches are simple to state: a person
(pseudonym) has a match exactly when signals of two or more different participants name it, and that match
holds every signal about the person. Each participant must then see exactly the matches it has a signal in,
with exactly organisation, name, date, risk indication and contact point per signal, and nothing else; anyone
else must not find the match (404) and must not see it listed.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service.service_layer.services import Services
from tests.helpers.casus import bearer
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.routeeroverleg import GGD, VT, ZVH, matches, pseudoniem_van, records, signaal

PARTNERS = (GGD, VT, ZVH)
RISICO = ("laag", "verhoogd", "hoog", "acuut")
CONTACT = ("0592 111 111 1", "+31 6 1234 5678", "team@example.org")
PERSONEN = 5

signal_sets = st.lists(
    st.tuples(
        st.integers(0, PERSONEN - 1),  # person
        st.integers(0, len(PARTNERS) - 1),  # participant
        st.sampled_from(RISICO),
        st.sampled_from(CONTACT),
        st.integers(0, 27),  # days ago: all within the 28-day window of each other
    ),
    max_size=12,
)

Seen = frozenset[tuple[str, str, str, str]]  # per match: (organisatie, risicoIndicatie, contactpunt, date)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(signals=signal_sets)
def test_each_participant_receives_exactly_its_matches_and_nothing_else(
    client: FlaskClient, services: Services, signals: list[tuple[int, int, str, str, int]]
) -> None:
    with services.uow() as uow:
        uow.routeeroverleg.delete_all()
        uow.commit()
    tokens = {p: add_gebruiker(services, p, "procesregisseur" if p == ZVH else "casusregisseur") for p in PARTNERS}
    today = dt.date.today()
    per_person: dict[int, list[tuple[str, str, str, str]]] = defaultdict(list)
    for person, partner_index, risico, contact, days in signals:
        partner = PARTNERS[partner_index]
        datum = (today - dt.timedelta(days=days)).isoformat()
        response = signaal(
            client,
            tokens[partner],
            pseudoniem=pseudoniem_van(person),
            risicoIndicatie=risico,
            contactpunt=contact,
            signaaldatum=datum,
        )
        assert response.status_code == 201, response.get_json()
        per_person[person].append((partner, risico, contact, datum))

    matched = {p: sigs for p, sigs in per_person.items() if len({s[0] for s in sigs}) >= 2}
    every_id: set[str] = set()
    visible: dict[str, set[str]] = {}
    for partner in PARTNERS:
        response = matches(client, tokens[partner])
        assert response.status_code == 200
        shown = response.get_json()["matches"]
        text = json.dumps(shown)
        assert all(pseudoniem_van(p) not in text for p in range(PERSONEN))
        expected = {frozenset(sigs) for sigs in matched.values() if any(s[0] == partner for s in sigs)}
        got: set[Seen] = set()
        for match in shown:
            assert set(match) == {"id", "sinds", "ontstaanOp", "status", "signalen", "besluit"}
            for s in match["signalen"]:
                assert set(s) == {"organisatie", "naam", "signaaldatum", "risicoIndicatie", "contactpunt"}
            got.add(
                frozenset(
                    (s["organisatie"], s["risicoIndicatie"], s["contactpunt"], s["signaaldatum"])
                    for s in match["signalen"]
                )
            )
            assert match["sinds"] == min(s["signaaldatum"] for s in match["signalen"])
        assert len(got) == len(shown)  # no match is shown twice
        assert got == expected
        visible[partner] = {m["id"] for m in shown}
        every_id |= visible[partner]
        assert records(services)[-1]["matches"] == [m["id"] for m in shown]

    outsider = add_gebruiker(services, "politie-noord-nederland", "casusregisseur")
    assert matches(client, outsider).status_code == 403
    for partner in PARTNERS:
        for match_id in every_id - visible[partner]:
            response = client.post(
                f"/v1/routeeroverleg/matches/{match_id}/besluit",
                json={"route": "oggz", "regie": GGD, "grondslag": "avg-6-1-e-wgs", "toelichting": "Route OGGZ."},
                headers=bearer(tokens[partner]),
            )
            assert response.status_code == 404

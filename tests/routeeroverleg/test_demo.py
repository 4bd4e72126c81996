"""The demo adds a few synthetic signals, so the routeeroverleg endpoints show matches for its participants."""

from __future__ import annotations

from flask.testing import FlaskClient

from service.demo.routeeroverleg import demo_signalen
from service.domain.casus import Gebruiker
from service.service_layer.services import Services
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.routeeroverleg import GGD, VT, ZVH, matches, records


def test_demo_signals_form_matches_for_the_participants(client: FlaskClient, services: Services) -> None:
    tokens = {
        p: add_gebruiker(services, p, "procesregisseur" if p == ZVH else "casusregisseur") for p in (GGD, VT, ZVH)
    }
    users = [
        Gebruiker("demo-" + p, p, "procesregisseur" if p == ZVH else "casusregisseur", "demo") for p in (GGD, VT, ZVH)
    ]
    assert demo_signalen(services, users) == 6
    seen = {p: matches(client, token).get_json()["matches"] for p, token in tokens.items()}
    assert all(seen[p] for p in (GGD, VT, ZVH))
    assert len({m["id"] for v in seen.values() for m in v}) == 2
    assert sum(r["handeling"] == "signaal" for r in records(services)) == 6  # logged like any other signal
    assert demo_signalen(services, users) == 6  # a second run replaces the first
    assert len(matches(client, tokens[GGD]).get_json()["matches"]) == 2  # GGD takes part in both

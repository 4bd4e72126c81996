"""The transition table: every fase x action x rol, allowed or the exact error, and nothing changes on an error."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from service.adapters.orm import CasusRow, DeelnameRow, GebeurtenisRow
from service.domain.convenant import Fase
from service.service_layer.services import Services
from tests.helpers.casus import bearer, set_fase
from tests.helpers.gebruikers import add_gebruiker

# action id -> (method, path suffix, body). Every action is tried on the same regular casus (aanmelder politie).
ACTIONS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "triage-in-behandeling": ("POST", "triage", {"besluit": "in-behandeling", "toelichting": "past bij het ZVH"}),
    "triage-procesregie": ("POST", "triage", {"besluit": "procesregie", "toelichting": "meerdere ketens nodig"}),
    "triage-advies": ("POST", "triage", {"besluit": "advies", "toelichting": "regie blijft lokaal"}),
    "triage-afgewezen": ("POST", "triage", {"besluit": "afgewezen", "toelichting": "geen hoog risico"}),
    "afsluiting": ("POST", "afsluiting", {"uitkomst": "doel-gerealiseerd", "toelichting": "plan uitgevoerd"}),
    "deelnemer-toevoegen": ("POST", "deelnemers", {"partner": "ggz-drenthe", "rol": "deelnemer"}),
    "deelnemer-verwijderen": ("DELETE", "deelnemers", {"partner": "politie-noord-nederland", "toelichting": "klaar"}),
    "prioritering": ("POST", "prioritering", {"prioriteit": 2}),
}

# What the regie may do in each fase; the fase it then moves to (None: the fase stays).
ALLOWED: dict[Fase, dict[str, Fase | None]] = {
    Fase.AANMELDING: {
        "triage-in-behandeling": Fase.TRIAGE,
        "triage-afgewezen": Fase.AFGEWEZEN,
        "deelnemer-toevoegen": None,
        "deelnemer-verwijderen": None,
        "prioritering": None,
    },
    Fase.TRIAGE: {
        "triage-procesregie": Fase.PROCESREGIE,
        "triage-advies": Fase.ADVIES,
        "triage-afgewezen": Fase.AFGEWEZEN,
        "deelnemer-toevoegen": None,
        "deelnemer-verwijderen": None,
        "prioritering": None,
    },
    Fase.PROCESREGIE: {
        "afsluiting": Fase.AFGESLOTEN,
        "deelnemer-toevoegen": None,
        "deelnemer-verwijderen": None,
        "prioritering": None,
    },
    Fase.ADVIES: {
        "afsluiting": Fase.AFGESLOTEN,
        "deelnemer-toevoegen": None,
        "deelnemer-verwijderen": None,
        "prioritering": None,
    },
    Fase.AFGEWEZEN: {},
    Fase.AFGESLOTEN: {},
}

# What a refused fase transition (409) lists as allowed.
TRANSITIONS_FROM: dict[Fase, list[str]] = {
    Fase.AANMELDING: ["aanmelding->triage", "aanmelding->afgewezen"],
    Fase.TRIAGE: ["triage->procesregie", "triage->advies", "triage->afgewezen"],
    Fase.PROCESREGIE: ["procesregie->afgesloten"],
    Fase.ADVIES: ["advies->afgesloten"],
    Fase.AFGEWEZEN: [],
    Fase.AFGESLOTEN: [],
}

SUCCESS = {"POST": 201, "DELETE": 200}


def _do(client: FlaskClient, token: str, casus_id: str, action: str) -> Any:
    method, suffix, body = ACTIONS[action]
    return client.open(f"/v1/casussen/{casus_id}/{suffix}", method=method, json=body, headers=bearer(token))


def _state(services: Services, casus_id: str) -> tuple[Any, ...]:
    with services.engine.connect() as connection:
        casus = connection.execute(
            select(CasusRow.fase, CasusRow.prioriteit, CasusRow.afgesloten_op).where(CasusRow.id == casus_id)
        ).one()
        deelnames = connection.execute(
            select(DeelnameRow.partner_id, DeelnameRow.rol, DeelnameRow.tot)
            .where(DeelnameRow.casus_id == casus_id)
            .order_by(DeelnameRow.id)
        ).all()
        entries = connection.scalar(
            select(func.count()).select_from(GebeurtenisRow).where(GebeurtenisRow.casus_id == casus_id)
        )
    return tuple(casus), tuple(map(tuple, deelnames)), entries


@pytest.mark.parametrize(
    ("fase", "action"),
    [(fase, action) for fase in Fase for action in ACTIONS],
    ids=[f"{fase.value}-{action}" for fase in Fase for action in ACTIONS],
)
def test_the_regie_may_do_exactly_what_the_fase_allows(
    client: FlaskClient, services: Services, regulier: dict[str, Any], procesregisseur: str, fase: Fase, action: str
) -> None:
    casus_id = regulier["id"]
    set_fase(services, casus_id, fase)
    before = _state(services, casus_id)
    response = _do(client, procesregisseur, casus_id, action)
    body = response.get_json()
    method = ACTIONS[action][0]
    if action in ALLOWED[fase]:
        assert response.status_code == SUCCESS[method], body
        naar = ALLOWED[fase][action] or fase
        assert body["vanFase"] == fase.value and body["naarFase"] == naar.value
        assert body["partner"] == "bureau-zvh-drenthe" and body["rol"] == "procesregisseur"
        (fase_now, _, _), _, entries = _state(services, casus_id)
        assert fase_now == naar.value
        assert entries == before[2] + 1
        return
    assert response.status_code == 409, body
    assert response.mimetype == "application/problem+json"
    if action.startswith("triage") or action == "afsluiting":
        assert body["fase"] == fase.value
        assert body["toegestaneOvergangen"] == TRANSITIONS_FROM[fase]
    assert _state(services, casus_id) == before


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("ondersteuner", 403),  # takes part (Bureau ZVH) but does not hold the regie
        ("politie", 403),  # the aanmelder's casusregisseur takes part, no regie
        ("ggz", 404),  # no part in the casus: its existence is not revealed
        ("fg", 404),  # an fg of Bureau ZVH: its partner takes part, but an fg never does
        ("other-bureau", 404),  # a procesregisseur, but of a partner that does not take part
    ],
    ids=["participant-without-regie", "aanmelder-without-regie", "non-participant", "fg", "regisseur-elsewhere"],
)
def test_anyone_but_the_regie_gets_the_same_refusal_in_every_fase(
    client: FlaskClient,
    services: Services,
    regulier: dict[str, Any],
    request: pytest.FixtureRequest,
    who: str,
    status: int,
) -> None:
    tokens = {
        "fg": lambda: add_gebruiker(services, "bureau-zvh-drenthe", "fg"),
        "other-bureau": lambda: add_gebruiker(services, "zvh-groningen", "procesregisseur"),
    }
    token = tokens[who]() if who in tokens else request.getfixturevalue(who)
    casus_id = regulier["id"]
    for fase in Fase:
        set_fase(services, casus_id, fase)
        before = _state(services, casus_id)
        for action in ACTIONS:
            response = _do(client, token, casus_id, action)
            assert response.status_code == status, (fase, action, response.get_json())
            assert response.mimetype == "application/problem+json"
            assert _state(services, casus_id) == before, (fase, action)

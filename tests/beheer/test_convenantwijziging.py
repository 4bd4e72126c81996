"""Convenant changes with four eyes (issue 10, item 2): a partner, rol, doel, grondslag or a new version of a
verwerkingsactiviteit is added only by an approved proposal, is in force for every worker from the next request
on, shows its effect on decisions before approval, and is refused whole when anything in it is wrong."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from service import create_app
from service.convenant.versies import lees_map, versie
from service.domain.casus import utcnow
from service.domain.convenant import Casustype, Fase
from service.domain.decision import DecisionKey
from service.service_layer.beheer.convenantwijziging import Toevoeging, stel_voor
from service.service_layer.logboek import controle as logboek
from service.service_layer.register import versies as convenantversies
from service.service_layer.services import Services
from service.settings import Settings
from tests.helpers.beheer import active, approve, gebruiker_of, propose, reject
from tests.helpers.casus import bearer, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.projectdata import CONVENANTEN

NIEUW = "politie-test-eenheid"  # synthetic: a partner the convenant files do not have
NIEUWE_PARTNER = {
    "id": NIEUW,
    "naam": "Politie, synthetische testeenheid",
    "oin": "00000099000000000990",
    "type": "politie",
}
BESTAANDE_POLITIE = "politie-noord-nederland"


def _convenant(document: str = "zvh-drenthe", **secties: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "convenant": {
            "document": document,
            "toevoegingen": [{"sectie": s, "inhoud": e} for s, entries in secties.items() for e in entries],
        }
    }


def _nieuwe_partner() -> dict[str, Any]:
    """A police partner signs both convenants: the CTER lines name the type politie, so it must be a CTER
    deelnemer too (the next test shows the proposal is refused otherwise)."""
    body = _convenant(partners=[NIEUWE_PARTNER])
    body["convenant"]["toevoegingen"].append(
        {"sectie": "deelnemers", "inhoud": {"partner": NIEUW}, "document": "cter-drenthe"}
    )
    return body


def _in_force(services: Services) -> str:
    return convenantversies.overzicht(services).in_werking


def _partner_ids(client: FlaskClient, token: str) -> set[str]:
    response = client.get("/v1/partners", headers=bearer(token))
    assert response.status_code == 200
    return {p["id"] for p in response.get_json()["partners"]}


def test_a_new_partner_is_in_force_only_after_a_second_beheerder_and_gets_exactly_its_diff(
    client: FlaskClient,
    services: Services,
    casus: dict[str, Any],
    procesregisseur: str,
    beheerder_a: str,
    beheerder_b: str,
) -> None:
    before = _in_force(services)
    made = propose(client, beheerder_a, **_nieuwe_partner())
    assert made.status_code == 201, made.get_json()
    voorstel = made.get_json()
    assert voorstel["soort"] == "convenant" and voorstel["convenantbasis"] == before
    assert NIEUW not in _partner_ids(client, beheerder_a)  # proposed is not in force

    # Four eyes: the proposer cannot put it in force.
    assert approve(client, beheerder_a, voorstel["id"]).status_code == 403
    assert _in_force(services) == before and services.convenant.partner(NIEUW) is None

    # The diff shows what the new partner gains through the lines that name its type: exactly what the
    # existing police partner has.
    diff = client.get(f"/v1/beleid/voorstellen/{voorstel['id']}/verschil", headers=bearer(beheerder_b)).get_json()
    assert diff["verloren"] == 0 and diff["gewijzigd"] == 0 and diff["gekregen"] > 0
    assert {g["partner"] for g in diff["groepen"]} == {NIEUW}
    assert len(diff["convenantregels"]) == 2  # the partner, and its signature of the CTER convenant
    table = active(services).table
    politie_grants = {
        (k.rol, k.casustype, k.doel, veld, grant.grondslag)
        for k, fields in table.allowed.items()
        if k.partner == BESTAANDE_POLITIE
        for veld, grant in fields.items()
    }
    gained = {
        (g["rol"], g["casustype"], g["doel"], b["veld"], b["wordt"]) for g in diff["groepen"] for b in g["beslissingen"]
    }
    assert gained == politie_grants

    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    assert _in_force(services) == voorstel["convenantversie"] != before
    assert NIEUW in _partner_ids(client, beheerder_a)
    after = active(services).table
    assert {
        (k.rol, k.casustype, k.doel, veld, grant.grondslag)
        for k, fields in after.allowed.items()
        if k.partner == NIEUW
        for veld, grant in fields.items()
    } == gained

    # End to end: a user of the new partner, added as deelnemer, receives what the policy allows.
    nieuw_token = add_gebruiker(services, NIEUW, "casusregisseur")
    toegevoegd = client.post(
        f"/v1/casussen/{casus['id']}/deelnemers",
        json={"partner": NIEUW, "rol": "deelnemer"},
        headers=bearer(procesregisseur),
    )
    assert toegevoegd.status_code == 201, toegevoegd.get_json()
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    answer = vraag(client, nieuw_token, casus["id"], doel="casusoverleg")
    assert answer.status_code == 201, answer.get_json()
    expected = after.allowed.get(DecisionKey(NIEUW, "casusregisseur", "regulier", "casusoverleg"), {})
    released = {veld: g["grondslag"] for veld, g in answer.get_json()["grondslagen"].items()}
    assert released and all(
        veld in expected and expected[veld].grondslag == grondslag for veld, grondslag in released.items()
    )

    history = client.get("/v1/beleid/geschiedenis", headers=bearer(beheerder_a)).get_json()["gebeurtenissen"]
    last = history[-1]
    assert (last["handeling"], last["onderwerp"]) == ("activering", "convenant")
    assert (last["convenantVoor"], last["convenantNa"]) == (before, voorstel["convenantversie"])
    assert logboek.verifieer(services).ok


def test_another_worker_uses_the_new_convenant_from_its_next_request(
    app: Flask, client: FlaskClient, services: Services, settings: Settings, beheerder_a: str, beheerder_b: str
) -> None:
    other = create_app(settings)  # a second worker on the same database
    other_client = other.test_client()
    assert NIEUW not in _partner_ids(other_client, beheerder_a)
    voorstel = propose(client, beheerder_a, **_nieuwe_partner()).get_json()
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    assert NIEUW in _partner_ids(other_client, beheerder_a)
    other.extensions["deelpoort"].engine.dispose()


def test_rol_doel_and_grondslag_are_added_in_one_version(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    voorstel = propose(
        client,
        beheerder_a,
        **_convenant(
            rollen=[{"id": "waarnemer", "naam": "Waarnemer", "omschrijving": "Synthetische rol voor een test."}],
            doelen=[{"id": "nazorg", "naam": "Nazorg", "omschrijving": "Synthetisch doel voor een test."}],
            grondslagen=[
                {
                    "id": "avg-6-1-c-test",
                    "naam": "Wettelijke verplichting (synthetisch)",
                    "artikel": "art. 6 lid 1 sub c AVG",
                    "gevoeligheden": ["gewoon"],
                }
            ],
        ),
    )
    assert voorstel.status_code == 201, voorstel.get_json()
    assert "waarnemer" not in services.convenant.ids("rol")
    diff = client.get(f"/v1/beleid/voorstellen/{voorstel.get_json()['id']}/verschil", headers=bearer(beheerder_b))
    # Nothing in the policy names them yet, so nothing leaves for them; only the bronregels, written for any rol
    # (`*`), now also let the new rol supply data (the use case admits only its own rollen, and the four eyes see it)
    groepen = diff.get_json()["groepen"]
    assert {(g["rol"], g["doel"]) for g in groepen} <= {("waarnemer", "aanmelding"), ("waarnemer", "bijdrage")}
    assert all(b["soort"] == "gekregen" for g in groepen for b in g["beslissingen"])
    regels = [r["regel"] for r in diff.get_json()["convenantregels"]]
    assert len(regels) == 3 and all(any(x in r for r in regels) for x in ("waarnemer", "nazorg", "avg-6-1-c-test"))
    assert approve(client, beheerder_b, voorstel.get_json()["id"]).status_code == 200
    assert "waarnemer" in services.convenant.ids("rol")
    assert "nazorg" in services.convenant.ids("doel")
    assert services.convenant.grondslag("avg-6-1-c-test") is not None
    doelen = client.get("/v1/doelen", headers=bearer(beheerder_a))
    assert "nazorg" in {d["id"] for d in doelen.get_json()["doelen"]}


def test_a_partner_that_would_break_the_policy_is_refused_naming_the_lines(
    client: FlaskClient, services: Services, beheerder_a: str
) -> None:
    response = propose(client, beheerder_a, **_convenant(partners=[NIEUWE_PARTNER]))  # not a CTER deelnemer
    assert response.status_code == 400
    reasons = [p["reason"] for p in response.get_json()["invalidParams"]]
    assert reasons and all("cter-drenthe.csv:" in r and "did not sign" in r for r in reasons)
    assert services.convenant.partner(NIEUW) is None


@pytest.mark.parametrize(
    ("partners", "expected"),
    [
        # Shape: both entries' problems at once.
        (
            [{**NIEUWE_PARTNER, "oin": "123"}, {"id": "x-zonder-naam", "oin": "00000099000000000991", "type": "ggz"}],
            ["partners[51]", "20 digits", "partners[52]", "naam"],
        ),
        # Uniqueness, then references (checked once every entry has its shape, as for the files).
        (
            [{"id": BESTAANDE_POLITIE, "naam": "Dubbel", "oin": "00000099000000000992", "type": "politie"}],
            [f"'{BESTAANDE_POLITIE}' is already defined"],
        ),
        (
            [{"id": "x-onbekend-type", "naam": "X", "oin": "00000099000000000991", "type": "bestaat-niet"}],
            ["partners[51]", "bestaat-niet"],
        ),
    ],
)
def test_every_problem_is_named_at_once_and_nothing_is_stored(
    client: FlaskClient, services: Services, beheerder_a: str, partners: list[dict[str, Any]], expected: list[str]
) -> None:
    before = _in_force(services)
    response = propose(client, beheerder_a, **_convenant(partners=partners))
    assert response.status_code == 400
    assert response.headers["Content-Type"].startswith("application/problem+json")
    text_of = str(response.get_json())
    for fragment in [*expected, "zvh-drenthe.yaml"]:  # each problem names the file and the entry
        assert fragment in text_of, text_of
    listed = client.get("/v1/beleid/voorstellen", headers=bearer(beheerder_a)).get_json()["voorstellen"]
    assert listed == [] and _in_force(services) == before
    with services.engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM convenantversies")).scalar() == 0


@pytest.mark.parametrize(
    ("body", "place"),
    [
        (_convenant(document="bestaat-niet", rollen=[{"id": "a", "naam": "A", "omschrijving": "B"}]), "document"),
        (_convenant(velden=[{"id": "x"}]), "sectie"),  # velden change what is encrypted: never through beheer
        ({"convenant": {"document": "zvh-drenthe", "toevoegingen": []}}, "toevoegingen"),
        (_convenant(rollen=[{"id": "a", "naam": "A", "omschrijving": "B", "extra": 1}]), "extra"),
    ],
)
def test_bad_proposals_are_refused_with_the_place_named(
    client: FlaskClient, services: Services, beheerder_a: str, body: dict[str, Any], place: str
) -> None:
    before = _in_force(services)
    response = propose(client, beheerder_a, **body)
    assert response.status_code == 400
    assert place in str(response.get_json())
    assert _in_force(services) == before


def test_only_a_beheerder_proposes_a_convenant_change(client: FlaskClient, fg: str, politie: str) -> None:
    for token in (fg, politie):
        assert propose(client, token, **_nieuwe_partner()).status_code == 403


def _va_casusoverleg_v2(services: Services, vanaf: dt.date, versie_nr: int = 2) -> dict[str, Any]:
    current = services.convenant.verwerkingsactiviteit(Casustype.REGULIER, "casusoverleg", dt.date.today())
    assert current is not None
    return {
        "id": current.id,
        "versie": versie_nr,
        "geldig_vanaf": vanaf.isoformat(),
        "naam": current.naam,
        "casustype": current.casustype.value,
        "doel": current.doel,
        "grondslagen": list(current.grondslagen),
        "categorieen": list(current.categorieen),
        "bewaartermijn": "P1Y",
        "fasen": ["procesregie"],  # no longer in advies
    }


def test_a_new_version_of_a_verwerkingsactiviteit_applies_from_its_date(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    morgen = utcnow().date() + dt.timedelta(days=1)
    voorstel = propose(
        client, beheerder_a, **_convenant(verwerkingsactiviteiten=[_va_casusoverleg_v2(services, morgen)])
    )
    assert voorstel.status_code == 201, voorstel.get_json()
    assert approve(client, beheerder_b, voorstel.get_json()["id"]).status_code == 200
    today = services.convenant.verwerkingsactiviteit(Casustype.REGULIER, "casusoverleg", utcnow().date())
    later = services.convenant.verwerkingsactiviteit(Casustype.REGULIER, "casusoverleg", morgen)
    assert today is not None and later is not None
    assert today.versie == 1 and Fase.ADVIES in today.fasen  # earlier verstrekkingen keep their basis
    assert later.versie == 2 and later.fasen == frozenset({Fase.PROCESREGIE}) and later.bewaartermijn == "P1Y"


@pytest.mark.parametrize(
    ("versie_nr", "dagen", "problem"),
    [(3, 1, "must be 2"), (1, 1, "must be 2"), (2, -1, "not in the past")],
)
def test_a_verwerkingsactiviteit_version_out_of_order_or_back_dated_is_refused(
    client: FlaskClient, services: Services, beheerder_a: str, versie_nr: int, dagen: int, problem: str
) -> None:
    vanaf = utcnow().date() + dt.timedelta(days=dagen)
    response = propose(
        client, beheerder_a, **_convenant(verwerkingsactiviteiten=[_va_casusoverleg_v2(services, vanaf, versie_nr)])
    )
    assert response.status_code == 400
    assert problem in str(response.get_json())


def test_the_second_of_two_proposals_against_the_same_convenant_is_stale(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    first = propose(client, beheerder_a, **_nieuwe_partner()).get_json()
    second = propose(
        client, beheerder_a, **_convenant(rollen=[{"id": "waarnemer", "naam": "W", "omschrijving": "Synthetisch."}])
    ).get_json()
    assert approve(client, beheerder_b, first["id"]).status_code == 200
    stale = approve(client, beheerder_b, second["id"])
    assert stale.status_code == 409 and "stale" in stale.get_json()["detail"]
    assert "waarnemer" not in services.convenant.ids("rol")  # never merged
    assert services.convenant.partner(NIEUW) is not None


def test_a_policy_activation_makes_an_open_convenant_proposal_stale(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    from tests.helpers.beheer import ADDED, change

    convenant_voorstel = propose(client, beheerder_a, **_nieuwe_partner()).get_json()
    beleid_voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    assert approve(client, beheerder_b, beleid_voorstel["id"]).status_code == 200
    # The diff the approver would have seen was computed under the old policy: refuse rather than surprise.
    assert approve(client, beheerder_b, convenant_voorstel["id"]).status_code == 409
    assert services.convenant.partner(NIEUW) is None


def test_a_rejected_convenant_proposal_changes_nothing(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    before = _in_force(services)
    voorstel = propose(client, beheerder_a, **_nieuwe_partner()).get_json()
    assert reject(client, beheerder_b, voorstel["id"]).status_code == 200
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 409
    assert _in_force(services) == before and services.convenant.partner(NIEUW) is None


def test_an_altered_convenant_version_in_the_database_shares_nothing(
    client: FlaskClient,
    services: Services,
    settings: Settings,
    casus: dict[str, Any],
    politie: str,
    beheerder_a: str,
    beheerder_b: str,
) -> None:
    voorstel = propose(client, beheerder_a, **_nieuwe_partner()).get_json()
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    assert vraag(client, politie, casus["id"], doel="casusoverleg").status_code == 201
    # An attacker with database access gives the new partner another type in the stored text.
    with services.engine.begin() as connection:
        stored = connection.execute(
            text("SELECT documenten FROM convenantversies WHERE versie = :v"), {"v": voorstel["convenantversie"]}
        ).scalar_one()
        altered = stored.replace('\\"type\\": \\"politie\\"}', '\\"type\\": \\"ggz\\"}')
        assert altered != stored
        connection.execute(
            text("UPDATE convenantversies SET documenten = :d WHERE versie = :v"),
            {"d": altered, "v": voorstel["convenantversie"]},
        )
    fresh = create_app(settings)  # a worker that has not loaded the version yet
    refused = vraag(fresh.test_client(), politie, casus["id"], doel="casusoverleg")
    assert refused.status_code == 503
    assert "grondslagen" not in (refused.get_json() or {})
    fresh.extensions["deelpoort"].engine.dispose()


def test_export_writes_the_approved_version_back_as_files(
    client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str, tmp_path: Path
) -> None:
    voorstel = propose(client, beheerder_a, **_nieuwe_partner()).get_json()
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    target = tmp_path / "convenants"
    target.mkdir()
    (target / "oud.yaml").write_text("convenant: {}\n")
    exported, written, removed = convenantversies.exporteer(services, target)
    assert exported == voorstel["convenantversie"] == versie(lees_map(target))
    assert removed == ["oud.yaml"] and written == sorted(lees_map(CONVENANTEN))
    # Only the added lines differ from the repository's files: comments and citations stay as written.
    for name in ("zvh-drenthe.yaml", "cter-drenthe.yaml"):
        original = (CONVENANTEN / name).read_text().splitlines()
        new = (target / name).read_text().splitlines()
        added = [line for line in new if line not in original]
        assert len(added) == 1 and NIEUW in added[0] and len(new) == len(original) + 1


def test_the_service_layer_refuses_a_convenant_change_by_a_non_beheerder(services: Services, politie: str) -> None:
    from service.domain.errors import NietToegestaanError

    with pytest.raises(NietToegestaanError):
        stel_voor(
            services,
            gebruiker_of(services, politie),
            "Synthetisch.",
            "zvh-drenthe",
            [Toevoeging("partners", NIEUWE_PARTNER)],
        )


def test_the_pages_show_the_added_lines_and_a_second_beheerder_approves_there(
    app: Flask, client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str
) -> None:
    from tests.helpers.web import BEVESTIGD, html, login, post

    voorstel = propose(client, beheerder_a, **_nieuwe_partner()).get_json()
    diff = client.get(f"/v1/beleid/voorstellen/{voorstel['id']}/verschil", headers=bearer(beheerder_b)).get_json()
    added = {(r["bestand"], r["regel"].strip()) for r in diff["convenantregels"]}
    assert added == {
        ("zvh-drenthe.yaml", "- " + json.dumps(NIEUWE_PARTNER, ensure_ascii=False)),
        ("cter-drenthe.yaml", f'- "{NIEUW}"'),
    }
    page_a, page_b = app.test_client(), app.test_client()
    login(page_a, beheerder_a)
    login(page_b, beheerder_b)
    own = html(page_a.get(f"/beheer/voorstellen/{voorstel['id']}"))
    assert "Wijziging van het convenant" in own and 'id="convenantregels"' in own and NIEUW in own
    assert "/goedkeuring" not in own  # the proposer gets no approve button ...
    assert (
        post(page_a, f"/beheer/voorstellen/{voorstel['id']}/goedkeuring", BEVESTIGD).status_code == 403
    )  # ... nor a way
    assert services.convenant.partner(NIEUW) is None
    seen = html(page_b.get(f"/beheer/voorstellen/{voorstel['id']}"))
    assert f"/beheer/voorstellen/{voorstel['id']}/goedkeuring" in seen
    assert post(page_b, f"/beheer/voorstellen/{voorstel['id']}/goedkeuring", BEVESTIGD).status_code == 303
    assert services.convenanten.ververs().convenant.partner(NIEUW) is not None

"""The /beheer pages: login and rollen, CSRF on every POST, four eyes through the pages (also against crafted
POSTs), the decision diff as a table that says exactly what an approval changes, stale approvals, history."""

from __future__ import annotations

import io
import re
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import update

from service.access.diff import changes
from service.adapters.orm import VerstrekkingRow
from service.meldingen.beheer import STALE, VIER_OGEN
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.services import Services
from service.settings import PROJECT_ROOT
from tests.helpers.beheer import ADDED, REMOVED, active, approve, change, gebruiker_of, propose, toestand
from tests.helpers.casus import bearer
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.web import BEVESTIGD, csrf, html, login, post

PAGES = ("/beheer/", "/beheer/voorstellen/nieuw", "/beheer/geschiedenis")
FG_PAGES = ("/fg/", "/fg/verstrekkingen", "/fg/inzageverzoek", "/fg/integriteit", "/fg/signalen")
POLITIE = "politie-noord-nederland"
TOELICHTING = "Synthetisch: de procesondersteuner heeft contactgegevens nodig voor de triage."


@pytest.fixture
def a(app: Flask, beheerder_a: str) -> FlaskClient:
    """The first beheerder, logged in to the pages."""
    client = app.test_client()
    assert login(client, beheerder_a).headers["Location"] == "/beheer/"
    return client


@pytest.fixture
def b(app: Flask, beheerder_b: str) -> FlaskClient:
    """The second beheerder, logged in to the pages in a browser of their own."""
    client = app.test_client()
    assert login(client, beheerder_b).headers["Location"] == "/beheer/"
    return client


def propose_change(client: FlaskClient, toevoegen: str = ADDED, verwijderen: str = "") -> str:
    """Propose a change through the form; the id of the proposal its redirect names."""
    response = post(
        client,
        "/beheer/voorstellen/wijziging",
        {"toelichting": TOELICHTING, "bestand": "zvh-drenthe.csv", "toevoegen": toevoegen, "verwijderen": verwijderen},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    match = re.fullmatch(r"/beheer/voorstellen/([0-9a-f]{32})", response.headers["Location"])
    assert match
    return match.group(1)


class DiffTable(HTMLParser):
    """The decisions a proposal page's diff table shows: (partner, rol, casustype, doel, veld, was, wordt)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.group: tuple[str, ...] | None = None
        self.decisions: set[tuple[str | None, ...]] = set()
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        if tag == "tr" and found.get("class") == "groep":  # the full table (the summary above has class impactregel)
            self.group = tuple(found[f"data-{k}"] for k in ("partner", "rol", "casustype", "doel"))
        elif tag == "li" and "data-veld" in found:
            assert self.group is not None
            was, wordt = found["data-was"] or None, found["data-wordt"] or None
            expected = "gekregen" if was is None else "verloren" if wordt is None else "gewijzigd"
            assert found["class"] == expected  # shown in the column of its kind
            self.decisions.add((*self.group, found["data-veld"], was, wordt))


def decisions(old: Any, new: Any) -> set[tuple[str | None, ...]]:
    return {(c.key.partner, c.key.rol, c.key.casustype, c.key.doel, c.veld, c.old, c.new) for c in changes(old, new)}


# --- login, rollen and CSRF ----------------------------------------------------------------------------------


def test_pages_need_a_session(client: FlaskClient) -> None:
    for path in (*PAGES, "/beheer/voorstellen/" + "0" * 32):
        response = client.get(path)
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/inloggen?volgende=")


def test_a_beheerder_logs_in_to_the_overview_with_the_active_version(
    a: FlaskClient, services: Services, beheerder_a: str
) -> None:
    page = html(a.get("/beheer/"))
    assert f'id="actieve-versie">{active(services).version}<' in page
    for path in PAGES:
        response = a.get(path)
        assert response.status_code == 200, path
        assert "default-src 'self'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Frame-Options"] == "DENY"
        text = html(response)
        assert "<script" not in text and "<style" not in text and "style=" not in text


@pytest.mark.parametrize(
    ("partner", "rol"),
    [
        ("bureau-zvh-drenthe", "fg"),
        ("bureau-zvh-drenthe", "procesregisseur"),
        (POLITIE, "casusregisseur"),
        (POLITIE, "deelnemer"),
    ],
    ids=["fg", "procesregisseur", "politie-casusregisseur", "politie-deelnemer"],
)
def test_other_rollen_are_refused_every_beheer_page_and_post(
    client: FlaskClient, services: Services, beheerder_a: str, partner: str, rol: str
) -> None:
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    login(client, add_gebruiker(services, partner, rol))
    for path in (*PAGES, f"/beheer/voorstellen/{voorstel['id']}"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Uw rol geeft geen toegang" in html(response)
    before = toestand(services)
    token = csrf(client.get("/beheer/").get_data(as_text=True))  # their own session's token: a valid one
    attempts = {
        f"/beheer/voorstellen/{voorstel['id']}/goedkeuring": BEVESTIGD,
        f"/beheer/voorstellen/{voorstel['id']}/afwijzing": {"reden": "Synthetisch."},
        "/beheer/voorstellen/wijziging": {"toelichting": "x", "bestand": "zvh-drenthe.csv", "toevoegen": ADDED},
        "/beheer/voorstellen/partner": {"toelichting": "x", "partner": POLITIE, "actie": "schorsen"},
    }
    for path, data in attempts.items():
        assert client.post(path, data={**data, "csrf_token": token}).status_code == 403, path
    assert toestand(services) == before


def test_a_beheerder_is_refused_the_fg_pages(a: FlaskClient) -> None:
    for path in FG_PAGES:
        assert a.get(path).status_code == 403, path


def _files(added: str = "") -> list[tuple[io.BytesIO, str]]:
    files = sorted((PROJECT_ROOT / "policies").glob("*.csv"))
    return [
        (io.BytesIO(p.read_bytes() + (added.encode() if p.name == "zvh-drenthe.csv" else b"")), p.name) for p in files
    ]


def _csrf_cases(client: FlaskClient, services: Services, beheerder_a: str, beheerder_b: str) -> dict[str, Any]:
    """Per POST of the pages: its path and (fresh) valid form data, against a state where it would succeed."""
    eerste = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    assert approve(client, beheerder_b, eerste["id"]).status_code == 200
    open_ = propose(client, beheerder_a, **change(verwijderen=[REMOVED])).get_json()
    original = next(v.versie for v in _versions(services) if v.versie != eerste["versie"])
    return {
        "wijziging": (
            "/beheer/voorstellen/wijziging",
            lambda: {
                "toelichting": "x",
                "bestand": "zvh-drenthe.csv",
                "toevoegen": ADDED.replace("contact", "systeem"),
            },
        ),
        "bestanden": ("/beheer/voorstellen/bestanden", lambda: {"toelichting": "x", "bestanden": _files()}),
        "terugzetten": ("/beheer/voorstellen/terugzetten", lambda: {"toelichting": "x", "versie": original}),
        "partner": (
            "/beheer/voorstellen/partner",
            lambda: {"toelichting": "x", "partner": POLITIE, "actie": "schorsen"},
        ),
        "goedkeuring": (f"/beheer/voorstellen/{open_['id']}/goedkeuring", lambda: dict(BEVESTIGD)),
        "afwijzing": (f"/beheer/voorstellen/{open_['id']}/afwijzing", lambda: {"reden": "Synthetisch."}),
    }


def _versions(services: Services) -> list[Any]:
    with services.uow() as uow:
        return uow.beleid.versions()


@pytest.mark.parametrize("form", ["wijziging", "bestanden", "terugzetten", "partner", "goedkeuring", "afwijzing"])
def test_every_post_without_or_with_a_wrong_csrf_token_is_refused_and_changes_nothing(
    client: FlaskClient,
    services: Services,
    a: FlaskClient,
    b: FlaskClient,
    beheerder_a: str,
    beheerder_b: str,
    form: str,
) -> None:
    path, data = _csrf_cases(client, services, beheerder_a, beheerder_b)[form]
    own = csrf(b.get("/beheer/").get_data(as_text=True))
    other = csrf(a.get("/beheer/").get_data(as_text=True))  # a real token, of another session
    assert own != other
    before = toestand(services)
    for token in (None, "", "0" * 43, other, own[:-1]):
        body = data() if token is None else {**data(), "csrf_token": token}
        response = b.post(path, data=body)
        assert response.status_code == 400, (token, response.status_code)
        assert "Het formulier is verlopen of ongeldig" in html(response)
        assert toestand(services) == before, token
    # The same form with the session's own token is accepted: the refusals above were the token's doing.
    accepted = b.post(path, data={**data(), "csrf_token": own})
    assert accepted.status_code == 303, accepted.get_data(as_text=True)
    assert toestand(services) != before


# --- four eyes through the pages -----------------------------------------------------------------------------


def test_a_single_beheerder_can_never_activate_anything_through_the_pages(
    app: Flask, client: FlaskClient, services: Services, a: FlaskClient, beheerder_a: str
) -> None:
    before = active(services).version
    politie = add_gebruiker(services, POLITIE, "casusregisseur")
    beleid_id = propose_change(a)
    schorsing = post(a, "/beheer/voorstellen/partner", {"toelichting": "x", "partner": POLITIE, "actie": "schorsen"})
    assert schorsing.status_code == 303
    schorsing_id = schorsing.headers["Location"].rsplit("/", 1)[1]
    second_session = app.test_client()  # the same beheerder in another browser is still the same person
    login(second_session, beheerder_a)
    for voorstel_id in (beleid_id, schorsing_id):
        page = html(a.get(f"/beheer/voorstellen/{voorstel_id}"))
        assert 'id="eigen-voorstel"' in page  # the proposer is told why they cannot approve ...
        assert "/goedkeuring" not in page  # ... and gets no approve button
        state = toestand(services)
        for session in (a, second_session):
            refused = post(session, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", BEVESTIGD)  # a crafted POST
            assert refused.status_code == 403
            assert VIER_OGEN in html(refused)
            assert toestand(services) == state
        assert beheer.voorstel(services, voorstel_id).status.value == "open"
    assert active(services).version == before
    assert client.get("/v1/casussen", headers=bearer(politie)).status_code == 200  # not suspended


def test_two_beheerders_the_diff_table_shows_exactly_what_the_approval_changes(
    services: Services, a: FlaskClient, b: FlaskClient, beheerder_b: str
) -> None:
    basis = active(services)
    voorstel_id = propose_change(a, toevoegen=ADDED, verwijderen=REMOVED)
    voorstel = beheer.voorstel(services, voorstel_id)
    assert voorstel.basisversie == basis.version and active(services).version == basis.version

    page = html(b.get(f"/beheer/voorstellen/{voorstel_id}"))
    shown = DiffTable(page).decisions
    assert {d[:4] for d in shown} == {("bureau-zvh-drenthe", "procesondersteuner", "regulier", "triage")}
    assert any(d[5] is None for d in shown) and any(d[6] is None for d in shown)  # gained and lost
    assert f'action="/beheer/voorstellen/{voorstel_id}/goedkeuring"' in page
    assert "Bureau Zorg- en Veiligheidshuis Drenthe" in page  # grouped under the partner's name

    approved = post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", BEVESTIGD)
    assert approved.status_code == 303
    after = active(services)
    assert after.version == voorstel.versie != basis.version
    assert decisions(basis.table, after.table) == shown  # exactly as the table said, nothing more, nothing less
    page = html(b.get(approved.headers["Location"]))
    assert 'data-status="goedgekeurd"' in page and "/goedkeuring" not in page
    assert f'id="actieve-versie">{after.version}<' in html(b.get("/beheer/"))
    assert beheer.voorstel(services, voorstel_id).beoordeeld_door == gebruiker_of(services, beheerder_b).id


def test_reject_with_a_reason_and_the_history_shows_every_step(
    services: Services, a: FlaskClient, b: FlaskClient, beheerder_a: str, beheerder_b: str
) -> None:
    basis = active(services).version
    first = propose_change(a)
    before = toestand(services)
    for reden in ("", "   "):
        refused = post(b, f"/beheer/voorstellen/{first}/afwijzing", {"reden": reden})
        assert refused.status_code == 400
        assert "Reden</strong>: verplicht" in html(refused)
    assert toestand(services) == before
    rejected = post(b, f"/beheer/voorstellen/{first}/afwijzing", {"reden": "Synthetisch: niet proportioneel."})
    assert rejected.status_code == 303
    page = html(b.get(rejected.headers["Location"]))
    assert 'data-status="afgewezen"' in page and "Synthetisch: niet proportioneel." in page
    assert "/goedkeuring" not in page
    late = post(b, f"/beheer/voorstellen/{first}/goedkeuring", BEVESTIGD)  # a crafted approval of a rejected proposal
    assert late.status_code == 409 and "al beslist: het is afgewezen" in html(late)

    second = propose_change(a, toevoegen="", verwijderen=REMOVED)
    assert post(b, f"/beheer/voorstellen/{second}/goedkeuring", BEVESTIGD).status_code == 303
    nieuw = active(services).version

    page = html(b.get("/beheer/geschiedenis"))
    rows = re.findall(r'<tr class="handeling-\w+" data-handeling="(\w+)" data-voorstel="(\w+)">(.*?)</tr>', page, re.S)
    assert [(h, v) for h, v, _ in rows] == [  # newest first
        ("activering", second),
        ("goedkeuring", second),
        ("voorstel", second),
        ("afwijzing", first),
        ("voorstel", first),
    ]
    a_id, b_id = gebruiker_of(services, beheerder_a).id, gebruiker_of(services, beheerder_b).id
    cells = {(h, v): body for h, v, body in rows}
    assert a_id[:8] in cells[("voorstel", first)] and TOELICHTING in cells[("voorstel", first)]
    assert b_id[:8] in cells[("afwijzing", first)] and "Synthetisch: niet proportioneel." in cells[("afwijzing", first)]
    activering = cells[("activering", second)]
    assert (
        b_id[:8] in activering and basis[:12] in activering and nieuw[:12] in activering and "gewijzigd" in activering
    )
    assert "gewijzigd" not in cells[("goedkeuring", second)]


def test_a_stale_second_approval_shows_the_409_message_and_activates_nothing(
    services: Services, a: FlaskClient, b: FlaskClient
) -> None:
    first = propose_change(a)
    second = propose_change(a, toevoegen="", verwijderen=REMOVED)
    seen = html(b.get(f"/beheer/voorstellen/{second}"))  # B reads the diff of the second one ...
    assert f"/beheer/voorstellen/{second}/goedkeuring" in seen
    assert (
        post(b, f"/beheer/voorstellen/{first}/goedkeuring", BEVESTIGD).status_code == 303
    )  # ... the first goes through ...
    state = toestand(services)
    stale = post(b, f"/beheer/voorstellen/{second}/goedkeuring", BEVESTIGD)  # ... and B approves what they saw
    assert stale.status_code == 409
    assert STALE in html(stale)
    assert toestand(services) == state
    assert active(services).version == beheer.voorstel(services, first).versie
    assert beheer.voorstel(services, second).status.value == "open"
    again = html(b.get(f"/beheer/voorstellen/{second}"))  # afterwards the page says so before anyone tries
    assert 'id="verouderd"' in again and "/goedkeuring" not in again


def test_partner_suspension_through_the_pages_refuses_the_partners_next_api_request(
    client: FlaskClient, services: Services, a: FlaskClient, b: FlaskClient
) -> None:
    politie = add_gebruiker(services, POLITIE, "casusregisseur")
    assert client.get("/v1/casussen", headers=bearer(politie)).status_code == 200
    made = post(
        a, "/beheer/voorstellen/partner", {"toelichting": "Synthetisch.", "partner": POLITIE, "actie": "schorsen"}
    )
    assert made.status_code == 303
    voorstel_id = made.headers["Location"].rsplit("/", 1)[1]
    assert client.get("/v1/casussen", headers=bearer(politie)).status_code == 200  # proposed is not suspended

    page = html(b.get(f"/beheer/voorstellen/{voorstel_id}"))
    shown = DiffTable(page).decisions
    assert shown and {d[0] for d in shown} == {POLITIE} and all(d[6] is None for d in shown)  # it only loses
    assert post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", BEVESTIGD).status_code == 303
    assert client.get("/v1/casussen", headers=bearer(politie)).status_code == 401
    assert "Politie" in html(b.get("/beheer/")).split('id="geschorst"')[1].split("</ul>")[0]

    again = post(a, "/beheer/voorstellen/partner", {"toelichting": "x", "partner": POLITIE, "actie": "schorsen"})
    assert again.status_code == 409 and "al geschorst" in html(again)
    lift = post(
        b, "/beheer/voorstellen/partner", {"toelichting": "Synthetisch.", "partner": POLITIE, "actie": "herstellen"}
    )
    assert lift.status_code == 303
    assert client.get("/v1/casussen", headers=bearer(politie)).status_code == 401
    assert post(a, lift.headers["Location"] + "/goedkeuring", BEVESTIGD).status_code == 303
    assert client.get("/v1/casussen", headers=bearer(politie)).status_code == 200


def test_rollback_from_the_versions_list_needs_a_toelichting_and_a_second_beheerder(
    client: FlaskClient, services: Services, a: FlaskClient, b: FlaskClient, beheerder_a: str, beheerder_b: str
) -> None:
    original = active(services).version
    voorstel = propose(client, beheerder_a, **change(toevoegen=[ADDED])).get_json()
    assert approve(client, beheerder_b, voorstel["id"]).status_code == 200
    pending = propose(client, beheerder_a, **change(verwijderen=[REMOVED])).get_json()
    overview = html(a.get("/beheer/"))
    assert f'name="versie" value="{original}"' in overview  # the once active version has its rollback form
    assert f'name="versie" value="{voorstel["versie"]}"' not in overview  # the active one has none
    assert f'name="versie" value="{pending["versie"]}"' not in overview  # nor a version only proposed
    assert "nooit actief geweest" in overview.split(f'data-versie="{pending["versie"]}"')[1].split("</tr>")[0]
    before = toestand(services)
    refused = post(a, "/beheer/voorstellen/terugzetten", {"versie": original, "toelichting": " "})
    assert refused.status_code == 400
    row = html(refused).split(f'data-versie="{original}"')[1].split("</tr>")[0]
    assert "<details open>" in row and "Toelichting</strong>: verplicht" in row  # shown at its own version
    assert toestand(services) == before
    same = post(a, "/beheer/voorstellen/terugzetten", {"versie": voorstel["versie"], "toelichting": "x"})
    assert same.status_code == 409 and "verandert niets" in html(same)
    made = post(a, "/beheer/voorstellen/terugzetten", {"versie": original, "toelichting": "Synthetisch: terug."})
    assert made.status_code == 303
    assert active(services).version == voorstel["versie"]
    assert post(a, made.headers["Location"] + "/goedkeuring", BEVESTIGD).status_code == 403
    assert post(b, made.headers["Location"] + "/goedkeuring", BEVESTIGD).status_code == 303
    assert active(services).version == original


# --- errors are Dutch pages with the API's status, never a 500 ------------------------------------------------


def test_service_errors_become_dutch_pages_with_their_status(
    services: Services, a: FlaskClient, b: FlaskClient
) -> None:
    unknown = "/beheer/voorstellen/" + "0" * 32
    for path in (unknown, "/beheer/voorstellen/nope"):
        response = a.get(path)
        assert response.status_code == 404 and "bestaat niet" in html(response)
    for suffix in ("/goedkeuring", "/afwijzing"):
        response = post(a, unknown + suffix, {"reden": "x"})
        assert response.status_code == 404 and "bestaat niet" in html(response)
    voorstel_id = propose_change(a)
    assert post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", BEVESTIGD).status_code == 303
    twice = post(b, f"/beheer/voorstellen/{voorstel_id}/goedkeuring", BEVESTIGD)
    assert twice.status_code == 409 and "al beslist: het is goedgekeurd" in html(twice)
    late = post(b, f"/beheer/voorstellen/{voorstel_id}/afwijzing", {"reden": "x"})
    assert late.status_code == 409 and "al beslist" in html(late)
    before = toestand(services)
    bad = {
        "/beheer/voorstellen/partner": [
            ({"toelichting": "x", "partner": "bestaat-niet", "actie": "schorsen"}, "geen partner van het convenant"),
            ({"toelichting": "x", "partner": POLITIE, "actie": "opheffen"}, "kies schorsen of herstellen"),
            ({"toelichting": "x", "partner": POLITIE, "actie": "herstellen"}, "niet geschorst"),
        ],
        "/beheer/voorstellen/terugzetten": [
            ({"toelichting": "x", "versie": "xyz"}, "geen geldige beleidsversie"),
            ({"toelichting": "x", "versie": "a" * 64}, "deze versie is niet opgeslagen"),
        ],
    }
    for path, cases in bad.items():
        for data, message in cases:
            response = post(a, path, data)
            assert response.status_code in (400, 409), (data, response.status_code)
            assert message in html(response), data
    assert toestand(services) == before


def test_a_damaged_history_is_a_503_page_naming_audit_verify(services: Services, a: FlaskClient) -> None:
    propose_change(a)
    with services.engine.begin() as connection:
        connection.execute(update(VerstrekkingRow).values(record=b"{niet leesbaar"))
    response = a.get("/beheer/geschiedenis")
    assert response.status_code == 503
    assert "deelpoort audit verify" in html(response)


def test_the_proposer_sees_that_its_proposal_waits_for_a_second_beheerder(a: FlaskClient, b: FlaskClient) -> None:
    propose_change(a)
    eigen = html(a.get("/beheer/"))
    assert "Bekijken (wacht op een tweede beheerder)" in eigen and "Bekijken en beoordelen" not in eigen
    ander = html(b.get("/beheer/"))
    assert "Bekijken en beoordelen" in ander and "wacht op een tweede beheerder" not in ander

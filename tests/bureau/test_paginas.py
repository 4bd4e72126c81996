"""The Bureau pages through the test client: the werkvoorraad follows the acties' status, the plan shows texts
only after a logged verstrekking, attendance and verklaringen recorded on the agenda decide what a partner
receives in the overleg, and every refusal changes nothing."""

from __future__ import annotations

import re
import uuid
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.service_layer.services import Services
from tests.bureau.conftest import ACTIETEKST, DOELTEKST, Bureauwerk, ingelogd, tekst
from tests.helpers.overleg import GGZ, POLITIE, vraag_in
from tests.helpers.plan import lees, records
from tests.helpers.web import csrf


def _post(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    """POST a page form with the session's CSRF token (read from the page the form is on)."""
    token = csrf(client.get("/bureau/agenda").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def _aantal_verlopen(client: FlaskClient) -> int:
    match = re.search(r'id="aantal-verlopen">(\d+)<', tekst(client.get("/bureau/")))
    assert match
    return int(match.group(1))


def _status(client: FlaskClient, token: str, werk: Bureauwerk, actie: str) -> str:
    acties = lees(client, token, werk.casus).get_json()["acties"]
    return str(next(a["status"] for a in acties if a["id"] == actie))


def test_the_procesregisseur_lands_on_the_werkvoorraad_which_shows_the_overdue_actie(
    app: Flask, procesregisseur: str, werk: Bureauwerk
) -> None:
    client = app.test_client()
    from tests.helpers.web import login

    assert login(client, procesregisseur).headers["Location"] == "/bureau/"
    page = tekst(client.get("/bureau/"))
    assert _aantal_verlopen(client) == 1
    rows = re.findall(r'<tr class="(verlopen)?">', page)
    assert rows == ["verlopen", ""]  # soonest deadline first: the overdue one, then the one due next week
    assert "GGZ Drenthe" in page and f'/bureau/casussen/{werk.casus}/plan"' in page
    assert "3 dagen" in page
    assert ACTIETEKST not in page and DOELTEKST not in page  # metadata only
    only_overdue = tekst(client.get("/bureau/?verlopen=1"))
    assert len(re.findall(r'<tr class="verlopen">', only_overdue)) == 1 and '<tr class="">' not in only_overdue


def test_setting_the_status_on_the_plan_page_moves_the_actie_out_of_and_back_into_the_werkvoorraad(
    client: FlaskClient, regie: FlaskClient, procesregisseur: str, werk: Bureauwerk
) -> None:
    pad = f"/bureau/casussen/{werk.casus}/acties/{werk.te_laat}/status"
    response = _post(regie, pad, {"status": "afgerond"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/{werk.casus}/plan#acties")
    assert _aantal_verlopen(regie) == 0
    assert _status(client, procesregisseur, werk, werk.te_laat) == "afgerond"
    assert _post(regie, pad, {"status": "open"}).status_code == 303
    assert _aantal_verlopen(regie) == 1


def test_a_bad_status_a_foreign_actie_or_a_missing_csrf_token_changes_nothing(
    client: FlaskClient, regie: FlaskClient, procesregisseur: str, werk: Bureauwerk
) -> None:
    pad = f"/bureau/casussen/{werk.casus}/acties/{werk.te_laat}/status"
    slecht = _post(regie, pad, {"status": "klaar"})
    assert slecht.status_code == 400 and "Controleer de invoer (status)" in tekst(slecht)
    vreemd = _post(regie, f"/bureau/casussen/{werk.casus}/acties/{uuid.uuid4().hex}/status", {"status": "afgerond"})
    assert vreemd.status_code == 404
    zonder_token = regie.post(pad, data={"status": "afgerond"})
    assert zonder_token.status_code == 400
    assert _status(client, procesregisseur, werk, werk.te_laat) == "open"


def test_the_plan_shows_its_texts_only_after_a_logged_verstrekking_naming_them(
    regie: FlaskClient, services: Services, werk: Bureauwerk
) -> None:
    plain = tekst(regie.get(f"/bureau/casussen/{werk.casus}/plan"))
    assert "Huisvesting" in plain and "GGZ Drenthe" in plain and "te laat" in plain
    assert DOELTEKST not in plain and ACTIETEKST not in plain
    voor = len(records(services))
    shown = _post(regie, f"/bureau/casussen/{werk.casus}/plan/teksten", {})
    assert shown.status_code == 200
    page = tekst(shown)
    assert DOELTEKST in page and ACTIETEKST in page
    na = records(services)
    assert len(na) == voor + 1
    record = na[-1]
    assert (record["partner"], record["doel"], record["casus"]) == ("bureau-zvh-drenthe", "plan-van-aanpak", werk.casus)
    assert {v["veld"] for v in record["verstrekt"]} == {"planDoelen", "afspraken"}
    match = re.search(r'logindex <span class="mono">(\d+)</span>', page)
    assert match and int(match.group(1)) == voor  # the receipt names the record just written
    assert shown.headers["Cache-Control"] == "no-store"


def test_an_unknown_casus_is_not_found_and_its_texts_are_refused_and_logged(
    regie: FlaskClient, services: Services, werk: Bureauwerk
) -> None:
    onbekend = uuid.uuid4().hex
    assert regie.get(f"/bureau/casussen/{onbekend}/plan").status_code == 404
    voor = len(records(services))
    response = _post(regie, f"/bureau/casussen/{onbekend}/plan/teksten", {})
    assert response.status_code == 404 and "Niet gevonden" in tekst(response)
    na = records(services)
    assert len(na) == voor + 1 and na[-1]["uitkomst"] == "geweigerd"


def test_who_may_open_the_bureau_pages(
    app: Flask, client: FlaskClient, ondersteuner: FlaskClient, fg: str, token_for: Any, werk: Bureauwerk
) -> None:
    assert client.get("/bureau/").headers["Location"].startswith("/inloggen")  # not logged in
    assert ingelogd(app, fg).get("/bureau/agenda").status_code == 403
    assert ingelogd(app, token_for(GGZ, "deelnemer")).get(f"/bureau/casussen/{werk.casus}/plan").status_code == 403
    page = tekst(ondersteuner.get("/bureau/"))
    assert 'id="geen-regie"' in page  # the werkvoorraad is the regie's; the agenda is open to the ondersteuner
    assert "Casusoverleg" in tekst(ondersteuner.get("/bureau/agenda"))


def test_attendance_and_the_verklaring_recorded_on_the_agenda_decide_what_a_partner_receives_in_the_overleg(
    client: FlaskClient, regie: FlaskClient, services: Services, token_for: Any, werk: Bureauwerk
) -> None:
    ggz = token_for(GGZ, "deelnemer")
    agenda = tekst(regie.get("/bureau/agenda"))
    assert "Casusoverleg" in agenda and "nog niet vastgelegd" in agenda
    assert vraag_in(client, ggz, werk.casus, werk.overleg).status_code == 403  # not recorded as attending

    pad = f"/bureau/overleggen/{werk.overleg}/aanwezigheid"
    response = _post(regie, pad, {"casus": werk.casus, "partner": GGZ, "aanwezig": "ja", "incidenteel": "ja"})
    assert response.status_code == 303
    agenda = tekst(regie.get("/bureau/agenda"))
    assert ">aanwezig<" in agenda and "ontbreekt: ontvangt niets" in agenda
    geweigerd = vraag_in(client, ggz, werk.casus, werk.overleg)
    assert geweigerd.status_code == 403 and records(services)[-1]["weigering"] == "geheimhouding"

    assert _post(regie, f"/bureau/overleggen/{werk.overleg}/verklaringen", {"partner": GGZ}).status_code == 303
    assert "ontbreekt" not in tekst(regie.get("/bureau/agenda"))
    verstrekt = vraag_in(client, ggz, werk.casus, werk.overleg)
    assert verstrekt.status_code == 201, verstrekt.get_json()
    assert records(services)[-1]["overleg"] == werk.overleg


def test_refused_attendance_changes_nothing(
    regie: FlaskClient, ondersteuner: FlaskClient, services: Services, werk: Bureauwerk
) -> None:
    pad = f"/bureau/overleggen/{werk.overleg}/aanwezigheid"
    for client, data, status in (
        (regie, {"casus": werk.casus, "partner": GGZ, "aanwezig": "misschien"}, 400),
        (regie, {"casus": werk.casus, "partner": POLITIE, "aanwezig": "ja"}, 409),  # takes part, not invited
        (regie, {"casus": werk.casus, "partner": "reclassering-nederland", "aanwezig": "ja"}, 404),
        (regie, {"casus": uuid.uuid4().hex, "partner": GGZ, "aanwezig": "ja"}, 404),
        (ondersteuner, {"casus": werk.casus, "partner": GGZ, "aanwezig": "ja"}, 403),  # does not chair
    ):
        response = _post(client, pad, data)
        assert response.status_code == status, (data, status, response.status_code)
        assert 'role="alert"' in tekst(response)
    assert "nog niet vastgelegd" in tekst(regie.get("/bureau/agenda"))


def test_the_agenda_period_is_checked(regie: FlaskClient, werk: Bureauwerk) -> None:
    slecht = regie.get("/bureau/agenda?van=morgen")
    assert slecht.status_code == 400 and "van is geen datum" in tekst(slecht)
    omgekeerd = regie.get("/bureau/agenda?van=2026-12-31&tot=2026-12-01")
    assert omgekeerd.status_code == 400 and "vóór" in tekst(omgekeerd)
    leeg = tekst(regie.get("/bureau/agenda?van=2020-01-01&tot=2020-01-31"))
    assert "0 overleggen" in leeg and "Casusoverleg" not in leeg


def test_a_cter_casus_the_bureau_is_not_invited_to_does_not_exist_on_its_pages(
    client: FlaskClient, regie: FlaskClient, services: Services, politie: str
) -> None:
    """CTER: the Bureau takes part only when the weegploeg invites it; until then its pages answer as for a casus
    that does not exist, and asking for the texts is a refusal in the log."""
    from service.domain.convenant import Fase
    from tests.helpers.casus import cter_aanmelding, post, set_fase

    aangemeld = post(client, politie, "/v1/casussen", cter_aanmelding())
    assert aangemeld.status_code == 201, aangemeld.get_json()
    casus = aangemeld.get_json()["id"]
    set_fase(services, casus, Fase.PROCESREGIE)
    assert regie.get(f"/bureau/casussen/{casus}/plan").status_code == 404
    voor = len(records(services))
    assert _post(regie, f"/bureau/casussen/{casus}/plan/teksten", {}).status_code == 404
    na = records(services)
    assert len(na) == voor + 1 and (na[-1]["uitkomst"], na[-1]["casus"]) == ("geweigerd", casus)
    assert na[-1]["casustype"] is None  # as for an outsider: the refusal does not tell it is a CTER casus
    assert casus not in tekst(regie.get("/bureau/"))

    body = {"partner": "bureau-zvh-drenthe", "rol": "procesregisseur", "grondslag": "wet-pga-3", "toelichting": "t"}
    assert post(client, politie, f"/v1/casussen/{casus}/deelnemers", body).status_code == 201
    assert regie.get(f"/bureau/casussen/{casus}/plan").status_code == 200  # invited: now it takes part


def test_geen_toegang_offers_the_way_back_to_ones_own_start_page(app: Flask, fg: str, werk: Bureauwerk) -> None:
    page = ingelogd(app, fg).get("/bureau/")
    assert page.status_code == 403
    assert 'href="/fg/" id="terug">Naar uw startpagina' in tekst(page)

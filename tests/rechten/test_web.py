"""`/fg/rechten`: the FG enters and lifts a beperking with a CSRF-protected form and sees the uitstellen; the
inzage page marks deferred records for the FG and leaves them out of the printable report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient
from sqlalchemy import select

from service.adapters.orm import BeperkingRow, CorrectieverzoekRow
from service.domain.convenant import Fase
from service.service_layer.services import Services
from service.web.nederlands import datum
from tests.helpers.casus import BSN_HOOFDPERSOON, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.web import csrf, html, login
from tests.rechten.conftest import beperk, stel_uit


def _form(client: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    token = csrf(client.get("/fg/rechten/").get_data(as_text=True))
    return client.post(path, data={**data, "csrf_token": token})


def test_the_fg_restricts_and_lifts_through_the_page(client: FlaskClient, services: Services, fg: str) -> None:
    login(client, fg)
    bare = client.post("/fg/rechten/beperkingen", data={"bsn": BSN_HOOFDPERSOON, "grond": "bezwaar"})
    assert bare.status_code == 400  # no CSRF token: nothing happens
    made = _form(client, "/fg/rechten/beperkingen", {"bsn": BSN_HOOFDPERSOON, "grond": "bezwaar", "doelen": "triage"})
    assert made.status_code == 303
    page = html(client.get("/fg/rechten/"))
    assert "d. bezwaar in behandeling" in page and "Triage" in page and BSN_HOOFDPERSOON not in page
    with services.engine.connect() as connection:
        beperking_id = connection.scalar(select(BeperkingRow.id))
    lifted = _form(client, f"/fg/rechten/beperkingen/{beperking_id}/opheffing", {"reden": "bezwaar-beslist"})
    assert lifted.status_code == 303
    assert "opgeheven" in html(client.get("/fg/rechten/"))
    again = _form(client, f"/fg/rechten/beperkingen/{beperking_id}/opheffing", {"reden": "bezwaar-beslist"})
    assert again.status_code == 409 and "al opgeheven" in html(again)


def test_bad_input_on_the_page_is_400_and_never_shows_the_bsn(client: FlaskClient, services: Services, fg: str) -> None:
    login(client, fg)
    response = _form(client, "/fg/rechten/beperkingen", {"bsn": "99990012x", "grond": "bezwaar", "doelen": "raden"})
    assert response.status_code == 400
    assert "99990012x" not in html(response) and "Controleer de invoer" in html(response)
    with services.engine.connect() as connection:
        assert connection.scalar(select(BeperkingRow.id)) is None


def test_a_partners_fg_cannot_restrict_from_the_page(client: FlaskClient, services: Services) -> None:
    login(client, add_gebruiker(services, "ggz-drenthe", "fg"))
    assert "Beperking instellen" not in html(client.get("/fg/rechten/"))
    response = _form(client, "/fg/rechten/beperkingen", {"bsn": BSN_HOOFDPERSOON, "grond": "bezwaar"})
    assert response.status_code == 403


def test_the_inzage_page_marks_deferred_records_and_leaves_them_out_of_the_report(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, politie: str, procesregisseur: str
) -> None:
    assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201
    set_fase(services, casus["id"], Fase.PROCESREGIE)
    assert vraag(client, politie, casus["id"], doel="casusoverleg", velden=["achternaam"]).status_code == 201
    einde = dt.datetime.now(dt.UTC).date() + dt.timedelta(days=10)
    assert stel_uit(client, politie, einde.isoformat()).status_code == 201
    login(client, fg)
    token = csrf(client.get("/fg/inzageverzoek").get_data(as_text=True))
    page = html(client.post("/fg/inzageverzoek", data={"bsn": BSN_HOOFDPERSOON, "csrf_token": token}))
    fg_view, report = page.split('id="rapport"')
    assert f"uitgesteld tot {datum(einde)} door Politie" in fg_view
    # the police's deferred flows (its aanmelding, the triage of its data, its casusoverleg) are not in the report
    assert "Politie" not in report and "Bureau Zorg- en Veiligheidshuis Drenthe" not in report
    assert "Veiligheidshuis" in report  # the GGD's bijdrage to the casus is
    assert "uitgesteld" in html(client.get("/fg/rechten/")) or "tot de einddatum" in html(client.get("/fg/rechten/"))


def test_the_fg_enters_a_correctieverzoek_and_sees_its_bron_and_earlier_recipients(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str, procesregisseur: str
) -> None:
    assert vraag(client, procesregisseur, casus["id"], doel="triage").status_code == 201
    login(client, fg)
    bare = client.post("/fg/rechten/correctieverzoeken", data={"bsn": BSN_HOOFDPERSOON, "soort": "correctie"})
    assert bare.status_code == 400  # no CSRF token: nothing happens
    velden = {"bsn": BSN_HOOFDPERSOON, "soort": "correctie", "velden": ["psychischeGezondheid", "verslaving"]}
    made = _form(client, "/fg/rechten/correctieverzoeken", velden)
    assert made.status_code == 200
    page = html(made)
    assert "1 verzoek(en) doorgestuurd" in page and "Geen waarde in casus" in page
    lijst = page.split('id="correctielijst"')[1]
    assert "GGD Drenthe – OGGZ" in lijst and "Bureau Zorg- en Veiligheidshuis Drenthe (Triage" in lijst
    assert BSN_HOOFDPERSOON not in page and "signalen" not in lijst
    with services.engine.connect() as connection:
        assert connection.scalar(select(CorrectieverzoekRow.bron)) == "ggd-drenthe"


def test_bad_input_for_a_correctieverzoek_on_the_page_is_400(client: FlaskClient, services: Services, fg: str) -> None:
    login(client, fg)
    response = _form(client, "/fg/rechten/correctieverzoeken", {"bsn": "99990012x", "soort": "correctie"})
    assert response.status_code == 400
    assert "99990012x" not in html(response) and "Controleer de invoer" in html(response)
    with services.engine.connect() as connection:
        assert connection.scalar(select(CorrectieverzoekRow.id)) is None


def test_the_inzage_page_lists_the_rights_exercised_for_the_fg_only(
    client: FlaskClient, services: Services, casus: dict[str, Any], fg: str
) -> None:
    assert beperk(client, fg, ["plan-van-aanpak"]).status_code == 201
    login(client, fg)
    token = csrf(client.get("/fg/inzageverzoek").get_data(as_text=True))
    page = html(client.post("/fg/inzageverzoek", data={"bsn": BSN_HOOFDPERSOON, "csrf_token": token}))
    fg_view, report = page.split('id="rapport"')
    assert 'id="rechtsstappen"' in fg_view and "Beperking ingesteld (AVG art. 18)" in fg_view
    assert "Beperking ingesteld" not in report  # the person's report lists the flows and their rights, not steps

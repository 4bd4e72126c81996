"""Issue 22, done means: the seeds' process end to end, through the API and the Bureau pages, by the users the
demo region has (a politie casusregisseur, the Bureau's procesregisseur and procesondersteuner, deelnemers of
GGZ Drenthe and the GGD): aanmelding, triage, a casusoverleg with attendance recorded on the agenda page, the
plan with an overdue actie on the werkvoorraad page, an opschaling, afsluiting with terugkoppeling to the
aanmelder, and the advice work. Every sharing step is a logged verstrekking; those in the overleg name it, and
the one refused for an absent partner too. The log verifies at the end."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from service.audit.record import parse
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from tests.bureau.conftest import ACTIETEKST, TE_LAAT, ingelogd, tekst
from tests.helpers.casus import ZORGPARTNER, aanmelding, bearer, post, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.overleg import GGZ, POLITIE, agendeer, maak_overleg, vraag_in
from tests.helpers.plan import plan
from tests.helpers.web import csrf

VANDAAG = dt.date.today()


def _records(services: Services) -> list[dict[str, Any]]:
    with services.uow() as uow:
        return [parse(r.record) for r in uow.log.records()]


def _form(page: FlaskClient, path: str, data: dict[str, Any]) -> Any:
    return page.post(path, data={**data, "csrf_token": csrf(page.get("/bureau/agenda").get_data(as_text=True))})


def _verlopen(page: FlaskClient) -> int:
    match = re.search(r'id="aantal-verlopen">(\d+)<', tekst(page.get("/bureau/")))
    assert match
    return int(match.group(1))


def test_the_seeds_process_from_aanmelding_to_terugkoppeling_and_the_advice_work(
    app: Flask, client: FlaskClient, services: Services, politie: str, procesregisseur: str
) -> None:
    ggz = add_gebruiker(services, GGZ, "deelnemer")
    ggd = add_gebruiker(services, ZORGPARTNER, "deelnemer")
    ondersteuner = add_gebruiker(services, "bureau-zvh-drenthe", "procesondersteuner")
    regie = ingelogd(app, procesregisseur)

    # aanmelding by the police (an aanlevering), with a hoofdonderwerp and a nevenonderwerp
    body = aanmelding(onderwerp="verward-gedrag", nevenonderwerpen=["ernstige-overlast"])
    aangemeld = post(client, politie, "/v1/casussen", body)
    assert aangemeld.status_code == 201, aangemeld.get_json()
    casus = aangemeld.get_json()["id"]
    pad = f"/v1/casussen/{casus}"
    # triage: the Bureau reads what triage needs (a verstrekking), decides procesregie, invites GGZ and the GGD
    assert vraag(client, procesregisseur, casus, doel="triage").status_code == 201
    for besluit in ("in-behandeling", "procesregie"):
        beslist = post(client, procesregisseur, f"{pad}/triage", {"besluit": besluit, "toelichting": "synthetisch"})
        assert beslist.status_code == 201, beslist.get_json()
    for partner in (GGZ, ZORGPARTNER):
        toegevoegd = post(client, procesregisseur, f"{pad}/deelnemers", {"partner": partner, "rol": "deelnemer"})
        assert toegevoegd.status_code == 201, toegevoegd.get_json()

    # the casusoverleg: made and agendaed over the API, attendance recorded on the Bureau's agenda page
    overleg = maak_overleg(client, procesregisseur, datum=VANDAAG.isoformat())
    assert agendeer(client, procesregisseur, overleg, casus, [POLITIE, GGZ, ZORGPARTNER]).status_code == 201
    for partner, aanwezig in ((POLITIE, "ja"), (GGZ, "ja"), (ZORGPARTNER, "nee")):
        gedaan = _form(
            regie,
            f"/bureau/overleggen/{overleg['id']}/aanwezigheid",
            {"casus": casus, "partner": partner, "aanwezig": aanwezig},
        )
        assert gedaan.status_code == 303, tekst(gedaan)
    assert vraag_in(client, politie, casus, overleg["id"]).status_code == 201
    assert vraag_in(client, ggz, casus, overleg["id"]).status_code == 201
    assert vraag_in(client, ggd, casus, overleg["id"]).status_code == 403  # recorded as absent
    verslag = post(
        client,
        procesregisseur,
        f"/v1/overleggen/{overleg['id']}/verslagen",
        {"casus": casus, "verslag": "Synthetisch verslag."},
    )
    assert verslag.status_code == 204, verslag.get_data(as_text=True)

    # the plan: a doel, an actie for GGZ already past its deadline, the afspraak made in the overleg
    assert (
        plan(
            client, procesregisseur, casus, "doelen", {"leefgebied": "huisvesting", "tekst": "Synthetisch doel."}
        ).status_code
        == 201
    )
    actie = plan(
        client,
        procesregisseur,
        casus,
        "acties",
        {"partner": GGZ, "deadline": TE_LAAT.isoformat(), "omschrijving": ACTIETEKST},
    )
    assert actie.status_code == 201, actie.get_json()
    afspraak = {"datum": VANDAAG.isoformat(), "tekst": "Synthetische afspraak.", "overleg": overleg["id"]}
    assert plan(client, procesregisseur, casus, "afspraken", afspraak).status_code == 201
    assert post(client, procesregisseur, f"{pad}/avefase", {"fase": 2, "toelichting": "synthetisch"}).status_code in (
        200,
        201,
    )
    assert _verlopen(regie) == 1  # the werkvoorraad page shows the overdue actie
    # escalation: stuck, so the regie escalates to the lokale driehoek, which breaks through
    opschaling = plan(
        client,
        procesregisseur,
        casus,
        "opschalingen",
        {"niveau": "lokale-driehoek", "datum": VANDAAG.isoformat(), "reden": "Synthetisch: actie blijft liggen."},
    )
    assert opschaling.status_code == 201, opschaling.get_json()
    afronding = {"uitkomst": "doorbraak", "toelichting": "Synthetisch."}
    assert (
        plan(
            client, procesregisseur, casus, f"opschalingen/{opschaling.get_json()['id']}/afronding", afronding
        ).status_code
        == 200
    )
    # GGZ, the actie's owner, finishes it over the API; the page's werkvoorraad follows
    assert (
        plan(client, ggz, casus, f"acties/{actie.get_json()['id']}/status", {"status": "afgerond"}).status_code == 200
    )
    assert _verlopen(regie) == 0
    # the regie reads the plan's texts on the page: a verstrekking
    getoond = _form(regie, f"/bureau/casussen/{casus}/plan/teksten", {})
    assert getoond.status_code == 200 and ACTIETEKST in tekst(getoond)

    # afsluiting with a warm transfer; the police, whose deelname ended, hears the uitkomst
    afsluiting = {"uitkomst": "overgedragen", "overdracht": "zvh-groningen", "toelichting": "warme overdracht"}
    assert post(client, procesregisseur, f"{pad}/afsluiting", afsluiting).status_code == 201
    terug = vraag(client, politie, casus, doel="terugkoppeling")
    assert terug.status_code == 201 and terug.get_json()["velden"]["afsluitreden"] == "overgedragen"

    # the advice work of the same week: a kort advies, an anonymous consultation, an informatieknooppunt contact
    for soort, antwoord in (
        ("kort", "advies-gegeven"),
        ("uitgebreid", "advies-gegeven"),
        ("informatieknooppunt", "informatie-gegeven"),
    ):
        advies = {
            "soort": soort,
            "vrager": "gemeente-emmen-veiligheid",
            "gemeente": "emmen",
            "onderwerp": "burenruzie",
            "antwoorden": [antwoord],
            "datum": VANDAAG.isoformat(),
        }
        gedaan = post(client, ondersteuner, "/v1/adviezen", advies)
        assert gedaan.status_code == 201, gedaan.get_json()
    telling = client.get(f"/v1/adviezen/tellingen?jaar={VANDAAG.year}", headers=bearer(ondersteuner))
    assert telling.status_code == 200, telling.get_json()

    # the log tells it: every sharing step a verstrekking; those in the overleg name it
    verstrekkingen = [
        r for r in _records(services) if r.get("soort", "verstrekking") == "verstrekking" and r.get("casus") == casus
    ]
    stappen = [(r["partner"], r["doel"], r["uitkomst"] != "geweigerd", r.get("overleg")) for r in verstrekkingen]
    assert stappen == [
        ("bureau-zvh-drenthe", "triage", True, None),
        (POLITIE, "casusoverleg", True, overleg["id"]),
        (GGZ, "casusoverleg", True, overleg["id"]),
        (ZORGPARTNER, "casusoverleg", False, overleg["id"]),
        ("bureau-zvh-drenthe", "plan-van-aanpak", True, None),
        (POLITIE, "terugkoppeling", True, None),
    ]
    for record in verstrekkingen:  # what left carries its grondslag; nothing left with the refusal
        verstrekt = record["verstrekt"]
        assert (record["uitkomst"] == "geweigerd") == (verstrekt == [])
        assert all(v["grondslag"] and v["verwerkingsactiviteit"]["id"] for v in verstrekt)
    assert logboek.verifieer(services).ok

"""Never a personal value in the application log (issue 25 point 4, DESIGN invariant 4): a whole demo session,
installed and then used as its users would (verstrekkingen under every doel, an aanmelding and a bijdrage
naming demo persons, the FG's lists, access request and pages, beheer, the Bureau's pages, the routeeroverleg,
wrong input carrying values), with every line the process writes captured and searched for every value the demo
stored: each name, BSN, address, date, telephone number, e-mail address and free text."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from typing import Any

import pytest
from flask import Flask

from service import logconfig
from service.demo.installatie import DemoCredential, install_region
from service.demo.regio import DemoRegion, generate_region
from service.demo.routeeroverleg import demo_signalen
from service.domain.casus import Gebruiker
from service.service_layer.services import Services
from tests.helpers.casus import bearer
from tests.helpers.waarneming import json_regels
from tests.helpers.web import csrf, login

pytestmark = pytest.mark.slow

# One session is enough for what the log holds, on the production database when the run has one (CI has): the
# demo's install is the suite's heaviest fixture.
DATABASE = (
    pytest.param("postgresql", marks=pytest.mark.postgresql)
    if os.environ.get("DEELPOORT_TEST_DATABASE_URL")
    else pytest.param("sqlite")
)
KORTSTE = 5  # shorter values ("man", "36", "ja") are words any log line may hold by chance


def _waarden(region: DemoRegion, keuzes: set[str]) -> set[str]:
    """Every value the demo stores, as text, except the veldcatalogus's own codes (a keuze such as `onbekend`)."""
    found: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, bool) or value is None:
            return
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(item)
        elif isinstance(value, dt.date):
            found.add(value.isoformat())
        else:
            found.add(str(value))

    for value in region.veldwaarden.values():
        walk(value)
    return {v for v in found if len(v) >= KORTSTE and v not in keuzes}


def _persoon(region: DemoRegion) -> dict[str, str]:
    """A hoofdpersoon of the demo with a BSN, names and a birth date (to use in requests)."""
    per_betrokkene: dict[str, dict[str, Any]] = {}
    for (_casus, betrokkene, veld), value in region.veldwaarden.items():
        if betrokkene is not None:
            per_betrokkene.setdefault(betrokkene, {})[veld] = value
    for velden in per_betrokkene.values():
        if {"bsn", "achternaam", "voornamen", "geboortedatum"} <= set(velden):
            return {k: str(velden[k]) for k in ("bsn", "achternaam", "voornamen", "geboortedatum")}
    raise AssertionError("the demo has no hoofdpersoon with a BSN and names")


def _token(credentials: Iterable[DemoCredential], partner: str, rol: str) -> str:
    return next(c.token for c in credentials if c.partner == partner and c.rol == rol)


def _gebruik(app: Flask, services: Services, credentials: list[DemoCredential], persoon: dict[str, str]) -> None:
    """A session of the demo's users, as the API and page tests do it."""
    client = app.test_client()
    regie = _token(credentials, "bureau-zvh-drenthe", "procesregisseur")
    politie = _token(credentials, "politie-noord-nederland", "casusregisseur")
    fg = _token(credentials, "bureau-zvh-drenthe", "fg")
    beheerder = _token(credentials, "bureau-zvh-drenthe", "beheerder")
    casussen = client.get("/v1/casussen", headers=bearer(regie)).get_json()["casussen"]
    assert casussen
    doelen = [d.id for d in services.convenant.doelen]
    for casus in casussen[:4]:
        for doel in doelen:
            client.post(f"/v1/casussen/{casus['id']}/verstrekkingen", json={"doel": doel}, headers=bearer(regie))
        client.get(f"/v1/casussen/{casus['id']}/plan", headers=bearer(regie))
    velden = {k: persoon[k] for k in ("bsn", "achternaam", "geboortedatum")}
    hoofd = {"rol": "hoofdpersoon", "velden": velden}
    aangemeld = client.post(
        "/v1/casussen",
        json={
            "casustype": "regulier",
            "gemeente": "assen",
            "onderwerp": "verward-gedrag",
            "betrokkenen": [hoofd],
            "velden": {"signaalOmschrijving": f"Zorgen om {persoon['voornamen']} {persoon['achternaam']}"},
        },
        headers=bearer(politie),
    )
    assert aangemeld.status_code == 201, aangemeld.get_json()
    nieuw = aangemeld.get_json()
    betrokkene = nieuw["betrokkenen"][0]["id"]
    wrong = client.post(
        f"/v1/casussen/{nieuw['id']}/bijdragen",
        json={"betrokkenen": [{"id": betrokkene, "velden": {persoon["achternaam"]: persoon["bsn"]}}]},
        headers=bearer(politie),
    )
    assert wrong.status_code == 400
    client.post("/v1/casussen", json={"betrokkenen": persoon["bsn"]}, headers=bearer(politie))
    assert client.get("/v1/partners", headers=bearer(persoon["bsn"])).status_code == 401
    for path in ("/v1/verantwoording/verstrekkingen", "/v1/verantwoording/signalen", "/v1/verantwoording/integriteit"):
        assert client.get(path, headers=bearer(fg)).status_code == 200
    for path in ("/v1/verantwoording/inzageverzoeken", "/v1/verantwoording/inzagerapporten"):
        assert client.post(path, json={"bsn": persoon["bsn"]}, headers=bearer(fg)).status_code in (200, 201)
    ggd = _token(credentials, "ggd-drenthe", "casusregisseur")
    assert client.get("/v1/routeeroverleg/matches", headers=bearer(ggd)).status_code == 200
    assert client.get("/v1/beleid", headers=bearer(beheerder)).status_code == 200

    pagina = app.test_client()
    assert login(pagina, fg).status_code in (302, 303)
    for path in ("/fg/", "/fg/verstrekkingen", "/fg/integriteit", "/fg/signalen", f"/fg/casussen/{casussen[0]['id']}"):
        assert pagina.get(path).status_code == 200, path
    formulier = pagina.get("/fg/inzageverzoek").get_data(as_text=True)
    gevonden = pagina.post("/fg/inzageverzoek", data={"bsn": persoon["bsn"], "csrf_token": csrf(formulier)})
    assert gevonden.status_code == 200 and "Inzageverzoek" in gevonden.get_data(as_text=True)
    beheer = app.test_client()
    assert login(beheer, beheerder).status_code in (302, 303)
    for path in ("/beheer/", "/beheer/geschiedenis"):
        assert beheer.get(path).status_code == 200, path
    bureau = app.test_client()
    assert login(bureau, regie).status_code in (302, 303)
    for path in ("/bureau/", "/bureau/agenda"):
        assert bureau.get(path).status_code == 200, path


@pytest.mark.parametrize("database_url", [DATABASE], indirect=True)
def test_a_whole_demo_session_logs_no_value_the_demo_stored(
    app: Flask, services: Services, capfd: pytest.CaptureFixture[str]
) -> None:
    logconfig.configureer("INFO", "json")
    capfd.readouterr()
    region = generate_region(services.convenant, seed=2023, today=dt.date.today())
    credentials = install_region(services, region, verzoeken=150, seed=2023)  # with its year of verstrekkingen
    gebruikers = [Gebruiker(c.gebruiker, c.partner, c.rol, c.naam) for c in credentials]
    demo_signalen(services, [g for g in gebruikers if g.rol in ("casusregisseur", "procesregisseur")][:3])
    persoon = _persoon(region)
    _gebruik(app, services, credentials, persoon)
    captured = capfd.readouterr()

    regels = json_regels(captured.err)  # every line is JSON
    events = {r["event"] for r in regels}
    assert {"verzoek", "verstrekking_geweigerd", "token_geweigerd"} <= events  # the session did log
    assert len([r for r in regels if r["event"] == "verzoek"]) > 40
    for regel in regels:
        regel.pop("tijd")  # the time of the line itself: today's date is not a value that leaked
    geschreven = captured.out + "\n".join(map(str, regels))
    keuzes = {keuze for veld in services.convenant.velden for keuze in veld.keuzes}
    waarden = _waarden(region, keuzes)
    assert len(waarden) > 2000 and set(persoon.values()) <= waarden | {persoon["voornamen"]}
    gelekt = sorted(w for w in waarden | set(persoon.values()) if w in geschreven)
    assert gelekt == [], gelekt[:20]

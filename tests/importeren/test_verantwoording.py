"""The FG sees an import for what it is: on the pages, in the API's list, filterable by its uitkomst, and in the
Logboek Dataverwerkingen export (one request span per record, a child per betrokkene per verwerkingsactiviteit)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from flask.testing import FlaskClient
from jsonschema import Draft202012Validator

from service.domain.casus import Gebruiker
from service.service_layer.importeren.importeren import importeer
from service.service_layer.services import Services
from tests.helpers.casus import bearer
from tests.helpers.importbestand import jaar, jsonl, waarden_in
from tests.helpers.web import csrf, html, login

LOGREGEL = Path(__file__).parents[1] / "verantwoording" / "ldv_schemas" / "logregel.schema.json"


def test_the_fg_pages_name_the_import_and_each_imported_casus(
    client: FlaskClient, services: Services, beheerder: Gebruiker, nu: dt.datetime, fg: str
) -> None:
    verslag = importeer(services, beheerder, jsonl(jaar(3, einde=nu)), now=nu)
    login(client, fg)
    lijst = html(client.get("/fg/verstrekkingen?uitkomst=geimporteerd"))
    assert lijst.count('title="Import van een casus uit het eerdere systeem (met de bronnen)"') == 3  # one row each
    assert "Import van historie (het bestand, door de beheerder)" in lijst
    tijdlijn = html(client.get(f"/fg/casussen/{verslag.casussen[1]}"))
    assert "Import van een casus uit het eerdere systeem" in tijdlijn and "geimporteerd" in tijdlijn
    assert "geimporteerd" in html(client.get("/fg/"))  # the overview counts it per uitkomst


def test_the_access_request_page_shows_an_imported_person_without_their_values(
    client: FlaskClient, services: Services, beheerder: Gebruiker, nu: dt.datetime, fg: str
) -> None:
    regels = jaar(1, einde=nu)
    importeer(services, beheerder, jsonl(regels), now=nu)
    bsn = regels[0]["betrokkenen"][0]["velden"]["bsn"]["waarde"]
    login(client, fg)
    formulier = html(client.get("/fg/inzageverzoek"))
    pagina = html(client.post("/fg/inzageverzoek", data={"bsn": bsn, "csrf_token": csrf(formulier)}))
    assert pagina.count("Overname uit het eerdere registratiesysteem") >= 2  # the FG's table, the person's report
    assert "GGZ Drenthe" in pagina and "eerdere registratiesysteem van het Zorg- en Veiligheidshuis" in pagina
    assert not [w for w in waarden_in(regels) if w in pagina]


def test_the_api_lists_imports_and_the_ldv_export_holds_them(
    client: FlaskClient, services: Services, beheerder: Gebruiker, nu: dt.datetime, fg: str
) -> None:
    verslag = importeer(services, beheerder, jsonl(jaar(2, einde=nu)), now=nu)
    lijst = client.get("/v1/verantwoording/verstrekkingen?uitkomst=geimporteerd", headers=bearer(fg))
    assert lijst.status_code == 200, lijst.get_json()
    assert sorted(r["soort"] for r in lijst.get_json()["verstrekkingen"]) == ["import", "import-casus", "import-casus"]
    export = client.get("/v1/verantwoording/exporten?formaat=ldv&doel=import", headers=bearer(fg))
    assert export.status_code == 200
    regels = [json.loads(line) for line in export.get_data(as_text=True).splitlines()]
    validator = Draft202012Validator(json.loads(LOGREGEL.read_text(encoding="utf-8")))
    for regel in regels:
        validator.validate(regel)
    verzoeken = [r for r in regels if not r["name"].endswith(":betrokkene")]
    assert sorted(r["name"] for r in verzoeken) == ["import-casus:import"] * 2 + ["import:import"]
    assert {r["status"] for r in regels} == {"Ok"}
    run = next(r for r in regels if r["name"] == "import:import")
    casussen = [r for r in regels if r["name"] == "import-casus:import"]
    assert {r["trace_id"] for r in casussen} == {run["trace_id"]}  # one trace: the run
    assert {r["parent_span_id"] for r in casussen} == {run["span_id"]}
    kinderen = [r for r in regels if r["name"] == "import-casus:import:betrokkene"]
    with services.uow() as uow:
        ids = {b.id for c in verslag.casussen.values() if (casus := uow.casussen.get(c)) for b in casus.betrokkenen}
    assert {r["attributes"]["dpl.core.data_subject_id"] for r in kinderen} == ids
    assert {r["attributes"]["dpl.core.processing_activity_id"].rsplit("/", 2)[1] for r in kinderen} == {
        "va-aanmelding",
        "va-bijdrage",
    }

"""A valid import file is stored as if entered then: encrypted at rest, its history at its own moments, each
value with its bron, and accounted for in the log as an import (never as verstrekkingen or aanleveringen)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

from sqlalchemy import select

from service.adapters.orm import VerstrekkingRow
from service.domain.casus import Gebruiker
from service.domain.convenant import Fase, Regime
from service.service_layer.importeren.importeren import importeer
from service.service_layer.logboek import integriteit
from service.service_layer.services import Services
from service.service_layer.verantwoording import raadplegen
from tests.helpers.at_rest import database_bytes, scan
from tests.helpers.importbestand import BUREAU, jaar, jsonl, waarden_in

AANTAL = 12


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).astimezone(dt.UTC)


def _records(services: Services) -> list[dict[str, Any]]:
    with services.engine.connect() as connection:
        rows = connection.execute(select(VerstrekkingRow.record).order_by(VerstrekkingRow.log_index))
        return [json.loads(bytes(r)) for (r,) in rows]


def _verwachte_fase(regel: dict[str, Any]) -> Fase:
    fase = Fase.AANMELDING
    for stap in regel["historie"]:
        if stap["handeling"] == "afsluiting":
            fase = Fase.AFGESLOTEN
        elif stap["handeling"] == "triage":
            besluit = stap["besluit"]
            fase = {"in-behandeling": Fase.TRIAGE, "procesregie": Fase.PROCESREGIE, "afgewezen": Fase.AFGEWEZEN}.get(
                besluit, Fase.ADVIES
            )
    return fase


def test_a_valid_file_is_stored_with_its_history_at_its_own_moments(
    services: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    regels = jaar(AANTAL, einde=nu)
    verslag = importeer(services, beheerder, jsonl(regels), now=nu)
    assert verslag.opgeslagen and not verslag.weigeringen
    assert sorted(verslag.casussen) == list(range(1, AANTAL + 1))
    with services.uow() as uow:
        for nummer, regel in enumerate(regels, start=1):
            casus = uow.casussen.get(verslag.casussen[nummer])
            assert casus is not None
            t0 = _moment(regel["aanmelding"]["op"])
            assert (casus.aangemeld_op, casus.aanmelder, casus.gemeente) == (
                t0,
                regel["aanmelding"]["partner"],
                regel["gemeente"],
            )
            assert casus.fase is _verwachte_fase(regel)
            entries = uow.historie.list(casus.id, Regime.REGULIER)
            assert [(e.handeling.value, e.tijd) for e in entries] == [("aanmelding", t0)] + [
                (s["handeling"], _moment(s["op"])) for s in regel["historie"]
            ]
            assert [e.toelichting for e in entries[1:]] == [s.get("toelichting") for s in regel["historie"]]
            assert {e.gebruiker_id for e in entries} == {verslag.run}  # the run wrote them, not a person
            if casus.fase in (Fase.AFGESLOTEN, Fase.AFGEWEZEN):
                assert casus.afgesloten_op == entries[-1].tijd
            waarden = uow.veldwaarden.read(casus.id, Regime.REGULIER)
            hoofd = next(b.id for b in casus.betrokkenen if b.rol.value == "hoofdpersoon")
            for veld, w in regel["betrokkenen"][0]["velden"].items():
                opgeslagen = waarden[(hoofd, veld)]
                op = _moment(w["op"]) if "op" in w else t0
                assert (opgeslagen.waarde, opgeslagen.bron, opgeslagen.bijgedragen_op) == (w["waarde"], w["bron"], op)
            if casus.fase is Fase.AFGESLOTEN:  # filled in by the afsluiting, by the regie, as through the API
                reden = waarden[(None, "afsluitreden")]
                assert (reden.waarde, reden.bron) == (regel["historie"][-1]["uitkomst"], BUREAU)


def test_nothing_of_the_file_is_stored_in_plaintext(services: Services, beheerder: Gebruiker, nu: dt.datetime) -> None:
    regels = jaar(AANTAL, einde=nu)
    assert importeer(services, beheerder, jsonl(regels), now=nu).opgeslagen
    toelichtingen = sorted({s["toelichting"] for r in regels for s in r["historie"] if "toelichting" in s})
    needles = [w.encode() for w in {*waarden_in(regels), *toelichtingen}]
    assert scan(database_bytes(services), needles) == []


def test_the_log_holds_the_run_and_each_casus_as_an_import_and_no_verstrekking(
    services: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    regels = jaar(AANTAL, einde=nu)
    bestand = jsonl(regels)
    verslag = importeer(services, beheerder, bestand, now=nu)
    records = _records(services)
    assert sorted(r["soort"] for r in records) == ["import"] + ["import-casus"] * AANTAL
    run, *casussen = records
    assert (run["id"], run["gebruiker"], run["partner"], run["rol"]) == (verslag.run, beheerder.id, BUREAU, "beheerder")
    assert run["bestand"] == {"sha256": hashlib.sha256(bestand).hexdigest()}
    assert run["aantallen"] == {"regels": AANTAL, "casussen": AANTAL, "overgeslagen": 0}
    with services.uow() as uow:
        for record in casussen:
            assert (record["import"], record["doel"], record["uitkomst"]) == (verslag.run, "import", "geimporteerd")
            assert record["traceId"] == run["traceId"] and record["parentSpanId"] == run["spanId"]
            casus = uow.casussen.get(record["casus"])
            assert casus is not None
            assert sorted(record["betrokkenen"]) == sorted(b.id for b in casus.betrokkenen)
            herkomst = uow.veldwaarden.herkomst(casus.id)
            genoemd = {
                (None if plaats == "casus" else plaats, v["veld"]): bron
                for v in record["verstrekt"]
                for plaats, bron in zip(v["plaatsen"], v["bronnen"], strict=True)
            }
            assert genoemd == {plaats: bron for plaats, (bron, _) in herkomst.items()}
    tekst = json.dumps(records)
    assert not [w for w in waarden_in(regels) if w in tekst]
    raadplegen.bijwerken(services)
    controle = integriteit.controleer(services, "cli")
    assert controle.problemen == () and controle.tabellen_problemen == ()


def test_the_fg_finds_an_imported_person_with_who_supplied_what(
    services: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    from service.service_layer.rechten.persoonsrapport import persoonsrapport

    regels = jaar(2, einde=nu)
    importeer(services, beheerder, jsonl(regels), now=nu)
    fg = Gebruiker("f" * 32, BUREAU, "fg", "fg (synthetisch)")
    bsn = regels[0]["betrokkenen"][0]["velden"]["bsn"]["waarde"]
    inzage = raadplegen.inzageverzoek(services, fg, bsn, now=nu)
    assert [r.soort for r in inzage.regels] == ["import-casus"]
    regel = inzage.regels[0]
    verwacht = {w["bron"] for b in regels[0]["betrokkenen"] for w in b["velden"].values()}
    verwacht |= {w["bron"] for w in regels[0]["velden"].values()}
    if any(s["handeling"] == "afsluiting" for s in regels[0]["historie"]):
        verwacht.add(BUREAU)  # the regie supplied the afsluitreden
    assert {b for b, _ in regel.bronnen} == verwacht and "ggz-drenthe" in verwacht
    assert regel.ontvanger == raadplegen.CASUS_ONTVANGER and "Gezondheid" in " ".join(regel.categorieen)
    rapport = persoonsrapport(services, fg, bsn, now=nu)
    assert len(rapport.regels) == 1 and "eerdere registratiesysteem" in rapport.regels[0].zin
    assert rapport.regels[0].aangeleverd and rapport.regels[0].doel.startswith("Overname")


def test_a_cter_casus_is_imported_under_its_own_regime(
    services: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    from service.service_layer.rechten.persoonsrapport import persoonsrapport
    from tests.helpers.importbestand import iso, waarde

    t0 = nu - dt.timedelta(days=90)
    dag = dt.timedelta(days=1)
    weegploeg = {"partner": "gemeente-assen-veiligheid", "rol": "casusregisseur"}
    regel = {
        "formaat": 1,
        "externId": "CTER-OUD-0001",
        "casustype": "cter",
        "gemeente": "assen",
        "onderwerp": "radicalisering",
        "aanmelding": {"op": iso(t0), "partner": "politie-noord-nederland", "rol": "casusregisseur"},
        "betrokkenen": [
            {
                "rol": "hoofdpersoon",
                "velden": {
                    "bsn": waarde("999900158", "politie-noord-nederland"),
                    "achternaam": waarde("Synthetisch-CTER", "politie-noord-nederland"),
                    "radicaliseringsSignalen": waarde("Synthetische signalen.", "politie-noord-nederland"),
                    "psychischeGezondheid": waarde("signalen", "ggz-drenthe", t0 + 12 * dag),
                },
            }
        ],
        "historie": [
            {
                "handeling": "triage",
                "op": iso(t0 + dag),
                "besluit": "in-behandeling",
                "toelichting": "Synthetisch.",
                "door": weegploeg,
            },
            {
                "handeling": "triage",
                "op": iso(t0 + 8 * dag),
                "besluit": "procesregie",
                "toelichting": "Synthetisch.",
                "door": weegploeg,
            },
            {
                "handeling": "deelnemer-toegevoegd",
                "op": iso(t0 + 10 * dag),
                "partner": "ggz-drenthe",
                "rol": "deelnemer",
                "grondslag": "wet-pga-3",
                "toelichting": "Synthetisch: zorg nodig aan tafel.",
                "door": weegploeg,
            },
            {"handeling": "afsluiting", "op": iso(t0 + 40 * dag), "uitkomst": "doel-gerealiseerd", "door": weegploeg},
        ],
    }
    verslag = importeer(services, beheerder, jsonl([regel]), now=nu)
    assert verslag.opgeslagen, verslag.weigeringen
    casus_id = verslag.casussen[1]
    with services.uow() as uow:
        entries = uow.historie.list(casus_id, Regime.CTER)
        waarden = uow.veldwaarden.read(casus_id, Regime.CTER)
        casus = uow.casussen.get(casus_id)
    assert casus is not None and casus.fase is Fase.AFGESLOTEN
    assert [e.toelichting for e in entries][3] == "Synthetisch: zorg nodig aan tafel."
    assert (None, "afsluitreden") not in waarden  # a CTER casus has no terugkoppeling
    assert not [d for d in casus.deelnames if d.tot is None]  # closed: nobody takes part any longer
    fg = Gebruiker("f" * 32, BUREAU, "fg", "fg (synthetisch)")
    inzage = raadplegen.inzageverzoek(services, fg, "999900158", now=nu)
    assert [(r.soort, r.casustype) for r in inzage.regels] == [("import-casus", "cter")]
    assert persoonsrapport(services, fg, "999900158", now=nu).regels == ()  # never in a report for the person


def test_the_example_in_docs_import_md_is_a_sound_line(services: Services, beheerder: Gebruiker) -> None:
    import re

    from service.settings import PROJECT_ROOT

    tekst = (PROJECT_ROOT / "docs" / "import.md").read_text(encoding="utf-8")
    voorbeeld = re.search(r"^```json\n(.*?)^```$", tekst, flags=re.M | re.S)
    assert voorbeeld is not None
    regel = json.loads(voorbeeld.group(1))
    verslag = importeer(services, beheerder, json.dumps(regel).encode(), now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC))
    assert verslag.opgeslagen, verslag.weigeringen
    with services.uow() as uow:
        casus = uow.casussen.get(verslag.casussen[1])
    assert casus is not None and casus.fase is Fase.AFGESLOTEN and casus.nevenonderwerpen == ("ernstige-overlast",)

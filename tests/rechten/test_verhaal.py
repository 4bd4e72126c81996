"""Issue 21, done means: one synthetic person followed from aanmelding to destruction. The person's report, the
FG's view and the log tell the same complete story of who supplied and who received what, on which grondslag;
every right exercised is recorded; after destruction nobody finds the person, and the log still verifies."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from service.audit.record import parse
from service.domain.convenant import Fase
from service.service_layer.casus.bewaring import vernietig_casus
from service.service_layer.logboek import controle as logboek
from service.service_layer.services import Services
from tests.helpers.casus import BSN_HOOFDPERSOON, ZORGPARTNER, bearer, post, set_fase, vraag
from tests.helpers.gebruikers import add_gebruiker
from tests.rechten.conftest import beperk, hef_op, inzage

RAPPORTEN = "/v1/verantwoording/inzagerapporten"
STROMEN = ("aanlevering", "verstrekking")


def _log(services: Services) -> list[tuple[int, dict[str, Any]]]:
    with services.uow() as uow:
        return [(r.log_index, parse(r.record)) for r in uow.log.records()]


def test_one_person_from_aanmelding_to_destruction(
    client: FlaskClient, services: Services, casus: dict[str, Any], procesregisseur: str, politie: str, fg: str
) -> None:
    casus_id = casus["id"]
    hoofd = next(b["id"] for b in casus["betrokkenen"] if b["rol"] == "hoofdpersoon")
    # the flows: the police referred, the GGD supplied health data (fixture); the Bureau triages; a care
    # partner tries to supply police data and is refused; the police receives the casusoverleg
    assert vraag(client, procesregisseur, casus_id, doel="triage").status_code == 201
    ggd = add_gebruiker(services, ZORGPARTNER, "deelnemer")
    refused = post(
        client,
        ggd,
        f"/v1/casussen/{casus_id}/bijdragen",
        {"betrokkenen": [{"id": hoofd, "velden": {"wapenbezit": True}}]},
    )
    assert refused.status_code == 403 and "wapenbezit" in refused.get_json()["detail"]
    set_fase(services, casus_id, Fase.PROCESREGIE)
    assert vraag(client, politie, casus_id, doel="casusoverleg").status_code == 201
    # a right exercised: the person's data restricted to the plan van aanpak, then the restriction lifted
    beperking = beperk(client, fg, ["plan-van-aanpak"])
    assert beperking.status_code == 201, beperking.get_json()
    withheld = vraag(client, politie, casus_id, doel="casusoverleg").get_json()
    assert withheld["uitkomst"] in ("gedeeltelijk", "leeg") and hoofd not in {b["id"] for b in withheld["betrokkenen"]}
    assert hef_op(client, fg, beperking.get_json()["id"]).status_code == 200
    # another right: the person disputes their achternaam; the verzoek goes to its bron (the police), which
    # supplies the corrected value as a new bijdrage and answers; the Bureau learns who had the old value
    verzoek = post(
        client,
        fg,
        "/v1/verantwoording/correctieverzoeken",
        {"bsn": BSN_HOOFDPERSOON, "soort": "correctie", "velden": ["achternaam"]},
    )
    assert verzoek.status_code == 201, verzoek.get_json()
    [routed] = verzoek.get_json()["verzoeken"]
    assert routed["bron"] == "politie-noord-nederland"
    assert {o["partner"] for o in routed["eerdereOntvangers"]} == {"bureau-zvh-drenthe", "politie-noord-nederland"}
    nieuw = {"betrokkenen": [{"id": hoofd, "velden": {"achternaam": "Testpersoon-Gecorrigeerd"}}]}
    assert post(client, politie, f"/v1/casussen/{casus_id}/bijdragen", nieuw).status_code == 201
    afhandeling = {"resultaat": "gecorrigeerd"}
    assert post(client, politie, f"/v1/correctieverzoeken/{routed['id']}/afhandeling", afhandeling).status_code == 200

    log = _log(services)
    about = [
        (i, r)
        for i, r in log
        if r["soort"] in STROMEN
        and r["uitkomst"] in ("verstrekt", "gedeeltelijk")
        and any(hoofd in v["plaatsen"] or "casus" in v["plaatsen"] for v in r["verstrekt"])
    ]
    story = [(r["soort"], r["partner"], r["doel"]) for _, r in about]
    assert story[:4] == [
        ("aanlevering", "politie-noord-nederland", "aanmelding"),
        ("aanlevering", ZORGPARTNER, "bijdrage"),
        ("verstrekking", "bureau-zvh-drenthe", "triage"),
        ("verstrekking", "politie-noord-nederland", "casusoverleg"),
    ]
    assert story[-1] == ("aanlevering", "politie-noord-nederland", "bijdrage")  # the corrected value
    refusals = [r for _, r in log if r["soort"] == "aanlevering" and r["uitkomst"] == "geweigerd"]
    assert [(r["partner"], r["weigering"], r["onthouden"]) for r in refusals] == [
        (ZORGPARTNER, "bronregel", ["wapenbezit"])
    ]
    rechten = ["beperking", "opheffing-beperking", "correctieverzoek", "afhandeling-correctieverzoek"]
    assert [r["soort"] for _, r in log if r["soort"] in rechten] == rechten

    fg_inzage = inzage(client, fg)
    assert [st["soort"] for st in fg_inzage["rechtsstappen"]] == rechten  # every right exercised, in order
    assert [st["logIndex"] for st in fg_inzage["rechtsstappen"]] == [i for i, r in log if r["soort"] in rechten]
    fg_view = fg_inzage["verstrekkingen"]
    assert [r["logIndex"] for r in fg_view] == [i for i, _ in about]  # the FG sees exactly the log's story
    for row, (_, record) in zip(fg_view, about, strict=True):
        assert row["soort"] == record["soort"] and row["doel"] == record["doel"]
        grounds = {v["grondslag"] for v in record["verstrekt"] if hoofd in v["plaatsen"] or "casus" in v["plaatsen"]}
        assert {g["id"] for g in row["grondslagen"]} == grounds
        bronnen = {b for v in record["verstrekt"] for b in v["bronnen"]}
        assert {b["id"] for b in row["bronnen"]} <= bronnen | {record["partner"]}
    report = client.post(RAPPORTEN, json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(fg)).get_json()["regels"]
    assert len(report) == len(fg_view)  # nothing deferred, nothing CTER: the person reads the same story
    for line, row in zip(report, fg_view, strict=True):
        assert line["aangeleverd"] == (row["soort"] == "aanlevering")
        assert line["doel"] == row["doelNaam"] and line["ontvanger"] == row["ontvangerNaam"]
        assert sorted(line["bronnen"]) == sorted(b["naam"] for b in row["bronnen"])
        assert line["verwerkingen"] and all(v["bewaartermijn"] for v in line["verwerkingen"])

    vernietig_casus(services, casus_id)
    after = client.post("/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(fg))
    assert after.get_json() == {"aantalBetrokkenen": 0, "afgekapt": False, "verstrekkingen": [], "rechtsstappen": []}
    assert "Gecorrigeerd" not in str(_log(services))  # never a value in the log
    assert client.post(RAPPORTEN, json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(fg)).get_json()["regels"] == []
    assert logboek.verifieer(services).ok  # the log keeps its records and verifies
    assert len(_log(services)) == len(log) + 1  # one more: the destruction itself

"""The installed demo region's report of 2023 gives every figure DOMAIN.md has for Drenthe 2023 (written out here),
exactly for the Bureau's manager (`rapporteer`, publicatie=False), and the published view, asked over the API with
the demo manager's own token, withholds none of the cells of five or more that should show.

Where DOMAIN's figure does not fit our definitions (docs/managementinformatie.md, "Demo") the test says so and
checks the nearest one: the age bands of "active casussen" (186 in all) are those of the 129 active on 31 December,
in DOMAIN's proportions.

The demo keeps the year's data although much of it is past its bewaartermijn (P2Y from the afsluiting) by now: the
demo runs no retention. When `retention run` does, the report still counts every casus by its metadata and
history, and what came from the shredded values becomes unknown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask.testing import FlaskClient

from service.domain.casus import Gebruiker
from service.domain.convenant import Fase
from service.domain.jaarcijfers import Tabel
from service.domain.verstrekking import Trace
from service.service_layer.casus.bewaring import retention_run
from service.service_layer.managementinformatie.rapport import Vraag, rapporteer
from service.service_layer.services import Services
from tests.helpers.casus import bearer
from tests.helpers.databases import Demo

JAAR = "2023"
BUREAU = "bureau-zvh-drenthe"
GEMEENTEN = [
    f"gemeente-{g}"
    for g in (
        *("aa-en-hunze", "assen", "borger-odoorn", "coevorden", "emmen", "hoogeveen", "meppel"),
        *("midden-drenthe", "noordenveld", "tynaarlo", "westerveld", "de-wolden"),
    )
]
# DOMAIN.md, "Demo region facts": referrals in 2023 per partner, each with the convenant's partners it maps to.
AANMELDINGEN = {
    "andere zorg- en veiligheidshuizen": (11, {"zvh-groningen", "zvh-fryslan"}),
    "Cosis": (2, {"cosis"}),
    "DJI": (0, {"dji"}),
    "gemeente – veiligheid": (32, {f"{g}-veiligheid" for g in GEMEENTEN}),
    "gemeente – sociaal domein": (6, {f"{g}-sociaal-domein" for g in GEMEENTEN}),
    "Stichting De Toegang": (0, {"stichting-de-toegang"}),
    "GGD Drenthe – OGGZ": (10, {"ggd-drenthe"}),
    "GGZ Drenthe": (6, {"ggz-drenthe"}),
    "JB Noord – jeugdbescherming": (2, {"jb-noord-jeugdbescherming"}),
    "JB Noord – jeugdreclassering": (0, {"jb-noord-jeugdreclassering"}),
    "Leger des Heils – welzijn": (1, {"leger-des-heils-welzijn"}),
    "Leger des Heils – reclassering": (1, {"leger-des-heils-reclassering"}),
    "MEE Drenthe": (1, {"mee-drenthe"}),
    "Menso": (0, {"menso"}),
    "Openbaar Ministerie": (2, {"openbaar-ministerie-noord-nederland"}),
    "Politie": (30, {"politie-noord-nederland"}),
    "Raad voor de Kinderbescherming": (1, {"raad-voor-de-kinderbescherming"}),
    "Reclassering Nederland": (8, {"reclassering-nederland"}),
    "sociale teams": (2, {"sociale-teams-drenthe"}),
    "Stichting Halt": (0, {"stichting-halt"}),
    "Veilig Thuis Drenthe": (8, {"veilig-thuis-drenthe"}),
    "VNN – verslavingszorg": (0, {"vnn-verslavingszorg"}),
    "VNN – reclassering/SVG": (5, {"vnn-reclassering"}),
    "Werkplein Drentsche Aa": (0, {"werkplein-drentsche-aa"}),
    "William Schrikker – jeugdbescherming": (0, {"william-schrikker-jeugdbescherming"}),
    "William Schrikker – jeugdreclassering": (0, {"william-schrikker-jeugdreclassering"}),
    "ZSM": (0, {"zsm-noord-nederland"}),
}
# Active procesregie casussen per municipality at year end (129).
ACTIEF = {
    "Aa en Hunze": 9,
    "Assen": 26,
    "Borger-Odoorn": 9,
    "Coevorden": 11,
    "Emmen": 38,
    "Hoogeveen": 13,
    "Meppel": 8,
    "Midden-Drenthe": 4,
    "Noordenveld": 1,
    "Tynaarlo": 8,
    "Westerveld": 0,
    "De Wolden": 2,
}
LEEFTIJDEN = {"t/m 17": 21, "18 t/m 23": 12, "24 t/m 40": 102, "41 t/m 65": 49, "ouder dan 65": 2}  # "65+"
PROBLEMATIEK = {"Psychische problematiek / verward gedrag": 82, "Verslaving": 58, "LVB (vastgesteld of vermoed)": 43}


def _cel(tabel: Tabel | None, rij: str, kolom: str) -> int:
    assert tabel is not None
    return tabel.cel(rij, kolom) if rij in tabel.rijen else 0  # a row without casussen is left out


def _naar_verhouding(aantallen: dict[str, int], totaal: int) -> dict[str, int]:
    """`aantallen` scaled to `totaal` by largest remainder (how the demo fits DOMAIN's 186 ages to 129)."""
    som = sum(aantallen.values())
    exact = {k: v * totaal / som for k, v in aantallen.items()}
    uit = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: exact[k] - uit[k], reverse=True)[: totaal - sum(uit.values())]:
        uit[k] += 1
    return uit


def test_the_demo_report_of_2023_gives_the_drenthe_figures(client: FlaskClient, services: Services, demo: Demo) -> None:
    now, region = demo.now, demo.region
    manager = demo.credential(BUREAU, "manager")
    gebruiker = Gebruiker(manager.gebruiker, BUREAU, "manager", manager.naam)
    rapport = rapporteer(services, gebruiker, Vraag(int(JAAR), publicatie=False), Trace("1" * 32, "2" * 16)).rapport
    per_gemeente = rapport.tabel("per-gemeente")
    procesregie = rapport.tabel("procesregie")

    # 128 referrals: 65 procesregie, 63 (uitgebreid) advies; per partner as DOMAIN lists them.
    per_partner = rapport.tabel("aanmeldingen-per-partner")
    assert per_partner is not None
    assert per_partner.cellen[-1] == (65, 63, 0, 0, 128)
    namen = {p.id: p.naam for p in services.convenant.partners}
    for naam, (aantal, partners) in AANMELDINGEN.items():
        assert sum(_cel(per_partner, namen[p], "Totaal") for p in partners) == aantal, naam
    assert _cel(per_gemeente, "Totaal", "Instroom (aanmeldingen)") == 128
    assert _cel(per_gemeente, "Totaal", "Uitgebreid advies") == 63
    # 129 active procesregie casussen at year end, per gemeente; 54 closed.
    for gemeente, aantal in ACTIEF.items():
        assert _cel(per_gemeente, gemeente, "Actief op 31 december") == aantal, gemeente
    assert _cel(per_gemeente, "Totaal", "Actief op 31 december") == _cel(procesregie, "Actief op 31 december", JAAR)
    assert _cel(procesregie, "Actief op 31 december", JAAR) == 129
    assert _cel(procesregie, "Afgesloten", JAAR) == _cel(per_gemeente, "Totaal", "Afgesloten") == 54
    assert _cel(procesregie, "Nieuw in procesregie", JAAR) == 65
    actief = _cel(procesregie, "Actief gedurende het jaar", JAAR)
    assert actief == 129 + 54  # in procesregie during 2023: the base of problematiek and reach
    # Age of the hoofdpersoon of active casussen: DOMAIN's 186 fit no column of ours; the 129 active on
    # 31 December have DOMAIN's proportions.
    leeftijd = rapport.tabel("leeftijd")
    verwacht = _naar_verhouding(LEEFTIJDEN, 129)
    assert verwacht == {"t/m 17": 15, "18 t/m 23": 8, "24 t/m 40": 71, "41 t/m 65": 34, "ouder dan 65": 1}
    for band, aantal in verwacht.items():
        assert _cel(leeftijd, band, "Actief op 31 december") == aantal, band
    assert _cel(leeftijd, "Totaal", "Actief op 31 december") == 129
    assert _cel(leeftijd, "Totaal", "Bij aanmelding") == 128 and _cel(leeftijd, "onbekend", "Bij aanmelding") == 0
    # Stalking: 14 referrals, 23 active (in procesregie during the year), as hoofd- or nevenonderwerp.
    assert _cel(rapport.tabel("thema"), "Stalking", "Aanmeldingen") == 14
    assert _cel(rapport.tabel("thema"), "Stalking", "Actief in procesregie") == 23
    assert _cel(rapport.tabel("hoofdonderwerp"), "Stalking", "Casussen") == 23
    # Problematiek: psychisch 82%, verslaving 58%, LVB 43%; 46% across gemeente borders.
    problematiek = rapport.tabel("problematiek")
    assert _cel(problematiek, "Casussen in procesregie", "Casussen") == actief
    for rij, procent in PROBLEMATIEK.items():
        assert round(100 * _cel(problematiek, rij, "Casussen") / actief) == procent, rij
    assert round(100 * _cel(rapport.tabel("gemeentegrensoverstijgend"), "Totaal", "Casussen") / actief) == 46
    # About 180 advice trajectories: the uitgebreide adviezen of 2023.
    adviezen = rapport.tabel("adviezen")
    trajecten = sum(_cel(adviezen, f"Uitgebreid advies{s}", JAAR) for s in (" met betrokkenen", ", anoniem"))
    assert trajecten == 182 and abs(trajecten - 180) <= 5

    # Published, as the demo's manager over the API: no cell of five or more that should show is withheld.
    response = client.get(f"/v1/managementinformatie/{JAAR}", headers=bearer(manager.token))
    assert response.status_code == 200, response.get_json()
    tabellen = {t["id"]: t for t in response.get_json()["tabellen"]}
    gemeenten = _rijen(tabellen["per-gemeente"], "Actief op 31 december")
    assert gemeenten == {g: (n if n >= 5 or n == 0 else None) for g, n in ACTIEF.items()} | {"Totaal": 129}
    assert _rijen(tabellen["procesregie"], JAAR) == {
        "Nieuw in procesregie": 65,
        "Actief gedurende het jaar": 183,
        "Actief op 31 december": 129,
        "Afgesloten": 54,
    }
    assert _rijen(tabellen["aanmeldingen-per-partner"], "Totaal")["Totaal"] == 128
    assert _rijen(tabellen["thema"], "Aanmeldingen")["Stalking"] == 14
    assert _rijen(tabellen["thema"], "Actief in procesregie")["Stalking"] == 23
    gepubliceerd = _rijen(tabellen["problematiek"], "Casussen")
    assert all(gepubliceerd[r] == _cel(problematiek, r, "Casussen") for r in (*PROBLEMATIEK, "Casussen in procesregie"))

    # Retention, which the demo does not run: the casussen past their bewaartermijn are all the year's.
    vernietigd = set(retention_run(services, now=now))
    assert vernietigd and vernietigd <= set(region.paden)
    na = rapporteer(services, gebruiker, Vraag(int(JAAR), publicatie=False), Trace("3" * 32, "4" * 16)).rapport
    for tabel_id in ("procesregie", "per-gemeente", "aanmeldingen-per-partner", "thema", "adviezen"):
        assert na.tabel(tabel_id) == rapport.tabel(tabel_id), tabel_id  # metadata and history stay
    leeftijd_na = na.tabel("leeftijd")
    einde = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    actief_vernietigd = {
        c.id
        for c in region.casussen
        if c.id in vernietigd and region.paden[c.id][1].naar is Fase.PROCESREGIE and c.afgesloten_op > einde
    }
    assert _cel(leeftijd_na, "Totaal", "Actief op 31 december") == 129
    assert _cel(leeftijd_na, "onbekend", "Actief op 31 december") == len(actief_vernietigd)


def _rijen(tabel: dict[str, Any], kolom: str) -> dict[str, int | None]:
    """One column of a published table: per row label its count (None where withheld)."""
    index = tabel["kolommen"].index(kolom)
    return {rij["label"]: rij["waarden"][index] for rij in tabel["rijen"]}

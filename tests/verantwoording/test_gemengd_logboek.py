"""A log that mixes verstrekkingen with beheer history records: the FG counts, lists, signals and exports only
the verstrekkingen, and sees the beheer history on its own page.

The beheer records are made through the real use cases (`service_layer.beheer`), most of them in one night by
one partner and some in the weeks before by another, so that counting them would visibly change the FG's
figures: the volume baseline, the office-hours signal, the inactive-partner signal, totals and filters.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from service.adapters.orm import VerstrekkingBetrokkeneRow, VerstrekkingGrondslagRow, VerstrekkingRow
from service.domain.beheer import Handeling
from service.domain.casus import Gebruiker
from service.domain.verantwoording import Drempels, Pagina, Selectie
from service.service_layer.beheer import voorstellen as beheer
from service.service_layer.beleid.invoer import Toevoeging, Wijziging
from service.service_layer.services import Services
from service.service_layer.verantwoording import raadplegen as verantwoording
from service.service_layer.verantwoording import signalering
from tests.helpers.beheer import ADDED, REMOVED, gebruiker_of
from tests.helpers.casus import BSN_HOOFDPERSOON, bearer
from tests.helpers.gebruikers import add_gebruiker
from tests.helpers.verantwoording import Logboek
from tests.helpers.web import login

BUREAU = "bureau-zvh-drenthe"
POLITIE = "politie-noord-nederland"
GRONINGEN = "zvh-groningen"
GGD = "ggd-drenthe"
# The logboek fixture's records: the police's aanmelding and the GGD's bijdrage (aanleveringen, verstrekt),
# Bureau ZVH's triage (verstrekt), the police's casusoverleg (gedeeltelijk) and its refused request (geweigerd).
VERWACHT_PER_UITKOMST = {
    **{"verstrekt": 3, "gedeeltelijk": 1, "leeg": 0, "geweigerd": 1, "vernietigd": 0},
    "geimporteerd": 0,  # no import (tests/importeren)
}
VERWACHT_PER_PARTNER = {BUREAU: 1, POLITIE: 3, GGD: 1}
STROMEN = {"verstrekking", "aanlevering"}  # both sides of every flow; never a beheer record
NACHTELIJKE_AFWIJZINGEN = 6


@dataclass(frozen=True)
class Gemengd:
    logboek: Logboek
    toelichtingen: list[str]  # every toelichting or reden of a beheer record, one distinct text each
    beheer_ids: set[str]  # the ids of every beheer record in the log
    nacht: dt.datetime  # when the night's beheer work began (03:00 Amsterdam time, UTC)


def vorige_nacht(now: dt.datetime) -> dt.datetime:
    """03:00 Amsterdam time of the latest night at least two hours before `now` (outside every office hour)."""
    local = now.astimezone(signalering.AMSTERDAM)
    nacht = local.replace(hour=3, minute=0, second=0, microsecond=0)
    if nacht > local - dt.timedelta(hours=2):
        nacht -= dt.timedelta(days=1)
    return nacht.astimezone(dt.UTC)


class _Klok:
    """Consecutive minutes from a start: each beheer step gets its own time."""

    def __init__(self, start: dt.datetime) -> None:
        self.moment = start

    def __call__(self) -> dt.datetime:
        self.moment += dt.timedelta(minutes=1)
        return self.moment


def _beheerwerk(services: Services, a: Gebruiker, b: Gebruiker, nacht: dt.datetime) -> list[str]:
    """Real beheer steps: returns every toelichting and reden written, each distinct."""
    teksten: list[str] = []

    def tekst(wat: str) -> str:
        teksten.append(f"Synthetisch {len(teksten) + 1}: {wat}.")
        return teksten[-1]

    politie_beheerder = gebruiker_of(services, add_gebruiker(services, POLITIE, "beheerder"))
    groningen_beheerder = gebruiker_of(services, add_gebruiker(services, GRONINGEN, "beheerder"))

    # Weeks before (the volume signal's baseline windows): the police's beheerder proposes and withdraws.
    eerder = _Klok(nacht - dt.timedelta(days=20))
    for _ in range(4):
        voorstel = beheer.stel_partnerwijziging_voor(
            services, politie_beheerder, tekst("cosis schorsen?"), "cosis", actief=False, now=eerder()
        )
        beheer.wijs_af(services, politie_beheerder, voorstel.id, tekst("ingetrokken"), now=eerder())

    klok = _Klok(nacht)
    # A policy change approved, another rejected.
    erbij = beheer.stel_beleid_voor(
        services,
        a,
        tekst("contact voor triage"),
        wijziging=Wijziging((Toevoeging("zvh-drenthe.csv", ADDED),), ()),
        now=klok(),
    )
    eraf = beheer.stel_beleid_voor(
        services, a, tekst("aanmelding eraf"), wijziging=Wijziging((), (REMOVED,)), now=klok()
    )
    beheer.keur_goed(services, b, erbij.id, now=klok())
    beheer.wijs_af(services, b, eraf.id, tekst("verouderd"), now=klok())
    # Halt suspended and its suspension lifted again.
    schorsing = beheer.stel_partnerwijziging_voor(
        services, a, tekst("halt schorsen"), "stichting-halt", actief=False, now=klok()
    )
    beheer.keur_goed(services, b, schorsing.id, now=klok())
    herstel = beheer.stel_partnerwijziging_voor(
        services, b, tekst("halt herstellen"), "stichting-halt", actief=True, now=klok()
    )
    beheer.keur_goed(services, a, herstel.id, now=klok())
    # Groningen's beheerder proposes and withdraws; then Groningen is suspended: its only records are beheer.
    voorstel = beheer.stel_partnerwijziging_voor(
        services, groningen_beheerder, tekst("menso schorsen?"), "menso", actief=False, now=klok()
    )
    beheer.wijs_af(services, groningen_beheerder, voorstel.id, tekst("ingetrokken"), now=klok())
    geschorst = beheer.stel_partnerwijziging_voor(
        services, a, tekst("groningen schorsen"), GRONINGEN, actief=False, now=klok()
    )
    beheer.keur_goed(services, b, geschorst.id, now=klok())
    # The police suspended too: its real verstrekkingen now come from a partner that is no longer active.
    politie = beheer.stel_partnerwijziging_voor(
        services, a, tekst("politie schorsen"), POLITIE, actief=False, now=klok()
    )
    beheer.keur_goed(services, b, politie.id, now=klok())
    # The rest of the night: one proposal after another, each rejected.
    for _ in range(NACHTELIJKE_AFWIJZINGEN):
        voorstel = beheer.stel_partnerwijziging_voor(
            services, a, tekst("cosis schorsen"), "cosis", actief=False, now=klok()
        )
        beheer.wijs_af(services, b, voorstel.id, tekst("niet nodig"), now=klok())
    return teksten


@pytest.fixture
def gemengd(services: Services, logboek: Logboek, beheerder_a: str, beheerder_b: str) -> Gemengd:
    nacht = vorige_nacht(dt.datetime.now(dt.UTC))
    a, b = gebruiker_of(services, beheerder_a), gebruiker_of(services, beheerder_b)
    teksten = _beheerwerk(services, a, b, nacht)
    with services.uow() as uow:
        ids = {r.columns[0] for r in uow.log.records() if r.columns[3] == "beheer"}
    # weeks before 8; policy 5; halt 6; groningen 2 + 3; politie 3; the rest of the night 2 each
    assert len(ids) == 8 + 5 + 6 + 2 + 3 + 3 + 2 * NACHTELIJKE_AFWIJZINGEN
    return Gemengd(logboek, teksten, ids, nacht)


def _fg(services: Services, token: str) -> Gebruiker:
    return gebruiker_of(services, token)


def _lijst(client: FlaskClient, token: str, **query: Any) -> list[dict[str, Any]]:
    response = client.get(
        "/v1/verantwoording/verstrekkingen", query_string={"pageSize": 200, **query}, headers=bearer(token)
    )
    assert response.status_code == 200, response.get_json()
    records: list[dict[str, Any]] = response.get_json()["verstrekkingen"]
    return records


# -- the list, its filters and paging ------------------------------------------------------------------------------


def test_the_list_holds_only_the_verstrekkingen(client: FlaskClient, gemengd: Gemengd) -> None:
    records = _lijst(client, gemengd.logboek.fg)
    assert [r["uitkomst"] for r in records] == ["geweigerd", "gedeeltelijk", "verstrekt", "verstrekt", "verstrekt"]
    assert {r["soort"] for r in records} == STROMEN
    assert not {r["id"] for r in records} & gemengd.beheer_ids


@pytest.mark.parametrize("uitkomst", sorted(VERWACHT_PER_UITKOMST))
def test_every_uitkomst_filter_counts_only_verstrekkingen(client: FlaskClient, gemengd: Gemengd, uitkomst: str) -> None:
    records = _lijst(client, gemengd.logboek.fg, uitkomst=uitkomst)
    assert len(records) == VERWACHT_PER_UITKOMST[uitkomst]
    assert all(r["uitkomst"] == uitkomst and r["soort"] in STROMEN for r in records)


@pytest.mark.parametrize("handeling", [h.value for h in Handeling])
def test_a_selection_on_a_beheer_handeling_finds_and_counts_nothing(
    client: FlaskClient, services: Services, gemengd: Gemengd, handeling: str
) -> None:
    """The store itself excludes beheer records, not the validation of the uitkomst parameter in front of it."""
    selectie = Selectie(uitkomst=handeling)
    with services.uow() as uow:
        store = uow.verantwoording
        assert store.zoek(selectie, Pagina(grootte=200)) == []
        assert list(store.alle(selectie, limiet=1000)) == []
        assert store.aantal(selectie) == 0
        assert store.aantal_per_partner(uitkomst=handeling) == {}
    response = client.get(f"/v1/verantwoording/verstrekkingen?uitkomst={handeling}", headers=bearer(gemengd.logboek.fg))
    assert response.status_code == 400


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"partner": BUREAU}, 1),
        ({"partner": GRONINGEN}, 0),  # its only records are beheer records
        ({"doel": "beheer"}, 0),
        ({"sorteer": "tijd"}, 5),
    ],
    ids=["bureau", "groningen", "doel-beheer", "oldest-first"],
)
def test_other_filters_never_match_beheer_records(
    client: FlaskClient, gemengd: Gemengd, query: dict[str, str], expected: int
) -> None:
    records = _lijst(client, gemengd.logboek.fg, **query)
    assert len(records) == expected
    assert not {r["id"] for r in records} & gemengd.beheer_ids


def test_the_night_of_beheer_work_holds_no_verstrekking(client: FlaskClient, gemengd: Gemengd) -> None:
    van = gemengd.nacht - dt.timedelta(minutes=1)
    tot = gemengd.nacht + dt.timedelta(hours=1)  # the night's beheer steps take half an hour
    assert _lijst(client, gemengd.logboek.fg, van=van.isoformat(), tot=tot.isoformat()) == []


def test_paging_walks_exactly_the_verstrekkingen(client: FlaskClient, gemengd: Gemengd) -> None:
    seen = []
    for page in range(1, 8):
        response = client.get(
            "/v1/verantwoording/verstrekkingen",
            query_string={"pageSize": 1, "page": page, "sorteer": "tijd"},
            headers=bearer(gemengd.logboek.fg),
        )
        body = response.get_json()
        seen += [r["logIndex"] for r in body["verstrekkingen"]]
        if "next" not in body["_links"]:
            break
    assert seen == [0, 1, 2, 3, 4]


# -- overview ------------------------------------------------------------------------------------------------------


def test_overview_counts_only_verstrekkingen(services: Services, gemengd: Gemengd) -> None:
    data = signalering.overzicht(services, _fg(services, gemengd.logboek.fg))
    assert {p: n for p, _, n in data.per_partner} == VERWACHT_PER_PARTNER
    assert data.per_uitkomst == VERWACHT_PER_UITKOMST
    assert data.totaal == 5 == sum(data.per_uitkomst.values())  # no record of an unknown outcome
    assert sum(n for _, n in data.per_maand) == 5


def test_overview_page_and_charts_show_only_verstrekkingen(client: FlaskClient, gemengd: Gemengd) -> None:
    login(client, gemengd.logboek.fg)
    html = client.get("/fg/").get_data(as_text=True)
    assert re.search(r'id="totaal" data-aantal="5"', html)
    bars = re.findall(r"<title>([^<]+): (\d+)</title>", html)
    maand = r"(jan|feb|mrt|apr|mei|jun|jul|aug|sep|okt|nov|dec) \d{4}"  # month labels in Dutch
    per_partner = {label: int(n) for label, n in bars if not re.fullmatch(maand, label)}
    assert per_partner == {
        "Bureau Zorg- en Veiligheidshuis Drenthe": 1,
        "Politie eenheid Noord-Nederland": 3,
        "GGD Drenthe – OGGZ": 1,
    }
    assert sum(int(n) for label, n in bars if re.fullmatch(maand, label)) == 5


# -- signals -------------------------------------------------------------------------------------------------------

LAAG = Drempels(volume_minimum=2, weigeringen=1, buiten_kantoortijd=2)


def _signalen(services: Services, gemengd: Gemengd) -> set[tuple[str, str]]:
    fg = _fg(services, gemengd.logboek.fg)
    now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
    return {(s.soort, s.partner) for s in signalering.signalen(services, fg, LAAG, now=now)}


def test_a_night_of_beheer_work_makes_no_volume_or_office_hours_signal(services: Services, gemengd: Gemengd) -> None:
    found = _signalen(services, gemengd)
    for soort in ("volume", "buiten-kantoortijd", "geen-deelnemer", "weigeringen"):
        assert (soort, BUREAU) not in found
        assert (soort, GRONINGEN) not in found


def test_beheer_records_in_the_baseline_do_not_hide_a_partners_volume(services: Services, gemengd: Gemengd) -> None:
    """The police's two verstrekkingen this week pass the volume threshold; eight beheer records of its own
    beheerder in the weeks before would have raised its baseline (8 / 8 windows * 3 > 2) and hidden it."""
    found = _signalen(services, gemengd)
    assert ("volume", POLITIE) in found
    assert ("weigeringen", POLITIE) in found
    assert ("geen-deelnemer", POLITIE) in found  # suspended: its verstrekkingen came from an inactive partner


def test_signals_endpoint_shows_no_beheer_partner(client: FlaskClient, gemengd: Gemengd) -> None:
    body = client.get("/v1/verantwoording/signalen", headers=bearer(gemengd.logboek.fg)).get_json()
    assert {s["partner"] for s in body["signalen"]} <= {POLITIE}


# -- exports, timeline, access request, derived tables ------------------------------------------------------------


def _geen_beheer(text: str, gemengd: Gemengd) -> None:
    for ident in gemengd.beheer_ids:
        assert ident not in text
    for toelichting in gemengd.toelichtingen:
        assert toelichting not in text
    assert "beheer" not in text


def test_csv_export_holds_only_verstrekkingen(client: FlaskClient, gemengd: Gemengd) -> None:
    response = client.get("/v1/verantwoording/exporten?formaat=csv", headers=bearer(gemengd.logboek.fg))
    text = response.get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["logIndex"] for r in rows] == ["0", "1", "2", "3", "4"]
    _geen_beheer(text, gemengd)


def test_json_export_holds_only_verstrekkingen(client: FlaskClient, gemengd: Gemengd) -> None:
    response = client.get("/v1/verantwoording/exporten?formaat=json", headers=bearer(gemengd.logboek.fg))
    text = response.get_data(as_text=True)
    assert [r["logIndex"] for r in json.loads(text)["verstrekkingen"]] == [0, 1, 2, 3, 4]
    _geen_beheer(text, gemengd)


def test_ldv_export_holds_only_verstrekkingen(client: FlaskClient, gemengd: Gemengd) -> None:
    response = client.get("/v1/verantwoording/exporten?formaat=ldv", headers=bearer(gemengd.logboek.fg))
    text = response.get_data(as_text=True)
    lines = [json.loads(line) for line in text.splitlines()]
    assert sorted({line["attributes"]["deelpoort.log_index"] for line in lines}) == [0, 1, 2, 3, 4]
    assert all(line["name"].split(":")[0] in STROMEN for line in lines)
    _geen_beheer(text, gemengd)


@pytest.mark.parametrize("formaat", ["csv", "json", "ldv"])
def test_web_exports_hold_only_verstrekkingen(client: FlaskClient, gemengd: Gemengd, formaat: str) -> None:
    login(client, gemengd.logboek.fg)
    response = client.get(f"/fg/export?formaat={formaat}")
    assert response.status_code == 200
    _geen_beheer(response.get_data(as_text=True), gemengd)


def test_fg_pages_of_verstrekkingen_show_no_beheer_record(client: FlaskClient, gemengd: Gemengd) -> None:
    login(client, gemengd.logboek.fg)
    casus = gemengd.logboek.casus["id"]
    for path in ("/fg/", "/fg/verstrekkingen", "/fg/verstrekkingen?volgorde=oplopend", f"/fg/casussen/{casus}"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        for toelichting in gemengd.toelichtingen:
            assert toelichting not in html, path
    rows = client.get("/fg/verstrekkingen").get_data(as_text=True).count('<tr class="uitkomst-')
    assert rows == 5


def test_access_request_and_derived_tables_ignore_beheer_records(
    client: FlaskClient, services: Services, gemengd: Gemengd
) -> None:
    response = client.post(
        "/v1/verantwoording/inzageverzoeken", json={"bsn": BSN_HOOFDPERSOON}, headers=bearer(gemengd.logboek.fg)
    )
    assert len(response.get_json()["verstrekkingen"]) == 4  # aanmelding, bijdrage, triage, casusoverleg
    verantwoording.bijwerken(services)
    with services.engine.connect() as connection:
        indexed = set(connection.scalars(select(VerstrekkingBetrokkeneRow.log_index)))
        indexed |= set(connection.scalars(select(VerstrekkingGrondslagRow.log_index)))
    beheer_indexes = {e.log_index for e in beheer.geschiedenis(services, _fg(services, gemengd.logboek.fg))}
    assert indexed and not indexed & beheer_indexes


# -- the beheer history for the FG ---------------------------------------------------------------------------------


def test_the_api_gives_the_fg_every_beheer_record_with_its_toelichting(client: FlaskClient, gemengd: Gemengd) -> None:
    response = client.get("/v1/beleid/geschiedenis", headers=bearer(gemengd.logboek.fg))
    assert response.status_code == 200
    events = response.get_json()["gebeurtenissen"]
    assert len(events) == len(gemengd.beheer_ids)
    assert sorted(e["toelichting"] for e in events if e["handeling"] in ("voorstel", "afwijzing")) == sorted(
        gemengd.toelichtingen
    )


def test_the_beheer_page_shows_every_beheer_record(client: FlaskClient, services: Services, gemengd: Gemengd) -> None:
    login(client, gemengd.logboek.fg)
    response = client.get("/fg/beheer")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    events = beheer.geschiedenis(services, _fg(services, gemengd.logboek.fg))
    assert html.count('<tr class="beheer-') == len(events) == len(gemengd.beheer_ids)
    for toelichting in gemengd.toelichtingen:
        assert toelichting in html
    for event in events:
        assert f'href="/fg/bewijzen/{event.log_index}"' in html
        if event.versie_na:
            assert event.versie_na[:12] in html
    for readable in ("Voorstel", "Goedkeuring", "Afwijzing", "In werking getreden", "Veldbeleid"):
        assert readable in html
    assert "Schorsing van Stichting Halt" in html and "Opheffen schorsing van Stichting Halt" in html
    assert "Schorsing van Politie eenheid Noord-Nederland" in html
    assert 'href="/fg/beheer"' in client.get("/fg/").get_data(as_text=True)  # in the FG menu


def test_the_inclusion_proof_of_a_beheer_record_is_one_click_away(
    client: FlaskClient, services: Services, gemengd: Gemengd
) -> None:
    login(client, gemengd.logboek.fg)
    index = beheer.geschiedenis(services, _fg(services, gemengd.logboek.fg))[-1].log_index
    html = client.get(f"/fg/bewijzen/{index}").get_data(as_text=True)
    api = client.get(f"/v1/verantwoording/bewijzen/{index}", headers=bearer(gemengd.logboek.fg)).get_json()
    assert api["bladHash"] in html and api["wortel"] in html
    assert all(step in html for step in api["pad"])
    assert client.get("/fg/bewijzen/999999").status_code == 404


@pytest.mark.parametrize(
    ("partner", "rol"),
    [(BUREAU, "procesregisseur"), (BUREAU, "beheerder"), ("ggz-drenthe", "casusregisseur")],
    ids=["procesregisseur", "beheerder", "casusregisseur"],
)
def test_other_rollen_do_not_get_the_fg_beheer_page(
    client: FlaskClient, services: Services, gemengd: Gemengd, partner: str, rol: str
) -> None:
    token = add_gebruiker(services, partner, rol)
    login(client, token)
    for path in ("/fg/beheer", "/fg/bewijzen/0"):
        response = client.get(path)
        assert response.status_code == 403, path
        for toelichting in gemengd.toelichtingen:
            assert toelichting not in response.get_data(as_text=True)
    if rol != "beheerder":  # the beheerders make the history and read it over the API
        assert client.get("/v1/beleid/geschiedenis", headers=bearer(token)).status_code == 403


def test_the_service_layer_refuses_the_history_to_other_rollen(services: Services, gemengd: Gemengd) -> None:
    from service.domain.errors import NietToegestaanError

    other = gebruiker_of(services, add_gebruiker(services, BUREAU, "procesregisseur"))
    with pytest.raises(NietToegestaanError):
        beheer.geschiedenis(services, other)
    with pytest.raises(NietToegestaanError):
        signalering.overzicht(services, other)


def test_a_partners_fg_sees_the_whole_beheer_history(client: FlaskClient, services: Services, gemengd: Gemengd) -> None:
    """The history is about the convenant every partner shares, not about verstrekkingen to one partner: a
    partner's FG sees all of it, as over the API (while its verstrekkingen list stays narrowed to its own)."""
    token = add_gebruiker(services, "ggz-drenthe", "fg")
    login(client, token)
    html = client.get("/fg/beheer").get_data(as_text=True)
    assert html.count('<tr class="beheer-') == len(gemengd.beheer_ids)
    assert len(client.get("/v1/beleid/geschiedenis", headers=bearer(token)).get_json()["gebeurtenissen"]) == len(
        gemengd.beheer_ids
    )
    assert _lijst(client, token) == []


def test_a_damaged_beheer_record_is_reported_and_never_breaks_the_verstrekkingen_pages(
    client: FlaskClient, services: Services, gemengd: Gemengd
) -> None:
    index = beheer.geschiedenis(services, _fg(services, gemengd.logboek.fg))[0].log_index
    with services.engine.begin() as connection:
        connection.execute(
            update(VerstrekkingRow).where(VerstrekkingRow.log_index == index).values(record=b'{"soort": "beheer"}')
        )
    login(client, gemengd.logboek.fg)
    damaged = client.get("/fg/beheer")
    assert damaged.status_code == 503 and "beschadigd" in damaged.get_data(as_text=True)
    assert client.get("/v1/beleid/geschiedenis", headers=bearer(gemengd.logboek.fg)).status_code == 503
    for path in ("/fg/", "/fg/verstrekkingen", "/fg/signalen", "/fg/export?formaat=ldv"):
        assert client.get(path).status_code == 200, path
    assert len(_lijst(client, gemengd.logboek.fg)) == 5


def test_without_a_session_the_beheer_page_asks_to_log_in(client: FlaskClient, gemengd: Gemengd) -> None:
    response = client.get("/fg/beheer")
    assert response.status_code == 302 and response.headers["Location"].startswith("/inloggen")

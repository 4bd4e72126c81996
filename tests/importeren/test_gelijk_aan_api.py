"""An imported year holds what the same year entered through the use cases the API calls, at the same moments,
holds: the casussen's metadata and fase, every deelname, the history with its moments, the triage besluiten and
afsluitingen, every value with its bron and moment (decrypted, and as a verstrekking releases it), the blind
index, the bijdrage rows. Two databases: one entered, one imported.

Issue 23 asks that an imported year gives the same annual report as the year entered: `ASPECTEN` holds the
annual report too (items 1-3, `managementinformatie.rapport.rapporteer`), the manager's exact counts of each year
the history spans, which must be equal like every other aspect.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from service import create_app
from service.adapters.orm import BetrokkeneRow, BijdrageRow, CasusRow
from service.domain.beslissing import Verzoek
from service.domain.casus import Casus, Gebruiker
from service.domain.convenant import Fase, Regime
from service.domain.verstrekking import Trace
from service.service_layer.importeren.importeren import importeer
from service.service_layer.managementinformatie.rapport import Vraag, rapporteer
from service.service_layer.services import Services
from service.service_layer.verstrekking.verstrekken import verstrekken
from service.settings import Settings
from tests.helpers.databases import Inhoud, Templates
from tests.helpers.importbestand import BUREAU, jaar, jsonl, via_use_cases

# A year of referrals (DOMAIN: Drenthe 2023): every path of `jaar` occurs (rejected, advies, procesregie, open, closed).
AANTAL = 128


@pytest.fixture
def tweede(settings: Settings, templates: Templates, tmp_path: Path) -> Iterator[Services]:
    """A second installation like the `services` fixture's, on a database of its own (same backend)."""
    with _database(settings, templates, tmp_path) as url:
        tweede_settings = dataclasses.replace(settings, database_url=url, instance_path=tmp_path / "instance-2")
        templates.check_settings(tweede_settings)
        services: Services = create_app(tweede_settings).extensions["deelpoort"]
        try:
            yield services
        finally:
            services.engine.dispose()


def _database(settings: Settings, templates: Templates, tmp_path: Path) -> Any:
    from contextlib import nullcontext

    if settings.database_url.startswith("sqlite"):
        return nullcontext(templates.sqlite(Inhoud.INGERICHT, tmp_path / "tweede.sqlite3"))
    return templates.postgresql(Inhoud.INGERICHT)


# -- what an installation holds, without its ids (which differ) ---------------------------------------------------


def _casussen(services: Services) -> list[Casus]:
    with services.engine.connect() as connection:
        ids = list(connection.scalars(select(CasusRow.id)))
    with services.uow() as uow:
        return [c for i in ids if (c := uow.casussen.get(i)) is not None]


def staat(services: Services, nu: dt.datetime) -> dict[str, Any]:
    """Per casus (named by its hoofdpersoon's BSN): metadata, deelnames, history, values, bijdragen, blind index,
    and what a verstrekking for the casus's fase releases; ids replaced by what they stand for."""
    out: dict[str, Any] = {}
    for casus in _casussen(services):
        regime = Regime.of(casus.casustype)
        with services.uow() as uow:
            waarden = uow.veldwaarden.read(casus.id, regime)
            historie = uow.historie.list(casus.id, regime)
        naam = {b.id: str(waarden[(b.id, "bsn")].waarde) for b in casus.betrokkenen if (b.id, "bsn") in waarden}
        hoofd = next(naam[b.id] for b in casus.betrokkenen if b.rol.value == "hoofdpersoon")
        out[hoofd] = {
            "casus": (
                casus.casustype,
                casus.fase,
                casus.gemeente,
                casus.hoofdonderwerp,
                casus.nevenonderwerpen,
                casus.aanmelder,
                casus.aangemeld_op,
                casus.gewijzigd_op,
                casus.afgesloten_op,
                casus.prioriteit,
            ),
            "betrokkenen": sorted((naam.get(b.id, "?"), b.rol, b.relatie) for b in casus.betrokkenen),
            "deelnames": sorted((d.partner_id, d.rol, d.sinds, d.tot or nu, d.grondslag) for d in casus.deelnames),
            "historie": [
                (e.handeling, e.tijd, e.partner_id, e.rol, e.van_fase, e.naar_fase, dict(e.gegevens), e.toelichting)
                for e in historie
            ],
            "waarden": sorted(
                (naam.get(b or "", "casus"), veld, json.dumps(w.waarde), w.bron, w.bijgedragen_op)
                for (b, veld), w in waarden.items()
            ),
            "bijdragen": _bijdragen(services, casus.id, naam),
            "blinde index": _blinde_index(services, casus, naam),
            "verstrekking": _verstrekking(services, casus, naam, nu),
        }
    return out


def _bijdragen(services: Services, casus_id: str, naam: dict[str, str]) -> list[Any]:
    with services.engine.connect() as connection:
        rows = connection.execute(
            select(BijdrageRow.partner_id, BijdrageRow.velden, BijdrageRow.bijgedragen_op).where(
                BijdrageRow.casus_id == casus_id
            )
        )
        return sorted((partner, sorted(_plek(p, naam) for p in json.loads(velden)), op) for partner, velden, op in rows)


def _plek(plek: str, naam: dict[str, str]) -> str:
    betrokkene, veld = plek.split("/", 1)
    return f"{naam.get(betrokkene, betrokkene)}/{veld}"


def _blinde_index(services: Services, casus: Casus, naam: dict[str, str]) -> list[Any]:
    with services.engine.connect() as connection:
        rows = connection.execute(
            select(BetrokkeneRow.id, BetrokkeneRow.bsn_index).where(BetrokkeneRow.casus_id == casus.id)
        )
        return sorted((naam.get(i, "?"), index) for i, index in rows)


def _verstrekking(services: Services, casus: Casus, naam: dict[str, str], nu: dt.datetime) -> Any:
    """What the partner the fase lets ask receives: the Bureau (triage, casusoverleg), the aanmelder after the
    afsluiting (terugkoppeling); nothing is asked of a rejected casus."""
    doel, partner, rol = {
        Fase.AANMELDING: ("triage", BUREAU, "procesregisseur"),
        Fase.TRIAGE: ("triage", BUREAU, "procesregisseur"),
        Fase.PROCESREGIE: ("casusoverleg", BUREAU, "procesregisseur"),
        Fase.ADVIES: ("casusoverleg", BUREAU, "procesregisseur"),
        Fase.AFGESLOTEN: ("terugkoppeling", casus.aanmelder, "casusregisseur"),
    }.get(casus.fase, (None, "", ""))
    if doel is None:
        return None
    gebruiker = Gebruiker("a" * 32, partner, rol, "synthetisch")
    uitgifte = verstrekken(services, gebruiker, casus.id, Verzoek(doel), Trace("1" * 32, "2" * 16), now=nu)
    personen = sorted((naam[b.id], sorted(v.items())) for b, v in uitgifte.betrokkenen)
    return (
        personen,
        sorted(uitgifte.casusvelden.items()),
        [(v.veld, v.bronnen) for v in uitgifte.verstrekking.verstrekt],
    )


def jaarrapporten(services: Services, nu: dt.datetime) -> dict[int, Any]:
    """The annual report of each year the synthetic history spans, as the Bureau's manager reads it (the exact
    counts, nothing withheld: a difference in any cell shows)."""
    manager = Gebruiker("m" * 32, BUREAU, "manager", "manager (synthetisch)")
    return {
        jaar: rapporteer(services, manager, Vraag(jaar, publicatie=False), Trace("3" * 32, "4" * 16), now=nu).rapport
        for jaar in (nu.year - 1, nu.year)
    }


ASPECTEN: dict[str, Callable[[Services, dt.datetime], Any]] = {
    "what the installation holds of every casus": staat,
    "the annual report of each year": jaarrapporten,
}


def test_an_imported_year_holds_what_the_same_year_entered_through_the_api_holds(
    services: Services, tweede: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    regels = jaar(AANTAL, einde=nu, seed=23)
    for regel in regels:
        via_use_cases(services, regel)
    verslag = importeer(tweede, beheerder, jsonl(regels), now=nu)
    assert verslag.opgeslagen, verslag.weigeringen
    fasen = {c.fase for c in _casussen(tweede)}
    assert fasen == {Fase.TRIAGE, Fase.PROCESREGIE, Fase.ADVIES, Fase.AFGESLOTEN, Fase.AFGEWEZEN}
    for naam, aspect in ASPECTEN.items():
        ingevoerd, geimporteerd = aspect(services, nu), aspect(tweede, nu)
        assert ingevoerd, naam
        for sleutel in ingevoerd:
            assert geimporteerd[sleutel] == ingevoerd[sleutel], (naam, sleutel)
        assert geimporteerd == ingevoerd, naam
    assert len(staat(tweede, nu)) == AANTAL

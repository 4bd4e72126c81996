"""Every imported value must come from a bron the bronregels allow to supply it, under the doel and in the fase of
its moment (aanmelding or bijdrage) and the register's verwerkingsactiviteit in force that day; the log record
names the bron's own grondslag for each value, as an aanlevering would."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from service.adapters.orm import VerstrekkingRow
from service.domain.casus import Gebruiker
from service.service_layer.importeren.importeren import importeer
from service.service_layer.services import Services
from tests.helpers.importbestand import casusregel, database_inhoud, iso, jsonl, waarde

Regel = dict[str, Any]


def _politiegegevens_van_de_gemeente(regel: Regel, t0: dt.datetime) -> str:
    regel["aanmelding"]["partner"] = "gemeente-assen-veiligheid"
    for plek in [*(b["velden"] for b in regel["betrokkenen"]), regel["velden"]]:
        for w in plek.values():
            w["bron"] = "gemeente-assen-veiligheid"
    regel["betrokkenen"][0]["velden"]["aantalIncidenten"] = waarde(3, "gemeente-assen-veiligheid")
    return "betrokkenen[0].velden.aantalIncidenten"


def _gezondheid_van_de_politie(regel: Regel, t0: dt.datetime) -> str:
    regel["betrokkenen"][0]["velden"]["psychischeGezondheid"] = waarde("zorgmijdend", "politie-noord-nederland")
    return "betrokkenen[0].velden.psychischeGezondheid"


def _verslag_van_de_ggz(regel: Regel, t0: dt.datetime) -> str:
    """The verslag of an overleg comes from the Bureau's procesregisseur only."""
    regel["velden"]["verslag"] = waarde("Synthetisch verslag.", "ggz-drenthe", t0 + dt.timedelta(days=5))
    return "velden.verslag"


def _voor_het_register(regel: Regel, t0: dt.datetime) -> str:
    """Supplied before the register's verwerkingsactiviteit for bijdragen was in force (2025-03-01)."""
    regel["aanmelding"]["op"] = iso(dt.datetime(2025, 2, 20, 9, tzinfo=dt.UTC))
    for i, stap in enumerate(regel["historie"]):
        stap["op"] = iso(dt.datetime(2025, 2, 21 + i, 9, tzinfo=dt.UTC))
    regel["betrokkenen"][0]["velden"]["psychischeGezondheid"]["op"] = iso(dt.datetime(2025, 2, 25, tzinfo=dt.UTC))
    return "betrokkenen[0].velden.bsn"


WEIGERINGEN: list[tuple[str, Callable[[Regel, dt.datetime], str], str]] = [
    ("police data from a gemeente", _politiegegevens_van_de_gemeente, "the bronregels do not let this bron"),
    ("health data from the police", _gezondheid_van_de_politie, "the bronregels do not let this bron"),
    ("an overleg's verslag from a care partner", _verslag_van_de_ggz, "the bronregels do not let this bron"),
    ("values before the register was in force", _voor_het_register, "the register of verwerkingsactiviteiten"),
]


@pytest.mark.parametrize(("wijzig", "reden"), [w[1:] for w in WEIGERINGEN], ids=[w[0] for w in WEIGERINGEN])
def test_a_value_the_bronregels_do_not_allow_its_bron_to_supply_is_refused(
    services: Services, beheerder: Gebruiker, nu: dt.datetime, wijzig: Callable[[Regel, dt.datetime], str], reden: str
) -> None:
    t0 = nu - dt.timedelta(days=100)
    regel = casusregel("ZVH-BRON-1", t0, afsluiting=None)
    plaats = wijzig(regel, t0)
    voor = database_inhoud(services)
    verslag = importeer(services, beheerder, jsonl([regel]), now=nu)
    assert database_inhoud(services) == voor
    assert (1, plaats) in {(w.regel, w.plaats) for w in verslag.weigeringen}, verslag.weigeringen
    assert all(reden in w.reden for w in verslag.weigeringen if w.plaats == plaats)


def test_each_accepted_value_is_logged_with_its_bron_and_the_brons_own_grondslag(
    services: Services, beheerder: Gebruiker, nu: dt.datetime
) -> None:
    regel = casusregel("ZVH-BRON-2", nu - dt.timedelta(days=100), afsluiting=None)
    verslag = importeer(services, beheerder, jsonl([regel]), now=nu)
    with services.engine.connect() as connection:
        data = connection.scalar(select(VerstrekkingRow.record).where(VerstrekkingRow.casus_id == verslag.casussen[1]))
    record = json.loads(bytes(data))
    per_veld = {
        (v["veld"], v["grondslag"], v["verwerkingsactiviteit"]["id"]): set(v["bronnen"]) for v in record["verstrekt"]
    }
    assert per_veld[("aantalIncidenten", "wpg-20", "va-aanmelding")] == {"politie-noord-nederland"}
    assert per_veld[("bsn", "uavg-46-bsn", "va-aanmelding")] == {"politie-noord-nederland"}
    assert per_veld[("psychischeGezondheid", "avg-9-uavg-30", "va-bijdrage")] == {"ggz-drenthe"}

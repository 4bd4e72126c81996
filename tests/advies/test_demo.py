"""The installed demo region holds a year of adviezen at a Drenthe year's volumes, counted as the annual report
counts them; an anonymous advies holds codes, ids and dates only, and none of the region's personal values."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select

from service.adapters.orm import AdviesRow
from service.demo import DEMO_GEBRUIKER
from service.demo.cijfers import ANONIEME_UITGEBREIDE_ADVIEZEN, INFORMATIEKNOOPPUNT, KORTE_ADVIEZEN
from service.domain.advies import Adviessoort, Antwoord
from service.domain.convenant import Casustype, Fase, Veldtype
from service.service_layer.advies import registratie
from service.service_layer.services import Services
from tests.helpers.at_rest import scan
from tests.helpers.databases import Demo


def test_the_installed_demo_holds_a_year_of_adviezen_and_the_anonymous_ones_name_nobody(
    services: Services, demo: Demo
) -> None:
    region, today = demo.region, demo.now.date()

    jaren = [registratie.tellingen(services, jaar) for jaar in (today.year - 1, today.year)]
    per_soort = {s.value: sum(t.per("soort").get(s.value, 0) for t in jaren) for s in Adviessoort}
    in_advies = [c for c in region.casussen if c.casustype is Casustype.REGULIER and c.fase is Fase.ADVIES]
    assert per_soort == {
        "kort": KORTE_ADVIEZEN,
        "uitgebreid": ANONIEME_UITGEBREIDE_ADVIEZEN + len(in_advies),
        "informatieknooppunt": INFORMATIEKNOOPPUNT,
    }
    assert sum(t.uitgebreid()["anoniem"] for t in jaren) == ANONIEME_UITGEBREIDE_ADVIEZEN == 119
    assert sum(t.uitgebreid()["metBetrokkenen"] for t in jaren) == len(in_advies) > 50
    vragers: dict[str, int] = {}
    for telling in jaren:
        for vrager, aantal in telling.per("vrager").items():
            vragers[vrager] = vragers.get(vrager, 0) + aantal
    assert max(vragers, key=lambda v: vragers[v]) == "politie-noord-nederland"

    with services.engine.connect() as connection:
        anoniem = [r._asdict() for r in connection.execute(select(AdviesRow).where(AdviesRow.casus_id.is_(None))).all()]
    perioden = 2  # the year before today and 2023 (demo/verslagjaar.py), each with a Drenthe year's anonymous ones
    assert len(anoniem) == perioden * (KORTE_ADVIEZEN + ANONIEME_UITGEBREIDE_ADVIEZEN + INFORMATIEKNOOPPUNT)
    for row in anoniem:
        _every_column_is_a_code_an_id_or_a_date(services, row, today)
    woorden = {Veldtype.KEUZE, Veldtype.KEUZES, Veldtype.JANEE, Veldtype.GETAL}  # the convenant's own words
    needles = sorted(
        {
            waarde[:40].encode()
            for (_, _, veld_id), waarde in region.veldwaarden.items()
            if isinstance(waarde, str)
            and len(waarde) >= 6
            and (veld := services.convenant.veld(veld_id)) is not None
            and veld.type not in woorden
        }
    )
    assert len(needles) > 500
    waarden = json.dumps([list(r.values()) for r in anoniem], default=str).encode()
    assert scan(waarden, needles) == []


def _every_column_is_a_code_an_id_or_a_date(services: Services, row: dict[str, Any], today: dt.date) -> None:
    convenant = services.convenant
    allowed: dict[str, Any] = {
        "id": lambda v: isinstance(v, str) and len(v) == 32 and set(v) <= set("0123456789abcdef"),
        "soort": lambda v: v in {s.value for s in Adviessoort},
        "datum": lambda v: isinstance(v, dt.date) and v.weekday() < 5 and v < today,
        "vrager": lambda v: v in convenant.ids("partner"),
        "gemeente": lambda v: v in convenant.ids("gemeente"),
        "onderwerp": lambda v: v in convenant.ids("onderwerp"),
        "antwoorden": lambda v: set(v.split()) <= {a.value for a in Antwoord},
        "casus_id": lambda v: v is None,
        "geregistreerd_door": lambda v: v == DEMO_GEBRUIKER,
        "geregistreerd_partner": lambda v: v == "bureau-zvh-drenthe",
        "geregistreerd_op": lambda v: isinstance(v, dt.datetime),
    }
    assert set(row) == set(allowed), "a new column of adviezen must be shown to hold no personal data here"
    wrong = {k: json.dumps(str(v)) for k, v in row.items() if not allowed[k](v)}
    assert wrong == {}

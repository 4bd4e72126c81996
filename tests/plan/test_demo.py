"""The demo region's casussen in procesregie or advies come with a plan van aanpak whose texts are their own
synthetic plan values (so the demo's at-rest scan, `tests/casus/test_at_rest.py`, covers the plan's tables), some
acties overdue in the Bureau's werkvoorraad, every text supplied as a logged aanlevering."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from service.adapters.orm import PlanactieRow, PlandoelRow
from service.audit.record import parse
from service.demo.installatie import install_region
from service.demo.regio import generate_region
from service.domain.casus import Gebruiker
from service.domain.convenant import Casustype, Fase
from service.service_layer.plan import lezen
from service.service_layer.services import Services


def test_the_demo_region_has_plans_with_overdue_acties(services: Services) -> None:
    region = generate_region(services.convenant, seed=7, today=dt.date(2026, 11, 1))
    install_region(services, region)
    met_plan = [
        c for c in region.casussen if c.casustype is Casustype.REGULIER and c.fase in (Fase.PROCESREGIE, Fase.ADVIES)
    ]
    with services.engine.connect() as connection:
        doelen = connection.scalar(select(func.count()).select_from(PlandoelRow))
        acties = connection.scalar(select(func.count()).select_from(PlanactieRow))
    assert doelen == acties == len(met_plan) > 0
    regie = Gebruiker("demo-test", "bureau-zvh-drenthe", "procesregisseur", "demo-test")
    _, verlopen = lezen.werkvoorraad(services, regie, alleen_verlopen=True)
    assert verlopen and {a.casus_id for a in verlopen} <= {c.id for c in met_plan}
    with services.uow() as uow:
        velden = {
            v["veld"]
            for r in uow.log.records()
            if (record := parse(r.record))["soort"] == "aanlevering" and record["partner"] == "bureau-zvh-drenthe"
            for v in record["verstrekt"]
        }
    assert {"planDoelen", "afspraken"} <= velden

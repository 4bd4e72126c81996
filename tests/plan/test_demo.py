"""The demo region's casussen in procesregie or advies come with a plan van aanpak as the regie keeps one over the
months: one to three doelen, one to four acties owned by active deelnemers (some overdue in the Bureau's
werkvoorraad), afspraken naming the overleggen that discussed the casus, a few opschalingen, an AVE-fase exactly
where the hoofdonderwerp is verward gedrag; texts the casus's own synthetic values, supplied as a logged aanlevering,
every item a history entry."""

from __future__ import annotations

from collections import Counter

from service.audit.record import parse
from service.domain.casus import Gebruiker, neemt_deel
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.levensloop import Handeling
from service.domain.plan import AVE_ONDERWERP, ActieStatus, OpschalingStatus
from service.service_layer.plan import lezen
from service.service_layer.services import Services
from tests.helpers.databases import Demo


def test_the_demo_region_has_plans_kept_over_the_months(services: Services, demo: Demo) -> None:
    now, region = demo.now, demo.region
    met_plan = [
        c for c in region.casussen if c.casustype is Casustype.REGULIER and c.fase in (Fase.PROCESREGIE, Fase.ADVIES)
    ]
    besproken = {(o.id, o.datum, p.casus) for o in region.overleggen for p in o.agenda}
    statussen: Counter[ActieStatus] = Counter()
    afspraken = opschalingen = afgerond = 0
    with services.uow() as uow:
        for casus in met_plan:
            plan = uow.plannen.plan(casus.id)
            assert 1 <= len(plan.doelen) <= 3 and len({d.leefgebied for d in plan.doelen}) == len(plan.doelen)
            assert 1 <= len(plan.acties) <= 4
            for actie in plan.acties:
                assert neemt_deel(casus, actie.partner_id, now) and actie.doel_id in {d.id for d in plan.doelen}
                assert actie.aangemaakt_op <= actie.gewijzigd_op < now
                statussen[actie.status] += 1
            for afspraak in plan.afspraken:
                assert (afspraak.overleg, afspraak.datum, casus.id) in besproken
            afspraken += len(plan.afspraken)
            opschalingen += len(plan.opschalingen)
            afgerond += sum(o.status is OpschalingStatus.AFGEROND and o.uitkomst is not None for o in plan.opschalingen)
            assert (plan.ave_fase is not None) is (casus.hoofdonderwerp == AVE_ONDERWERP)
            historie = uow.historie.list(casus.id, Regime.of(casus.casustype))
            items = {d.id for d in plan.doelen} | {a.id for a in plan.acties} | {a.id for a in plan.afspraken}
            assert items <= {e.gegevens.get("id") for e in historie if e.handeling is Handeling.PLAN}
            assert (plan.ave_fase is not None) is any(e.handeling is Handeling.AVE_FASE for e in historie)
        zonder = [c for c in region.casussen if c not in met_plan]
        assert not any(uow.plannen.plan(c.id).doelen for c in zonder)
    assert set(statussen) == set(ActieStatus) and afspraken > len(met_plan) // 2
    assert 5 <= opschalingen <= 40 and afgerond >= 1

    regie = Gebruiker("demo-test", "bureau-zvh-drenthe", "procesregisseur", "demo-test")
    _, verlopen = lezen.werkvoorraad(services, regie, alleen_verlopen=True, now=now)
    assert len(verlopen) >= 20 and {a.casus_id for a in verlopen} <= {c.id for c in met_plan}
    with services.uow() as uow:
        velden = {
            v["veld"]
            for r in uow.log.records()
            if (record := parse(r.record))["soort"] == "aanlevering" and record["partner"] == "bureau-zvh-drenthe"
            for v in record["verstrekt"]
        }
    assert {"planDoelen", "afspraken", "escalatie"} <= velden
    assert all(a.deadline < lezen.vandaag(now) for a in verlopen)

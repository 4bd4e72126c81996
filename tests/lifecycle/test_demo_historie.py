"""The demo region's casussen come with a history that matches their fase and dates: the fase changes follow the
lifecycle, and the plan's entries (plan, ave-fase) keep the fase the casus is in."""

from __future__ import annotations

import itertools

from service.domain.convenant import Fase, Regime
from service.domain.levensloop import OVERGANGEN, Handeling
from service.service_layer.services import Services
from tests.helpers.databases import Demo

BLIJFT = frozenset({Handeling.PLAN, Handeling.AVE_FASE})  # entries that change no fase


def test_every_demo_casus_has_a_history_that_leads_to_its_fase(services: Services, demo: Demo) -> None:
    region = demo.region
    allowed = {(van, naar) for (van, _), naar in OVERGANGEN.items()}
    with services.uow() as uow:
        for casus in region.casussen:
            entries = uow.historie.list(casus.id, Regime.of(casus.casustype))
            assert entries[0].handeling.value == "aanmelding" and entries[0].partner_id == casus.aanmelder
            assert entries[-1].naar_fase is casus.fase
            for before, after in itertools.pairwise(entries):
                assert after.van_fase is before.naar_fase
                if after.handeling in BLIJFT:
                    assert after.naar_fase is after.van_fase is casus.fase
                else:
                    assert (after.van_fase, after.naar_fase) in allowed
                assert before.tijd <= after.tijd
            if casus.fase in (Fase.AFGESLOTEN, Fase.AFGEWEZEN):
                assert entries[-1].tijd == casus.afgesloten_op

"""Gebruikers and casussen for use case tests on the fakes, put straight into a `FakeDatabase` (all synthetic).

The partners are those of the convenant files: Bureau ZVH Drenthe holds the regie of every regular casus; the
police refers casussen of both regimes and is a weegploeg partner of CTER casussen; GGZ Drenthe signed both
convenants but takes part only when added or invited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from service.domain.casus import Betrokkene, BetrokkeneRol, Casus, Deelname, Gebruiker, new_id
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.levensloop import Gebeurtenis
from service.service_layer.casus.levensloop import weegploeg
from service.service_layer.services import Services
from tests.unit.fakes import FakeDatabase

BUREAU = "bureau-zvh-drenthe"
POLITIE = "politie-noord-nederland"
GGZ = "ggz-drenthe"
GEMEENTE_ASSEN = "gemeente-assen-veiligheid"
ANDERE_ZVH = "zvh-groningen"  # signed the regular convenant only

REGISSEUR = Gebruiker("g-regisseur", BUREAU, "procesregisseur", "procesregisseur 1")
ONDERSTEUNER = Gebruiker("g-ondersteuner", BUREAU, "procesondersteuner", "procesondersteuner 1")
BUREAU_FG = Gebruiker("g-bureau-fg", BUREAU, "fg", "fg 1")
AGENT = Gebruiker("g-agent", POLITIE, "casusregisseur", "casusregisseur politie 1")
AGENT_DEELNEMER = Gebruiker("g-agent-deelnemer", POLITIE, "deelnemer", "deelnemer politie 1")
POLITIE_FG = Gebruiker("g-politie-fg", POLITIE, "fg", "fg politie 1")
GGZ_REGISSEUR = Gebruiker("g-ggz", GGZ, "casusregisseur", "casusregisseur ggz 1")
GEMEENTE = Gebruiker("g-gemeente", GEMEENTE_ASSEN, "casusregisseur", "casusregisseur gemeente 1")

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)  # the aanmelding
NOW = T0 + dt.timedelta(days=3)  # when the action under test happens


def casus_in(
    database: FakeDatabase,
    services: Services,
    *,
    casustype: Casustype = Casustype.REGULIER,
    fase: Fase = Fase.AANMELDING,
    extra: Iterable[tuple[str, str]] = (),
) -> Casus:
    """Commit a casus as an aanmelding by the police would leave it (deelnames, a data key), in `fase`, with
    `extra` (partner, rol) deelnames since T0. In a final fase every deelname ended at T0 except, in a regular
    casus, the Bureau's (as the afsluiting leaves it).
    """
    casus_id = new_id()
    if casustype is Casustype.CTER:
        deelnames = [Deelname(casus_id, p, "casusregisseur", T0) for p in weegploeg(services.convenant, "assen")]
    else:
        deelnames = [
            Deelname(casus_id, POLITIE, "casusregisseur", T0),
            Deelname(casus_id, BUREAU, "procesregisseur", T0),
        ]
    deelnames.extend(Deelname(casus_id, partner, rol, T0) for partner, rol in extra)
    if fase in (Fase.AFGESLOTEN, Fase.AFGEWEZEN):
        keep = {BUREAU} if casustype is Casustype.REGULIER else set()
        deelnames = [
            d if d.partner_id in keep else Deelname(d.casus_id, d.partner_id, d.rol, d.sinds, T0) for d in deelnames
        ]
    casus = Casus(
        id=casus_id,
        casustype=casustype,
        fase=fase,
        gemeente="assen",
        hoofdonderwerp="verward-gedrag",
        aanmelder=POLITIE,
        aangemeld_op=T0,
        gewijzigd_op=T0,
        afgesloten_op=T0 if fase in (Fase.AFGESLOTEN, Fase.AFGEWEZEN) else None,
        betrokkenen=[Betrokkene(new_id(), casus_id, BetrokkeneRol.HOOFDPERSOON)],
        deelnames=deelnames,
    )
    database.state.casussen[casus.id] = casus
    database.state.data_keys[casus.id] = Regime.of(casustype)
    return casus


def entries(database: FakeDatabase, casus_id: str) -> list[Gebeurtenis]:
    """The committed history of a casus, in the order it was written."""
    return [g for g in database.state.historie if g.casus_id == casus_id]


def active_partners(database: FakeDatabase, casus_id: str, op: dt.datetime) -> dict[str, str]:
    """partner -> rol of the committed deelnames active at `op`."""
    return {d.partner_id: d.rol for d in database.state.casussen[casus_id].deelnames if d.actief(op)}

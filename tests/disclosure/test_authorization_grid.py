"""Invariant 1 over a grid: for partner x rol x casustype x doel x participation x fase, the released set is
exactly the compiled policy's answer when the partner takes part and the register permits the doel in the
fase; otherwise a refusal (404 for non-participants, 403 for the fase) that releases nothing."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import delete, update

from service.access import DecisionKey
from service.adapters.orm import CasusRow, DeelnameRow
from service.domain.beslissing import MANAGEMENTINFORMATIE, TERUGKOPPELING
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.convenant import Casustype, Convenant, Fase, Regime, Veld, Veldtype
from service.domain.errors import NietGevondenError, NietToegestaanError, OngeldigeInvoerError
from service.domain.veldwaarde import normaliseer
from service.domain.verstrekking import AANLEVERDOELEN, Trace
from service.service_layer.beleid import actief as beleid
from service.service_layer.casus import aanmelding as casussen
from service.service_layer.services import Services
from service.service_layer.verstrekking import verstrekken as verstrekkingen

PARTNERS = [
    "bureau-zvh-drenthe",
    "politie-noord-nederland",
    "openbaar-ministerie-noord-nederland",
    "gemeente-assen-veiligheid",
    "ggz-drenthe",
    "veilig-thuis-drenthe",
]
ANDERE_AANMELDER = "gemeente-emmen-veiligheid"  # refers the casussen in which the grid partners take no part


def waarde(veld: Veld, index: int) -> Any:
    """A valid synthetic value for any veld of the catalogue."""
    match veld.type:
        case Veldtype.BSN:
            return ["999900122", "999900110"][index % 2]
        case Veldtype.KEUZE:
            return veld.keuzes[0]
        case Veldtype.KEUZES:
            return [veld.keuzes[0]]
        case Veldtype.GETAL:
            return veld.minimum if veld.minimum is not None else 1
        case Veldtype.JANEE:
            return True
        case Veldtype.DATUM:
            return "2001-02-03"
        case Veldtype.POSTCODE:
            return "9401 AB"
        case Veldtype.TELEFOON:
            return "06 00000000"
        case Veldtype.EMAIL:
            return "testpersoon@example.org"
        case _:
            return f"Synthetisch {veld.id}"[: veld.max_lengte or 200]


def _refer(services: Services, convenant: Convenant, casustype: Casustype, aanmelder: str) -> str:
    """A casus with a value in every veld of the catalogue. The aanmelding itself supplies only what the
    bronregels allow the aanmelder; the rest is stored directly, as if supplied by the partners the bronregels
    allow (this grid is about what leaves; the bronregels have their own tests)."""
    aanmelding = casussen.Aanmelding(
        casustype=casustype.value,
        gemeente="assen",
        onderwerp="verward-gedrag",
        betrokkenen=[
            casussen.BetrokkeneInvoer("hoofdpersoon", {"bsn": "999900122"}),
            casussen.BetrokkeneInvoer("systeemlid", {"bsn": "999900110"}, relatie="kind"),
        ],
    )
    gebruiker = Gebruiker(new_id(), aanmelder, "casusregisseur", "test")
    casus = casussen.aanmelden(services, gebruiker, aanmelding)
    hoofd, systeemlid = (b.id for b in casus.betrokkenen)
    values: dict[tuple[str | None, str], Any] = {}
    for veld in convenant.velden:
        if veld.onderwerp.value == "betrokkene":
            values[(hoofd, veld.id)] = normaliseer(veld, waarde(veld, 0))
            values[(systeemlid, veld.id)] = normaliseer(veld, waarde(veld, 1))
        else:
            values[(None, veld.id)] = normaliseer(veld, waarde(veld, 0))
    with services.uow() as uow:
        uow.veldwaarden.store(casus.id, Regime.of(casustype), values, aanmelder, utcnow())
        uow.commit()
    return casus.id


@pytest.mark.slow
def test_the_released_set_is_exactly_the_policy_answer_over_the_grid(services: Services, convenant: Convenant) -> None:
    now = utcnow()
    with services.uow() as uow:
        table = beleid.active_access(services, uow.beleid)
    casus: dict[tuple[Casustype, bool], str] = {}
    for casustype in Casustype:
        taking_part = _refer(services, convenant, casustype, ANDERE_AANMELDER)
        not_taking_part = _refer(services, convenant, casustype, ANDERE_AANMELDER)
        with services.engine.begin() as connection:
            connection.execute(
                delete(DeelnameRow).where(
                    DeelnameRow.partner_id.in_(PARTNERS), DeelnameRow.casus_id.in_([taking_part, not_taking_part])
                )
            )
            connection.execute(
                DeelnameRow.__table__.insert(),
                [{"casus_id": taking_part, "partner_id": p, "rol": "deelnemer", "sinds": now} for p in PARTNERS],
            )
        casus[(casustype, True)] = taking_part
        casus[(casustype, False)] = not_taking_part
    velden = {v.id for v in convenant.velden}
    checked = released_total = 0
    fasen_per_participation = {True: list(Fase), False: [Fase.AANMELDING, Fase.PROCESREGIE]}
    for (casustype, participates), casus_id in casus.items():
        for fase in fasen_per_participation[participates]:
            with services.engine.begin() as connection:
                connection.execute(update(CasusRow).where(CasusRow.id == casus_id).values(fase=fase.value))
            for partner, rol, doel in itertools.product(
                PARTNERS, sorted(convenant.ids("rol")), sorted(convenant.ids("doel"))
            ):
                gebruiker = Gebruiker(new_id(), partner, rol, "grid")
                verzoek = verstrekkingen.Verzoek(doel)
                trace = Trace("1" * 32, "2" * 16)
                va = convenant.verwerkingsactiviteit(casustype, doel, now.date())
                where = (partner, rol, casustype.value, doel, participates, fase.value)
                if doel in AANLEVERDOELEN:  # nothing ever leaves under a doel for supplying data
                    with pytest.raises(OngeldigeInvoerError):
                        verstrekkingen.verstrekken(services, gebruiker, casus_id, verzoek, trace)
                elif not participates or doel in (TERUGKOPPELING, MANAGEMENTINFORMATIE):
                    # only the casus's aanmelder asks terugkoppeling; managementinformatie is never about one casus
                    with pytest.raises(NietGevondenError):
                        verstrekkingen.verstrekken(services, gebruiker, casus_id, verzoek, trace)
                elif va is None or fase not in va.fasen:
                    with pytest.raises(NietToegestaanError):
                        verstrekkingen.verstrekken(services, gebruiker, casus_id, verzoek, trace)
                else:
                    uitgifte = verstrekkingen.verstrekken(services, gebruiker, casus_id, verzoek, trace)
                    expected = table.allowed_fields(DecisionKey(partner, rol, casustype.value, doel))
                    released = {v.veld: v.grondslag for v in uitgifte.verstrekking.verstrekt}
                    assert released == {v: g.grondslag for v, g in expected.items()}, where
                    assert set(uitgifte.verstrekking.onthouden) == velden - set(expected), where
                    values = {name for _, per in uitgifte.betrokkenen for name in per} | set(uitgifte.casusvelden)
                    assert values == set(released), where
                    released_total += len(released)
                checked += 1
    assert checked == len(PARTNERS) * len(convenant.ids("rol")) * len(convenant.ids("doel")) * 2 * (len(Fase) + 2)
    assert released_total > 0  # the grid is not vacuous: some combinations do release

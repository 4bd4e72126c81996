"""The facts the annual report counts, read per regular casus inside the service: metadata, the history's
triage besluit and afsluiting, and the values the policy grants doel `managementinformatie`, decrypted here and
reduced at once to classes (`domain.jaarcijfers.Casusfeiten`).

Invariants:
- Only the velden the active policy grants the caller for (partner, rol, regulier, managementinformatie) are
  decrypted, and only to derive a band or a flag; nothing decrypted leaves this module but those classes.
- A casus whose data was destroyed still counts by its metadata and history (its classes are then unknown).
- Only regular casussen: CTER casussen fall under the Wet PGA and are never counted with them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping

from service.domain.casus import BetrokkeneRol, Casus
from service.domain.convenant import Casustype, Convenant, Fase, Regime
from service.domain.jaarcijfers import LEEFTIJDSKLASSEN, Casusfeiten, Problematiek, Reikwijdte, leeftijdsklasse
from service.domain.kalender import dag
from service.domain.levensloop import Besluit, Gebeurtenis, Handeling
from service.service_layer.unit_of_work import UnitOfWork

WAARDEVELDEN = frozenset(
    {"geboortedatum", "relatieTotHoofdpersoon", "gemeentegrensOverschrijdend", "reikwijdte"}
    | {"psychischeGezondheid", "lvb", "verslaving"}
)
# The fase a triage besluit leads to, and the besluit it was (history entries name fasen).
_BESLUIT_NAAR = {
    Fase.PROCESREGIE: Besluit.PROCESREGIE.value,
    Fase.ADVIES: Besluit.UITGEBREID_ADVIES.value,
    Fase.AFGEWEZEN: Besluit.AFGEWEZEN.value,
}
_PSYCHISCH = {"signalen", "in-behandeling", "zorgmijdend"}
_LVB = {"vermoeden", "vastgesteld"}


def lees_feiten(
    uow: UnitOfWork, convenant: Convenant, toegestaan: Collection[str], tot: dt.datetime
) -> list[Casusfeiten]:
    """The facts of every regular casus referred before `tot`, decrypting only the velden in `toegestaan`."""
    velden = sorted(WAARDEVELDEN & set(toegestaan))
    feiten = []
    for casus_id in uow.casussen.ids(Casustype.REGULIER, tot):
        casus = uow.casussen.get(casus_id)
        if casus is None:
            continue
        historie = uow.historie.list(casus.id, Regime.REGULIER)
        versleuteld = uow.veldwaarden.versleuteld(casus.id, Regime.REGULIER) if velden else None
        waarden = {p: w.waarde for p, w in versleuteld.ontsleutel(velden).items()} if versleuteld else {}
        feiten.append(_feiten(convenant, casus, historie, waarden))
    return feiten


def _feiten(
    convenant: Convenant, casus: Casus, historie: list[Gebeurtenis], waarden: Mapping[tuple[str | None, str], object]
) -> Casusfeiten:
    besluit = next((e for e in historie if e.handeling is Handeling.TRIAGE and e.naar_fase in _BESLUIT_NAAR), None)
    afsluiting = next((e for e in historie if e.handeling is Handeling.AFSLUITING), None)
    hoofd = next((b.id for b in casus.betrokkenen if b.rol is BetrokkeneRol.HOOFDPERSOON), None)
    aangemeld = dag(casus.aangemeld_op)
    return Casusfeiten(
        gemeente=casus.gemeente,
        hoofdonderwerp=casus.hoofdonderwerp,
        aanmelder=casus.aanmelder,
        aangemeld_op=aangemeld,
        nevenonderwerpen=casus.nevenonderwerpen,
        besluit=_BESLUIT_NAAR[besluit.naar_fase] if besluit is not None else None,
        besluit_op=dag(besluit.tijd) if besluit is not None else None,
        afgesloten_op=dag(afsluiting.tijd) if afsluiting is not None else None,
        uitkomst=_tekst(afsluiting.gegevens.get("uitkomst")) if afsluiting is not None else None,
        overgedragen_aan=_overdracht(convenant, afsluiting),
        geboortedatum=_datum(waarden.get((hoofd, "geboortedatum"))),
        minderjarigen=_minderjarigen(casus, waarden, aangemeld),
        personen=max(1, len(casus.betrokkenen)),
        problematiek=_problematiek(waarden, hoofd),
        reikwijdte=_reikwijdte(waarden),
    )


def _tekst(waarde: object) -> str | None:
    return waarde if isinstance(waarde, str) else None


def _datum(waarde: object) -> dt.date | None:
    if isinstance(waarde, dt.date):
        return waarde
    if isinstance(waarde, str):
        try:
            return dt.date.fromisoformat(waarde)
        except ValueError:
            return None
    return None


def _overdracht(convenant: Convenant, afsluiting: Gebeurtenis | None) -> str | None:
    doel = _tekst(afsluiting.gegevens.get("overdracht")) if afsluiting is not None else None
    partner = convenant.partner(doel) if doel is not None else None
    return partner.type if partner is not None else doel


def _minderjarigen(casus: Casus, waarden: Mapping[tuple[str | None, str], object], op: dt.date) -> bool | None:
    geboren = [_datum(waarden.get((b.id, "geboortedatum"))) for b in casus.betrokkenen]
    bekend = [g for g in geboren if g is not None]
    if any(leeftijdsklasse(g, op) == LEEFTIJDSKLASSEN[0] for g in bekend):
        return True
    return False if bekend and len(bekend) == len(geboren) else None


def _problematiek(waarden: Mapping[tuple[str | None, str], object], hoofd: str | None) -> frozenset[Problematiek]:
    gevonden = set()
    if waarden.get((hoofd, "psychischeGezondheid")) in _PSYCHISCH:
        gevonden.add(Problematiek.PSYCHISCH)
    if waarden.get((hoofd, "lvb")) in _LVB:
        gevonden.add(Problematiek.LVB)
    if waarden.get((hoofd, "verslaving")):
        gevonden.add(Problematiek.VERSLAVING)
    return frozenset(gevonden)


def _reikwijdte(waarden: Mapping[tuple[str | None, str], object]) -> Reikwijdte | None:
    code = waarden.get((None, "reikwijdte"))
    if isinstance(code, str) and code in {r.value for r in Reikwijdte}:
        return Reikwijdte(code)
    if waarden.get((None, "gemeentegrensOverschrijdend")) is True:
        return Reikwijdte.ANDERE_GEMEENTE_PROVINCIE  # only "yes" is known: counted as the nearest reach
    return None

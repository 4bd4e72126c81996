"""The FG's overview and signals: counts of verstrekkingen per partner, month and uitkomst, and anomalies.

Invariants:
- Like every verantwoording use case, only an FG (`raadplegen.binnen_bereik`), narrowed to its own organisation
  unless it is the FG of a Bureau ZVH; counts come from the log's metadata, never from case content.
- Beheer history records and the service's own records are never counted as a partner's verstrekkingen.
- Signals are rules with thresholds (`Drempels`, configured by `DEELPOORT_SIGNAAL_*`); office hours are judged
  in Europe/Amsterdam time.
- Security signals (`beveiligingssignalen`, e.g. a client certificate header from a peer that is no trusted
  proxy) concern the service, not a partner: every occurrence in the window is shown, under partner
  "deelpoort", to an FG whose scope is the whole region (the FG of a Bureau ZVH).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from service.domain.casus import Gebruiker, utcnow
from service.domain.kalender import AMSTERDAM
from service.domain.verantwoording import UITKOMSTEN, Drempels, Selectie, Signaal
from service.domain.verstrekking import DEELPOORT
from service.service_layer.identiteit.certificaten import ONVERTROUWDE_KOP
from service.service_layer.services import Services
from service.service_layer.verantwoording.raadplegen import bijwerken, binnen_bereik
from service.settings import Settings


@dataclass(frozen=True, slots=True)
class Overzicht:
    per_partner: list[tuple[str, str, int]]  # (partner id, naam, count), largest first
    per_maand: list[tuple[str, int]]  # ("2026-11", count), oldest first, the latest `maanden` months
    per_uitkomst: dict[str, int]
    totaal: int
    # (doel id, naam, count), largest first: every record has one doel, so these add up to `totaal`
    per_doel: list[tuple[str, str, int]] = field(default_factory=list)
    # (grondslag id, naam, count of records that released at least one veld on it), largest first: a record may
    # release velden on several grondslagen, so these need not add up
    per_grondslag: list[tuple[str, str, int]] = field(default_factory=list)


def _month_start(moment: dt.datetime, back: int) -> dt.datetime:
    month = moment.year * 12 + moment.month - 1 - back
    return dt.datetime(month // 12, month % 12 + 1, 1, tzinfo=dt.UTC)


def overzicht(
    services: Services, gebruiker: Gebruiker, *, maanden: int = 12, now: dt.datetime | None = None
) -> Overzicht:
    """Counts per partner (all time), per month (the latest `maanden`) and per uitkomst.

    Raises:
        NietToegestaanError: not an FG.
    """
    scope = binnen_bereik(services, gebruiker, Selectie()).partner
    now = now or utcnow()
    bijwerken(services)  # the counts per grondslag read the lookup tables
    convenant = services.convenant
    with services.uow() as uow:
        partners = uow.verantwoording.aantal_per_partner()
        if scope is not None:
            partners = {p: n for p, n in partners.items() if p == scope}
        per_uitkomst = {u: uow.verantwoording.aantal(Selectie(uitkomst=u, partner=scope)) for u in UITKOMSTEN}
        per_doel = _benoemd(
            uow.verantwoording.aantal_per_doel(Selectie(partner=scope)), {d.id: d.naam for d in convenant.doelen}
        )
        per_grondslag = _benoemd(
            uow.verantwoording.aantal_per_grondslag(scope), {g.id: g.naam for g in convenant.grondslagen}
        )
        per_maand = []
        for back in range(maanden - 1, -1, -1):
            start, end = _month_start(now, back), _month_start(now, back - 1)
            count = uow.verantwoording.aantal(Selectie(van=start, tot=end, partner=scope))
            per_maand.append((f"{start:%Y-%m}", count))
    named = [(p, _partner_naam(services, p), n) for p, n in partners.items()]
    named.sort(key=lambda item: (-item[2], item[0]))
    return Overzicht(named, per_maand, per_uitkomst, sum(partners.values()), per_doel, per_grondslag)


def _benoemd(aantallen: Mapping[str, int], namen: Mapping[str, str]) -> list[tuple[str, str, int]]:
    """(id, its convenant naam or the id itself, count) of the non-zero counts, largest first."""
    out = [(ident, namen.get(ident, ident), n) for ident, n in aantallen.items() if n > 0]
    return sorted(out, key=lambda item: (-item[2], item[1]))


def _partner_naam(services: Services, partner_id: str) -> str:
    partner = services.convenant.partner(partner_id)
    return partner.naam if partner else partner_id


def signalen(
    services: Services, gebruiker: Gebruiker, drempels: Drempels, *, now: dt.datetime | None = None
) -> list[Signaal]:
    """The anomalies of the latest window (see `Drempels` for each rule and threshold).

    Raises:
        NietToegestaanError: not an FG.
    """
    scope = binnen_bereik(services, gebruiker, Selectie()).partner
    now = now or utcnow()
    window = dt.timedelta(days=drempels.venster_dagen)
    start = now - window
    base_start = start - window * drempels.basis_vensters
    out: list[Signaal] = []
    with services.uow() as uow:
        store = uow.verantwoording
        recent = store.aantal_per_partner(start, now)
        baseline = store.aantal_per_partner(base_start, start)
        refused = store.aantal_per_partner(start, now, uitkomst="geweigerd")
        actief = store.actieve_partners()
        beveiliging = uow.beveiligingssignalen.aantallen(start, now)
        buiten: dict[str, int] = {}
        for partner, tijd in store.tijden(start, now):
            local = tijd.astimezone(AMSTERDAM)
            if local.weekday() >= 5 or not drempels.kantoor_van <= local.hour < drempels.kantoor_tot:
                buiten[partner] = buiten.get(partner, 0) + 1
    for partner, count in sorted(recent.items()):
        average = baseline.get(partner, 0) / drempels.basis_vensters
        if count >= drempels.volume_minimum and count > drempels.volume_factor * average:
            out.append(
                Signaal(
                    "volume",
                    partner,
                    count,
                    max(drempels.volume_minimum, int(drempels.volume_factor * average) + 1),
                    f"{count} in {drempels.venster_dagen} dagen; gemiddeld {f'{average:.1f}'.replace('.', ',')} "
                    "per venster ervoor",
                )
            )
        if partner != "deelpoort" and partner not in actief:
            out.append(Signaal("geen-deelnemer", partner, count, 1, "partner is geen actieve convenantpartner"))
    for partner, count in sorted(refused.items()):
        if count >= drempels.weigeringen:
            out.append(Signaal("weigeringen", partner, count, drempels.weigeringen, "geweigerde verzoeken"))
    for partner, count in sorted(buiten.items()):
        if count >= drempels.buiten_kantoortijd and partner != "deelpoort":
            out.append(
                Signaal(
                    "buiten-kantoortijd",
                    partner,
                    count,
                    drempels.buiten_kantoortijd,
                    f"verzoeken buiten werkdagen {drempels.kantoor_van}-{drempels.kantoor_tot} uur",
                )
            )
    for soort, count in sorted(beveiliging.items()):
        out.append(Signaal(soort, DEELPOORT, count, 1, _BEVEILIGING.get(soort, "beveiligingssignaal")))
    return [s for s in out if scope is None or s.partner == scope]


_BEVEILIGING = {
    ONVERTROUWDE_KOP: "verzoeken met een certificaatkop van een afzender die geen vertrouwde proxy is "
    "(een poging zich als de TLS-proxy voor te doen, of een verkeerd ingestelde proxy)",
}


def drempels_uit(settings: Settings) -> Drempels:
    """The signal thresholds configured by the `DEELPOORT_SIGNAAL_*` settings."""
    van, tot = settings.kantooruren
    return Drempels(
        venster_dagen=settings.signaal_venster_dagen,
        basis_vensters=settings.signaal_basis_vensters,
        volume_factor=settings.signaal_volume_factor,
        volume_minimum=settings.signaal_volume_minimum,
        weigeringen=settings.signaal_weigeringen,
        kantoor_van=van,
        kantoor_tot=tot,
        buiten_kantoortijd=settings.signaal_buiten_kantoortijd,
    )

"""Synthetic verstrekkingen for the demo region over the past year, so the FG's pages and the log show a region at
work after `make run`.

Never in production (the demo command refuses there). Every one is decided by `verstrekking_in`, exactly as a
request is (the active policy, the deelname and the fase at its moment), and logged like any other: the log holds
released, partly released, empty and refused requests, about as a working region would produce them.

Invariants:
- Each is dated on the demo's `Tijdlijn`: after its casus entered its current fase (its stored state is what
  the decision reads) and after the asking partner joined it, mostly on a working day in office hours; about one
  in `BUITEN` is asked in an evening, a true exception.
- Some are asked in an overleg of the past year (doel casusoverleg naming it), on its day, each by a partner
  recorded as attending that agendapunt and taking part in the casus then.
- The latest signal window (`SCENARIO_DAGEN`) holds what the FG's signals are for, each really so: a partner
  asking far more than before (`VOLUME`, the Bureau preparing its review), a partner's koppeling asking about
  casussen it does not take part in (`WEIGERINGEN`: refused, and far more than before), and a partner asking in
  the evenings (`AVONDEN`). Apart from these, no partner reaches a signal's threshold (tested).
- Deterministic per seed (apart from ids and trace ids).
"""

from __future__ import annotations

import datetime as dt
import random
import secrets
from collections.abc import Mapping, Sequence

from service.demo.beheerjaar import Beheerjaar
from service.demo.tijdlijn import Tijdlijn
from service.domain.casus import Casus, Gebruiker, neemt_deel
from service.domain.convenant import Casustype
from service.domain.overleg import OVERLEGDOEL, Overleg
from service.domain.verstrekking import AANLEVERDOELEN, Trace, Uitkomst, Verstrekking
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork
from service.service_layer.verstrekking.verstrekken import Verzoek, verstrekking_in

OUTSIDER_SHARE = 10  # about one request in this many comes from a partner that does not take part (refused)
IN_OVERLEG = 40  # of `aantal`, at most this many are asked in an overleg
BUITEN = 30  # about one ordinary request in this many is asked in an evening
SCENARIO_DAGEN = 6  # the scenarios below fall in the latest days (within the signals' window of 7)
VOLUME = 24  # requests of the Bureau in those days (its usual week holds a few)
WEIGERINGEN = ("reclassering-nederland", 22)  # a koppeling asking about casussen its partner is not in
AVONDEN = ("politie-noord-nederland", 6)  # evening requests of one partner in those days


def demo_verstrekkingen(
    services: Services,
    uow: UnitOfWork,
    casussen: Sequence[Casus],
    gebruikers: Sequence[Gebruiker],
    tijdlijn: Tijdlijn,
    *,
    seed: int,
    aantal: int = 150,
    overleggen: Sequence[Overleg] = (),
    jaar: Beheerjaar | None = None,
) -> list[Verstrekking]:
    """Decide up to `aantal` ordinary verstrekkingen and the scenarios of the latest days in `uow` (the install's
    transaction, which holds `casussen` as stored), and return their records for the caller to log. With `jaar`
    (the demo's beheer year), a request is made only when its gebruiker could ask then, under the policy version
    then active."""
    rng = random.Random(seed)  # noqa: S311 - which synthetic requests to make, not a secret
    per_partner: dict[str, list[Gebruiker]] = {}
    for gebruiker in gebruikers:
        per_partner.setdefault(gebruiker.partner_id, []).append(gebruiker)
    vrager = _Vrager(services, uow, per_partner, tijdlijn, jaar)
    records = _in_overleggen(vrager, casussen, overleggen, random.Random(f"{seed}/overleggen"))  # noqa: S311
    doelen = sorted(services.convenant.ids("doel") - AANLEVERDOELEN)  # data leaves only under the others
    candidates = [c for c in casussen if c.deelnames]
    rng.shuffle(candidates)
    for casus in candidates[: max(aantal - len(records), 0)]:
        inside = {d.partner_id for d in casus.deelnames}
        if rng.randrange(OUTSIDER_SHARE) == 0:
            partner = rng.choice(sorted(p for p in per_partner if p not in inside))
        else:
            partner = rng.choice(sorted(inside & per_partner.keys() or {""}))
            if not partner:
                continue
        moment = tijdlijn.tussen(_sinds(casus, partner), tijdlijn.now, rng)
        if moment is None:  # the casus became as stored, or the partner joined, only today
            continue
        if rng.randrange(BUITEN) == 0:
            moment = max(moment, tijdlijn.buiten_kantoortijd((tijdlijn.now - moment).days, rng))
        permitted = vrager.toegestaan(casus, doelen, moment)
        if partner in inside and not permitted:
            continue
        doel = rng.choice(permitted or doelen)
        records += vrager.vraag(rng.choice(per_partner[partner]), casus, Verzoek(doel), moment)
    records += _scenarios(vrager, casussen, doelen, random.Random(f"{seed}/scenarios"))  # noqa: S311
    return records


class _Vrager:
    """Asks as a demo gebruiker at a moment of the demo's past, in the install's transaction."""

    def __init__(
        self,
        services: Services,
        uow: UnitOfWork,
        per_partner: Mapping[str, Sequence[Gebruiker]],
        tijdlijn: Tijdlijn,
        jaar: Beheerjaar | None,
    ) -> None:
        self.services, self.uow, self.per_partner, self.tijdlijn = services, uow, per_partner, tijdlijn
        self.jaar = jaar

    def toegestaan(self, casus: Casus, doelen: Sequence[str], moment: dt.datetime) -> list[str]:
        """The doelen the register permits in the casus's fase on the day of `moment`."""
        convenant = self.services.convenant
        return [
            d
            for d in doelen
            if (va := convenant.verwerkingsactiviteit(casus.casustype, d, moment.date())) and casus.fase in va.fasen
        ]

    def vraag(self, gebruiker: Gebruiker, casus: Casus, verzoek: Verzoek, moment: dt.datetime) -> list[Verstrekking]:
        """The record of the request, or none when the gebruiker could not ask then (`Beheerjaar.mag_vragen`)."""
        trace = Trace(secrets.token_hex(16), secrets.token_hex(8))
        if self.jaar is None:
            return [verstrekking_in(self.services, self.uow, gebruiker, casus.id, verzoek, trace, moment)]
        if not self.jaar.mag_vragen(gebruiker, moment):
            return []
        with self.jaar.beleid_op(self.uow, moment):
            return [verstrekking_in(self.services, self.uow, gebruiker, casus.id, verzoek, trace, moment)]


def _sinds(casus: Casus, partner: str) -> dt.datetime:
    """Since when the casus is as stored (its current fase) and, when the partner takes part, it has joined."""
    sinds = casus.afgesloten_op or casus.gewijzigd_op
    joined = [d.sinds for d in casus.deelnames if d.partner_id == partner]
    return max([sinds, *joined[:1]])


def _in_overleggen(
    vrager: _Vrager, casussen: Sequence[Casus], overleggen: Sequence[Overleg], rng: random.Random
) -> list[Verstrekking]:
    """Verstrekkingen asked in the overleggen of the past year, on their day: one per attending partner of a
    sampled agendapunt, for doel casusoverleg naming the overleg, by that partner's gebruiker in its rol in the
    casus. Only a partner recorded as attending, taking part then, and not incidental (its deelname ended with the
    occasion); only a casus whose fase was already its current one and permits the doel."""
    tijdlijn = vrager.tijdlijn
    per_id = {c.id: c for c in casussen}
    gevraagd: list[tuple[Overleg, Casus, Gebruiker, dt.datetime]] = []
    for overleg in overleggen:
        moment = tijdlijn.werktijd(
            dt.datetime.combine(overleg.datum, dt.time(9), tzinfo=dt.UTC) + dt.timedelta(minutes=rng.randrange(240)),
            rng,
        )
        if not tijdlijn.begin <= moment < tijdlijn.now:
            continue
        for punt in overleg.agenda:
            casus = per_id.get(punt.casus)
            if casus is None or not vrager.toegestaan(casus, [OVERLEGDOEL], moment):
                continue
            for uitnodiging in punt.uitnodigingen:
                gebruiker = _gebruiker(casus, uitnodiging.partner, vrager.per_partner)
                attending = uitnodiging.aanwezig is True and not uitnodiging.incidenteel
                if (
                    attending
                    and gebruiker is not None
                    and _sinds(casus, uitnodiging.partner) <= moment
                    and neemt_deel(casus, uitnodiging.partner, moment)
                ):
                    gevraagd.append((overleg, casus, gebruiker, moment))
    gekozen = sorted(rng.sample(range(len(gevraagd)), min(IN_OVERLEG, len(gevraagd))))
    return [
        record
        for overleg, casus, gebruiker, moment in (gevraagd[i] for i in gekozen)
        for record in vrager.vraag(gebruiker, casus, Verzoek(OVERLEGDOEL, overleg=overleg.id), moment)
    ]


def _scenarios(
    vrager: _Vrager, casussen: Sequence[Casus], doelen: Sequence[str], rng: random.Random
) -> list[Verstrekking]:
    """The latest days' cases for the FG's signals (see the module invariants), each as it really happened."""
    tijdlijn = vrager.tijdlijn
    van, tot = tijdlijn.now - dt.timedelta(days=SCENARIO_DAGEN), tijdlijn.now - dt.timedelta(hours=1)
    document = vrager.services.convenant.document(Casustype.REGULIER)
    bureau = document.bureau if document is not None else None
    records: list[Verstrekking] = []
    for partner, aantal, avond in ((bureau, VOLUME, False), (*AVONDEN, True)):
        if partner is None or partner not in vrager.per_partner:
            continue
        eigen = [c for c in casussen if neemt_deel(c, partner, van)]
        gedaan = 0
        for _ in range(aantal * 5 if eigen else 0):  # a casus whose fase permits no doel is passed over
            casus = rng.choice(eigen)
            moment = tijdlijn.buiten_kantoortijd(rng.randint(1, SCENARIO_DAGEN), rng) if avond else None
            moment = moment or tijdlijn.tussen(max(van, _sinds(casus, partner)), tot, rng)
            if moment is None or moment < _sinds(casus, partner):
                continue
            permitted = vrager.toegestaan(casus, doelen, moment)
            gebruiker = _gebruiker(casus, partner, vrager.per_partner)
            if permitted and gebruiker is not None and gedaan < aantal:
                for record in vrager.vraag(gebruiker, casus, Verzoek(rng.choice(permitted)), moment):
                    if record.uitkomst != Uitkomst.GEWEIGERD:  # the partner asks what it may: only these show it
                        records.append(record)
                        gedaan += 1
    koppeling, aantal = WEIGERINGEN
    vreemd = [c for c in casussen if all(d.partner_id != koppeling for d in c.deelnames)]
    if vreemd and koppeling in vrager.per_partner:
        gebruiker = vrager.per_partner[koppeling][0]
        for _ in range(aantal):
            casus = rng.choice(vreemd)
            moment = tijdlijn.tussen(max(van, casus.aangemeld_op), tot, rng)
            if moment is not None:
                records += vrager.vraag(gebruiker, casus, Verzoek(rng.choice(doelen)), moment)
    return records


def _gebruiker(casus: Casus, partner: str, per_partner: Mapping[str, Sequence[Gebruiker]]) -> Gebruiker | None:
    """The partner's gebruiker in its rol in the casus (else any of its gebruikers), or None."""
    eigen = per_partner.get(partner, ())
    rollen = {d.rol for d in casus.deelnames if d.partner_id == partner}
    return next((g for g in eigen if g.rol in rollen), next(iter(eigen), None))

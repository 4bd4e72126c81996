"""A plan van aanpak for the demo region's regular casussen in procesregie or advies, as the regie keeps one over
the months: one to three doelen in leefgebieden that fit the casus, one to four acties owned by its active
deelnemers (some afgerond or vervallen, some past their deadline, so the procesregisseur's werkvoorraad has
overdue acties), afspraken made in the overleggen that discussed the casus, now and then an opschaling (some
afgerond with an uitkomst), and an AVE-fase when the casus's hoofdonderwerp is verward gedrag.

Invariants:
- The texts are the casus's own synthetic values (`planDoelen`, `afspraken`, and `risicoOmschrijving` as the reden
  of an opschaling), numbered per item, so the at-rest scan of the demo covers the plan's tables. They are
  supplied by the Bureau's procesregisseur (the regie) as one aanlevering the bronregels allow; its record is
  returned for the caller to log with the rest of the demo's records, in the same transaction.
- Every item is dated between the casus's start and the day before `now`, with a history entry of the casus
  (handeling plan or ave-fase: soort, id, what changed, from and to; codes and dates, never a text), as the use
  cases of `service_layer/plan` write them.
- Deterministic: everything, ids included, is derived from the casus (its id, dates, deelnames) and the
  overleggen that discussed it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from functools import partial

from service.demo import DEMO_GEBRUIKER
from service.domain.casus import Casus, Gebruiker
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.levensloop import Gebeurtenis, Handeling
from service.domain.plan import (
    AFSPRAAKTEKST,
    AVE_ONDERWERP,
    DOELTEKST,
    ESCALATIETEKST,
    Actie,
    ActieStatus,
    Afspraak,
    Doel,
    Leefgebied,
    Niveau,
    Opschaling,
    OpschalingStatus,
    OpschalingUitkomst,
)
from service.domain.veldwaarde import JsonWaarde
from service.domain.verstrekking import Verstrekking
from service.service_layer.casus import aanlevering
from service.service_layer.casus.aanlevering import BIJDRAGE, Bronregels, Herkomst
from service.service_layer.plan.stap import PLANFASEN
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

REGIE = "procesregisseur"
REDENTEKST = "risicoOmschrijving"  # the casus's own value an opschaling's reden is made of
# The leefgebieden a doel is most likely set in, per hoofdonderwerp (the rest of the list is possible too).
LEEFGEBIEDEN = {
    "verward-gedrag": (Leefgebied.GEESTELIJKE_GEZONDHEID, Leefgebied.HUISVESTING, Leefgebied.MIDDELENGEBRUIK),
    "ernstige-overlast": (Leefgebied.HUISVESTING, Leefgebied.VEILIGHEID, Leefgebied.SOCIAAL_NETWERK),
    "huiselijk-geweld": (Leefgebied.HUISELIJKE_RELATIES, Leefgebied.VEILIGHEID),
    "stalking": (Leefgebied.VEILIGHEID, Leefgebied.JUSTITIE),
    "burenruzie": (Leefgebied.HUISVESTING, Leefgebied.SOCIAAL_NETWERK),
    "mensenhandel": (Leefgebied.VEILIGHEID, Leefgebied.FINANCIEN, Leefgebied.JUSTITIE),
    "zeden": (Leefgebied.JUSTITIE, Leefgebied.VEILIGHEID),
}
OPSCHALING = 0.12  # share of the casussen in procesregie with an opschaling
AFGEROND = 0.6  # share of those opschalingen afgerond
AVE_FASEN = (1, 2, 3, 4)
AVE_GEWICHTEN = (2, 4, 3, 1)


def maak_plan(
    services: Services,
    transactie: tuple[UnitOfWork, Bronregels],
    casus: Casus,
    waarden: Mapping[tuple[str | None, str], JsonWaarde],
    besprekingen: Sequence[tuple[str, dt.date]],
    now: dt.datetime,
    geleverd: dt.datetime | None = None,
) -> list[Verstrekking]:
    """Store a plan for `casus` from its own values when it has one to have; the aanlevering records to log.

    `transactie` is the install's unit of work with the bronregels read in it; `besprekingen` are the
    overleggen (id, datum) whose agenda held the casus, oldest first; `geleverd` is when the regie supplied the
    plan's texts (its aanlevering's moment; default `now`).

    Raises:
        ValueError: the bronregels do not allow the Bureau to supply the plan's texts (a demo that does not fit).
    """
    uow, regels = transactie
    document = services.convenant.document(casus.casustype)
    bureau = document.bureau if document is not None else None
    doeltekst, afspraak = waarden.get((None, DOELTEKST)), waarden.get((None, AFSPRAAKTEKST))
    if (
        casus.casustype is not Casustype.REGULIER
        or casus.fase not in PLANFASEN
        or bureau is None
        or not isinstance(doeltekst, str)
        or not isinstance(afspraak, str)
    ):
        return []
    reden = waarden.get((None, REDENTEKST))
    plan = _Plan(uow, casus, bureau, now)
    doelen = plan.doelen(doeltekst)
    plan.acties(afspraak, doelen)
    plan.afspraken(afspraak, besprekingen)
    if isinstance(reden, str) and casus.fase is Fase.PROCESREGIE and plan.rng.random() < OPSCHALING:
        plan.opschaling(reden)
    if casus.hoofdonderwerp == AVE_ONDERWERP:
        plan.ave_fase()
    teksten: dict[tuple[str | None, str], JsonWaarde] = {(None, DOELTEKST): doeltekst, (None, AFSPRAAKTEKST): afspraak}
    if plan.escalatie:
        teksten[(None, ESCALATIETEKST)] = plan.escalatie
    regie = Gebruiker(plan.gebruiker, bureau, REGIE, plan.gebruiker, True)
    ingang = aanlevering.beoordeel_in(
        services,
        uow,
        regie,
        (casus.id, casus.casustype, casus.fase),
        BIJDRAGE,
        teksten,
        tuple(b.id for b in casus.betrokkenen),
        Herkomst(),
        geleverd or now,
        regels,
    )
    if ingang.besluit.weigering is not None:
        raise ValueError(f"the demo's plan does not fit the bronregels: {ingang.besluit.reden}")
    plan.schrijf()
    return [ingang.record]


class _Plan:
    """The items of one casus's plan, built in the order the regie made them, then written in one go."""

    def __init__(self, uow: UnitOfWork, casus: Casus, bureau: str, now: dt.datetime) -> None:
        self.uow, self.casus, self.bureau = uow, casus, bureau
        self.gebruiker = DEMO_GEBRUIKER
        self.rng = random.Random(casus.id)  # noqa: S311 (reproducible demo data, not a secret)
        self.regime = Regime.of(casus.casustype)
        self.begin = casus.aangemeld_op + dt.timedelta(days=1)
        self.einde = max(now - dt.timedelta(days=1), self.begin + dt.timedelta(hours=1))
        self.vandaag = now.date()
        self.escalatie: str | None = None
        self.schrijven: list[Callable[[], None]] = []  # the writes, in order, once the aanlevering is accepted
        self.historie: list[Gebeurtenis] = []
        deelnames = [d for d in casus.deelnames if d.actief(now)]
        self.eigenaren = [(d.partner_id, d.rol) for d in deelnames if d.partner_id != bureau] or [(bureau, REGIE)]

    def id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def moment(self, na: dt.datetime, dagen: tuple[int, int]) -> dt.datetime:
        """A moment some days after `na`, never after the day before now."""
        return min(na + dt.timedelta(days=self.rng.randint(*dagen), hours=self.rng.randint(0, 6)), self.einde)

    def doelen(self, tekst: str) -> list[Doel]:
        passend = LEEFGEBIEDEN.get(self.casus.hoofdonderwerp, ())
        overig = [g for g in Leefgebied if g not in passend]
        aantal = self.rng.choices((1, 2, 3), weights=(3, 4, 2))[0]
        gebieden = list(passend[:1]) + self.rng.sample(list(passend[1:]) + overig, aantal - min(1, len(passend)))
        out, op = [], self.begin
        for nummer, gebied in enumerate(gebieden, start=1):
            op = self.moment(op, (3, 21) if nummer == 1 else (0, 45))
            doel = Doel(self.id(), self.casus.id, gebied, op, self.bureau)
            self.schrijven.append(
                partial(
                    self.uow.plannen.add_doel, doel, tekst if nummer == 1 else f"{tekst} (doel {nummer})", self.regime
                )
            )
            self.plan(op, doel.id, "doel", "toegevoegd", leefgebied=gebied.value)
            out.append(doel)
        return out

    def acties(self, tekst: str, doelen: Sequence[Doel]) -> None:
        for nummer in range(1, self.rng.randint(1, 4) + 1):
            doel = self.rng.choice(doelen)
            partner, rol = self.rng.choice(self.eigenaren)
            gemaakt = self.moment(doel.aangemaakt_op, (0, 60))
            deadline = gemaakt.date() + dt.timedelta(days=self.rng.randint(14, 90))
            if deadline < self.vandaag:  # due: mostly done, many still open (overdue)
                status = self.rng.choices(list(ActieStatus), weights=(2, 2, 5, 1))[0]
            else:
                status = self.rng.choices(list(ActieStatus), weights=(4, 4, 1, 0))[0]
            gewijzigd = gemaakt
            if status is not ActieStatus.OPEN:
                gewijzigd = min(gemaakt + (self.einde - gemaakt) * self.rng.random(), self.einde)
            actie = Actie(self.id(), self.casus.id, doel.id, partner, deadline, status, gemaakt, gewijzigd, self.bureau)
            self.schrijven.append(partial(self.uow.plannen.add_actie, actie, f"{tekst} (actie {nummer})", self.regime))
            open_ = ActieStatus.OPEN.value
            self.plan(
                gemaakt, actie.id, "actie", "toegevoegd", partner=partner, deadline=deadline.isoformat(), naar=open_
            )
            if status is not ActieStatus.OPEN:  # set by its owning partner
                van, naar = ActieStatus.OPEN.value, status.value
                self.plan(gewijzigd, actie.id, "actie", "status", (partner, rol), van=van, naar=naar)

    def afspraken(self, tekst: str, besprekingen: Sequence[tuple[str, dt.date]]) -> None:
        voorbij = [(o, d) for o, d in besprekingen if self.begin.date() < d < self.vandaag][-3:]
        for nummer, (overleg, datum) in enumerate(voorbij, start=1):
            if self.rng.random() < 0.7:
                op = min(dt.datetime.combine(datum, dt.time(12), tzinfo=dt.UTC), self.einde)
                afspraak = Afspraak(self.id(), self.casus.id, datum, overleg, op, self.bureau)
                tekst_ = f"{tekst} (afspraak {nummer})"
                self.schrijven.append(partial(self.uow.plannen.add_afspraak, afspraak, tekst_, self.regime))
                self.plan(op, afspraak.id, "afspraak", "toegevoegd", overleg=overleg)

    def opschaling(self, reden: str) -> None:
        op = self.moment(self.begin, (30, 240))
        niveau = self.rng.choices(list(Niveau), weights=(5, 4, 1))[0]
        opschaling = Opschaling(
            self.id(), self.casus.id, niveau, op.date(), OpschalingStatus.OPEN, None, op, None, self.bureau
        )
        self.escalatie = reden
        self.schrijven.append(partial(self.uow.plannen.add_opschaling, opschaling, reden, self.regime))
        self.plan(op, opschaling.id, "opschaling", "toegevoegd", niveau=niveau.value, naar=OpschalingStatus.OPEN.value)
        afgerond = self.moment(op, (14, 60))
        if afgerond > op and self.rng.random() < AFGEROND:
            uitkomst = self.rng.choices(list(OpschalingUitkomst), weights=(4, 3, 2, 1))[0]
            rond_af = partial(self.uow.plannen.rond_af, opschaling, uitkomst, None, self.regime, afgerond)
            self.schrijven.append(rond_af)
            van, naar = OpschalingStatus.OPEN.value, OpschalingStatus.AFGEROND.value
            self.plan(afgerond, opschaling.id, "opschaling", "afgerond", van=van, naar=naar, uitkomst=uitkomst.value)

    def ave_fase(self) -> None:
        op = self.moment(self.begin, (7, 30))
        fase = self.rng.choices(AVE_FASEN, weights=AVE_GEWICHTEN)[0]
        self.schrijven.append(partial(self.uow.plannen.set_ave_fase, self.casus.id, fase, op))
        self.historie.append(
            self.gebeurtenis(op, Handeling.AVE_FASE, (self.bureau, REGIE), {"van": None, "naar": fase})
        )

    def plan(
        self,
        op: dt.datetime,
        item: str,
        soort: str,
        wijziging: str,
        wie: tuple[str, str] | None = None,
        **gegevens: str | None,
    ) -> None:
        inhoud: dict[str, str | int | None] = {"soort": soort, "id": item, "wijziging": wijziging, **gegevens}
        self.historie.append(self.gebeurtenis(op, Handeling.PLAN, wie or (self.bureau, REGIE), inhoud))

    def gebeurtenis(
        self, op: dt.datetime, handeling: Handeling, wie: tuple[str, str], gegevens: dict[str, str | int | None]
    ) -> Gebeurtenis:
        fase = self.casus.fase
        return Gebeurtenis(
            self.id(), self.casus.id, op, wie[0], self.gebruiker, wie[1], handeling, fase, fase, gegevens=gegevens
        )

    def schrijf(self) -> None:
        """Store the items, then the history entries."""
        for schrijf in self.schrijven:
            schrijf()
        for entry in self.historie:
            self.uow.historie.add(entry, self.regime)

"""A synthetic demo region shaped after the Drenthe annual report 2023 (DOMAIN.md, "Demo region facts").

Invariants:
- Deterministic: `generate_region(convenant, seed=s, today=d)` returns equal regions for equal arguments.
- Shaped like the report: 129 active procesregie casussen spread over the municipalities as in the report, about
  60 advies trajectories, 54 closed casussen, a werkvoorraad of 8, a few afgewezen, and a handful of CTER casussen;
  referrers weighted as in the report; problem flags at the report's rates.
- Regimes stay apart: a CTER casus has only partners that signed the CTER convenant, its aanmelder is of a
  weegploeg partnertype, and none of its betrokkenen shares a BSN with a regular casus.
- About a third of the regular casussen has one to three nevenonderwerpen; the region holds a year of
  overleggen (`overleggen`) and adviezen (`adviezen`) around its casussen. Each of these three is drawn from a
  random stream of its own (seeded from the seed), so the casussen, persons and values stay those the seed gave
  before they existed; the overleggen add only their incidental participants' short deelnames.
- From `verslagjaar.VANAF` (1 December 2025) on, the region also holds the calendar year 2023 (`verslagjaar`): casussen
  referred in 2021-2023, all closed by now, whose annual report of 2023 gives DOMAIN's Drenthe figures exactly.
  They come after all of the above, from random streams of their own, so the rest stays what the seed gave; the
  casussen above were referred at most 700 days before `today`, so from that day on none of them touches 2023.
- Every person and value is synthetic (see `personen`); no two betrokkenen share a BSN.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable
from dataclasses import dataclass, field

from service.demo import personen as synth
from service.demo import verslagjaar
from service.demo.adviezen import DemoAdvies, plan_adviezen
from service.demo.cijfers import (
    AANMELDERS,
    ADVIES,
    AFGESLOTEN,
    AFGEWEZEN,
    CTER,
    GRENSOVERSCHRIJDEND,
    LEEFTIJDEN,
    LVB,
    ONDERWERPEN,
    PROCESREGIE_PER_GEMEENTE,
    PSYCHISCH,
    VERSLAVING,
    WERKVOORRAAD,
)
from service.demo.overleggen import plan_overleggen
from service.demo.samenstelling import (
    AFSLUIT_VELDEN,
    CASUS_VELDEN,
    CTER_VELDEN,
    HOOFDPERSOON_VELDEN,
    JUSTITIE_VELDEN,
    MEEDENKERS,
    PLAN_VELDEN,
    POLITIE_VELDEN,
    RELATIES,
    SYSTEEMLEDEN,
    SYSTEEMLID_VELDEN,
    Plek,
    Waarde,
    nevenonderwerpen,
    partner_for,
)
from service.domain.casus import Betrokkene, BetrokkeneRol, Casus, Deelname
from service.domain.convenant import Casustype, Convenant, ConvenantDocument, Fase
from service.domain.convenant import Onderwerp as VeldOnderwerp
from service.domain.overleg import Overleg


@dataclass(frozen=True, slots=True)
class DemoGebruiker:
    partner_id: str
    rol: str
    naam: str  # a label such as "casusregisseur 1", never a person's name


@dataclass
class DemoRegion:
    casussen: list[Casus] = field(default_factory=list)
    gebruikers: list[DemoGebruiker] = field(default_factory=list)
    veldwaarden: dict[Plek, Waarde] = field(default_factory=dict)
    overleggen: list[Overleg] = field(default_factory=list)  # the past year's and the next four weeks'; 2023's
    adviezen: list[DemoAdvies] = field(default_factory=list)  # the past year's, and those of 2023
    # The casussen of the 2023 year (`verslagjaar`) and the path each took after its aanmelding; the installer writes
    # their history from it (the others get the path that leads to their fase).
    paden: dict[str, tuple[verslagjaar.Padstap, ...]] = field(default_factory=dict)


class _Generator:
    def __init__(self, convenant: Convenant, seed: int, today: dt.date) -> None:
        self.convenant = convenant
        self.rng = random.Random(seed)  # noqa: S311 (reproducible demo data, not a secret)
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
        self.used_bsns: set[str] = set()
        self.region = DemoRegion()

    def id(self) -> str:
        return f"{self.rng.getrandbits(128):032x}"

    def weighted(self, weights: dict[str, int]) -> str:
        keys = list(weights)
        return str(self.rng.choices(keys, weights=[weights[k] for k in keys])[0])

    def days_ago(self, low: int, high: int) -> dt.datetime:
        return self.now - dt.timedelta(days=self.rng.randint(low, high), minutes=self.rng.randrange(600))

    # --- casussen ---------------------------------------------------------------------------------------

    def regulier(self, fase: Fase, gemeente: str) -> None:
        aangemeld = self.days_ago(*_AGE_IN_DAYS[fase])
        aanmelder = partner_for(self.weighted(AANMELDERS), gemeente)
        bureau = self._document(Casustype.REGULIER).bureau
        casus = self._casus(Casustype.REGULIER, fase, gemeente, aanmelder, aangemeld)
        casus.deelnames.append(Deelname(casus.id, aanmelder, "casusregisseur", aangemeld))
        if bureau and bureau != aanmelder:
            casus.deelnames.append(Deelname(casus.id, bureau, "procesregisseur", aangemeld))
        if fase in (Fase.PROCESREGIE, Fase.ADVIES, Fase.AFGESLOTEN):
            for meedenker in self.rng.sample(MEEDENKERS, self.rng.randint(1, 4)):
                partner = partner_for(meedenker, gemeente)
                if all(d.partner_id != partner for d in casus.deelnames):
                    # joined in the past (a casus referred lately has had less time to gather its meedenkers)
                    joined = min(
                        aangemeld + dt.timedelta(days=self.rng.randint(7, 30)), self.now - dt.timedelta(days=1)
                    )
                    casus.deelnames.append(Deelname(casus.id, partner, "deelnemer", joined))
        if fase in (Fase.AANMELDING, Fase.TRIAGE):
            casus.prioriteit = self.rng.randint(1, 3)
        self._close_if_done(casus)
        self._fill(casus)

    def cter(self, gemeente: str) -> None:
        document = self._document(Casustype.CTER)
        gemeente_partner = f"gemeente-{gemeente}-veiligheid"
        aanmelder = self.rng.choice((gemeente_partner, "politie-noord-nederland"))
        fase = self.rng.choice((Fase.TRIAGE, Fase.PROCESREGIE, Fase.PROCESREGIE))
        aangemeld = self.days_ago(20, 300)
        casus = self._casus(Casustype.CTER, fase, gemeente, aanmelder, aangemeld)
        weegploeg = [aanmelder] + [
            p
            for p in (gemeente_partner, "politie-noord-nederland", "openbaar-ministerie-noord-nederland")
            if p != aanmelder
        ]
        for index, partner in enumerate(weegploeg):
            casus.deelnames.append(
                Deelname(casus.id, partner, "casusregisseur" if index == 0 else "deelnemer", aangemeld)
            )
        if fase is Fase.PROCESREGIE and document.bureau:  # the gemeente asked the Bureau to take direction
            casus.deelnames.append(
                Deelname(casus.id, document.bureau, "procesregisseur", aangemeld, grondslag="wet-pga-3")
            )
            invited = self.rng.choice(("ggz-drenthe", "reclassering-nederland", "vnn-verslavingszorg"))
            casus.deelnames.append(
                Deelname(casus.id, invited, "deelnemer", aangemeld + dt.timedelta(days=14), grondslag="wet-pga-3")
            )
        self._fill(casus)

    def _casus(self, casustype: Casustype, fase: Fase, gemeente: str, aanmelder: str, aangemeld: dt.datetime) -> Casus:
        onderwerp = "radicalisering" if casustype is Casustype.CTER else self.weighted(ONDERWERPEN)
        casus = Casus(self.id(), casustype, fase, gemeente, onderwerp, aanmelder, aangemeld, aangemeld)
        self.region.casussen.append(casus)
        return casus

    def _close_if_done(self, casus: Casus) -> None:
        if casus.fase is Fase.AFGESLOTEN:
            closed = min(casus.aangemeld_op + dt.timedelta(days=self.rng.randint(60, 300)), self.now)
        elif casus.fase is Fase.AFGEWEZEN:
            closed = casus.aangemeld_op + dt.timedelta(days=self.rng.randint(3, 14))
        else:
            return
        casus.afgesloten_op = casus.gewijzigd_op = closed
        bureau = self._document(Casustype.REGULIER).bureau if casus.casustype is Casustype.REGULIER else None
        casus.deelnames[:] = [  # closing ends every deelname but the Bureau's (as `levensloop` does)
            d if d.partner_id == bureau else Deelname(d.casus_id, d.partner_id, d.rol, d.sinds, max(d.sinds, closed))
            for d in casus.deelnames
        ]

    # --- values ---------------------------------------------------------------------------------------

    def _fill(self, casus: Casus) -> None:
        hoofdpersoon = Betrokkene(self.id(), casus.id, BetrokkeneRol.HOOFDPERSOON)
        casus.betrokkenen.append(hoofdpersoon)
        leeftijd = self._leeftijd()
        velden = list(HOOFDPERSOON_VELDEN)
        velden += [
            v
            for v, share in (("psychischeGezondheid", PSYCHISCH), ("verslaving", VERSLAVING), ("lvb", LVB))
            if self.rng.random() < share
        ]
        if self.rng.random() < 0.5:
            velden += JUSTITIE_VELDEN
        if self.rng.random() < 0.6:
            velden += POLITIE_VELDEN
        if casus.casustype is Casustype.CTER:
            velden += CTER_VELDEN
        self._put(casus.id, hoofdpersoon.id, velden, leeftijd)
        gemeente = next((g.naam for g in self.convenant.gemeenten if g.id == casus.gemeente), None)
        if gemeente is not None:  # an address in the casus's own municipality
            self.region.veldwaarden[(casus.id, hoofdpersoon.id, "woonplaats")] = gemeente
        for _ in range(self.rng.choices(range(len(SYSTEEMLEDEN)), weights=SYSTEEMLEDEN)[0]):
            relatie = self.rng.choice(RELATIES)
            lid = Betrokkene(self.id(), casus.id, BetrokkeneRol.SYSTEEMLID, relatie)
            casus.betrokkenen.append(lid)
            lid_leeftijd = max(0, leeftijd - self.rng.randint(18, 35)) if relatie == "kind" else self._leeftijd()
            self._put(casus.id, lid.id, SYSTEEMLID_VELDEN, lid_leeftijd)
            self.region.veldwaarden[(casus.id, lid.id, "relatieTotHoofdpersoon")] = relatie
        casus_velden = list(CASUS_VELDEN)
        if self.rng.random() < GRENSOVERSCHRIJDEND:
            casus_velden.append("gemeentegrensOverschrijdend")
        if casus.fase in (Fase.PROCESREGIE, Fase.ADVIES, Fase.AFGESLOTEN):
            casus_velden += PLAN_VELDEN
        if casus.fase is Fase.AFGESLOTEN:
            casus_velden += AFSLUIT_VELDEN
        self._put(casus.id, None, casus_velden, leeftijd)
        if "gemeentegrensOverschrijdend" in casus_velden:
            self.region.veldwaarden[(casus.id, None, "gemeentegrensOverschrijdend")] = True

    def _put(self, casus_id: str, betrokkene: str | None, velden: Iterable[str], leeftijd: int) -> None:
        for veld_id in velden:
            veld = self.convenant.veld(veld_id)
            if veld is None:
                raise ValueError(f"the demo region needs veld {veld_id!r}, which the veldcatalogus lacks")
            expected = VeldOnderwerp.BETROKKENE if betrokkene else VeldOnderwerp.CASUS
            if veld.onderwerp is not expected:
                raise ValueError(f"veld {veld_id!r} is about the {veld.onderwerp.value}")
            if veld_id == "bsn":
                value: object = synth.bsn(self.rng, self.used_bsns)
            elif veld_id == "geboortedatum":
                value = synth.geboortedatum(self.rng, leeftijd, self.today)
            else:
                value = synth.value_for(veld, self.rng, self.today)
            self.region.veldwaarden[(casus_id, betrokkene, veld_id)] = value  # type: ignore[assignment]

    def _leeftijd(self) -> int:
        low, high, _ = self.rng.choices(LEEFTIJDEN, weights=[n for *_, n in LEEFTIJDEN])[0]
        return self.rng.randint(low, high)

    def _document(self, casustype: Casustype) -> ConvenantDocument:
        document = self.convenant.document(casustype)
        if document is None:
            raise ValueError(f"the demo region needs a convenant for casustype {casustype.value!r}")
        return document

    # --- gebruikers -----------------------------------------------------------------------------------

    def gebruikers(self) -> None:
        bureau = self._document(Casustype.REGULIER).bureau
        extra = {"procesregisseur": 3, "procesondersteuner": 2, "manager": 1, "beheerder": 2, "fg": 1}
        for partner in self.convenant.partners:
            rollen = {"casusregisseur": 1, "deelnemer": 1}
            if partner.id == bureau:
                rollen.update(extra)
            elif partner.id in FG_PARTNERS:
                rollen["fg"] = 1
            for rol, count in rollen.items():
                for n in range(1, count + 1):
                    self.region.gebruikers.append(DemoGebruiker(partner.id, rol, f"{rol} {n} ({partner.naam})"))


# Partners (besides the Bureau) whose FG has a demo account.
FG_PARTNERS = frozenset({"politie-noord-nederland", "ggz-drenthe", "veilig-thuis-drenthe", "gemeente-assen-veiligheid"})
# How long ago casussen in each fase were referred (days).
_AGE_IN_DAYS = {
    Fase.AANMELDING: (0, 6),
    Fase.TRIAGE: (3, 20),
    Fase.PROCESREGIE: (20, 600),
    Fase.ADVIES: (10, 300),
    Fase.AFGESLOTEN: (120, 700),
    Fase.AFGEWEZEN: (20, 300),
}


def generate_region(convenant: Convenant, *, seed: int, today: dt.date) -> DemoRegion:
    """Build the synthetic region for `convenant`; equal arguments give an equal region."""
    generator = _Generator(convenant, seed, today)
    gemeenten = sorted(convenant.ids("gemeente"))
    for gemeente, count in PROCESREGIE_PER_GEMEENTE.items():
        for _ in range(count):
            generator.regulier(Fase.PROCESREGIE, gemeente)
    for fase, count in ((Fase.ADVIES, ADVIES), (Fase.AFGESLOTEN, AFGESLOTEN), (Fase.AFGEWEZEN, AFGEWEZEN)):
        for _ in range(count):
            generator.regulier(fase, generator.rng.choice(gemeenten))
    for index in range(WERKVOORRAAD):
        generator.regulier(Fase.AANMELDING if index % 2 else Fase.TRIAGE, generator.rng.choice(gemeenten))
    for _ in range(CTER):
        generator.cter(generator.rng.choice(gemeenten))
    generator.gebruikers()
    region = generator.region
    nevenonderwerpen(convenant, region.casussen, random.Random(f"{seed}/nevenonderwerpen"))  # noqa: S311
    region.overleggen = plan_overleggen(convenant, region.casussen, seed=seed, today=today)
    region.adviezen = plan_adviezen(convenant, region.casussen, seed=seed, today=today)
    if today >= verslagjaar.VANAF:
        jaar = verslagjaar.genereer(convenant, seed=seed, used_bsns=generator.used_bsns)
        region.casussen += jaar.casussen
        region.veldwaarden.update(jaar.veldwaarden)
        region.paden = jaar.paden
        region.adviezen = jaar.adviezen + region.adviezen
        region.overleggen = jaar.overleggen + region.overleggen
    return region

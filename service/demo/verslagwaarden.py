"""The persons and values of a casus of the demo's 2023 year (`verslagjaar`): the traits its annual report counts are
fixed beforehand (`Kenmerken`); everything else is synthetic and drawn as the rest of the region draws it.

Invariants:
- The hoofdpersoon is exactly `leeftijd` whole years old on `op` and lives in the casus's gemeente. A problem flag
  is a value the report reads as that flag (`service_layer/managementinformatie/feiten.py`: any keuze but
  "geen-signalen", any verslaving); without the flag the value is "geen-signalen" and there is no verslaving.
- The casus veld `reikwijdte` says whether the casus reaches beyond its gemeente (`gemeentegrensOverschrijdend`
  agrees); `afsluitreden` is the afsluiting's uitkomst.
- Every betrokkene has a fresh test-range BSN, added to `used_bsns`; other dated values lie around the aanmelding.
- Every veld is one of the veldcatalogus and in its place (about a betrokkene or the casus); ValueError else.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import cast

from service.demo import personen as synth
from service.demo.cijfers import LEEFTIJDEN
from service.demo.samenstelling import (
    AFSLUIT_VELDEN,
    CASUS_VELDEN,
    HOOFDPERSOON_VELDEN,
    JUSTITIE_VELDEN,
    PLAN_VELDEN,
    POLITIE_VELDEN,
    RELATIES,
    SYSTEEMLEDEN,
    SYSTEEMLID_VELDEN,
    Plek,
    Waarde,
)
from service.domain.casus import Betrokkene, BetrokkeneRol, Casus
from service.domain.convenant import Convenant, Veld
from service.domain.convenant import Onderwerp as VeldOnderwerp

GEEN = "geen-signalen"
FLAGVELDEN = {"psychisch": "psychischeGezondheid", "lvb": "lvb", "verslaving": "verslaving"}
# How far a casus that crosses its gemeente's border reaches (weights; our choice: mostly within the province).
BUITEN = {"andere-gemeente-provincie": 12, "andere-provincie": 5, "landelijk": 2, "buitenland": 1}
EIGEN_GEMEENTE = "eigen-gemeente"
RELATIES_MINDERJARIGE = ("ouder", "ouder", "broer-zus")  # the system of a hoofdpersoon under 18


@dataclass(frozen=True, slots=True)
class Kenmerken:
    """What the report counts of a casus's persons and reach, and how it ended."""

    leeftijd: int  # of the hoofdpersoon, in whole years on `op`
    op: dt.date
    flags: frozenset[str]  # keys of FLAGVELDEN
    buiten: bool  # reaches beyond its gemeente
    uitkomst: str  # of the afsluiting (a keuze of `afsluitreden`)


def waarden(
    convenant: Convenant, rng: random.Random, casus: Casus, kenmerken: Kenmerken, used_bsns: set[str]
) -> dict[Plek, Waarde]:
    """The values of `casus`, whose betrokkenen (a hoofdpersoon and zero to four systeemleden) are added to it.

    Raises:
        ValueError: a veld the veldcatalogus lacks, or one about something else than its place.
    """
    vuller = _Vuller(convenant, rng, casus, used_bsns)
    gemeente = next((g.naam for g in convenant.gemeenten if g.id == casus.gemeente), casus.gemeente)
    hoofd = vuller.betrokkene(BetrokkeneRol.HOOFDPERSOON, None)
    eigen = {"geboortedatum": synth.geboren(rng, kenmerken.leeftijd, kenmerken.op), "woonplaats": gemeente}
    for veld_id in HOOFDPERSOON_VELDEN:
        vuller.zet(hoofd, veld_id, eigen.get(veld_id))
    for flag, veld_id in FLAGVELDEN.items():
        vuller.zet(hoofd, veld_id, _flagwaarde(rng, vuller.veld(veld_id, hoofd), flag in kenmerken.flags))
    for velden, aandeel in ((JUSTITIE_VELDEN, 0.5), (POLITIE_VELDEN, 0.6)):
        if rng.random() < aandeel:
            for veld_id in velden:
                vuller.zet(hoofd, veld_id)
    relaties = RELATIES_MINDERJARIGE if kenmerken.leeftijd < 18 else RELATIES
    for _ in range(rng.choices(range(len(SYSTEEMLEDEN)), weights=SYSTEEMLEDEN)[0]):
        relatie = rng.choice(relaties)
        lid = vuller.betrokkene(BetrokkeneRol.SYSTEEMLID, relatie)
        if relatie == "kind":
            leeftijd = max(0, kenmerken.leeftijd - rng.randint(18, 35))
        else:
            laag, hoog, _ = rng.choices(LEEFTIJDEN, weights=[n for *_, n in LEEFTIJDEN])[0]
            leeftijd = rng.randint(laag, hoog)
        eigen = {"geboortedatum": synth.geboren(rng, leeftijd, kenmerken.op), "relatieTotHoofdpersoon": relatie}
        for veld_id in SYSTEEMLID_VELDEN:
            vuller.zet(lid, veld_id, eigen.get(veld_id))
    reik = rng.choices(list(BUITEN), weights=list(BUITEN.values()))[0] if kenmerken.buiten else EIGEN_GEMEENTE
    eigen = {"afsluitreden": kenmerken.uitkomst, "reikwijdte": reik, "gemeentegrensOverschrijdend": kenmerken.buiten}
    for veld_id in [*CASUS_VELDEN, *PLAN_VELDEN, *AFSLUIT_VELDEN, "reikwijdte", "gemeentegrensOverschrijdend"]:
        vuller.zet(None, veld_id, eigen.get(veld_id))
    return vuller.uit


def _flagwaarde(rng: random.Random, veld: Veld, flag: bool) -> object | None:
    """A value the report reads as the flag, or as its absence (None: no value, for verslaving)."""
    signalen = [k for k in veld.keuzes if k != GEEN]
    if GEEN in veld.keuzes:
        return rng.choice(signalen) if flag else GEEN
    return sorted(rng.sample(signalen, rng.randint(1, 2))) if flag else None


class _Vuller:
    """Collects the values of one casus, each checked against the veldcatalogus."""

    def __init__(self, convenant: Convenant, rng: random.Random, casus: Casus, used_bsns: set[str]) -> None:
        self.convenant, self.rng, self.casus, self.used_bsns = convenant, rng, casus, used_bsns
        self.uit: dict[Plek, Waarde] = {}

    def betrokkene(self, rol: BetrokkeneRol, relatie: str | None) -> str:
        betrokkene = Betrokkene(f"{self.rng.getrandbits(128):032x}", self.casus.id, rol, relatie)
        self.casus.betrokkenen.append(betrokkene)
        return betrokkene.id

    def veld(self, veld_id: str, betrokkene: str | None) -> Veld:
        veld = self.convenant.veld(veld_id)
        if veld is None:
            raise ValueError(f"the 2023 year needs veld {veld_id!r}, which the veldcatalogus lacks")
        if veld.onderwerp is not (VeldOnderwerp.BETROKKENE if betrokkene else VeldOnderwerp.CASUS):
            raise ValueError(f"veld {veld_id!r} is about the {veld.onderwerp.value}")
        return veld

    def zet(self, betrokkene: str | None, veld_id: str, waarde: object | None = None) -> None:
        """Set a value: `waarde`, else a fresh BSN for `bsn`, else a synthetic value of the veld's type (a
        verslaving without the flag is left out: `waarde` None after `_flagwaarde`)."""
        veld = self.veld(veld_id, betrokkene)
        if waarde is None and veld_id in FLAGVELDEN.values():
            return
        if waarde is None:
            if veld_id == "bsn":
                waarde = synth.bsn(self.rng, self.used_bsns)
            else:
                waarde = synth.value_for(veld, self.rng, self.casus.aangemeld_op.date())
        self.uit[(self.casus.id, betrokkene, veld_id)] = cast(Waarde, waarde)

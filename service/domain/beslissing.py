"""The decision of a verstrekking as a value: which velden reach a partner, on which grondslag, or why none do.

`beslis` is pure: it reads only its arguments (no database, no clock, no keys) and returns a `Beslissing`.
The use case loads what it needs, calls `beslis`, logs the outcome, and decrypts only the velden released.

Invariants (DESIGN 1, deny by default):
- A veld is released only if all hold: (a) the policy in force grants it for (partner, rol, casustype, doel)
  with a grondslag that the verwerkingsactiviteit for (casustype, doel) names, (b) the partner actively takes
  part in the casus, (c) the doel is permitted in the casus's current fase by that verwerkingsactiviteit, and
  (d) the casus holds a value for it. Anything unknown (doel, veld, casus, activity, policy) releases nothing.
- The checks run in a fixed order and the first that fails is the refusal: unknown names, a doel for supplying
  data (`AANLEVERDOELEN`: nothing leaves under one), deelname, the overleg when one is named (`domain.overleg.toets`:
  doel casusoverleg, on its agenda, attending, an incidental participant's verklaring), fase, policy, destroyed
  data. A refusal releases nothing and withholds nothing.
- Each released veld names the bron (the supplying partner) of each place's value, when the facts know it.
- Doel `terugkoppeling` is asked only by the casus's own aanmelder, whose deelname may have ended (`mag_vragen`);
  any other partner is refused as one that does not take part.
- Withheld names are what was asked for (everything with a value, when nothing was named) and is not granted,
  or whose every value belongs to a place withheld by a beperking; names only, never values.
- A beperking (AVG art. 18, `domain.rechten`) withholds a restricted betrokkene's values for every doel its
  beperkingen do not list, and the casus's own values too when that betrokkene is the hoofdpersoon; the
  withheld places are named (`beperkt`), other betrokkenen still get theirs. It is a filter on places after the
  checks, never a refusal: the record then names the betrokkenen and says whose restriction withheld what.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from service.domain.casus import BetrokkeneRol, Casus, neemt_deel
from service.domain.convenant import Convenant, Verwerkingsactiviteit
from service.domain.decision import Grant
from service.domain.overleg import OVERLEGDOEL, Overlegdeelname, toets
from service.domain.verstrekking import AANLEVERDOELEN, Trace, Uitkomst, Verstrekking, VerstrektVeld, Weigering

MAX_VELDEN = 200
TERUGKOPPELING = "terugkoppeling"  # the doel under which the aanmelder hears the outcome of its closed casus
MANAGEMENTINFORMATIE = "managementinformatie"  # the doel of the annual figures: never asked about one casus
CASUS = "casus"  # the place of a value that belongs to the casus itself, not to one of its betrokkenen


@dataclass(frozen=True, slots=True)
class Verzoek:
    doel: str
    velden: tuple[str, ...] | None = None  # None: everything the convenant allows
    overleg: str | None = None  # the overleg this is asked in (doel casusoverleg), if any


@dataclass(frozen=True, slots=True)
class Beleid:
    """The policy in force as the decision needs it: its version and the grants for the caller's key."""

    versie: str
    grants: Mapping[str, Grant]  # veld -> grondslag and policy line, for (partner, rol, casustype, doel)


@dataclass(frozen=True, slots=True)
class Feiten:
    """Everything the decision reads, loaded by the use case beforehand.

    `casus` is None when there is no such casus; `beleid` is None when no usable policy is in force;
    `aanwezig` (the places holding a value, per veld) is None when the casus's data was destroyed.
    """

    partner_id: str
    verzoek: Verzoek
    onbekend: Sequence[tuple[str, str]]  # unknown names as (place, problem), from `onbekende_namen`
    nu: dt.datetime
    casus: Casus | None = None
    verwerkingsactiviteit: Verwerkingsactiviteit | None = None
    beleid: Beleid | None = None
    aanwezig: Mapping[str, Sequence[str | None]] | None = None
    bronnen: Mapping[tuple[str | None, str], str] | None = None  # (place, veld) -> the partner that supplied it
    beperkt: Mapping[str, frozenset[str]] = field(default_factory=dict)  # restricted betrokkene -> doelen allowed
    overleg: Overlegdeelname | None = None  # the caller's place on the overleg named in the verzoek


@dataclass(frozen=True, slots=True)
class Beslissing:
    """What `beslis` decided. `weigering` is None exactly when velden were considered.

    `casustype` and `beleidsversie` are what the log record names: known only once the check that reads them
    has passed (the casustype after the deelname check, the policy version after the policy check).
    """

    weigering: Weigering | None
    reden: str  # a refusal's explanation (names and codes, never a value); empty when not refused
    casustype: str | None
    beleidsversie: str | None
    verstrekt: tuple[VerstrektVeld, ...] = ()
    onthouden: tuple[str, ...] = ()
    onbekend: tuple[tuple[str, str], ...] = ()
    beperkt: tuple[str, ...] = ()  # places ("casus" or betrokkene ids) whose values a beperking withheld

    @property
    def uitkomst(self) -> Uitkomst:
        if self.weigering is not None:
            return Uitkomst.GEWEIGERD
        if not self.verstrekt:
            return Uitkomst.LEEG
        return Uitkomst.GEDEELTELIJK if self.onthouden or self.beperkt else Uitkomst.VERSTREKT

    @property
    def vrijgegeven(self) -> frozenset[str]:
        """The names of the released velden: the only ones whose values may be decrypted."""
        return frozenset(v.veld for v in self.verstrekt)

    @property
    def vrijgegeven_plaatsen(self) -> frozenset[tuple[str | None, str]]:
        """The released (betrokkene id or None for the casus, veld) places: the only values that may be decrypted."""
        return frozenset((None if p == CASUS else p, v.veld) for v in self.verstrekt for p in v.plaatsen)


@dataclass(frozen=True, slots=True)
class Aanvrager:
    """Who asked, and the request's own references, as the log record names them."""

    id: str  # the verstrekking's id
    tijd: dt.datetime
    partner: str
    oin: str
    gebruiker: str
    rol: str
    casus: str | None  # the casus id when it is well-formed, else None (a caller's text never enters the log)
    doel: str  # the doel when the convenant knows it, else "onbekend"
    trace: Trace
    certificaat_oin: str | None = None  # the OIN of the client certificate used, when one was (docs/mtls.md)
    overleg: str | None = None  # the overleg id when one was named and is well-formed (as for casus)


def onbekende_namen(convenant: Convenant, verzoek: Verzoek) -> list[tuple[str, str]]:
    """Every unknown name in the request, by its place: an unknown doel or veld, or too many velden."""
    problems: list[tuple[str, str]] = []
    if verzoek.doel not in convenant.ids("doel"):
        problems.append(("doel", "unknown doel (not in the convenant)"))
    for index, veld in enumerate(verzoek.velden or ()):
        if convenant.veld(veld) is None:
            problems.append((f"velden[{index}]", "unknown veld (not in the veldcatalogus)"))
    if verzoek.velden is not None and len(verzoek.velden) > MAX_VELDEN:
        problems.append(("velden", f"at most {MAX_VELDEN} names"))
    return problems


def beslis(feiten: Feiten) -> Beslissing:
    """Decide a verstrekking from `feiten`; never raises for any combination of facts."""
    if feiten.onbekend:
        return Beslissing(Weigering.ONBEKENDE_NAAM, "unknown names", None, None, onbekend=tuple(feiten.onbekend))
    if feiten.verzoek.doel in AANLEVERDOELEN:
        reden = f"doel '{feiten.verzoek.doel}' is for supplying data to a casus, not for receiving it"
        return Beslissing(Weigering.AANLEVERDOEL, reden, None, None, onbekend=(("doel", reden),))
    casus = feiten.casus
    if casus is None or not mag_vragen(casus, feiten.partner_id, feiten.verzoek.doel, feiten.nu):
        return Beslissing(Weigering.GEEN_DEELNEMER, "no such casus for this partner", None, None)
    casustype = casus.casustype.value
    if feiten.verzoek.overleg is not None:
        fout = toets(feiten.overleg or Overlegdeelname(feiten.verzoek.overleg, False), feiten.verzoek.doel)
        if fout is not None:  # a wrong doel is the caller's input (400); the rest is about the overleg
            onjuist = (("overleg", fout[1]),) if feiten.verzoek.doel != OVERLEGDOEL else ()
            return Beslissing(fout[0], fout[1], casustype, None, onbekend=onjuist)
    va = feiten.verwerkingsactiviteit
    if va is None or casus.fase not in va.fasen:
        return Beslissing(Weigering.FASE, _fase_reden(feiten.verzoek.doel, casus, va), casustype, None)
    if feiten.beleid is None:
        return Beslissing(Weigering.GEEN_BELEID, "no usable field policy is in force", casustype, None)
    versie = feiten.beleid.versie
    if feiten.aanwezig is None:
        return Beslissing(Weigering.VERNIETIGD, f"the data of casus {casus.id} was destroyed", casustype, versie)
    grants = {v: g for v, g in feiten.beleid.grants.items() if g.grondslag in va.grondslagen}
    aanwezig = feiten.aanwezig
    gevraagd = feiten.verzoek.velden
    asked = set(gevraagd) if gevraagd is not None else aanwezig.keys() | grants.keys()
    afgeschermd = _afgeschermd(feiten, casus)
    open_ = _open(aanwezig, afgeschermd) if afgeschermd else aanwezig
    released = sorted(asked & grants.keys() & open_.keys())
    withheld = (set(gevraagd) if gevraagd is not None else set(aanwezig)) - grants.keys()
    beperkt: set[str] = set()
    if afgeschermd:  # what a beperking withheld: its places of the velden otherwise released
        considered = asked & grants.keys() & aanwezig.keys()
        beperkt = {CASUS if p is None else p for v in considered for p in aanwezig[v]} & afgeschermd
        withheld |= considered - open_.keys()
    betrokkenen = {b.id for b in casus.betrokkenen}
    verstrekt = tuple(
        _verstrekt(veld, grants[veld], va, _plaatsen(open_[veld], betrokkenen), feiten.bronnen) for veld in released
    )
    return Beslissing(
        None,
        "",
        casustype,
        versie,
        verstrekt=verstrekt,
        onthouden=tuple(sorted(withheld)),
        beperkt=tuple(sorted(beperkt, key=lambda p: (p != CASUS, p))),
    )


def _afgeschermd(feiten: Feiten, casus: Casus) -> frozenset[str]:
    """The places a beperking withholds for this doel: each restricted betrokkene whose beperkingen do not list
    it, and the casus itself when one of them is the hoofdpersoon."""
    if not feiten.beperkt:
        return frozenset()
    doel = feiten.verzoek.doel
    places = {b for b, doelen in feiten.beperkt.items() if doel not in doelen}
    if any(b.id in places and b.rol is BetrokkeneRol.HOOFDPERSOON for b in casus.betrokkenen):
        places.add(CASUS)
    return frozenset(places)


def _open(aanwezig: Mapping[str, Sequence[str | None]], afgeschermd: frozenset[str]) -> dict[str, list[str | None]]:
    """Per veld the places holding a value that no beperking withholds (velden left without one are dropped)."""
    out: dict[str, list[str | None]] = {}
    for veld, plaatsen in aanwezig.items():
        kept = [p for p in plaatsen if (CASUS if p is None else p) not in afgeschermd]
        if kept:
            out[veld] = kept
    return out


def mag_vragen(casus: Casus, partner_id: str, doel: str, nu: dt.datetime) -> bool:
    """Whether `partner_id` may ask for a verstrekking of `casus` for `doel` at all: an active deelnemer for every
    doel but `TERUGKOPPELING`, which only the casus's own aanmelder asks, also after its deelname ended (the
    register permits that doel only once the casus is closed)."""
    if doel == TERUGKOPPELING:
        return casus.aanmelder == partner_id
    if doel == MANAGEMENTINFORMATIE:
        return False  # only counts over all casussen leave under it (`service_layer/managementinformatie`)
    return neemt_deel(casus, partner_id, nu)


def als_verstrekking(beslissing: Beslissing, aanvrager: Aanvrager, casus: Casus | None) -> Verstrekking:
    """The log record of a decision: why, never what (DESIGN invariant 3).

    A refused request names no betrokkenen; otherwise every betrokkene of the casus is named (by opaque id).
    """
    genoemd = tuple(b.id for b in casus.betrokkenen) if beslissing.weigering is None and casus is not None else ()
    return Verstrekking(
        id=aanvrager.id,
        tijd=aanvrager.tijd,
        partner=aanvrager.partner,
        oin=aanvrager.oin,
        gebruiker=aanvrager.gebruiker,
        rol=aanvrager.rol,
        casus=aanvrager.casus,
        casustype=beslissing.casustype,
        betrokkenen=genoemd,
        doel=aanvrager.doel,
        uitkomst=beslissing.uitkomst,
        verstrekt=beslissing.verstrekt,
        onthouden=beslissing.onthouden,
        beleidsversie=beslissing.beleidsversie,
        trace=aanvrager.trace,
        weigering=beslissing.weigering,
        certificaat_oin=aanvrager.certificaat_oin,
        beperkt=beslissing.beperkt,
        overleg=aanvrager.overleg,
    )


def _verstrekt(
    veld: str,
    grant: Grant,
    va: Verwerkingsactiviteit,
    plaatsen: tuple[str, ...],
    bronnen: Mapping[tuple[str | None, str], str] | None,
) -> VerstrektVeld:
    """One released veld with its grondslag, activity, places and (when every place's bron is known) bronnen."""
    bron = [bronnen.get((None if p == CASUS else p, veld)) for p in plaatsen] if bronnen is not None else []
    known = tuple(b for b in bron if b is not None)
    return VerstrektVeld(
        veld, grant.grondslag, va.id, va.versie, plaatsen, known if len(known) == len(plaatsen) else ()
    )


def _plaatsen(plaatsen: Sequence[str | None], betrokkenen: set[str]) -> tuple[str, ...]:
    """Where a released veld's values are: "casus" first, then betrokkene ids in order; a value of a
    betrokkene the casus no longer names is not released."""
    ordered = sorted(plaatsen, key=lambda p: p or "")
    return tuple(CASUS if p is None else p for p in ordered if p is None or p in betrokkenen)


def _fase_reden(doel: str, casus: Casus, va: Verwerkingsactiviteit | None) -> str:
    if va is None:
        return f"the register of verwerkingsactiviteiten has no activity for doel '{doel}' in this casustype"
    permitted = ", ".join(sorted(f.value for f in va.fasen))
    return f"doel '{doel}' is not permitted in fase '{casus.fase.value}' ({va.id} permits: {permitted})"

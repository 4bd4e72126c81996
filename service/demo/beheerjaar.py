"""The demo's year of beheer: how its gebruikers came in, how the field policy changed and a partner was suspended,
as a real region's beheer history reads (issue 24.1: "verstrekkingen, signals and beheer history").

The steps are the ones the use cases take (`service_layer.beheer`, `identiteit.gebruikersbeheer`), written in the
install's transaction with the demo's clock, because the use cases commit and sign at the wall clock: their
records would land after the demo's past instead of in it. Every record is a `Beheerbesluit` or a
`Gebruikersbesluit` as those use cases make it, returned for the caller to log in time order with the others.

The year (in order; the first day is the log's first office day, `Tijdlijn.begin`):
- the installatie creates the two beheerders (bootstrap); the Bureau's FG comes in through four eyes; in the
  first working days every other gebruiker is created and its token issued;
- the manager and the FGs of four partners come in through the year (an FG through four eyes);
- a change of the field policy is proposed, approved and in force for some months (`UITBREIDING`), then, on the
  FGs' advice, rolled back to the version `policies/` holds;
- a partner's koppeling token turns up where it should not: the partner is suspended (four eyes), the token
  revoked and replaced, the suspension lifted;
- a procesregisseur leaves and is removed; a proposal (`TE_RUIM`) is rejected with its reden;
- in the last days a proposal (`OPEN`) waits for the second beheerder, so the demo's beheerder can review it.

Invariants:
- Four eyes as the use cases enforce them: only beheerders act, an approver is never the proposer, an FG or
  beheerder acts only after its proposal was approved, and every policy approval's base is the version then
  active.
- The stored state agrees with the records: gebruikers' `aangemaakt_op`, token issue and revocation times,
  proposals and their decisions, policy versions and activations are the records' times; the database ends as
  the steps leave it (the version `policies/` holds active, every partner active).
- The demo's requests (`demo/verstrekkingen.py`) agree with it too: `mag_vragen` is false before a gebruiker
  may act and while its partner is suspended, and `beleid_op` decides a request under the version active at its
  moment.
- Moments are in [`Tijdlijn.begin`, `now`], in the order above; deterministic per `rng` apart from ids.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import cast

from service.demo.beheerstappen import Record, Stappen
from service.demo.tijdlijn import Tijdlijn
from service.domain.beheer import BEHEERDER, Soort
from service.domain.casus import Gebruiker
from service.domain.identiteit import VIER_OGEN_ROLLEN
from service.service_layer.beleid.invoer import Toevoeging, Wijziging
from service.service_layer.identiteit.authentication import IssuedToken
from service.service_layer.ports import Beleid
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork

BESTAND = "zvh-drenthe.csv"
# Approved early in the year, rolled back months later on the FGs' advice.
UITBREIDING = "p, gemeente-sociaal-domein, deelnemer, regulier, casusoverleg, gezondheid, avg-9-uavg-30, allow"
TE_RUIM = "p, *, deelnemer, regulier, casusoverleg, justitie, avg-10-uavg-33, allow"  # rejected
OPEN = "p, zvh, procesondersteuner, regulier, triage, contact, avg-6-1-e-wgs, allow"  # waits for a second beheerder
GESCHORST = "mee-drenthe"  # the partner whose koppeling token leaked
LATER_FG = ("ggz-drenthe", "politie-noord-nederland", "veilig-thuis-drenthe", "gemeente-assen-veiligheid")
ONBOARDING = dt.timedelta(days=4)  # the first days, in which the region's gebruikers are created
# A koppeling's token lives 90 days (`Levensduur.systeem`): each renews its own in rounds of a few weeks,
# starting at these shares of the year (each round ends before the next step of the agenda).
VERNIEUWINGEN = (0.2, 0.4, 0.6, 0.8)
RONDE = 0.04


@dataclass
class Beheerjaar:
    """What the year left, for the rest of the install: when each gebruiker may ask, which partner was suspended
    when, which policy version was active when; and its records and tokens."""

    versies: list[tuple[dt.datetime, str]]  # (from, version) in time order
    actief_vanaf: dict[str, dt.datetime] = field(default_factory=dict)  # gebruiker id -> may act from
    schorsingen: dict[str, tuple[dt.datetime, dt.datetime]] = field(default_factory=dict)  # partner -> [van, tot)
    records: list[Record] = field(default_factory=list)  # the log records of every step
    tokens: dict[str, IssuedToken] = field(default_factory=dict)  # gebruiker id -> its current token

    def mag_vragen(self, gebruiker: Gebruiker, moment: dt.datetime) -> bool:
        """Whether `gebruiker` could have asked at `moment`: it could act, and its partner was not suspended."""
        vanaf = self.actief_vanaf.get(gebruiker.id)
        if vanaf is None or moment < vanaf:
            return False
        van, tot = self.schorsingen.get(gebruiker.partner_id, (moment, moment))
        return not van <= moment < tot

    def versie_op(self, moment: dt.datetime) -> str:
        """The policy version active at `moment` (the first one before the first activation)."""
        gevonden = self.versies[0][1]
        for vanaf, versie in self.versies:
            if vanaf <= moment:
                gevonden = versie
        return gevonden

    @contextmanager
    def beleid_op(self, uow: UnitOfWork, moment: dt.datetime) -> Iterator[None]:
        """Within the block, `uow.beleid` answers as it did at `moment` (demo only: a request of its past is decided
        under the version then active; the stored activations say the same)."""
        echt = uow.beleid
        uow.beleid = cast(Beleid, _BeleidOp(echt, self.versie_op(moment)))  # type: ignore[misc]
        try:
            yield
        finally:
            uow.beleid = echt  # type: ignore[misc]


class _BeleidOp:
    """The Beleid port with another active version; every other call goes to the real one."""

    def __init__(self, echt: Beleid, versie: str) -> None:
        self._echt, self._versie = echt, versie

    def active_version(self) -> str:
        return self._versie

    def __getattr__(self, name: str) -> object:
        return getattr(self._echt, name)


def maak(
    services: Services,
    uow: UnitOfWork,
    tijdlijn: Tijdlijn,
    gebruikers: Sequence[Gebruiker],
    rng: random.Random,
) -> Beheerjaar:
    """Write the year's beheer in `uow` (which holds the log's head lock): store `gebruikers` (none stored yet)
    with their tokens, and every step of the module's list; return what the rest of the install needs.

    Raises:
        ValueError: the region lacks the two beheerders of the Bureau, or no policy is active.
        OngeldigeInvoerError: the policy in force does not take the year's changes (the demo policy changed:
            update this module's lines).
    """
    beheerders = [g for g in gebruikers if g.rol == BEHEERDER]
    if len(beheerders) < 2:
        raise ValueError("the demo region needs two beheerders")
    b1, b2 = beheerders[0], beheerders[1]
    basis = uow.beleid.active_version()
    if basis is None:
        raise ValueError("the demo's beheer year needs the policy of policies/ active")
    klok = _Klok(tijdlijn, rng)
    stappen = Stappen(services, uow, tijdlijn.now)
    jaar = Beheerjaar([(tijdlijn.begin, basis)], records=stappen.records, tokens=stappen.tokens)
    later = [g for p in LATER_FG for g in gebruikers if g.partner_id == p and g.rol == "fg"]
    later = [g for g in gebruikers if g.rol == "manager"] + later
    bureau = services.convenant.partner(b1.partner_id)
    nummer = 1 + sum(g.partner_id == b1.partner_id and g.rol == "procesregisseur" for g in gebruikers)
    naam = f"procesregisseur {nummer} ({bureau.naam if bureau else b1.partner_id})"  # as the region names them
    vertrekker = Gebruiker(_id(rng), b1.partner_id, "procesregisseur", naam, True)  # leaves in the year
    eerst = [g for g in gebruikers if g not in (b1, b2) and g not in later] + [vertrekker]
    koppelingen_alle = [g for g in eerst if g.soort == "systeem"]
    koppelingen = [g for g in koppelingen_alle if g.partner_id == GESCHORST]

    def aansluiting() -> None:  # bootstrap, then the region's gebruikers in the first days
        start = klok.op(0.0)
        for beheerder in (b1, b2):
            jaar.actief_vanaf[beheerder.id] = stappen.bootstrap(beheerder, start)
        for index, gebruiker in enumerate(eerst):
            moment = klok.na(start + ONBOARDING * index / len(eerst))
            door, tweede = (b1, b2) if index % 2 == 0 else (b2, b1)
            jaar.actief_vanaf[gebruiker.id] = _kom_binnen(stappen, klok, gebruiker, (door, tweede), moment, True)

    def komt_later(index: int, gebruiker: Gebruiker) -> Callable[[], None]:
        def stap() -> None:
            door, tweede = (b1, b2) if index % 2 == 0 else (b2, b1)
            moment = klok.op(_later(index))
            jaar.actief_vanaf[gebruiker.id] = _kom_binnen(stappen, klok, gebruiker, (door, tweede), moment, False)

        return stap

    def uitbreiding() -> None:
        jaar.versies.append(_uitbreiding(stappen, klok, basis, b1, b2))

    def terug() -> None:
        jaar.versies.append(_terug(stappen, klok, basis, b1, b2))

    def schorsing() -> None:
        if koppelingen:
            jaar.schorsingen[GESCHORST] = _schorsing(stappen, klok, koppelingen, b1, b2)

    def vernieuwing(deel: float) -> Callable[[], None]:
        def stap() -> None:  # each koppeling renews its token on a working day in the round's weeks
            for gebruiker in koppelingen_alle:
                moment = tijdlijn.werktijd(klok.moment(deel + RONDE * rng.random()), rng)
                stappen.vernieuw(gebruiker, moment)

        return stap

    def vertrek() -> None:
        stappen.gebruiker_weg(b2, vertrekker, klok.op(0.7), "Uit dienst getreden: account verwijderd.")

    def te_ruim() -> None:
        voorstel = stappen.beleid_voorstel(b1, basis, _wijziging(TE_RUIM), klok.op(0.8), _TOELICHTING_TE_RUIM)
        stappen.afwijzing(b2, voorstel, klok.na_dagen(voorstel.voorgesteld_op, 1), _REDEN_TE_RUIM)

    def wacht() -> None:  # in the last days
        moment = klok.na(max(klok.vorige, tijdlijn.now - dt.timedelta(days=3)))
        stappen.beleid_voorstel(b2, basis, _wijziging(OPEN), moment, _TOELICHTING_OPEN)

    agenda: list[tuple[float, Callable[[], None]]] = [
        (0.0, aansluiting),
        *((_later(index), komt_later(index, g)) for index, g in enumerate(later)),
        (0.2, uitbreiding),
        (0.45, terug),
        (0.66, schorsing),
        *((deel, vernieuwing(deel)) for deel in VERNIEUWINGEN),
        (0.7, vertrek),
        (0.8, te_ruim),
        (1.0, wacht),
    ]
    for _, stap in sorted(agenda, key=lambda item: item[0]):
        stap()
    return jaar


def _later(index: int) -> float:
    """The share of the year at which the `index`-th of the gebruikers who come in later does."""
    return 0.12 + 0.15 * index


def _kom_binnen(
    stappen: Stappen,
    klok: _Klok,
    gebruiker: Gebruiker,
    beheerders: tuple[Gebruiker, Gebruiker],
    moment: dt.datetime,
    bij_de_start: bool,
) -> dt.datetime:
    """Create `gebruiker` at `moment` by the first of `beheerders`: directly, or for an FG through a proposal
    the second approves; its token is issued once it may act. Returns from when it may act."""
    door, tweede = beheerders
    toelichting = _AANSLUITING if bij_de_start else _LATER
    if gebruiker.rol in VIER_OGEN_ROLLEN:
        voorstel = stappen.gebruiker_voorstel(door, gebruiker, moment, toelichting)
        moment = klok.na(moment + dt.timedelta(hours=1)) if bij_de_start else klok.na_dagen(moment, 2)
        stappen.goedkeuring(tweede, voorstel, moment, "Aanwijzing door de organisatie ontvangen.")
        eigen = klok.na(moment + dt.timedelta(minutes=20))  # an FG issues its own token after logging in
        stappen.token(gebruiker, gebruiker, eigen)
        return eigen
    stappen.gebruiker_aangemaakt(door, gebruiker, moment, toelichting)
    stappen.token(door, gebruiker, moment)
    return moment


def _uitbreiding(stappen: Stappen, klok: _Klok, basis: str, b1: Gebruiker, b2: Gebruiker) -> tuple[dt.datetime, str]:
    """The policy change proposed and approved; (from, version) of its activation."""
    voorstel = stappen.beleid_voorstel(b1, basis, _wijziging(UITBREIDING), klok.op(0.2), _TOELICHTING_UITBREIDING)
    assert voorstel.versie is not None  # noqa: S101 - a policy proposal names its version
    in_werking = klok.na_dagen(voorstel.voorgesteld_op, 2)
    stappen.goedkeuring(b2, voorstel, in_werking, "Akkoord; besproken in de stuurgroep.")
    return in_werking, voorstel.versie


def _terug(stappen: Stappen, klok: _Klok, basis: str, b1: Gebruiker, b2: Gebruiker) -> tuple[dt.datetime, str]:
    """The rollback to `basis` proposed and approved; (from, version) of its activation."""
    actief = stappen.actief
    assert actief is not None  # noqa: S101 - the change is in force
    voorstel = stappen.beleid_voorstel(b2, actief, basis, klok.op(0.45), _TOELICHTING_TERUG)
    weer = klok.na_dagen(voorstel.voorgesteld_op, 1)
    stappen.goedkeuring(b1, voorstel, weer, None)
    return weer, basis


def _schorsing(
    stappen: Stappen, klok: _Klok, koppelingen: Sequence[Gebruiker], b1: Gebruiker, b2: Gebruiker
) -> tuple[dt.datetime, dt.datetime]:
    """Suspend `GESCHORST` (four eyes, the same day), replace its koppelingen's tokens, lift the suspension."""
    voorstel = stappen.partner_voorstel(b2, Soort.PARTNER_SCHORSING, GESCHORST, klok.op(0.66), _TOELICHTING_SCHORSING)
    van = klok.na(voorstel.voorgesteld_op + dt.timedelta(minutes=40))
    stappen.goedkeuring(b1, voorstel, van, "Akkoord, met spoed.")
    vervangen = klok.na(van + dt.timedelta(hours=2))
    for koppeling in koppelingen:
        stappen.token_ingetrokken(b1, koppeling, vervangen, "Token ingetrokken: aangetroffen buiten de koppeling.")
        stappen.token(b1, koppeling, vervangen)
    herstel = stappen.partner_voorstel(
        b1, Soort.PARTNER_HERSTEL, GESCHORST, klok.na_dagen(vervangen, 4), _TOELICHTING_HERSTEL
    )
    tot = klok.na(herstel.voorgesteld_op + dt.timedelta(hours=1))
    stappen.goedkeuring(b2, herstel, tot, None)
    return van, tot


_OOIT = dt.datetime.min.replace(tzinfo=dt.UTC)


@dataclass
class _Klok:
    """The year's moments in order: `op` a share of the year, `na` after the previous one (never before it, never
    after `now`), each in office hours where the span allows (`Tijdlijn.werktijd`)."""

    tijdlijn: Tijdlijn
    rng: random.Random
    vorige: dt.datetime = _OOIT

    def op(self, deel: float) -> dt.datetime:
        """The first office moment at or after `deel` of the year, after the previous one."""
        return self.na(self.moment(deel))

    def moment(self, deel: float) -> dt.datetime:
        """`deel` of the year, to the minute (not in order with the others)."""
        begin, now = self.tijdlijn.begin, self.tijdlijn.now
        return (begin + (now - begin) * deel).replace(second=0, microsecond=0)

    def na(self, moment: dt.datetime) -> dt.datetime:
        moment = self.tijdlijn.werktijd(max(moment, self.vorige), self.rng)
        uiterst = max(self.tijdlijn.now, self.tijdlijn.vloer or self.tijdlijn.now)  # (a log reaching past `now`)
        self.vorige = min(max(moment, self.vorige), uiterst)
        return self.vorige

    def na_dagen(self, moment: dt.datetime, dagen: int) -> dt.datetime:
        return self.na(moment + dt.timedelta(days=dagen))


def _id(rng: random.Random) -> str:
    return f"{rng.getrandbits(128):032x}"


def _wijziging(regel: str) -> Wijziging:
    return Wijziging(toevoegen=(Toevoeging(BESTAND, regel),))


_AANSLUITING = "Aansluiting bij de start van Deelpoort, op verzoek van de partnerorganisatie."
_LATER = "Aangemeld door de partnerorganisatie in de loop van het jaar."
_TOELICHTING_UITBREIDING = (
    "De gemeenten vragen dat het sociaal domein bij het casusoverleg ook gezondheidsgegevens ziet, om de "
    "zorgafspraken in het plan van aanpak te kunnen volgen."
)
_TOELICHTING_TERUG = (
    "Terug naar de vorige versie: de functionarissen gegevensbescherming oordelen dat gezondheidsgegevens voor "
    "het sociaal domein bij het casusoverleg niet noodzakelijk zijn (art. 9 AVG); wat het plan nodig heeft, "
    "staat in het plan."
)
_TOELICHTING_TE_RUIM = "Alle deelnemers aan het casusoverleg zien ook de strafrechtelijke gegevens."
_REDEN_TE_RUIM = (
    "Afgewezen: strafrechtelijke gegevens alleen voor partners met een eigen grondslag (art. 10 AVG); niet "
    "noodzakelijk voor alle deelnemers."
)
_TOELICHTING_OPEN = "De procesondersteuner heeft bij de triage de contactgegevens nodig om partners uit te nodigen."
_TOELICHTING_SCHORSING = (
    "Het token van de koppeling is aangetroffen in een logbestand van een leverancier. Schorsing tot het token is "
    "ingetrokken en vervangen."
)
_TOELICHTING_HERSTEL = "Token ingetrokken en vervangen, onderzoek afgerond: de koppeling mag weer vragen."

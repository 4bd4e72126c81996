"""The use case `importeer`: a ZVH's history from a JSON Lines file (docs/import.md), all or nothing.

Invariants:
- Only a beheerder (of a Bureau ZVH: no one else is one) imports (`NietToegestaanError` otherwise); the log
  names that gebruiker as the operator.
- Every line is read (`formaat`) and judged (`toets`) before anything is written, in one unit of work with the
  policy whose bronregels judge it. If any line is refused, or in a dry run, nothing is written: the unit of
  work is left without a commit, and the report (`Importverslag`) names every refusal by line, place and rule,
  never a value.
- Idempotent: each casus is recognised by the keyed hash of its `externId` under its regime's blind index key
  (the id itself is never stored). A line whose casus an earlier run stored, unchanged, is skipped; changed, it
  is refused (an import never changes a stored casus); the same `externId` twice in one file is refused. A run
  that would store nothing writes nothing, not even a log record.
- Otherwise everything commits in one transaction: the casussen (`opslag.sla_op`), their keys
  (`importen.vastleggen`, where a concurrent run storing the same casus makes this one fail whole), and the
  log: one `Importbestand` record for the run and one `Importcasus` record per casus, appended under the
  log's head lock (`append_in`). No verstrekking and no aanlevering record: nothing was disclosed or supplied
  through Deelpoort.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from service.adapters.importen import Importsleutel
from service.domain.casus import Gebruiker, new_id, utcnow
from service.domain.convenant import Casustype, Regime
from service.domain.importeren import Importbestand, Importweigering, Uitvoerder
from service.domain.verstrekking import LogRecord, Trace
from service.service_layer.beheer.stap import require_beheerder
from service.service_layer.casus.aanlevering import bronregels
from service.service_layer.importeren import formaat, opslag
from service.service_layer.importeren.toets import Casusplan, toets
from service.service_layer.importeren.verloop import Context
from service.service_layer.services import Services
from service.service_layer.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True)
class Importverslag:
    """What an import did, or would do (a dry run), or why it did nothing: line numbers, ids and rules only."""

    sha256: str  # of the file's bytes
    regels: int  # lines holding a casus (blank lines are not counted)
    nieuw: tuple[int, ...]  # the lines whose casus this run stores (would store, in a dry run)
    overgeslagen: tuple[int, ...]  # the lines whose casus an earlier run stored, unchanged
    weigeringen: tuple[Importweigering, ...]  # every refusal, by line and place; any refuses the whole file
    droog: bool
    run: str | None = None  # the run's log record id, once stored
    casussen: Mapping[int, str] = field(default_factory=dict)  # line -> the id of the casus stored for it

    @property
    def opgeslagen(self) -> bool:
        return self.run is not None


@dataclass(frozen=True, slots=True)
class _Oordeel:
    """Every line judged: what to store, what an earlier run stored, what is refused."""

    plannen: list[tuple[Casusplan, str, str]]  # (the plan, its key, its content's fingerprint)
    overgeslagen: list[int]
    weigeringen: list[Importweigering]


def regels_in(bestand: bytes) -> list[tuple[int, bytes]]:
    """The lines of a file that hold something, numbered from 1 (a `\\r` before the line end is dropped)."""
    out = []
    for nummer, regel in enumerate(bestand.split(b"\n"), start=1):
        regel = regel.removesuffix(b"\r")
        if regel.strip():
            out.append((nummer, regel))
    return out


def uitvoerder(services: Services, gebruiker: Gebruiker) -> Uitvoerder:
    """The operator of an import as its log records name it.

    Raises:
        NietToegestaanError: the gebruiker is no beheerder.
    """
    require_beheerder(gebruiker)
    partner = services.convenant.partner(gebruiker.partner_id)
    return Uitvoerder(gebruiker.partner_id, partner.oin if partner else "", gebruiker.id, gebruiker.rol)


def importeer(
    services: Services,
    gebruiker: Gebruiker,
    bestand: bytes,
    *,
    droog: bool = False,
    now: dt.datetime | None = None,
    voortgang: Iterator[None] | None = None,
) -> Importverslag:
    """Import the casussen of `bestand` (module invariants); `voortgang` is advanced once per line judged and once
    per casus stored.

    Raises:
        NietToegestaanError: the gebruiker is no beheerder.
        GeenBeleidError: no usable field policy is in force (nothing can be judged).
        ConflictError: another run stored one of these casussen meanwhile (nothing stored).
        LogNietBeschikbaarError: the log could not record the run (nothing stored).
    """
    now = now or utcnow()
    door = uitvoerder(services, gebruiker)
    sha256 = hashlib.sha256(bestand).hexdigest()
    regels = regels_in(bestand)
    run = new_id()
    with services.uow() as uow:
        regelset = bronregels(services, uow)
        oordeel = _beoordeel(services, uow, Context(services.convenant, regelset, run, now), regels, voortgang)
        nieuw = tuple(plan.regel for plan, _, _ in oordeel.plannen)
        verslag = Importverslag(
            sha256, len(regels), nieuw, tuple(oordeel.overgeslagen), tuple(sorted(oordeel.weigeringen)), droog
        )
        if oordeel.weigeringen or droog or not oordeel.plannen:
            return verslag
        for plan, _, _ in oordeel.plannen:
            opslag.sla_op(services, uow, plan, run, now)
            _stap(voortgang)
        uow.importen.vastleggen(
            Importsleutel(sleutel, inhoud, plan.casus.id, run, now) for plan, sleutel, inhoud in oordeel.plannen
        )
        trace = Trace(secrets.token_hex(16), secrets.token_hex(8))
        versie = regelset.access.version
        records: list[LogRecord] = [
            Importbestand(run, now, door, sha256, len(regels), len(nieuw), len(oordeel.overgeslagen), versie, trace)
        ]
        records += [opslag.casusrecord(plan, door, (run, trace), versie, now) for plan, _, _ in oordeel.plannen]
        size = uow.log.lock_head()
        services.log.append_in(uow.log, size, records)
        uow.commit()
    casussen = {plan.regel: plan.casus.id for plan, _, _ in oordeel.plannen}
    return Importverslag(verslag.sha256, verslag.regels, nieuw, verslag.overgeslagen, (), False, run, casussen)


def _beoordeel(
    services: Services,
    uow: UnitOfWork,
    ctx: Context,
    regels: Sequence[tuple[int, bytes]],
    voortgang: Iterator[None] | None,
) -> _Oordeel:
    """Read and judge every line; recognise what earlier runs stored (module invariants)."""
    oordeel = _Oordeel([], [], [])
    if not regels:
        oordeel.weigeringen.append(Importweigering(0, "", "the file holds no casus"))
        return oordeel
    gelezen: list[tuple[formaat.Casusinvoer, str | None, str | None]] = []
    for nummer, data in regels:
        invoer = formaat.lees(nummer, data)
        if isinstance(invoer, list):
            oordeel.weigeringen.extend(Importweigering(nummer, plaats, reden) for plaats, reden in invoer)
            _stap(voortgang)
            continue
        sleutel, inhoud = _vingerafdrukken(services, invoer)
        gelezen.append((invoer, sleutel, inhoud))
    bekend = uow.importen.bekend([s for _, s, _ in gelezen if s is not None])
    eerste: dict[str, int] = {}
    for invoer, sleutel, inhoud in gelezen:
        _stap(voortgang)
        if sleutel is not None and sleutel in eerste:
            reden = f"the same externId as line {eerste[sleutel]}: one casus per externId"
            oordeel.weigeringen.append(Importweigering(invoer.regel, "externId", reden))
            continue
        if sleutel is not None:
            eerste[sleutel] = invoer.regel
        eerder = bekend.get(sleutel) if sleutel is not None else None
        if eerder is not None and eerder.inhoud == inhoud:
            oordeel.overgeslagen.append(invoer.regel)
            continue
        if eerder is not None:
            reden = "an earlier import stored this casus with other content; an import never changes a stored casus"
            oordeel.weigeringen.append(Importweigering(invoer.regel, "externId", reden))
            continue
        plan = toets(ctx, invoer)
        if isinstance(plan, list):
            oordeel.weigeringen.extend(Importweigering(invoer.regel, plaats, reden) for plaats, reden in plan)
        elif sleutel is not None and inhoud is not None:
            oordeel.plannen.append((plan, sleutel, inhoud))
    return oordeel


def _vingerafdrukken(services: Services, invoer: formaat.Casusinvoer) -> tuple[str | None, str | None]:
    """The keyed hashes of the line's externId and content under its regime's key (None: no valid casustype, and
    `toets` refuses the line)."""
    if invoer.casustype not in {c.value for c in Casustype}:
        return None, None
    regime = Regime.of(Casustype(invoer.casustype))
    index = services.keys.blind_index
    return index.extern_id_hex(regime, invoer.extern_id), index.inhoud_hex(regime, invoer.inhoud)


def _stap(voortgang: Iterator[None] | None) -> None:
    if voortgang is not None:
        next(voortgang, None)

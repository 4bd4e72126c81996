"""In-memory fakes of the unit of work, its repositories and the log writer: use cases without a database.

What they keep of the real ones (`service_layer.ports`, `service_layer.unit_of_work`):
- A `FakeDatabase` holds the committed state. Each `FakeUnitOfWork` works on a private copy of it, taken when
  its block begins; `commit()` makes that copy the committed state, and leaving the block without `commit()`
  drops it. So "nothing committed" can be checked both as `database.commits == 0` and as an unchanged state.
- Every write a unit of work's repositories are asked for is recorded in `FakeUnitOfWork.writes` (names and
  ids only), also when it is never committed: a test can pin that a refused use case did not even try.
- Repositories hand out copies (like rows read again), so a use case that changes an object it read has not
  changed the store.
- `FakeVeldwaarden` holds plaintext: the use cases only ever hand it plaintext and get plaintext back, and
  encryption at rest is the SQLAlchemy repository's job, tested against the real database
  (`tests/casus/test_at_rest.py`, `test_binding.py`). It keeps what use cases can observe of it: a store or
  read without a data key raises `CasusVernietigdError`, one under the wrong regime raises `CryptoError` (the
  wrapped key would not unwrap), shredding clears values, key and the history's toelichtingen.
- A repository the fake does not provide raises `NotImplementedError` when touched, naming it: a use case that
  needs it is tested with the database until a fake exists.
- `FakeLog` records what is appended and returns a receipt whose leaf hash is the real one of the record; when
  told to fail it raises `LogNietBeschikbaarError` and records nothing, as the real writer does.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, NoReturn, Self

from sqlalchemy import Engine, create_engine

from service.adapters.log_store import LogStore, StoredCheckpoint
from service.adapters.policy_store import Activering, StoredLine, StoredPolicy, Versie
from service.adapters.veldwaarden import OpgeslagenWaarde
from service.audit import CheckpointBeleid, leaf_hash
from service.audit.record import canonical
from service.crypto.errors import CryptoError
from service.domain.casus import Casus, Deelname
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.errors import CasusVernietigdError, LogNietBeschikbaarError
from service.domain.levensloop import Gebeurtenis
from service.domain.routeeroverleg import Besluit, Match, Signaal
from service.domain.veldwaarde import JsonWaarde
from service.domain.verstrekking import LogRecord, Ontvangstbewijs
from service.service_layer.ports import LogWriter, Plaats
from service.service_layer.unit_of_work import UnitOfWork

FINAL = (Fase.AFGESLOTEN, Fase.AFGEWEZEN)
SORTERINGEN = ("prioriteit", "aangemeldOp", "-aangemeldOp")


@dataclass(frozen=True, slots=True)
class BijdrageRecord:
    """Who contributed which places (names only), as `record_contribution` stores it."""

    casus_id: str
    partner_id: str
    gebruiker_id: str
    plaatsen: tuple[str, ...]
    op: dt.datetime


@dataclass
class State:
    """Everything the fake stores. Copied whole per unit of work (small: a handful of casussen per test)."""

    casussen: dict[str, Casus] = field(default_factory=dict)
    bsn_index: dict[str, str] = field(default_factory=dict)  # betrokkene id -> blind index
    data_keys: dict[str, Regime] = field(default_factory=dict)  # casus id -> the regime its key is under
    waarden: dict[str, dict[Plaats, OpgeslagenWaarde]] = field(default_factory=dict)
    bijdragen: list[BijdrageRecord] = field(default_factory=list)
    historie: list[Gebeurtenis] = field(default_factory=list)
    vernietigd: dict[str, dt.datetime] = field(default_factory=dict)
    beleidsversies: dict[str, tuple[StoredPolicy, Versie]] = field(default_factory=dict)
    activeringen: list[Activering] = field(default_factory=list)
    signalen: dict[str, Signaal] = field(default_factory=dict)  # in the order received
    matches: dict[str, RouteerMatch] = field(default_factory=dict)
    logboek: list[LogRecord] = field(default_factory=list)  # records appended in a transaction (`append_in`)
    beperkingen: dict[str, frozenset[str]] = field(default_factory=dict)  # blind index -> doelen still allowed


@dataclass(frozen=True, slots=True)
class RouteerMatch:
    """A stored match: its pseudonym, when it formed, and the besluit once recorded."""

    pseudoniem: str
    ontstaan_op: dt.datetime
    besluit: Besluit | None = None


class FakeCasussen:
    def __init__(self, state: State, writes: list[tuple[str, str]]) -> None:
        self._state = state
        self._writes = writes

    def _casus(self, casus_id: str) -> Casus:
        return self._state.casussen[casus_id]  # a KeyError is a bug in the test or the use case

    def add(self, casus: Casus) -> None:
        self._writes.append(("casussen.add", casus.id))
        self._state.casussen[casus.id] = copy.deepcopy(casus)

    def get(self, casus_id: str) -> Casus | None:
        found = self._state.casussen.get(casus_id)
        return copy.deepcopy(found) if found is not None else None

    def ids(self, casustype: Casustype, aangemeld_voor: dt.datetime) -> list[str]:
        found = [
            c for c in self._state.casussen.values() if c.casustype is casustype and c.aangemeld_op < aangemeld_voor
        ]
        return [c.id for c in sorted(found, key=lambda c: (c.aangemeld_op, c.id))]

    def afgesloten_aanmeldingen(self, aanmelder: str, casustype: Casustype) -> Sequence[tuple[str, dt.datetime]]:
        found = [
            (c.id, c.afgesloten_op)
            for c in self._state.casussen.values()
            if c.aanmelder == aanmelder and c.casustype is casustype and c.fase is Fase.AFGESLOTEN and c.afgesloten_op
        ]
        return sorted(found, key=lambda f: (-f[1].timestamp(), f[0]))

    def list_for_partner(
        self, partner_id: str, op: dt.datetime, fase: Fase | Iterable[Fase] | None = None, sort: str = "-aangemeldOp"
    ) -> Sequence[Casus]:
        if sort not in SORTERINGEN:
            raise ValueError("unknown sort order")
        fasen = None if fase is None else {fase} if isinstance(fase, Fase) else set(fase)
        found = [
            c
            for c in self._state.casussen.values()
            if any(d.partner_id == partner_id and d.actief(op) for d in c.deelnames)
            and (fasen is None or c.fase in fasen)
        ]
        if sort == "prioriteit":
            found.sort(key=lambda c: (c.prioriteit is None, c.prioriteit or 0, c.aangemeld_op, c.id))
        else:
            found.sort(key=lambda c: c.id)
            found.sort(key=lambda c: c.aangemeld_op, reverse=sort.startswith("-"))
        return [dataclasses.replace(copy.deepcopy(c), betrokkenen=[], deelnames=[]) for c in found]

    def set_fase(self, casus_id: str, fase: Fase, op: dt.datetime) -> None:
        self._writes.append(("casussen.set_fase", casus_id))
        casus = self._casus(casus_id)
        casus.fase, casus.gewijzigd_op = fase, op
        if fase in FINAL:
            casus.afgesloten_op = op

    def set_prioriteit(self, casus_id: str, prioriteit: int | None, op: dt.datetime) -> None:
        self._writes.append(("casussen.set_prioriteit", casus_id))
        casus = self._casus(casus_id)
        casus.prioriteit, casus.gewijzigd_op = prioriteit, op

    def add_deelname(self, deelname: Deelname) -> None:
        self._writes.append(("casussen.add_deelname", deelname.casus_id))
        self._casus(deelname.casus_id).deelnames.append(deelname)

    def end_deelnames(
        self, casus_id: str, op: dt.datetime, *, partner_id: str | None = None, behalve: Iterable[str] = ()
    ) -> int:
        self._writes.append(("casussen.end_deelnames", casus_id))
        kept = set(behalve)
        casus = self._casus(casus_id)
        ended = 0
        for index, deelname in enumerate(casus.deelnames):
            if deelname.tot is not None or deelname.partner_id in kept:
                continue
            if partner_id is not None and deelname.partner_id != partner_id:
                continue
            casus.deelnames[index] = dataclasses.replace(deelname, tot=op)
            ended += 1
        return ended

    def set_bsn_index(self, betrokkene_id: str, index: str) -> None:
        self._writes.append(("casussen.set_bsn_index", betrokkene_id))
        self._state.bsn_index[betrokkene_id] = index

    def set_bsn_indexes(self, indexes: Mapping[str, str]) -> None:
        for betrokkene_id, index in indexes.items():
            self.set_bsn_index(betrokkene_id, index)

    def touch(self, casus_id: str, op: dt.datetime) -> None:
        self._writes.append(("casussen.touch", casus_id))
        self._casus(casus_id).gewijzigd_op = op

    def closed_not_destroyed(self) -> list[tuple[str, Casustype, dt.datetime]]:
        return [
            (c.id, c.casustype, c.afgesloten_op or c.gewijzigd_op)
            for c in self._state.casussen.values()
            if c.fase in FINAL and c.id not in self._state.vernietigd
        ]

    def destroyed(self) -> list[tuple[str, Casustype]]:
        return [(c.id, c.casustype) for c in self._state.casussen.values() if c.id in self._state.vernietigd]

    def is_destroyed(self, casus_id: str) -> bool:
        return casus_id in self._state.vernietigd

    def betrokkene_ids(self, casus_id: str) -> list[str]:
        found = self._state.casussen.get(casus_id)
        return sorted(b.id for b in found.betrokkenen) if found else []

    def forget_persons(self, casus_id: str) -> list[str]:
        self._writes.append(("casussen.forget_persons", casus_id))
        ids = self.betrokkene_ids(casus_id)
        for betrokkene in ids:
            self._state.bsn_index.pop(betrokkene, None)
        return ids

    def delete_all(self) -> None:
        self._writes.append(("casussen.delete_all", ""))
        for name in ("casussen", "bsn_index", "data_keys", "waarden", "vernietigd"):
            getattr(self._state, name).clear()
        self._state.bijdragen.clear()
        self._state.historie.clear()


class FakeVersleuteld:
    """The fake's values of one casus as loaded for a verstrekking: places now, plaintext only on request."""

    def __init__(self, veldwaarden: FakeVeldwaarden, casus_id: str, regime: Regime) -> None:
        self._veldwaarden = veldwaarden
        self._casus_id = casus_id
        self._regime = regime
        self._stored = dict(veldwaarden._state.waarden.get(casus_id, {}))

    def plaatsen(self) -> dict[str, list[str | None]]:
        out: dict[str, list[str | None]] = {}
        for betrokkene, veld in self._stored:
            out.setdefault(veld, []).append(betrokkene)
        return out

    def bronnen(self) -> dict[Plaats, str]:
        return {p: w.bron for p, w in self._stored.items()}

    def ontsleutel(
        self, velden: Collection[str] | None, plaatsen: Collection[Plaats] | None = None
    ) -> dict[Plaats, OpgeslagenWaarde]:
        self._veldwaarden._require_key(self._casus_id, self._regime)
        return {
            p: copy.deepcopy(w)
            for p, w in self._stored.items()
            if (velden is None or p[1] in velden) and (plaatsen is None or p in plaatsen)
        }


class FakeVeldwaarden:
    def __init__(self, state: State, writes: list[tuple[str, str]]) -> None:
        self._state = state
        self._writes = writes

    def _require_key(self, casus_id: str, regime: Regime) -> None:
        held = self._state.data_keys.get(casus_id)
        if held is None:
            raise CasusVernietigdError(f"the data of casus {casus_id} was destroyed")
        if held is not regime:
            raise CryptoError()  # the one opaque error: the key does not unwrap under this regime

    def create_data_key(self, casus_id: str, regime: Regime, op: dt.datetime) -> None:
        self._writes.append(("veldwaarden.create_data_key", casus_id))
        self._state.data_keys[casus_id] = regime

    def store(
        self, casus_id: str, regime: Regime, values: Mapping[Plaats, JsonWaarde], bron: str, op: dt.datetime
    ) -> None:
        if not values:
            return
        self._require_key(casus_id, regime)
        self._writes.append(("veldwaarden.store", casus_id))
        stored = self._state.waarden.setdefault(casus_id, {})
        for plaats, waarde in values.items():
            stored[plaats] = OpgeslagenWaarde(copy.deepcopy(waarde), bron, op)

    def read(self, casus_id: str, regime: Regime) -> dict[Plaats, OpgeslagenWaarde]:
        self._require_key(casus_id, regime)
        return {p: copy.deepcopy(w) for p, w in self._state.waarden.get(casus_id, {}).items()}

    def versleuteld(self, casus_id: str, regime: Regime) -> FakeVersleuteld | None:
        if casus_id not in self._state.data_keys:
            return None
        return FakeVersleuteld(self, casus_id, regime)

    def herkomst(self, casus_id: str) -> dict[Plaats, tuple[str, dt.datetime]]:
        return {p: (w.bron, w.bijgedragen_op) for p, w in self._state.waarden.get(casus_id, {}).items()}

    def verwijder(self, casus_id: str, plaatsen: Iterable[Plaats]) -> int:
        self._writes.append(("veldwaarden.verwijder", casus_id))
        stored = self._state.waarden.get(casus_id, {})
        deleted = 0
        for betrokkene, veld in plaatsen:
            if stored.pop((betrokkene, veld), None) is not None:
                deleted += 1
            if veld == "bsn" and betrokkene is not None:
                self._state.bsn_index.pop(betrokkene, None)
        return deleted

    def record_contribution(
        self, casus_id: str, partner_id: str, gebruiker_id: str, plaatsen: Iterable[Plaats], op: dt.datetime
    ) -> None:
        self._writes.append(("veldwaarden.record_contribution", casus_id))
        names = tuple(sorted(f"{b or 'casus'}/{v}" for b, v in plaatsen))
        self._state.bijdragen.append(BijdrageRecord(casus_id, partner_id, gebruiker_id, names, op))

    def shred(self, casus_id: str, op: dt.datetime) -> None:
        self._writes.append(("veldwaarden.shred", casus_id))
        self._state.waarden.pop(casus_id, None)
        self._state.data_keys.pop(casus_id, None)
        self._state.historie = [
            dataclasses.replace(g, toelichting=None) if g.casus_id == casus_id else g for g in self._state.historie
        ]
        self._state.vernietigd[casus_id] = op

    def key_versions(self, regime: Regime) -> NoReturn:
        raise NotImplementedError("the fake holds no key material: key rotation is tested with the database")

    def rewrap_batch(self, regime: Regime, limit: int, op: dt.datetime) -> NoReturn:
        raise NotImplementedError("the fake holds no key material: key rotation is tested with the database")


class FakeHistorie:
    def __init__(self, state: State, writes: list[tuple[str, str]]) -> None:
        self._state = state
        self._writes = writes

    def add(self, gebeurtenis: Gebeurtenis, regime: Regime) -> None:
        self._writes.append(("historie.add", gebeurtenis.casus_id))
        held = self._state.data_keys.get(gebeurtenis.casus_id)
        if held is None:  # destroyed: the real repository has no key to encrypt the toelichting with
            gebeurtenis = dataclasses.replace(gebeurtenis, toelichting=None)
        elif held is not regime and gebeurtenis.toelichting:
            raise CryptoError()  # the one opaque error: the key does not unwrap under this regime
        self._state.historie.append(copy.deepcopy(gebeurtenis))

    def list(self, casus_id: str, regime: Regime) -> list[Gebeurtenis]:
        entries = [g for g in self._state.historie if g.casus_id == casus_id]
        return copy.deepcopy(sorted(entries, key=lambda g: (g.tijd, g.id)))


class FakeBeleid:
    def __init__(self, state: State, writes: list[tuple[str, str]]) -> None:
        self._state = state
        self._writes = writes

    def store(self, versie: str, model: str, lines: Sequence[StoredLine], herkomst: str, op: dt.datetime) -> bool:
        if versie in self._state.beleidsversies:
            return False
        self._writes.append(("beleid.store", versie))
        self._state.beleidsversies[versie] = (
            StoredPolicy(versie, model, tuple(lines)),
            Versie(versie, herkomst, op, len(lines)),
        )
        return True

    def activate(self, versie: str, door: str, toelichting: str, op: dt.datetime) -> None:
        self._writes.append(("beleid.activate", versie))
        if versie not in self._state.beleidsversies:  # the real table's foreign key
            raise AssertionError(f"activating a policy version that was never stored: {versie}")
        self._state.activeringen.append(Activering(versie, op, door, toelichting))

    def active_version(self) -> str | None:
        return self._state.activeringen[-1].versie if self._state.activeringen else None

    def load(self, versie: str) -> StoredPolicy | None:
        found = self._state.beleidsversies.get(versie)
        return found[0] if found is not None else None

    def versions(self) -> list[Versie]:
        return sorted((v for _, v in self._state.beleidsversies.values()), key=lambda v: v.aangemaakt_op)

    def activations(self) -> list[Activering]:
        return list(self._state.activeringen)


class FakeRouteeroverleg:
    def __init__(self, state: State, writes: list[tuple[str, str]]) -> None:
        self._state = state
        self._writes = writes
        self.locked = False

    def lock(self) -> None:
        self.locked = True

    def _ordered(self, signalen: Iterable[Signaal]) -> list[Signaal]:
        return sorted(signalen, key=lambda s: (s.signaaldatum, s.ontvangen_op, s.id))

    def add_signaal(self, signaal: Signaal) -> None:
        self._writes.append(("routeeroverleg.add_signaal", signaal.id))
        self._state.signalen[signaal.id] = signaal

    def signalen(self, pseudoniem: str) -> list[Signaal]:
        return self._ordered(s for s in self._state.signalen.values() if s.pseudoniem == pseudoniem)

    def open_matches(self, pseudoniem: str) -> list[str]:
        found = [(m.ontstaan_op, i) for i, m in self._state.matches.items() if m.pseudoniem == pseudoniem]
        return [i for _, i in sorted(found) if self._state.matches[i].besluit is None]

    def add_match(self, match_id: str, pseudoniem: str, ontstaan_op: dt.datetime) -> None:
        self._writes.append(("routeeroverleg.add_match", match_id))
        self._state.matches[match_id] = RouteerMatch(pseudoniem, ontstaan_op)

    def koppel(self, signaal_ids: Iterable[str], match_id: str) -> None:
        self._writes.append(("routeeroverleg.koppel", match_id))
        for signaal_id in signaal_ids:
            self._state.signalen[signaal_id] = dataclasses.replace(self._state.signalen[signaal_id], match_id=match_id)

    def _match(self, match_id: str) -> Match:
        stored = self._state.matches[match_id]
        signalen = self._ordered(s for s in self._state.signalen.values() if s.match_id == match_id)
        return Match(match_id, stored.ontstaan_op, tuple(signalen), stored.besluit)

    def matches_voor(self, partner_id: str) -> list[Match]:
        own = {s.match_id for s in self._state.signalen.values() if s.partner_id == partner_id and s.match_id}
        found = [self._match(i) for i in self._state.matches if i in own]
        found.sort(key=lambda m: m.id)
        found.sort(key=lambda m: m.ontstaan_op, reverse=True)
        return found

    def match_voor(self, match_id: str, partner_id: str) -> Match | None:
        if match_id not in self._state.matches:
            return None
        match = self._match(match_id)
        return match if partner_id in match.partners else None

    def leg_besluit_vast(self, match_id: str, besluit: Besluit) -> bool:
        self._writes.append(("routeeroverleg.leg_besluit_vast", match_id))
        stored = self._state.matches.get(match_id)
        if stored is None or stored.besluit is not None:
            return False
        self._state.matches[match_id] = dataclasses.replace(stored, besluit=besluit)
        return True

    def verloop(self, signalen_voor: dt.date, matches_voor: dt.datetime) -> tuple[int, int]:
        self._writes.append(("routeeroverleg.verloop", ""))
        closed, gone = self._verlopen(signalen_voor, matches_voor)
        for i in gone:
            del self._state.signalen[i]
        for i in closed:
            del self._state.matches[i]
        return len(gone), len(closed)

    def te_verlopen(self, signalen_voor: dt.date, matches_voor: dt.datetime) -> tuple[int, int]:
        closed, gone = self._verlopen(signalen_voor, matches_voor)
        return len(gone), len(closed)

    def _verlopen(self, signalen_voor: dt.date, matches_voor: dt.datetime) -> tuple[set[str], set[str]]:
        closed = {
            i for i, m in self._state.matches.items() if m.besluit is not None and m.besluit.besloten_op < matches_voor
        }
        gone = {
            i
            for i, s in self._state.signalen.items()
            if s.match_id in closed or (s.match_id is None and s.signaaldatum < signalen_voor)
        }
        return closed, gone

    def delete_all(self) -> None:
        self._writes.append(("routeeroverleg.delete_all", ""))
        self._state.signalen.clear()
        self._state.matches.clear()


class FakeDatabase:
    """The committed state, the units of work handed out, and how many commits there were."""

    def __init__(self, state: State | None = None) -> None:
        self.state = state or State()
        self.commits = 0
        self.units: list[FakeUnitOfWork] = []

    def uow(self) -> FakeUnitOfWork:
        """A new unit of work on this database (the factory `Services(unit_of_work=...)` takes)."""
        unit = FakeUnitOfWork(self)
        self.units.append(unit)
        return unit

    @property
    def writes(self) -> list[tuple[str, str]]:
        """Every write asked for, committed or not, in order."""
        return [w for unit in self.units for w in unit.writes]


class FakeRechten:
    """The beperkingen as the verstrekking reads them: per blind index the doelen still allowed."""

    def __init__(self, state: State) -> None:
        self._state = state

    def beperkt(self, casus_id: str, regime: Regime) -> dict[str, frozenset[str]]:
        casus = self._state.casussen[casus_id]
        out: dict[str, frozenset[str]] = {}
        for betrokkene in casus.betrokkenen:
            index = self._state.bsn_index.get(betrokkene.id)
            if index is not None and index in self._state.beperkingen:
                out[betrokkene.id] = self._state.beperkingen[index]
        return out


class FakeUnitOfWork:
    """A unit of work on a private copy of the database's state; see the module docstring."""

    casussen: FakeCasussen
    veldwaarden: FakeVeldwaarden
    historie: FakeHistorie
    beleid: FakeBeleid
    routeeroverleg: FakeRouteeroverleg
    rechten: FakeRechten

    def __init__(self, database: FakeDatabase) -> None:
        self._database = database
        self._state: State | None = None
        self.writes: list[tuple[str, str]] = []
        self.committed = False
        self.entered = False

    def __enter__(self) -> Self:
        assert self._state is None, "a unit of work is begun once"
        self.entered = True
        self._state = copy.deepcopy(self._database.state)
        self.casussen = FakeCasussen(self._state, self.writes)
        self.veldwaarden = FakeVeldwaarden(self._state, self.writes)
        self.historie = FakeHistorie(self._state, self.writes)
        self.beleid = FakeBeleid(self._state, self.writes)
        self.routeeroverleg = FakeRouteeroverleg(self._state, self.writes)
        self.rechten = FakeRechten(self._state)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._state = None  # whatever was not committed is gone

    def commit(self) -> None:
        assert self._state is not None, "commit() inside the with block"
        self._database.state = copy.deepcopy(self._state)
        self._database.commits += 1
        self.committed = True

    def flush(self) -> None:
        assert self._state is not None, "flush() inside the with block"

    # The repositories without a fake: touching one fails the test, naming it.
    @property
    def partners(self) -> NoReturn:
        _not_faked("partners")

    @property
    def gebruikers(self) -> NoReturn:
        _not_faked("gebruikers")

    @property
    def convenanten(self) -> NoReturn:
        _not_faked("convenanten")

    @property
    def log(self) -> FakeLogStore:
        assert self._state is not None, "the log store inside the with block"
        return FakeLogStore(self._state, self.writes)

    @property
    def voorstellen(self) -> NoReturn:
        _not_faked("voorstellen")

    @property
    def verantwoording(self) -> NoReturn:
        _not_faked("verantwoording")

    @property
    def integriteit(self) -> NoReturn:
        _not_faked("integriteit")

    @property
    def websessies(self) -> NoReturn:
        _not_faked("websessies")

    @property
    def beveiligingssignalen(self) -> NoReturn:
        _not_faked("beveiligingssignalen")

    @property
    def oidc_inlogpogingen(self) -> NoReturn:
        _not_faked("oidc_inlogpogingen")

    @property
    def getuigen(self) -> NoReturn:
        _not_faked("getuigen")


def _not_faked(name: str) -> NoReturn:
    raise NotImplementedError(f"uow.{name} has no fake yet: test this use case with the database")


class FakeLogStore(LogStore):
    """The log as a unit of work sees it: only the head lock and appending in the transaction are faked (no
    session: any other method fails); the records land in the state (`logboek`), so they are committed, or lost,
    with everything else."""

    def __init__(self, state: State, writes: list[tuple[str, str]]) -> None:
        self._state = state
        self._writes = writes

    def lock_head(self, advance: int = 0) -> int:
        self._writes.append(("log.lock_head", ""))
        return len(self._state.logboek)

    def voeg_toe(self, size: int, records: Sequence[LogRecord]) -> None:
        assert size == len(self._state.logboek), "append at the locked head"
        self._writes.append(("log.append_in", str(len(records))))
        self._state.logboek.extend(records)


class FakeLog:
    """The verstrekking log writer: records what is appended; `fail = True` makes `append` fail closed."""

    def __init__(self, origin: str = "deelpoort.test/unit") -> None:
        self.records: list[LogRecord] = []
        self.fail = False
        self.attempts = 0  # appends asked for, including failed ones
        self.checkpoints = 0
        self._beleid = CheckpointBeleid(origin)

    @property
    def beleid(self) -> CheckpointBeleid:
        return self._beleid

    def append(self, record: LogRecord, /) -> Ontvangstbewijs:
        self.attempts += 1
        if self.fail:
            raise LogNietBeschikbaarError("the verstrekking log could not record this request; nothing was disclosed")
        index = len(self.records)
        blad = leaf_hash(canonical(record.as_record()))
        self.records.append(record)
        return Ontvangstbewijs(
            log_index=index,
            blad_hash=blad,
            checkpoint=None,
            checkpoint_uiterlijk_bij=max(self._beleid.records, index + 1),
        )

    def append_in(self, store: LogStore, size: int, records: Sequence[LogRecord], /) -> list[StoredCheckpoint]:
        """In the unit of work's transaction: the records go to its state (see `FakeLogStore`)."""
        if not isinstance(store, FakeLogStore):
            raise NotImplementedError("the fake log appends only through the fake unit of work's store")
        store.voeg_toe(size, records)
        return []

    def checkpoint_now(self) -> StoredCheckpoint | None:
        self.checkpoints += 1
        return None

    @property
    def database(self) -> NoReturn:
        raise NotImplementedError("the fake log has no store: reading the log is tested with the database")


def refusing_engine() -> Engine:
    """An engine whose every connection attempt fails: `Services` needs one, unit tests must not use it."""

    def refuse() -> Any:
        raise AssertionError("a unit test tried to connect to a database")

    return create_engine("sqlite://", creator=refuse)


def _implements(database: FakeDatabase) -> tuple[UnitOfWork, LogWriter]:
    """Never called: `mypy tests/unit/fakes.py` checks here that the fakes implement the service layer's
    interfaces (a missing or differently typed method is a type error)."""
    return database.uow(), FakeLog()

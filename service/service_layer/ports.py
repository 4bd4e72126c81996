"""What the use cases need from storage and from the verstrekking log, as interfaces (`typing.Protocol`).

The use cases are typed against these, never against an adapter class, so that a test can hand them in-memory
fakes (`tests/unit/fakes.py`) and run them without a database. The SQLAlchemy repositories in
`service/adapters/` and the log writer the composition root builds implement them structurally.

Invariants every implementation keeps (the fakes included):
- Nothing a repository does is durable until the unit of work that handed it out commits; reads inside that
  unit of work see its own uncommitted writes.
- `Veldwaarden` is the only place values are turned into storage form and back: use cases hand it plaintext
  and get plaintext. Once a casus's data key is gone every read and store raises `CasusVernietigdError`.
- `LogWriter.append` returns only once the record is durable, and raises `LogNietBeschikbaarError` otherwise:
  a caller that gets no receipt discloses nothing.

Only the repositories with an in-memory fake are described here; the unit of work types the others with their
concrete adapter class (see `unit_of_work.UnitOfWork`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

from service.domain.casus import Casus, Deelname
from service.domain.convenant import Casustype, Fase, Regime
from service.domain.levensloop import Gebeurtenis
from service.domain.routeeroverleg import Besluit, Match, Signaal
from service.domain.veldwaarde import JsonWaarde
from service.domain.verstrekking import LogRecord, Ontvangstbewijs

if TYPE_CHECKING:
    from service.adapters.log_store import LogDatabase, LogStore, StoredCheckpoint
    from service.adapters.policy_store import Activering, StoredLine, StoredPolicy, Versie
    from service.adapters.veldwaarden import OpgeslagenWaarde
    from service.audit import CheckpointBeleid

Plaats = tuple[str | None, str]  # (betrokkene id, or None for the casus itself; veld id)


class Casussen(Protocol):
    """Casussen with their betrokkenen and deelnames (metadata only, never a value about a person)."""

    def add(self, casus: Casus) -> None:
        """Store a new casus with its betrokkenen and deelnames."""

    def get(self, casus_id: str) -> Casus | None:
        """The casus with its betrokkenen and deelnames, or None when there is none with this id."""

    def list_for_partner(
        self, partner_id: str, op: dt.datetime, fase: Fase | Iterable[Fase] | None = None, sort: str = "-aangemeldOp"
    ) -> Sequence[Casus]:
        """The casussen `partner_id` actively takes part in at `op` (metadata only), in `sort` order.

        Raises:
            ValueError: `sort` is not one of the repository's `SORTERINGEN`.
        """

    def afgesloten_aanmeldingen(self, aanmelder: str, casustype: Casustype) -> Sequence[tuple[str, dt.datetime]]:
        """The casussen of `casustype` that `aanmelder` referred and that were closed (fase afgesloten): their id
        and when, newest first (metadata only)."""

    def ids(self, casustype: Casustype, aangemeld_voor: dt.datetime) -> list[str]:
        """The ids of every casus of `casustype` referred before `aangemeld_voor`, oldest first (the figures)."""

    def set_fase(self, casus_id: str, fase: Fase, op: dt.datetime) -> None:
        """Move a casus to `fase`; a final fase also sets its afgesloten_op."""

    def set_prioriteit(self, casus_id: str, prioriteit: int | None, op: dt.datetime) -> None: ...

    def add_deelname(self, deelname: Deelname) -> None: ...

    def end_deelnames(
        self, casus_id: str, op: dt.datetime, *, partner_id: str | None = None, behalve: Iterable[str] = ()
    ) -> int:
        """End the active deelnames at `op` (of one partner, or of all but `behalve`); returns how many."""

    def set_bsn_index(self, betrokkene_id: str, index: str) -> None: ...

    def set_bsn_indexes(self, indexes: Mapping[str, str]) -> None:
        """`set_bsn_index` for many betrokkenen at once (betrokkene id -> index)."""

    def touch(self, casus_id: str, op: dt.datetime) -> None:
        """Mark the casus changed at `op`."""

    def closed_not_destroyed(self) -> list[tuple[str, Casustype, dt.datetime]]:
        """Closed or rejected casussen whose data still exists: (id, casustype, closed at)."""

    def destroyed(self) -> list[tuple[str, Casustype]]:
        """Every casus whose data was destroyed: (id, casustype)."""

    def is_destroyed(self, casus_id: str) -> bool:
        """Whether this casus's data was destroyed (False for an unknown id too)."""

    def betrokkene_ids(self, casus_id: str) -> list[str]:
        """The ids of the casus's betrokkenen (the pseudonymous ids its log records name), sorted."""

    def forget_persons(self, casus_id: str) -> list[str]:
        """Delete the BSN blind index of every betrokkene of the casus; returns their ids, sorted."""

    def delete_all(self) -> None: ...


class VersleuteldeWaarden(Protocol):
    """One casus's stored values before decryption: where values are, and decryption of chosen velden only."""

    def plaatsen(self) -> dict[str, list[str | None]]:
        """Per veld with a value, the places holding one (a betrokkene id, or None for the casus itself)."""

    def bronnen(self) -> dict[Plaats, str]:
        """Per place holding a value, the partner that supplied it (its bron)."""

    def ontsleutel(
        self, velden: Collection[str] | None, plaatsen: Collection[Plaats] | None = None
    ) -> dict[Plaats, OpgeslagenWaarde]:
        """The values of the given velden (None: all), in plaintext; with `plaatsen`, only at those places.

        Raises:
            CryptoError: a stored value or key does not decrypt.
        """


class Veldwaarden(Protocol):
    """The case field values of every casus, and each casus's data key."""

    def create_data_key(self, casus_id: str, regime: Regime, op: dt.datetime) -> None: ...

    def store(
        self, casus_id: str, regime: Regime, values: Mapping[Plaats, JsonWaarde], bron: str, op: dt.datetime
    ) -> None:
        """Store (insert or replace) values, recording `bron` as their source.

        Raises:
            CasusVernietigdError: the casus's data key is gone.
        """

    def read(self, casus_id: str, regime: Regime) -> dict[Plaats, OpgeslagenWaarde]:
        """Every value of a casus, in plaintext.

        Raises:
            CasusVernietigdError: the casus's data key is gone.
            CryptoError: a stored value or key does not decrypt.
        """

    def versleuteld(self, casus_id: str, regime: Regime) -> VersleuteldeWaarden | None:
        """The casus's stored values, not yet decrypted; None when its data key is gone (destroyed)."""

    def herkomst(self, casus_id: str) -> dict[Plaats, tuple[str, dt.datetime]]:
        """Per place holding a value, its bron and when it was supplied (nothing decrypted; empty once destroyed)."""

    def verwijder(self, casus_id: str, plaatsen: Iterable[Plaats]) -> int:
        """Delete the values at `plaatsen` (a deleted `bsn` takes its betrokkene's blind index with it); returns
        how many were deleted."""

    def record_contribution(
        self, casus_id: str, partner_id: str, gebruiker_id: str, plaatsen: Iterable[Plaats], op: dt.datetime
    ) -> None:
        """Record who contributed which places (names only)."""

    def shred(self, casus_id: str, op: dt.datetime) -> None:
        """Delete the casus's data key, its values and its history's toelichtingen; mark it destroyed."""

    def key_versions(self, regime: Regime) -> dict[int, int]:
        """How many data keys each KEK version of `regime` wraps."""

    def rewrap_batch(self, regime: Regime, limit: int, op: dt.datetime) -> int:
        """Rewrap up to `limit` data keys not under the primary KEK version; returns how many changed.

        Raises:
            CryptoError: a stored wrapped key does not unwrap.
        """


class Historie(Protocol):
    """The history of every casus (`Gebeurtenis` entries; the toelichting is protected like a veld value)."""

    def add(self, gebeurtenis: Gebeurtenis, regime: Regime) -> None:
        """Record an entry (its toelichting is dropped once the casus's data was destroyed).

        Raises:
            CryptoError: the casus's data key does not unwrap.
        """

    def list(self, casus_id: str, regime: Regime) -> list[Gebeurtenis]:
        """Every entry of a casus, oldest first (toelichtingen None once the casus was destroyed).

        Raises:
            CryptoError: a stored toelichting or the data key does not decrypt.
        """


class Beleid(Protocol):
    """The field policy versions (immutable once stored, kept forever) and their activations."""

    def store(self, versie: str, model: str, lines: Sequence[StoredLine], herkomst: str, op: dt.datetime) -> bool:
        """Store a version with its lines in order; False (and nothing changed) when it exists already."""

    def activate(self, versie: str, door: str, toelichting: str, op: dt.datetime) -> None:
        """Make `versie` the active version from now on (one more activation; the earlier ones are kept)."""

    def active_version(self) -> str | None:
        """The version of the latest activation, or None before any (then nothing may be shared)."""

    def load(self, versie: str) -> StoredPolicy | None: ...

    def versions(self) -> list[Versie]:
        """Every stored version with its number of lines, oldest first."""

    def activations(self) -> list[Activering]:
        """Every activation, oldest first."""


class Routeeroverleg(Protocol):
    """The routeeroverleg's signals and matches (pseudonyms only, never an identity)."""

    def lock(self) -> None:
        """Take the matching lock for the rest of the unit of work (serialises every matching decision)."""

    def add_signaal(self, signaal: Signaal) -> None: ...

    def signalen(self, pseudoniem: str) -> list[Signaal]:
        """Every stored signal with this pseudonym (matched or not), oldest first."""

    def open_matches(self, pseudoniem: str) -> list[str]:
        """Ids of the matches about this pseudonym without a besluit, oldest first."""

    def add_match(self, match_id: str, pseudoniem: str, ontstaan_op: dt.datetime) -> None: ...

    def koppel(self, signaal_ids: Iterable[str], match_id: str) -> None:
        """Link the signals to the match."""

    def matches_voor(self, partner_id: str) -> list[Match]:
        """The matches in which `partner_id` has a signal, newest first, with all their signals."""

    def match_voor(self, match_id: str, partner_id: str) -> Match | None:
        """The match, only if `partner_id` has a signal in it (otherwise None, as if it did not exist)."""

    def leg_besluit_vast(self, match_id: str, besluit: Besluit) -> bool:
        """Store the besluit if the match has none yet; False when one was recorded first."""

    def verloop(self, signalen_voor: dt.date, matches_voor: dt.datetime) -> tuple[int, int]:
        """Delete unmatched signals dated before `signalen_voor` and matches decided before `matches_voor` (with
        their signals); open matches are kept. Returns (signals deleted, matches deleted)."""

    def te_verlopen(self, signalen_voor: dt.date, matches_voor: dt.datetime) -> tuple[int, int]:
        """What `verloop` with the same arguments would delete, counted without deleting: (signals, matches)."""

    def delete_all(self) -> None: ...


class LogWriter(Protocol):
    """The writer of the verstrekking log, as the use cases call it."""

    @property
    def beleid(self) -> CheckpointBeleid:
        """When checkpoints are signed, and the log's origin (the name checkpoints are signed for)."""

    @property
    def database(self) -> LogDatabase:
        """The log's store factory, for reading it (verification, proofs, checkpoints)."""

    def append(self, record: LogRecord, /) -> Ontvangstbewijs:
        """Record `record` durably and return its receipt.

        Raises:
            LogNietBeschikbaarError: the record could not be committed (nothing may be disclosed).
        """

    def append_in(self, store: LogStore, size: int, records: Sequence[LogRecord], /) -> list[StoredCheckpoint]:
        """Append `records` at `size` in the caller's transaction, whose head lock it holds (`store.lock_head`),
        signing the checkpoints that fall due on the way; the caller commits. Returns the checkpoints signed."""

    def checkpoint_now(self) -> StoredCheckpoint | None:
        """Sign a checkpoint of the current tree unless the latest covers it; None when the log is empty."""

    def teken_staart(self) -> StoredCheckpoint | None:
        """Sign a checkpoint of the unsigned tail when the latest is `beleid.seconds` old; None if none was due."""

"""Witnesses (getuigen) of the verstrekking log, as the log's operator sees them: what each last cosigned, and
what the FG is shown about them.

A getuige is an independent party (a partner, the FG's organisation, another ZVH region) that cosigns a
checkpoint only if it is consistent with the last one it cosigned, and keeps that one itself (C2SP
tlog-witness). What Deelpoort stores about them here (`GetuigeStaat`, `Cosignatuur`) is bookkeeping in its own
database: useful to send the next checkpoint with the right consistency proof, never evidence. Evidence is what
a witness itself answers (`Getuigenverslag`), fetched when the FG or `audit verify --getuigen` asks.

Invariants:
- A `Getuigenverslag` is `in_orde` only if the witness answered, its cosignature and the log's signature verified,
  and the log in this database proves consistent with what it cosigned; `alarm` is set for every finding that
  means the history was rewritten, truncated or forked (never for a witness that is merely unreachable or behind,
  which is `achterstand`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class GetuigeStaat:
    """What the log knows of one witness: the size it last cosigned (0: none yet), when it last tried and
    succeeded to send one, the last failure (a short text without any record content), and until when a worker
    holds the lease to send to it."""

    getuige: str
    grootte: int = 0
    laatste_poging: dt.datetime | None = None
    gelukt_op: dt.datetime | None = None
    fout: str | None = None
    bezet_tot: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Cosignatuur:
    """A witness's cosignature of the checkpoint of `grootte`: its note signature line (ending in LF) and the
    POSIX time it states."""

    grootte: int
    getuige: str
    regel: str
    tijdstempel: int


@dataclass(frozen=True, slots=True)
class Getuigenverslag:
    """One witness as the FG sees it, from its own answer: the latest checkpoint it cosigned for this log.

    Attributes:
        getuige: The witness's name (its key name).
        url: Where it was asked.
        grootte: The size of the latest checkpoint it cosigned (None: it could not be asked, or cosigned none).
        gecosigneerd_op: The time its cosignature states.
        achterstand: Records of this log the witness has not cosigned yet (None: unknown).
        problemen: Why it is not in order, in short texts naming sizes, never content.
        alarm: A finding that means the history in this database was rewritten, truncated or forked.
    """

    getuige: str
    url: str
    grootte: int | None = None
    gecosigneerd_op: dt.datetime | None = None
    achterstand: int | None = None
    problemen: tuple[str, ...] = field(default_factory=tuple)
    alarm: bool = False

    @property
    def in_orde(self) -> bool:
        return not self.problemen and self.grootte is not None

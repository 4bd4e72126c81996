"""What the log store is handed and hands back: plain values, no ORM objects and no hashing of its own."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict


class NewRecord(TypedDict):
    """One record to append, exactly as its `verstrekkingen` row is inserted (a dict: the batch insert takes it as
    it is). The caller made the canonical bytes and the leaf hash; the query columns are copied from the record,
    so they can only differ from it by tampering."""

    log_index: int
    id: str
    record: bytes  # the canonical record bytes (`service.audit.record`)
    blad_hash: bytes  # the RFC 9162 leaf hash of `record`
    tijd: dt.datetime
    partner_id: str
    casus_id: str | None
    doel: str
    uitkomst: str


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    grootte: int
    wortel: bytes
    tijd: dt.datetime
    sleutel_id: str
    notitie: str


@dataclass(frozen=True, slots=True)
class Head:
    """The log head as the lock read it: the size, and the latest checkpoint's size and time (None: none yet)."""

    grootte: int
    checkpoint: tuple[int, dt.datetime] | None


@dataclass(frozen=True, slots=True)
class ProofBasis:
    leaf: tuple[bytes, str] | None  # leaf hash and requesting partner of the record, if it exists
    size: int
    covering: StoredCheckpoint | None  # the smallest checkpoint whose tree includes the record
    exact: StoredCheckpoint | None  # the checkpoint of exactly the asked tree size, if one was asked and exists


@dataclass(frozen=True, slots=True)
class StoredRecord:
    log_index: int
    record: bytes
    blad_hash: bytes
    columns: tuple[str, str, str | None, str, str, dt.datetime]  # id, partner, casus, doel, uitkomst, tijd


class RecordsUnreadableError(Exception):
    """The database could not read the stored records as JSON text (PostgreSQL stops at invalid UTF-8 or JSON):
    the caller checks them record by record instead. Carries no record content."""

"""The log store's tables and statements, built once (building one costs more than SQLite takes to run it), and
the helpers that turn their rows into values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import Connection, Integer, Table, bindparam, insert, text, update
from sqlalchemy.orm import Session

from service.adapters.log_store.values import Head, StoredCheckpoint
from service.adapters.orm import CheckpointRow, LoghoofdRow, LogknoopRow, UTCDateTime, VerstrekkingRow

VERSTREKKINGEN = cast(Table, VerstrekkingRow.__table__)
KNOPEN = cast(Table, LogknoopRow.__table__)
HOOFD = cast(Table, LoghoofdRow.__table__)
CHECKPOINTS = cast(Table, CheckpointRow.__table__)
CHECKPOINT_COLUMNS = (
    CHECKPOINTS.c.grootte,
    CHECKPOINTS.c.wortel,
    CHECKPOINTS.c.tijd,
    CHECKPOINTS.c.sleutel_id,
    CHECKPOINTS.c.notitie,
)
# The append path's statements, built once (building one costs more than SQLite takes to run it).
ADVANCE_HEAD = (
    update(HOOFD)
    .where(HOOFD.c.id == 1)
    .values(grootte=HOOFD.c.grootte + bindparam("advance", type_=Integer))
    .returning(HOOFD.c.grootte, HOOFD.c.checkpoint_grootte, HOOFD.c.checkpoint_tijd)
)
HEAD_CHECKPOINT = (
    update(HOOFD)
    .where(HOOFD.c.id == 1)
    .values(
        checkpoint_grootte=bindparam("cp_grootte", type_=Integer),
        checkpoint_tijd=bindparam("cp_tijd", type_=UTCDateTime()),
    )
)
SET_HEAD = update(HOOFD).where(HOOFD.c.id == 1).values(grootte=bindparam("new_size", type_=Integer))
INSERT_RECORDS = insert(VERSTREKKINGEN)
INSERT_NODES = insert(KNOPEN)
NODES_POSTGRESQL = text(
    """
    SELECT k.niveau, k.positie, k.hash
    FROM unnest(CAST(:niveaus AS integer[]), CAST(:posities AS integer[])) AS w(niveau, positie)
    JOIN logknopen AS k ON k.niveau = w.niveau AND k.positie = w.positie
    """
)
NODES_SQLITE = text(
    """
    SELECT k.niveau, k.positie, k.hash
    FROM json_each(:gezocht) AS w
    JOIN logknopen AS k ON k.niveau = json_extract(w.value, '$[0]') AND k.positie = json_extract(w.value, '$[1]')
    """
)
# The record's leaf and partner, the log's size, the checkpoint covering the record (c) and the one of exactly the
# asked tree size (e; none when no size is asked); on PostgreSQL also the wanted nodes, in the order asked (NULL
# where none is stored), so that a proof of a given size is one round trip.
_PROOF_BASIS_COLUMNS = """
    SELECT v.blad_hash, v.partner_id, h.grootte,
           c.grootte, c.wortel, c.tijd AS c_tijd, c.sleutel_id, c.notitie,
           e.grootte, e.wortel, e.tijd AS e_tijd, e.sleutel_id, e.notitie"""
_PROOF_BASIS_FROM = """
    FROM loghoofd AS h
    LEFT JOIN verstrekkingen AS v ON v.log_index = :index
    LEFT JOIN checkpoints AS c ON c.grootte = (SELECT min(grootte) FROM checkpoints WHERE grootte > :index)
    LEFT JOIN checkpoints AS e ON e.grootte = :boomgrootte
    WHERE h.id = 1
    """
PROOF_BASIS = text(_PROOF_BASIS_COLUMNS + _PROOF_BASIS_FROM).columns(c_tijd=UTCDateTime(), e_tijd=UTCDateTime())
_NODES_IN_ORDER = """,
           ARRAY(
               SELECT k.hash
               FROM unnest(CAST(:niveaus AS integer[]), CAST(:posities AS integer[])) WITH ORDINALITY
                   AS w(niveau, positie, n)
               LEFT JOIN logknopen AS k ON k.niveau = w.niveau AND k.positie = w.positie
               ORDER BY w.n
           )"""
PROOF_BASIS_POSTGRESQL = text(_PROOF_BASIS_COLUMNS + _NODES_IN_ORDER + _PROOF_BASIS_FROM).columns(
    c_tijd=UTCDateTime(), e_tijd=UTCDateTime()
)
RECORD_COLUMNS = ("log_index", "record", "blad_hash", "id", "partner_id", "casus_id", "doel", "uitkomst", "tijd")


def dialect(session: Session | Connection) -> str:
    bind = session if isinstance(session, Connection) else session.get_bind()
    return bind.dialect.name


def head_from_row(size: int, checkpoint_size: int, checkpoint_time: dt.datetime | None) -> Head:
    """The head from its row: no checkpoint time means no checkpoint yet."""
    return Head(int(size), (int(checkpoint_size), checkpoint_time) if checkpoint_time is not None else None)


def node_arrays(keys: Sequence[tuple[int, int]]) -> dict[str, list[int]]:
    """(niveau, positie) pairs as the two arrays PostgreSQL's `unnest` joins to the primary key take."""
    return {"niveaus": [level for level, _ in keys], "posities": [position for _, position in keys]}


def checkpoint_from_row(row: Sequence[Any]) -> StoredCheckpoint:
    grootte, wortel, tijd, sleutel_id, notitie = row
    return StoredCheckpoint(grootte, wortel, tijd, sleutel_id, notitie)

"""The log store's reads for `audit verify`: every record and node as plain rows, and the checks the database
runs itself in one statement each (the level-0 nodes against the leaf hashes, the query columns against the
records, the latest record time per range of indexes for the signing rule).

Invariants:
- Read only. Plain rows from the driver (no ORM types, no SQLAlchemy row objects): a verify reads every row.
- Keyset reads by index with LIMIT, so a missing index shows as a gap in the result rather than being skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.adapters.log_store.statements import KNOPEN, dialect
from service.adapters.log_store.values import RecordsUnreadableError
from service.adapters.orm import UTCDateTime
from service.adapters.storingen import is_storing

# Formatted with integers only (`VerifyReads._plain_rows` runs them on the driver's cursor, without bound parameters).
_BLOCK = (
    "SELECT log_index, record, blad_hash FROM verstrekkingen"
    " WHERE log_index >= {start} ORDER BY log_index LIMIT {count}"
)
_RUN = (
    "SELECT positie, hash FROM logknopen"
    " WHERE niveau = {level} AND positie >= {first} AND positie < {end} ORDER BY positie"
)
_LEAF_NODE_MISMATCH = text(
    """
    SELECT min(v.log_index) FROM verstrekkingen AS v
    LEFT JOIN logknopen AS k ON k.niveau = 0 AND k.positie = v.log_index
    WHERE v.log_index < :size AND (k.hash IS NULL OR k.hash <> v.blad_hash)
    """
)
# The record's time as `record_tijd` spells it, from the column: SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff" (UTC,
# `UTCDateTime`), PostgreSQL a timestamptz.
_COLUMN_MISMATCH_SQLITE = text(
    """
    SELECT min(log_index) FROM verstrekkingen
    WHERE log_index < :size AND (
        json_valid(CAST(record AS TEXT)) = 0
        OR json_type(CAST(record AS TEXT)) IS NOT 'object'
        OR json_extract(CAST(record AS TEXT), '$.id', '$.partner', '$.casus', '$.doel', '$.uitkomst', '$.tijd')
           IS NOT json_array(id, partner_id, casus_id, doel, uitkomst,
                             substr(tijd, 1, 10) || 'T' || substr(tijd, 12) || 'Z')
    )
    """
)
# One parse per record (json_to_record over the json type: a single pass, cheaper than jsonb). A record that is
# not a JSON object stops the statement with an error; the caller then checks record by record. json_to_record
# reads a value of another JSON type as its text; the service writes these six as strings (or casus as null).
_COLUMN_MISMATCH_POSTGRESQL = text(
    """
    SELECT min(v.log_index) FROM verstrekkingen AS v,
        json_to_record(convert_from(v.record, 'UTF8')::json)
            AS r(id text, partner text, casus text, doel text, uitkomst text, tijd text)
    WHERE v.log_index < :size
      AND (r.id, r.partner, r.casus, r.doel, r.uitkomst, r.tijd) IS DISTINCT FROM (
          v.id, v.partner_id, v.casus_id, v.doel, v.uitkomst,
          to_char(v.tijd AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
    """
)
# The latest `tijd` in each [van, tot) range of indexes, in the order asked: one index range scan per range (on
# SQLite the column's text spelling sorts as the time does).
_NEWEST_SQLITE = text(
    """
    SELECT (SELECT max(v.tijd) FROM verstrekkingen AS v
            WHERE v.log_index >= json_extract(w.value, '$[0]') AND v.log_index < json_extract(w.value, '$[1]'))
           AS nieuwste
    FROM json_each(:vensters) AS w ORDER BY w.key
    """
).columns(nieuwste=UTCDateTime())
_NEWEST_POSTGRESQL = text(
    """
    SELECT (SELECT max(v.tijd) FROM verstrekkingen AS v WHERE v.log_index >= w.van AND v.log_index < w.tot)
           AS nieuwste
    FROM unnest(CAST(:vans AS integer[]), CAST(:tots AS integer[])) WITH ORDINALITY AS w(van, tot, n)
    ORDER BY w.n
    """
).columns(nieuwste=UTCDateTime())


class VerifyReads:
    """The reads of `audit verify`, over the session or connection of the store that inherits them."""

    _session: Session | Connection

    def block(self, start: int, count: int) -> list[tuple[int, bytes, bytes]]:
        """(log_index, record, blad_hash) of up to `count` records from index `start` on, in log order.

        Keyset by index with LIMIT, so a missing index shows as a gap in the result rather than being skipped.
        """
        return self._plain_rows(_BLOCK.format(start=int(start), count=int(count)))

    def stored_run(self, level: int, first: int, count: int) -> list[tuple[int, bytes]]:
        """The stored nodes (positie, hash) of `level` at positions [first, first + count), in order."""
        return self._plain_rows(_RUN.format(level=int(level), first=int(first), end=int(first + count)))

    def _plain_rows(self, sql: str) -> list[Any]:
        """Rows straight from the driver's cursor (within this store's transaction): a verify reads every record
        and node, and SQLAlchemy's row objects cost as much as reading them. `sql` holds only integers. Both
        drivers give integers as int and blobs as bytes (psycopg's binary protocol: bytea as bytes; its text
        protocol would send hex, twice the time to read)."""
        connection = self._session if isinstance(self._session, Connection) else self._session.connection()
        driver: Any = connection.connection.dbapi_connection
        cursor = driver.cursor(binary=True) if connection.dialect.name == "postgresql" else driver.cursor()
        try:
            cursor.execute(sql)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def node_counts(self) -> dict[int, int]:
        """How many nodes are stored per level."""
        rows = self._session.execute(select(KNOPEN.c.niveau, func.count()).group_by(KNOPEN.c.niveau))
        return {int(level): int(count) for level, count in rows}

    def first_leaf_node_mismatch(self, size: int) -> int | None:
        """The first index below `size` whose level-0 node is missing or differs from its stored leaf hash."""
        found = self._session.execute(_LEAF_NODE_MISMATCH, {"size": size}).scalar()
        return None if found is None else int(found)

    def newest_times(self, ranges: Sequence[tuple[int, int]]) -> list[dt.datetime | None]:
        """The latest `tijd` column of the records in each [start, stop) range of indexes (None where it holds
        none), in one statement. The column is the record's own time as long as `first_column_mismatch` finds
        none."""
        if not ranges:
            return []
        if dialect(self._session) == "postgresql":
            starts, stops = [start for start, _ in ranges], [stop for _, stop in ranges]
            rows = self._session.execute(_NEWEST_POSTGRESQL, {"vans": starts, "tots": stops})
        else:
            rows = self._session.execute(_NEWEST_SQLITE, {"vensters": json.dumps([list(pair) for pair in ranges])})
        return list(rows.scalars())

    def first_column_mismatch(self, size: int) -> int | None:
        """The first index below `size` whose query columns differ from its record (or whose record is not a JSON
        object), found by the database's JSON functions in one statement; None when all agree.

        Raises:
            RecordsUnreadableError: the database could not read a record as JSON text (PostgreSQL stops at invalid
                UTF-8 or JSON; the caller then checks record by record). This store's transaction is then aborted.
        """
        postgresql = dialect(self._session) == "postgresql"
        query = _COLUMN_MISMATCH_POSTGRESQL if postgresql else _COLUMN_MISMATCH_SQLITE
        try:
            found = self._session.execute(query, {"size": size}).scalar()
        except DBAPIError as exc:
            if is_storing(exc):  # the database failed, not the records: not a reason to read them one by one
                raise
            raise RecordsUnreadableError("the database could not read the records as JSON") from None
        return None if found is None else int(found)

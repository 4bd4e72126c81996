"""The complete tree nodes one store has written or loaded, read through to the `logknopen` table.

A `NodeCache` answers `node(level, index)` like `service.audit.NodeSource` (structurally: this package does not
import the audit core), so the log's writer and proofs compute over it; `prefetch` loads the nodes a computation
will read in one query first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from service.adapters.log_store.statements import NODES_POSTGRESQL, NODES_SQLITE, dialect, node_arrays
from service.adapters.orm import LogknoopRow


class NodeCache:
    """Nodes for one transaction: the ones written or prefetched in it, else the database (a node never changes
    once written, so a cached one is never stale)."""

    def __init__(self, session: Session | Connection) -> None:
        self._session = session
        self.written: dict[tuple[int, int], bytes] = {}

    def node(self, level: int, index: int) -> bytes:
        """The stored node (level, index); LookupError when it is not stored (not complete, or removed)."""
        found = self.written.get((level, index))
        if found is None:
            found = self._session.scalar(
                select(LogknoopRow.hash).where(LogknoopRow.niveau == level, LogknoopRow.positie == index)
            )
            if found is None:
                raise LookupError(f"no complete log node ({level}, {index})")
        return found

    def missing(self, wanted: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """Of `wanted`, the nodes not loaded yet, each once, in order."""
        return sorted({key for key in wanted if key not in self.written})

    def prefetch(self, wanted: Iterable[tuple[int, int]]) -> None:
        """Load the given nodes with one query (a proof needs ~2 log2(n) of them: one round trip, not 40).

        One fixed statement per dialect whatever the nodes (compiled and prepared once): the wanted (niveau,
        positie) pairs go in as arrays (PostgreSQL `unnest`) or as a JSON array (SQLite `json_each`), joined to
        the primary key.
        """
        missing = self.missing(wanted)
        if not missing:
            return
        if dialect(self._session) == "postgresql":
            found = self._session.execute(NODES_POSTGRESQL, node_arrays(missing))
        else:
            found = self._session.execute(NODES_SQLITE, {"gezocht": json.dumps(missing)})
        for level, position, value in found:
            self.written[(int(level), int(position))] = bytes(value)

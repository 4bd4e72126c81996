"""The verstrekking log's storage: records, complete tree nodes, signed checkpoints and the head, in the database.

- `store`: `LogStore`, appending (under the head lock) and reading; `scan`: the reads of `audit verify`.
- `nodes`: the nodes a store has written or loaded (`NodeCache`, a `service.audit.NodeSource` by shape).
- `database`: `LogDatabase`, how the service layer opens stores (writing, a snapshot, proofs) without touching
  the engine; `write_lock`: the file lock that queues SQLite writers of the log.
- `statements` and `values`: the prepared statements, and the plain values handed in and out.

Invariants:
- Only storing and reading: nothing here computes a leaf, node, root or signature, or imports the audit core;
  the log's writer (`service.service_layer.logboek.schrijver`) computes them and hands them in as data.
- Appends are serialised by the head row's lock; one transaction holds a batch's records, nodes, head and
  perhaps a checkpoint (see `store`).
- No field value is ever handed in or out: records are canonical metadata-only bytes (DESIGN invariant 3).
"""

from service.adapters.log_store.database import LogDatabase, LogSnapshot
from service.adapters.log_store.nodes import NodeCache
from service.adapters.log_store.store import LogStore
from service.adapters.log_store.values import (
    Head,
    NewRecord,
    ProofBasis,
    RecordsUnreadableError,
    StoredCheckpoint,
    StoredRecord,
)

__all__ = [
    "Head",
    "LogDatabase",
    "LogSnapshot",
    "LogStore",
    "NewRecord",
    "NodeCache",
    "ProofBasis",
    "RecordsUnreadableError",
    "StoredCheckpoint",
    "StoredRecord",
]

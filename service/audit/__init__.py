"""The pure core of the verstrekking log: leaf hashing, the RFC 9162 Merkle tree, proofs, checkpoints, when to
sign them, and verification of a stored log.

- `record`: the canonical bytes of a record (what a leaf hashes).
- `merkle`: leaf and node hashes, the complete-node storage model (`NodeSource`, `completed_nodes`,
  `append_leaves`: the nodes a batch appended to a stored tree completes, `MemoryTree`), roots, and the streaming
  `RootAccumulator`.
- `proofs`: inclusion and consistency proofs from complete nodes and their RFC 9162 verifiers.
- `checkpoint`: C2SP tlog-checkpoint notes with a ``time`` extension line, signed and opened with the
  checkpoint key of `service.crypto`.
- `checkpointing`: when the log signs a checkpoint (`CheckpointBeleid`) and signing one over a tree
  (`sign_tree`).
- `cosignature` and `getuige`: witnesses' cosignatures (C2SP tlog-cosignature), the tlog-witness request, and a
  witness's decision on one.
- `recompute` and `verification`: recomputing a stored tree block by block, and the checks of `audit verify` and
  the integrity view over what a store hands in (`Verificatie`, `TreeCheck`).

Invariants:
- No I/O and no database here: storage hands complete subtree nodes in through `NodeSource` and rows as
  values, and the record's content is owned by the domain; this package sees record bytes, hashes, sizes and
  times (always passed in, never read from a clock).
- Proofs and roots are exactly RFC 9162's (checked against a naive reference and the RFC 6962 test vectors),
  so partners and the FG can verify them with any standard implementation or by hand (`docs/proofs.md`).
- Verifiers of proofs never raise, they return False; opening a checkpoint raises only `CheckpointError`.
- Any change, deletion, insertion or reordering of leaves changes the root, and a signed checkpoint fixes the
  root and size, so tampering and truncation are detected (DESIGN invariant 6).
"""

from service.audit.checkpoint import Checkpoint, CheckpointError, checkpoint_body, open_checkpoint, sign_checkpoint
from service.audit.checkpointing import CheckpointBeleid, SignedCheckpoint, sign_tree
from service.audit.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MemoryTree,
    NodeSource,
    RootAccumulator,
    append_leaves,
    completed_nodes,
    leaf_hash,
    node_hash,
    nodes_for_root,
    root,
    subtree_hash,
)
from service.audit.proofs import (
    consistency_proof,
    inclusion_proof,
    nodes_for_consistency_proof,
    nodes_for_inclusion_proof,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "CheckpointBeleid",
    "CheckpointError",
    "MemoryTree",
    "NodeSource",
    "RootAccumulator",
    "SignedCheckpoint",
    "append_leaves",
    "checkpoint_body",
    "completed_nodes",
    "consistency_proof",
    "inclusion_proof",
    "leaf_hash",
    "node_hash",
    "nodes_for_consistency_proof",
    "nodes_for_inclusion_proof",
    "nodes_for_root",
    "open_checkpoint",
    "root",
    "sign_checkpoint",
    "sign_tree",
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

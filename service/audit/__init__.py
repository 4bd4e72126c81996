"""Pure functions over the verstrekking log: leaf hashing, the RFC 9162 Merkle tree, proofs and checkpoints.

- `merkle`: leaf and node hashes, the complete-node storage model (`NodeSource`, `completed_nodes`,
  `MemoryTree`), roots, inclusion and consistency proofs and their RFC 9162 verifiers, and the streaming
  `RootAccumulator` used to verify a whole log in one pass.
- `checkpoint`: C2SP tlog-checkpoint notes with a ``time`` extension line, signed and opened with the
  checkpoint key of `service.crypto`.

Invariants:
- No I/O and no database here: storage hands complete subtree nodes in through `NodeSource`, and the record
  format is owned elsewhere; this package only sees leaf hashes and the bytes they came from.
- Proofs and roots are exactly RFC 9162's (checked against a naive reference and the RFC 6962 test vectors),
  so partners and the FG can verify them with any standard implementation or by hand (`docs/proofs.md`).
- Verifiers of proofs never raise, they return False; opening a checkpoint raises only `CheckpointError`.
- Any change, deletion, insertion or reordering of leaves changes the root, and a signed checkpoint fixes the
  root and size, so tampering and truncation are detected (DESIGN invariant 6).
"""

from service.audit.checkpoint import Checkpoint, CheckpointError, checkpoint_body, open_checkpoint, sign_checkpoint
from service.audit.merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    MemoryTree,
    NodeSource,
    RootAccumulator,
    completed_nodes,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    nodes_for_consistency_proof,
    nodes_for_inclusion_proof,
    nodes_for_root,
    root,
    subtree_hash,
    verify_consistency,
    verify_inclusion,
)

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "Checkpoint",
    "CheckpointError",
    "MemoryTree",
    "NodeSource",
    "RootAccumulator",
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
    "subtree_hash",
    "verify_consistency",
    "verify_inclusion",
]

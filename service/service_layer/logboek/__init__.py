"""The verstrekking log as the FG and partners check it: full verification, proofs, the integrity view.

The pure core (leaf hashing, the Merkle tree, checkpoints, when to sign, verification over a node source) is
`service.audit`; storing and reading is `service.adapters.log_store`; this package runs the checks over what is
stored and stores their outcomes.

Invariants (DESIGN invariant 6):
- Verification trusts nothing stored but the checkpoint key: it recomputes leaves, tree and roots.
- Checks only read; their outcomes are stored separately, so a read-only copy can still be verified.
"""

"""The verstrekking log's home in the service layer: its writer, and its checks as the FG and partners run them.

- `schrijver`: `VerstrekkingLog`, the process's writer (group commit; decides when to sign checkpoints and signs
  them, also for a beheer transaction's records: `append_in`), and `append_records`, the one way leaves are made.
- `controle`: full verification, the quick check, proofs; `integriteit`: the FG's integrity view and stored
  verifications.

The pure core (leaf hashing, the Merkle tree, checkpoints, when to sign, verification over what a store hands
in) is `service.audit`; storing and reading is `service.adapters.log_store`, opened through its `LogDatabase`
(the writer's `database`) or a unit of work. Nothing here imports SQLAlchemy.

Invariants (DESIGN invariants 2 and 6):
- A record is durable before its writer returns; a failed batch raises `LogNietBeschikbaarError` for each
  record in it (fail closed).
- Verification trusts nothing stored but the checkpoint key: it recomputes leaves, tree and roots.
- Checks only read; their outcomes are stored separately, so a read-only copy can still be verified.
"""

"""The verstrekking log as the FG and partners check it: verification, proofs and checkpoints.

Invariants (DESIGN invariant 6):
- `verifieer` trusts nothing stored except the checkpoint key: it recomputes every leaf from the record
  bytes (which must be canonical), the tree from the leaves, and checks that indexes run 0..n-1 without gaps,
  that the query columns agree with their record, that every stored subtree node equals the recomputed one,
  that every checkpoint's signature is valid and its root equals the recomputed root at its size, and that
  no checkpoint is larger than the log (truncation). It reports the first bad index it can name.
- Proofs are computed from stored nodes and are only useful together with a root the client trusts (a signed
  checkpoint): a client verifies them itself (`docs/proofs.md`), so serving them needs no trust in this code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from service.adapters.log_store import LogStore, StoredCheckpoint
from service.audit import CheckpointError, RootAccumulator, consistency_proof, inclusion_proof, leaf_hash, node_hash
from service.audit import open_checkpoint as open_note
from service.audit.merkle import nodes_for_consistency_proof, nodes_for_inclusion_proof, nodes_for_root
from service.audit.record import RecordError, parse
from service.crypto import CheckpointVerifier
from service.domain.casus import Gebruiker
from service.domain.errors import NietGevondenError, OngeldigeInvoerError
from service.domain.verstrekking import record_tijd
from service.service_layer.services import Services


@dataclass
class Verificatie:
    grootte: int = 0
    checkpoints: int = 0
    problemen: list[str] = field(default_factory=list)
    eerste_fout: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problemen

    def fout(self, index: int | None, probleem: str) -> None:
        self.problemen.append(probleem)
        if index is not None and (self.eerste_fout is None or index < self.eerste_fout):
            self.eerste_fout = index


def verifier(services: Services) -> CheckpointVerifier:
    """The checkpoint key's public half (what the FG and partners are given as the log's vkey)."""
    return services.keys.material.signer.verifier


def verifieer(services: Services, *, voortgang: Iterator[None] | None = None) -> Verificatie:
    """Recompute and check the whole log (see the module invariants)."""
    result = Verificatie()
    key = verifier(services)
    origin = services.log.beleid.origin
    with services.uow() as uow:
        head = uow.log.size()
        checkpoints = uow.log.checkpoints()
        pending = [c for c in checkpoints if c.grootte > 0]
        accumulator = RootAccumulator()
        leaves = bytearray()
        expected = 0
        for stored in uow.log.records():
            if stored.log_index != expected:
                result.fout(expected, f"index {expected}: record missing (next stored index is {stored.log_index})")
                break
            try:
                record = parse(stored.record)
            except RecordError as exc:
                result.fout(expected, f"index {expected}: {exc}")
                record = {}
            leaf = leaf_hash(stored.record)
            if leaf != stored.blad_hash:
                result.fout(expected, f"index {expected}: stored leaf hash does not match the record")
            if record and not _columns_agree(record, stored.columns):
                result.fout(expected, f"index {expected}: query columns differ from the record")
            accumulator.add(leaf)
            leaves += leaf
            expected += 1
            while pending and pending[0].grootte == expected:
                _check_checkpoint(pending.pop(0), accumulator.root(), key, origin, result)
            if voortgang is not None and expected % 10000 == 0:
                next(voortgang, None)
        result.grootte = expected
        result.checkpoints = len(checkpoints)
        if expected != head:
            result.fout(expected, f"the log head says {head} records, {expected} were found in order")
        for checkpoint in pending:
            result.fout(expected, f"checkpoint of size {checkpoint.grootte} is beyond the log's {expected} records")
        if not result.problemen:
            _check_nodes(uow.log, bytes(leaves), expected, result)
    return result


def _columns_agree(record: dict[str, object], columns: tuple[object, ...]) -> bool:
    ident, partner, casus, doel, uitkomst, tijd = columns
    stamp = record_tijd(tijd) if isinstance(tijd, dt.datetime) else None
    return (record.get("id"), record.get("partner"), record.get("casus"), record.get("doel")) == (
        ident,
        partner,
        casus,
        doel,
    ) and (record.get("uitkomst"), record.get("tijd")) == (uitkomst, stamp)


def _check_checkpoint(
    checkpoint: StoredCheckpoint, recomputed: bytes, key: CheckpointVerifier, origin: str, result: Verificatie
) -> None:
    try:
        opened = open_note(checkpoint.notitie, key, origin)
    except CheckpointError as exc:
        result.fout(checkpoint.grootte - 1, f"checkpoint of size {checkpoint.grootte}: {exc}")
        return
    if (opened.size, opened.root) != (checkpoint.grootte, checkpoint.wortel):
        result.fout(checkpoint.grootte - 1, f"checkpoint of size {checkpoint.grootte}: columns differ from its note")
    if opened.root != recomputed:
        result.fout(
            checkpoint.grootte - 1,
            f"checkpoint of size {checkpoint.grootte}: the log's root differs (a record before it was changed)",
        )


def _check_nodes(store: LogStore, leaves: bytes, size: int, result: Verificatie) -> None:
    """Every stored complete node equals the one recomputed from the leaves, level by level (streamed)."""
    level_hashes = [leaves[i : i + 32] for i in range(0, len(leaves), 32)]
    level = 0
    while level_hashes:
        count = 0
        bad: int | None = None
        for position, stored in store.stored_nodes(level):
            if position != count or count >= len(level_hashes) or stored != level_hashes[count]:
                bad = count
                break
            count += 1
        if bad is None and count != len(level_hashes):
            bad = count
        if bad is not None:
            first_leaf = min(bad << level, max(size - 1, 0))
            result.fout(first_leaf, f"stored log node at level {level}, position {bad} is wrong or missing")
            return
        pairs = range(0, len(level_hashes) - 1, 2)
        level_hashes = [node_hash(level_hashes[i], level_hashes[i + 1]) for i in pairs]
        level += 1


@dataclass(frozen=True)
class Insluitingsbewijs:
    index: int
    boomgrootte: int
    blad_hash: bytes
    pad: list[bytes]
    wortel: bytes
    checkpoint: str | None  # the signed checkpoint of exactly this size, when one exists


def insluitingsbewijs(
    services: Services, gebruiker: Gebruiker, index: int, boomgrootte: int | None
) -> Insluitingsbewijs:
    """An inclusion proof of record `index` in the tree of `boomgrootte` (default: the checkpoint covering it,
    else the current tree). A partner gets proofs of its own records only; the FG of any.

    Raises:
        NietGevondenError: no such record (or not the caller's).
        OngeldigeInvoerError: `boomgrootte` does not include the record or exceeds the log.
    """
    with services.uow() as uow:
        leaf = uow.log.leaf(index)
        if leaf is None or (gebruiker.rol != "fg" and leaf[1] != gebruiker.partner_id):
            raise NietGevondenError("no such log record for this partner")
        size = uow.log.size()
        covering = uow.log.checkpoint_covering(index)
        if boomgrootte is None:
            boomgrootte = covering.grootte if covering is not None else size
        if not index < boomgrootte <= size:
            raise OngeldigeInvoerError([("boomgrootte", f"must include the record and be at most {size}")])
        exact = covering is not None and covering.grootte == boomgrootte
        checkpoint = covering if exact else uow.log.checkpoint_at(boomgrootte)
        uow.log.nodes.prefetch([*nodes_for_inclusion_proof(index, boomgrootte), *nodes_for_root(boomgrootte)])
        return Insluitingsbewijs(
            index,
            boomgrootte,
            leaf[0],
            inclusion_proof(uow.log.nodes, index, boomgrootte),
            uow.log.root(boomgrootte),
            checkpoint.notitie if checkpoint is not None else None,
        )


@dataclass(frozen=True)
class Consistentiebewijs:
    van: int
    tot: int
    bewijs: list[bytes]
    wortel_van: bytes
    wortel_tot: bytes


def consistentiebewijs(services: Services, van: int, tot: int) -> Consistentiebewijs:
    """A consistency proof between the trees of sizes `van` <= `tot` (no record content: open to all users).

    Raises:
        OngeldigeInvoerError: sizes out of order or beyond the log.
    """
    with services.uow() as uow:
        size = uow.log.size()
        if not 0 <= van <= tot <= size:
            raise OngeldigeInvoerError([("van", f"need 0 <= van <= tot <= {size}")])
        uow.log.nodes.prefetch([*nodes_for_consistency_proof(van, tot), *nodes_for_root(van), *nodes_for_root(tot)])
        return Consistentiebewijs(
            van, tot, consistency_proof(uow.log.nodes, van, tot), uow.log.root(van), uow.log.root(tot)
        )


def laatste_checkpoint(services: Services) -> StoredCheckpoint:
    """The latest signed checkpoint.

    Raises:
        NietGevondenError: none was signed yet.
    """
    with services.uow() as uow:
        latest = uow.log.latest_checkpoint()
    if latest is None:
        raise NietGevondenError("no checkpoint was signed yet")
    return latest

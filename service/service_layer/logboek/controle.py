"""The verstrekking log as the FG and partners check it: verification, proofs and checkpoints.

The checks themselves are pure (`service.audit.verification`, the proofs of `service.audit`); this module reads
what they need through the log's store factory (`services.log.database`: one consistent snapshot, or autocommit
reads for proofs) and never touches the engine or a database error itself.

Invariants (DESIGN invariant 6):
- `verifieer` trusts nothing stored except the checkpoint key: it recomputes every leaf from the record
  bytes, the tree from the leaves, and checks that indexes run 0..n-1 without gaps, that every stored leaf hash
  and complete subtree node equals the recomputed one (and that no other node is stored), that every
  checkpoint's signature is valid, that its size, root, time and key id columns say what its note says, and that
  its root equals the recomputed root at its size (so every checkpoint is consistent with every other), that no
  checkpoint is larger than the log (truncation), that the query columns agree with their record, and that the
  checkpoints, the head and the records' times keep the signing rule (`SigningRuleCheck`: a checkpoint at least
  every `records` records, one at once after a record dated `seconds` after the latest, none missing at the
  start, and the head less than `records` past the newest), so a removed checkpoint the rule required is
  noticed. It reports the first bad index it can name.
- The signing rule is checked with the settings in force (`services.log.beleid`) unless the caller names the
  rule (`regel`): raising the settings is safe (older gaps were smaller), lowering them makes the history written
  before fail; verify that with `--regel` the largest settings it was written under (still sound: the rule is
  monotone, a log kept under a smaller one keeps a larger one too).
- The leaf is the hash of the stored bytes themselves, so any change to a record shows in its leaf, the tree
  and the checkpoints covering it; the record's canonical form is made when it is written (`audit.record`) and
  needs no re-encoding here. The query columns are compared with the record by the database's own JSON
  functions in one statement, on a second connection while this one recomputes the tree (the database works
  on the other core); where the database cannot read a record as JSON, record by record here instead.
- One consistent snapshot for the tree (`LogDatabase.snapshot`); the column check covers the indexes below the
  head that snapshot read.
- `snelle_controle` checks, in O(log n) and without reading a record: the latest two checkpoints as above against
  the stored nodes, the two consistent by a consistency proof over the stored nodes, and the tail after the newest
  shorter than the signing rule allows (its record times only `verifieer` reads).
- `verifieer_index` (`logboek/indexcontrole.py`, re-exported here) checks the lookup tables derived from the
  records (for access requests and the grondslag filter) row for row against the records they cover, knowing
  the betrokkenen that destruction records forget; `deelpoort audit verify` runs both.
- Proofs are computed from stored nodes and are only useful together with a root the client trusts (a signed
  checkpoint): a client verifies them itself (`docs/proofs.md`), so serving them needs no trust in this code.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from service.adapters.log_store import LogStore, RecordsUnreadableError, StoredCheckpoint
from service.audit import consistency_proof, inclusion_proof, root
from service.audit.merkle import nodes_for_root
from service.audit.proofs import nodes_for_consistency_proof, nodes_for_inclusion_proof
from service.audit.recompute import DEFAULT_BLOCK_LEVEL
from service.audit.record import RecordError, parse
from service.audit.verification import (
    SigningRuleCheck,
    TreeCheck,
    Verificatie,
    check_checkpoint,
    check_consistent,
    check_head,
    columns_agree,
    stored_root,
)
from service.crypto import CheckpointVerifier
from service.domain.casus import Gebruiker
from service.domain.errors import NietGevondenError, OngeldigeInvoerError
from service.service_layer.logboek.indexcontrole import INDEX_BLOK, verifieer_index
from service.service_layer.services import Services

__all__ = [
    "GROOTSTE_POSITIE",
    "INDEX_BLOK",
    "Consistentiebewijs",
    "Insluitingsbewijs",
    "Verificatie",
    "consistentiebewijs",
    "insluitingsbewijs",
    "laatste_checkpoint",
    "met_cosignaturen",
    "snelle_controle",
    "verifieer",
    "verifieer_index",
    "verifier",
]

GROOTSTE_POSITIE = 2**31 - 1  # the log stores positions and sizes as 32-bit integers (PostgreSQL `integer`)


def verifier(services: Services) -> CheckpointVerifier:
    """The checkpoint key's public half (what the FG and partners are given as the log's vkey)."""
    return services.keys.material.signer.verifier


def verifieer(
    services: Services,
    *,
    voortgang: Iterator[None] | None = None,
    block_level: int = DEFAULT_BLOCK_LEVEL,
    regel: tuple[int, int] | None = None,
    wortels_bij: Iterable[int] = (),
) -> Verificatie:
    """Recompute and check the whole log (see the module invariants); `voortgang` is advanced per block, `regel`
    is the signing rule's (records, seconds) when not the settings'.

    `wortels_bij`: sizes (those witnesses cosigned) whose recomputed roots to hand back in `result.wortels`; a
    size beyond the records found is left out.
    """
    result = Verificatie()
    wanted = deque(sorted(set(wortels_bij)))
    database = services.log.database
    with database.snapshot() as snapshot, ThreadPoolExecutor(1, thread_name_prefix="verify-columns") as pool:
        store = snapshot.log
        head_now = store.head()
        head = head_now.grootte
        checkpoints = store.checkpoints()
        tekenregel, gezet = signing_rule(services, regel), [(c.grootte, c.tijd) for c in checkpoints]
        in_database = pool.submit(_database_checks, services, head, tekenregel.windows(gezet, head))
        check_head(
            result, head_now.checkpoint, (checkpoints[-1].grootte, checkpoints[-1].tijd) if checkpoints else None
        )
        boom = TreeCheck(result, block_level)
        pending = deque(c for c in checkpoints if c.grootte > 0)
        key, origin = verifier(services), services.log.beleid.origin
        while _next_block(store, boom):
            while pending and pending[0].grootte <= boom.tree.size:
                checkpoint = pending.popleft()
                check_checkpoint(result, _claims(checkpoint), boom.tree.root(checkpoint.grootte), key, origin)
            while wanted and wanted[0] <= boom.tree.size:
                grootte = wanted.popleft()
                result.wortels[grootte] = boom.tree.root(grootte)
            if voortgang is not None:
                next(voortgang, None)
        size = boom.tree.size
        result.grootte, result.checkpoints = size, len(checkpoints)
        if size != head:
            result.fout(size, f"the log head says {head} records, {size} were found in order")
        for checkpoint in pending:
            result.fout(size, f"checkpoint of size {checkpoint.grootte} is beyond the log's {size} records")
        bad_leaf_node, found, newest = in_database.result()
        tekenregel.check(result, gezet, head, newest)
        bad_columns = _first_column_mismatch_here(store, head, result) if isinstance(found, Exception) else found
        if bad_leaf_node is not None:
            boom.node_at(0, bad_leaf_node)
        if bad_columns is not None:
            result.fout(bad_columns, f"index {bad_columns}: query columns differ from the record")
        # Derived data (stored nodes): only worth naming when the records and the tree are right.
        if not result.problemen and not boom.report_node_problem():
            boom.check_node_counts(store.node_counts())
    return result


def _next_block(store: LogStore, boom: TreeCheck) -> bool:
    """Read and check the next block and compare its recomputed nodes with the stored ones; False when there is
    none (the end, or a gap)."""
    if boom.done:
        return False
    runs = boom.add_block(store.block(boom.tree.size, boom.tree.block_size))
    if runs is None:
        return False
    for run in runs:
        boom.compare(run, store.stored_run(run.level, run.first, len(run.hashes)))
    return True


def signing_rule(services: Services, regel: tuple[int, int] | None = None) -> SigningRuleCheck:
    """The signing rule to check: `regel` (records, seconds), else the settings'."""
    records, seconds = regel or (services.log.beleid.records, services.log.beleid.seconds)
    return SigningRuleCheck(records, seconds)


def _claims(checkpoint: StoredCheckpoint) -> tuple[int, bytes, dt.datetime, str, str]:
    """What a stored checkpoint claims: its size, root, time and key id columns and its signed note."""
    return checkpoint.grootte, checkpoint.wortel, checkpoint.tijd, checkpoint.sleutel_id, checkpoint.notitie


def snelle_controle(services: Services) -> Verificatie:
    """What can be checked in O(log n) (and the unsigned tail), for every view of the FG's integrity page: the
    latest two signed checkpoints' signatures and notes, that the stored nodes give their roots at their sizes and
    a consistency proof between them, a root at the head's size, that the head names the latest as the latest,
    and that the tail after it is shorter than the signing rule allows (fewer than `records` records).

    Not a verification of the records: a changed record shows only in `verifieer`, which recomputes its leaf (the
    nodes checked here are the stored ones). It does catch a removed or forged latest checkpoint, a log cut back
    below it, a tail longer than the rule allows, and a changed or missing node on the path to either root.
    """
    result = Verificatie()
    with services.log.database.snapshot() as snapshot:
        store = snapshot.log
        head_now = store.head()
        head, latest_two = head_now.grootte, store.latest_checkpoints(2)
        latest = latest_two[-1] if latest_two else None
        result.grootte, result.checkpoints = head, len(latest_two)
        check_head(result, head_now.checkpoint, None if latest is None else (latest.grootte, latest.tijd))
        if latest is not None and latest.grootte > head:
            result.fout(head, f"checkpoint of size {latest.grootte} is beyond the log's {head} records")
        else:
            for checkpoint in latest_two:
                recomputed = _stored_root(store, checkpoint.grootte, result)
                if recomputed is not None:
                    key, origin = verifier(services), services.log.beleid.origin
                    check_checkpoint(result, _claims(checkpoint), recomputed, key, origin)
            if len(latest_two) == 2:
                older, newer = ((c.grootte, c.wortel) for c in latest_two)
                store.nodes.prefetch(nodes_for_consistency_proof(older[0], newer[0]))
                check_consistent(result, older, newer, store.nodes)
            # The tail's size only: its record times would be a read of the records table (`verifieer` does it).
            gezet = [] if latest is None else [(latest.grootte, latest.tijd)]
            signing_rule(services).check(result, gezet, head, [None] * len(gezet), from_start=False)
        _stored_root(store, head, result)
    return result


def _stored_root(store: LogStore, size: int, result: Verificatie) -> bytes | None:
    store.nodes.prefetch(nodes_for_root(size))
    return stored_root(result, store.nodes, size)


def _database_checks(
    services: Services, size: int, windows: list[tuple[int, int]]
) -> tuple[int | None, int | RecordsUnreadableError | None, list[dt.datetime | None]]:
    """On a connection of its own, beside the tree pass: the first index whose level-0 node differs from its
    stored leaf hash, the first whose query columns differ from its record (or the error if the database cannot
    read the records as JSON), and the latest record time in each of the signing rule's `windows` (from the time
    columns: the column check tells when one is not its record's)."""
    with services.log.database.snapshot() as snapshot:
        leaf_node = snapshot.log.first_leaf_node_mismatch(size)
        newest = snapshot.log.newest_times(windows)
        try:
            return leaf_node, snapshot.log.first_column_mismatch(size), newest
        except RecordsUnreadableError as exc:
            return leaf_node, exc, newest


def _first_column_mismatch_here(store: LogStore, size: int, result: Verificatie) -> int | None:
    """Record by record in Python: for logs the database's JSON functions cannot read (it stops at the first)."""
    for stored in store.records():
        if stored.log_index >= size:
            break
        try:
            record = parse(stored.record)
        except RecordError as exc:
            result.fout(stored.log_index, f"index {stored.log_index}: {exc}")
            return None
        if not columns_agree(record, stored.columns):
            return stored.log_index
    return None


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
    if not 0 <= index < GROOTSTE_POSITIE:
        raise NietGevondenError("no such log record for this partner")
    if boomgrootte is not None and boomgrootte > GROOTSTE_POSITIE:  # beyond any log; the columns are 32-bit
        raise OngeldigeInvoerError([("boomgrootte", "must include the record and be at most the log's size")])
    asked = boomgrootte
    if asked is None and services.getuigen is not None:
        with services.uow() as uow:  # with witnesses: the first cosigned checkpoint covering it, if any
            asked = uow.getuigen.eerste_gecosigneerde(index)
        boomgrootte = asked
    with services.log.database.proof_reader() as log:
        # With the size given (as a partner checking against a checkpoint does) the nodes are known up front and
        # come with the basis: one round trip on PostgreSQL.
        known = _proof_nodes(index, asked) if asked is not None and 0 <= index < asked else []
        basis = log.proof_basis(index, asked, known)
        leaf, size, covering = basis.leaf, basis.size, basis.covering
        if leaf is None or (gebruiker.rol != "fg" and leaf[1] != gebruiker.partner_id):
            raise NietGevondenError("no such log record for this partner")
        if boomgrootte is None:
            boomgrootte = covering.grootte if covering is not None else size
        if not index < boomgrootte <= size:
            raise OngeldigeInvoerError([("boomgrootte", f"must include the record and be at most {size}")])
        # Unasked, the size is the covering checkpoint's (or, with none covering, the log's: no checkpoint has it).
        checkpoint = basis.exact if asked is not None else covering
        log.nodes.prefetch(known or _proof_nodes(index, boomgrootte))  # PostgreSQL: `known` came with the basis
        return Insluitingsbewijs(
            index,
            boomgrootte,
            leaf[0],
            inclusion_proof(log.nodes, index, boomgrootte),
            root(log.nodes, boomgrootte),
            met_cosignaturen(services, checkpoint) if checkpoint is not None else None,
        )


def met_cosignaturen(services: Services, checkpoint: StoredCheckpoint) -> str:
    """A checkpoint's signed note with the witnesses' cosignature lines appended (still one valid signed note:
    a verifier of the log's key ignores lines of other keys; a verifier of a witness's key checks its line)."""
    if services.getuigen is None:
        return checkpoint.notitie
    with services.uow() as uow:
        lines = [c.regel for c in uow.getuigen.cosignaturen(checkpoint.grootte)]
    return checkpoint.notitie + "".join(lines)


def _proof_nodes(index: int, size: int) -> list[tuple[int, int]]:
    """The stored nodes an inclusion proof of `index` in the tree of `size` and that tree's root are made of."""
    return [*nodes_for_inclusion_proof(index, size), *nodes_for_root(size)]


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
    with services.log.database.proof_reader() as log:
        size = log.size()
        if not 0 <= van <= tot <= size:
            raise OngeldigeInvoerError([("van", f"need 0 <= van <= tot <= {size}")])
        log.nodes.prefetch([*nodes_for_consistency_proof(van, tot), *nodes_for_root(van), *nodes_for_root(tot)])
        return Consistentiebewijs(
            van, tot, consistency_proof(log.nodes, van, tot), root(log.nodes, van), root(log.nodes, tot)
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

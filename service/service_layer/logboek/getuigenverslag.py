"""The log checked against its witnesses: what each witness itself says it cosigned, and whether this database's
log is consistent with it (issue 20, item 3). Used by `deelpoort audit verify --getuigen` (against the fully
recomputed tree) and by the FG's integrity page (against the stored nodes, in O(log n) per witness).

Invariants:
- Only a witness's own answer counts: its latest cosigned checkpoint for this log's origin, accepted when the
  log's checkpoint key signed it and the witness's configured key cosigned it. Nothing stored in this database
  about witnesses is trusted here.
- A witness's checkpoint of size N proves this log wrong (`alarm`) when the log holds fewer than N records
  (truncated, or restored from an older backup) or its root at N is not the cosigned root (rewritten or forked);
  two witnesses that cosigned different roots at one size are a split view, an alarm on both.
- An unreachable witness, one that cosigned nothing yet, or one whose answer does not verify is a problem but not
  an alarm about the history; `getuigd` says whether enough witnesses (the quorum) vouch for the log as it is.
- Problem texts name sizes and witness names, never record content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from service.adapters.getuigen_http import GetuigeOnbereikbaarError
from service.audit import root
from service.audit.checkpoint import Checkpoint, CheckpointError, open_checkpoint
from service.audit.cosignature import CosignatureError, cosignatures
from service.audit.merkle import nodes_for_root
from service.domain.getuigen import Getuigenverslag
from service.service_layer.logboek.controle import verifier
from service.service_layer.logboek.getuigen_inrichting import Getuige, GetuigenDienst
from service.service_layer.services import Services


@dataclass(frozen=True, slots=True)
class Gecosigneerd:
    """A witness's answer once verified: the checkpoint and the time its cosignature states."""

    checkpoint: Checkpoint
    op: dt.datetime


@dataclass(frozen=True, slots=True)
class Getuigenoordeel:
    """Every witness's verslag, and whether the log counts as witnessed: at least the quorum of witnesses in order
    and no alarm."""

    verslagen: tuple[Getuigenverslag, ...]
    quorum: int

    @property
    def alarm(self) -> bool:
        return any(v.alarm for v in self.verslagen)

    @property
    def getuigd(self) -> bool:
        return not self.alarm and sum(v.in_orde for v in self.verslagen) >= self.quorum


def vraag_getuigen(services: Services, dienst: GetuigenDienst) -> list[tuple[Getuige, Gecosigneerd | str]]:
    """Ask every witness (in parallel) for its latest cosigned checkpoint of this log; per witness the verified
    answer, or why there is none."""
    key, origin = verifier(services), services.log.beleid.origin

    def vraag(getuige: Getuige) -> tuple[Getuige, Gecosigneerd | str]:
        try:
            antwoord = dienst.client.checkpoint(getuige.url, origin)
        except GetuigeOnbereikbaarError as exc:
            return getuige, f"unreachable: {exc}"
        if antwoord.status == 404:
            return getuige, "it has cosigned no checkpoint of this log"
        if antwoord.status != 200:
            return getuige, f"it answered HTTP {antwoord.status}"
        try:
            checkpoint = open_checkpoint(antwoord.tekst, key, origin)
            stamps = cosignatures(antwoord.tekst, getuige.verifier)
        except (CheckpointError, CosignatureError) as exc:
            return getuige, f"its answer does not verify ({exc})"
        if not stamps:
            return getuige, "its answer carries no cosignature of its key"
        return getuige, Gecosigneerd(checkpoint, dt.datetime.fromtimestamp(max(stamps), dt.UTC))

    with ThreadPoolExecutor(len(dienst.inrichting.getuigen), thread_name_prefix="getuige") as pool:
        return list(pool.map(vraag, dienst.inrichting.getuigen))


def beoordeel(
    antwoorden: list[tuple[Getuige, Gecosigneerd | str]],
    grootte: int,
    wortel_bij: Callable[[int], bytes | None],
    quorum: int,
) -> Getuigenoordeel:
    """Judge the witnesses' answers against this log of `grootte` records whose root at a size `wortel_bij` gives
    (None: it cannot, e.g. beyond the log)."""
    split = _split_views(antwoorden)
    verslagen = []
    for getuige, antwoord in antwoorden:
        if isinstance(antwoord, str):
            verslagen.append(Getuigenverslag(getuige.naam, getuige.url, problemen=(antwoord,)))
            continue
        checkpoint = antwoord.checkpoint
        problemen: list[str] = []
        if checkpoint.size > grootte:
            problemen.append(
                f"it cosigned {checkpoint.size} records, this log holds {grootte}: "
                "records were removed, or the database was restored from an older backup"
            )
        elif wortel_bij(checkpoint.size) != checkpoint.root:
            problemen.append(
                f"this log's root at size {checkpoint.size} is not the root it cosigned: the history was rewritten"
            )
        problemen.extend(split.get(getuige.naam, ()))
        verslagen.append(
            Getuigenverslag(
                getuige.naam,
                getuige.url,
                checkpoint.size,
                antwoord.op,
                max(grootte - checkpoint.size, 0),
                tuple(problemen),
                alarm=bool(problemen),
            )
        )
    return Getuigenoordeel(tuple(verslagen), quorum)


def _split_views(antwoorden: list[tuple[Getuige, Gecosigneerd | str]]) -> Mapping[str, list[str]]:
    """Witnesses that cosigned different roots at one size: each is told which other disagrees."""
    found: dict[str, list[str]] = {}
    verified = [(g, a.checkpoint) for g, a in antwoorden if not isinstance(a, str)]
    for getuige, checkpoint in verified:
        for other, theirs in verified:
            if other is not getuige and theirs.size == checkpoint.size and theirs.root != checkpoint.root:
                found.setdefault(getuige.naam, []).append(
                    f"split view: {other.naam} cosigned another root at size {checkpoint.size}"
                )
    return found


def snel_oordeel(services: Services) -> Getuigenoordeel | None:
    """The witnesses judged against the stored nodes (the FG's integrity page); None when none are set up."""
    dienst = services.getuigen
    if dienst is None:
        return None
    antwoorden = vraag_getuigen(services, dienst)
    sizes = [a.checkpoint.size for _, a in antwoorden if not isinstance(a, str)]
    with services.log.database.proof_reader() as reader:
        grootte = reader.size()
        reader.nodes.prefetch([node for size in sizes if size <= grootte for node in nodes_for_root(size)])
        roots: dict[int, bytes | None] = {}
        for size in sizes:
            try:
                roots[size] = root(reader.nodes, size) if size <= grootte else None
            except LookupError:
                roots[size] = None
    return beoordeel(antwoorden, grootte, roots.get, dienst.inrichting.quorum)

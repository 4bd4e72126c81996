"""The witness's (getuige's) decision on an `add-checkpoint` request (C2SP tlog-witness): pure, no I/O.

A witness keeps, per log origin, the latest checkpoint it cosigned (`Stand`: size and root). Deciding on a
request happens in two steps, so that signatures are checked before the caller takes its storage lock:

1. `lees_inzending` reads the body and the checkpoint note and checks the log's signature. It needs only the
   configured logs (origin -> the log's checkpoint verifier keys).
2. `beslis` compares the submission with the stored state, checks the consistency proof and cosigns. The
   caller runs it while holding the lock under which it reads the stored state and writes the new one.

Both return values and never raise for any request: a `Weigering` (refusal, with its `Reden`) or the next step's
value (the values are `service.domain.getuige`'s; each `Reden` is one of the protocol's HTTP statuses).

Invariants:
- A checkpoint is cosigned only when a signature of a configured key of its origin verifies over the exact
  note text (extension lines included) and no line of that key fails; lines of other keys are ignored.
- Never a rollback: the request's old size must equal the stored size (0 when nothing was cosigned), the old
  size is at most the checkpoint's size, and the RFC 9162 consistency proof from the stored root to the new root
  must verify (with old size 0: an empty proof; with equal sizes: an empty proof and the same root). So a
  checkpoint smaller than the stored one is refused, and so is any fork.
- The cosignature covers the tlog-cosignature v1 message of the exact note text, at the given time.
- `Weigering.bewijs` is true exactly for refusals of a validly signed checkpoint that contradicts the stored
  one (an inconsistent proof, or the stored size with another root, whatever its old size): evidence of log
  misbehaviour worth keeping.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.audit.checkpoint import SIGNATURE_PREFIX, CheckpointError, split_note, tree_head, verified_text
from service.audit.cosignature import WitnessProtocolError, cosignature_line, parse_add_checkpoint
from service.audit.merkle import EMPTY_ROOT
from service.audit.proofs import verify_consistency
from service.crypto import CheckpointVerifier
from service.crypto.cosigning import Cosigner
from service.domain.getuige import Reden, Stand, Weigering


@dataclass(frozen=True, slots=True)
class Inzending:
    """A validly signed `add-checkpoint` request of a configured log.

    Attributes:
        origin, grootte, wortel: The checkpoint's tree head.
        tekst: The checkpoint's note text (every line, extension lines included, each ending in LF).
        handtekeningen: The log's own signature lines that verified, re-encoded (``— name base64`` + LF);
            lines of other keys are left out.
        oude_grootte, bewijs: The request's old size and consistency proof.
        notitie: The signed note exactly as received (kept as evidence when refused).
    """

    origin: str
    grootte: int
    wortel: bytes
    tekst: str
    handtekeningen: tuple[str, ...]
    oude_grootte: int
    bewijs: tuple[bytes, ...]
    notitie: str

    @property
    def ondertekend(self) -> str:
        """The checkpoint as the log signed it: note text, blank line, the log's signature lines."""
        return self.tekst + "\n" + "".join(self.handtekeningen)


@dataclass(frozen=True, slots=True)
class Cosignering:
    """An accepted request: the new state to store and the cosignature line to answer with.

    Attributes:
        stand: The new latest cosigned checkpoint's size and root.
        regel: The witness's cosignature line (``— name base64`` + LF).
        tijdstip: The cosignature's timestamp (POSIX seconds).
        inzending: What was cosigned.
    """

    stand: Stand
    regel: str
    tijdstip: int
    inzending: Inzending

    @property
    def notitie(self) -> str:
        """The cosigned checkpoint as a complete signed note: the log's note and lines, then the cosignature."""
        return self.inzending.ondertekend + self.regel


def lees_inzending(body: bytes, logs: Mapping[str, Sequence[CheckpointVerifier]]) -> Inzending | Weigering:
    """Read an `add-checkpoint` body and check the checkpoint's signature against the configured logs.

    Args:
        body: The request body as received.
        logs: Per origin, the log's checkpoint verifier keys the witness trusts.

    Returns:
        The submission, or a refusal: `ONGELDIG` (malformed body or note, old size > checkpoint size),
        `ONBEKENDE_LOG` (origin not configured) or `NIET_ONDERTEKEND` (no valid signature of a configured key).
    """
    try:
        verzoek = parse_add_checkpoint(body)
        tekst, regels = split_note(verzoek.note)
        origin, grootte, wortel = tree_head(tekst)
    except (WitnessProtocolError, CheckpointError) as exc:
        return Weigering(Reden.ONGELDIG, str(exc))
    sleutels = logs.get(origin)
    if not sleutels:
        return Weigering(Reden.ONBEKENDE_LOG, "unknown log origin")
    geldig = [sleutel for sleutel in sleutels if _ondertekend_door(verzoek.note, sleutel)]
    if not geldig:
        return Weigering(Reden.NIET_ONDERTEKEND, "no valid signature of a trusted log key")
    if verzoek.old_size > grootte:
        return Weigering(Reden.ONGELDIG, "old size is larger than the checkpoint size")
    handtekeningen = tuple(
        f"{SIGNATURE_PREFIX}{naam} {base64.b64encode(handtekening).decode('ascii')}\n"
        for naam, handtekening in regels
        if any(naam == sleutel.name and handtekening[:4] == sleutel.key_hash for sleutel in geldig)
    )
    return Inzending(origin, grootte, wortel, tekst, handtekeningen, verzoek.old_size, verzoek.proof, verzoek.note)


def beslis(inzending: Inzending, opgeslagen: Stand | None, cosigner: Cosigner, nu: int) -> Cosignering | Weigering:
    """Decide on a validly signed submission against the stored state, and cosign it at `nu` when it passes.

    Args:
        inzending: From `lees_inzending`.
        opgeslagen: The latest checkpoint the witness cosigned for the origin, None when none.
        cosigner: The witness's key.
        nu: The cosignature's timestamp, POSIX seconds (0 <= nu < 2**63).

    Returns:
        A `Cosignering`, or a refusal: `ANDERE_OUDE_GROOTTE` (old size is not the stored size; carries the stored
        size), `INCONSISTENT` (the proof does not verify) or `ANDERE_WORTEL` (same size, other root).

    Raises:
        ValueError: `nu` is out of range (the caller's clock, never the request).
    """
    stand = opgeslagen or Stand(0, EMPTY_ROOT)
    tegenspraak = opgeslagen is not None and inzending.grootte == stand.grootte and inzending.wortel != stand.wortel
    if inzending.oude_grootte != stand.grootte:
        # A signed tree head of the stored size with another root is a fork, whatever old size came with it.
        return Weigering(Reden.ANDERE_OUDE_GROOTTE, "old size is not the witness's size", stand.grootte, tegenspraak)
    if tegenspraak:
        return Weigering(Reden.ANDERE_WORTEL, "same size as the cosigned checkpoint, another root", bewijs=True)
    if not verify_consistency(stand.grootte, inzending.grootte, stand.wortel, inzending.wortel, inzending.bewijs):
        return Weigering(Reden.INCONSISTENT, "the consistency proof does not verify", bewijs=opgeslagen is not None)
    regel = cosignature_line(cosigner, inzending.tekst, nu)
    return Cosignering(Stand(inzending.grootte, inzending.wortel), regel, nu, inzending)


def _ondertekend_door(notitie: str, sleutel: CheckpointVerifier) -> bool:
    try:
        verified_text(notitie, sleutel)
    except CheckpointError:
        return False
    return True

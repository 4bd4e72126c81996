"""A witness (getuige) of the verstrekking log, in domain terms: what it holds per log and how it answers a
checkpoint submitted to it (C2SP tlog-witness). The decision itself is `service.audit.getuige`'s.

Invariants:
- Each `Reden` is exactly one of the protocol's refusals, so an entry point maps it to one HTTP status.
- Values only: no key material, nothing about persons (a checkpoint names a log, a size and a root).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Reden(enum.Enum):
    """Why a witness refuses an `add-checkpoint` request (the tlog-witness status in brackets)."""

    ONGELDIG = "ongeldig"  # the body or note is malformed, or old size > checkpoint size (400)
    NIET_ONDERTEKEND = "niet ondertekend"  # no valid signature of a configured key of the origin (403)
    ONBEKENDE_LOG = "onbekende log"  # the checkpoint's origin is not a configured log (404)
    ANDERE_OUDE_GROOTTE = "andere oude grootte"  # old size is not the witness's size (409, body: its size)
    ANDERE_WORTEL = "andere wortel"  # the witness's size, another root (409)
    INCONSISTENT = "inconsistent"  # the consistency proof does not verify (422)


@dataclass(frozen=True, slots=True)
class Stand:
    """What a witness holds for a log: the size and root of the latest checkpoint it cosigned."""

    grootte: int
    wortel: bytes


@dataclass(frozen=True, slots=True)
class Weigering:
    """A refusal: the reason, a short message (no key material), the witness's size for `ANDERE_OUDE_GROOTTE`,
    and whether the request is evidence of log misbehaviour (a validly signed checkpoint that contradicts the
    cosigned one)."""

    reden: Reden
    bericht: str
    opgeslagen_grootte: int | None = None
    bewijs: bool = False


@dataclass(frozen=True, slots=True)
class Gecosigneerd:
    """An accepted checkpoint: the witness's cosignature line(s) (each ``— name base64`` + LF) and its new state."""

    regels: str
    stand: Stand

"""The participants' side of the routeeroverleg: their shared key and the pseudonym each computes locally.

This runs on a participant's machine (`deelpoort routeeroverleg sleutel|pseudoniem`), never inside the
service: the service neither holds the key nor sees a BSN or name (DESIGN invariant 7). The pseudonym's
definition and test vectors are in docs/routeeroverleg.md and `service.crypto.routeeroverleg`.

Invariants:
- Nothing here stores, sends or logs anything; it needs no `Services`.
- A key is at least `SLEUTEL_MIN_BYTES` bytes; error messages never repeat an input (it is personal data).
"""

from __future__ import annotations

from typing import Final

from service.crypto import nieuwe_routeersleutel, routeer_pseudoniem
from service.crypto.routeeroverleg import SLEUTEL_MIN_BYTES as _MIN_BYTES

SLEUTEL_MIN_BYTES: Final = _MIN_BYTES
"""The shortest shared key accepted, in bytes."""

SOORTEN = ("bsn", "naam")
"""What a line of input holds: "bsn" one BSN; "naam" 'naam;YYYY-MM-DD'."""


def nieuwe_sleutel() -> bytes:
    """A fresh random key of `SLEUTEL_MIN_BYTES` bytes for the participants to share (never with Deelpoort)."""
    return nieuwe_routeersleutel()


def pseudoniem_van_regel(sleutel: bytes, soort: str, regel: str) -> str:
    """The pseudonym of the person on one input line: a BSN (`soort` "bsn") or 'naam;YYYY-MM-DD' ("naam").

    Raises:
        ValueError: the key is too short, `soort` is unknown, or the line does not normalise (the message never
            repeats the line).
    """
    if soort == "bsn":
        return routeer_pseudoniem(sleutel, bsn=regel)
    if soort == "naam":
        naam, _, datum = regel.rpartition(";")
        return routeer_pseudoniem(sleutel, naam=naam, geboortedatum=datum)
    raise ValueError(f"soort is one of {', '.join(SOORTEN)}")

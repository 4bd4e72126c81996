"""The routeeroverleg pseudonym: a keyed HMAC-SHA256 that participants compute before sending a signal.

The participants of the routeeroverleg share a key that Deelpoort never holds (DESIGN invariant 7). Each
computes the pseudonym of a person locally and sends only that; the service sees equal pseudonyms for the
same person and nothing else. This module is the client helper (`deelpoort routeeroverleg pseudoniem`); the
service itself only checks the pseudonym's shape.

The message (documented in docs/routeeroverleg.md, with test vectors in tests/routeeroverleg/vectors.json):
- with a BSN: ``b"routeeroverleg/v1/bsn:" + digits``, where digits are the nine ASCII digits left after
  removing spaces, dots and tabs;
- without one: ``b"routeeroverleg/v1/naam:" + naam + b"|" + geboortedatum``, where naam is the full name
  decomposed (Unicode NFKD), stripped of combining marks, case-folded, keeping only letters (`str.isalpha`),
  UTF-8 encoded; and geboortedatum is ISO 8601 ``YYYY-MM-DD``.
The pseudonym is the lower-case hex of HMAC-SHA256(key, message): 64 characters.

Invariants:
- The key is at least 32 bytes; error messages never repeat an input (it is personal data).
- A BSN pseudonym and a name pseudonym never collide by construction (distinct prefixes).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
import unicodedata

from service.crypto.blind_index import normalise_bsn

SLEUTEL_MIN_BYTES = 32
_BSN = b"routeeroverleg/v1/bsn:"
_NAAM = b"routeeroverleg/v1/naam:"


def normaliseer_naam(naam: str) -> str:
    """A name as the pseudonym hashes it: NFKD, no combining marks, case-folded, letters only.

    "Émile  van der Berg-Ölçer" becomes "emilevanderbergolcer".

    Raises:
        ValueError: no letter remains.
    """
    decomposed = unicodedata.normalize("NFKD", naam)
    folded = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    letters = "".join(ch for ch in folded if ch.isalpha())
    if not letters:
        raise ValueError("a name needs at least one letter")
    return letters


def normaliseer_geboortedatum(geboortedatum: dt.date | str) -> str:
    """A birth date as ISO 8601 ``YYYY-MM-DD``.

    Raises:
        ValueError: not a date in that form.
    """
    if isinstance(geboortedatum, dt.date):
        return geboortedatum.isoformat()
    try:
        return dt.date.fromisoformat(geboortedatum.strip()).isoformat()
    except ValueError:
        raise ValueError("a birth date is written YYYY-MM-DD") from None


def nieuwe_routeersleutel() -> bytes:
    """A fresh 32-byte key for the participants to share (the service never receives it)."""
    return secrets.token_bytes(SLEUTEL_MIN_BYTES)


def routeer_pseudoniem(
    sleutel: bytes,
    *,
    bsn: str | None = None,
    naam: str | None = None,
    geboortedatum: dt.date | str | None = None,
) -> str:
    """The pseudonym of a person: from the BSN, or (without one) from name and birth date.

    Raises:
        ValueError: the key is shorter than 32 bytes; both or neither of BSN and name are given; a name
            without a birth date; or an input that does not normalise (the message never repeats it).
    """
    if len(sleutel) < SLEUTEL_MIN_BYTES:
        raise ValueError(f"the routeeroverleg key is at least {SLEUTEL_MIN_BYTES} bytes")
    if (bsn is None) == (naam is None):
        raise ValueError("give either a BSN or a name with birth date")
    if bsn is not None:
        message = _BSN + normalise_bsn(bsn).encode("ascii")
    else:
        if geboortedatum is None:
            raise ValueError("a name pseudonym needs the birth date too")
        assert naam is not None  # noqa: S101 - checked above
        message = _NAAM + normaliseer_naam(naam).encode() + b"|" + normaliseer_geboortedatum(geboortedatum).encode()
    return hmac.new(sleutel, message, hashlib.sha256).hexdigest()

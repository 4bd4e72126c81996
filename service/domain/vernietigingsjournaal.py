"""The destruction journal's lines: what each holds and how they are chained (pure: no file, no clock).

The journal (`DEELPOORT_VERNIETIGINGSJOURNAAL`) is an append-only file outside the database with one JSON line
per destruction, so that a restore from a backup can re-apply every destruction made since (docs/backup.md).

Invariants:
- A line holds no personal data: the casus id, its casustype (which names the regime), the time, the reason
  (a `Vernietigingsreden`), the log index of its `vernietiging` record, and for a re-application after a restore
  the log index of the record it re-applies. Never a betrokkene id, a BSN or a value.
- Lines are hash-chained: each names the SHA-256 of the previous line (`vorige`; the first names `GENESIS`) and
  carries its own hash over its canonical JSON without `hash`, and its position `n` (0, 1, ...). A line removed,
  inserted, reordered or altered anywhere but at the very end breaks the chain (`lees`).
- What the chain cannot show: lines cut off at the end, or a whole file rewritten by someone who may write it
  (the hash is not keyed). Such a change can only make a restore re-apply fewer destructions than were made;
  the log, whose checkpoints are signed and cosigned, still holds their records (docs/backup.md).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

GENESIS = "0" * 64
FORMAAT = 1
_DOMEIN = b"deelpoort-vernietigingsjournaal-v1\n"
_SLEUTELS = frozenset({"formaat", "n", "vorige", "hash", "casus", "casustype", "tijd", "reden", "log_index"})
_OPTIONEEL = frozenset({"herhaalt"})


@dataclass(frozen=True, slots=True)
class Journaalvernietiging:
    """One destruction as the journal records it (ids, codes, a time and log indexes only)."""

    casus: str
    casustype: str  # regulier or cter: the regime's casustype
    tijd: str  # ISO 8601, UTC
    reden: str  # a `Vernietigingsreden` value
    log_index: int  # of its `vernietiging` record in the log
    herhaalt: int | None = None  # a re-application after a restore: the log index of the record it re-applies

    def inhoud(self) -> dict[str, object]:
        data: dict[str, object] = {
            "casus": self.casus,
            "casustype": self.casustype,
            "tijd": self.tijd,
            "reden": self.reden,
            "log_index": self.log_index,
        }
        if self.herhaalt is not None:
            data["herhaalt"] = self.herhaalt
        return data


def _canoniek(data: dict[str, object]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def regelhash(data: dict[str, object]) -> str:
    """The hash a line carries: SHA-256 over the domain prefix and its canonical JSON without `hash`."""
    zonder = {k: v for k, v in data.items() if k != "hash"}
    return hashlib.sha256(_DOMEIN + _canoniek(zonder)).hexdigest()


def regel(vernietiging: Journaalvernietiging, n: int, vorige: str) -> tuple[bytes, str]:
    """The line (without its newline) that records `vernietiging` at position `n` after the line hashed
    `vorige`, and its own hash (the next line's `vorige`)."""
    data: dict[str, object] = {"formaat": FORMAAT, "n": n, "vorige": vorige, **vernietiging.inhoud()}
    eigen = regelhash(data)
    data["hash"] = eigen
    return _canoniek(data), eigen


@dataclass(slots=True)
class Journaal:
    """A journal as read and checked: its destructions in order, or why it is not intact."""

    vernietigingen: list[Journaalvernietiging] = field(default_factory=list)
    laatste_hash: str = GENESIS
    problemen: list[str] = field(default_factory=list)  # each names the line number (1-based) it is about
    afgebroken: bool = False  # the file ended in an incomplete line (a crash during a write), which was ignored

    @property
    def intact(self) -> bool:
        return not self.problemen

    @property
    def volgende(self) -> int:
        """The position `n` of the next line."""
        return len(self.vernietigingen)


def lees(regels: Sequence[bytes], *, afgebroken: bool = False) -> Journaal:
    """Check the chain of complete lines `regels` (without newlines) and return what they record.

    Never raises: a malformed line, a wrong hash, a broken link or position is a problem of the result, and the
    lines after the first such problem are not trusted (not returned as destructions).
    """
    journaal = Journaal(afgebroken=afgebroken)
    for nummer, ruw in enumerate(regels, start=1):
        probleem, vernietiging, eigen = _lees_regel(ruw, journaal.volgende, journaal.laatste_hash)
        if probleem is not None:
            journaal.problemen.append(f"line {nummer}: {probleem}")
            return journaal
        assert vernietiging is not None  # noqa: S101 - no problem means a line was read
        journaal.vernietigingen.append(vernietiging)
        journaal.laatste_hash = eigen
    return journaal


def _lees_regel(ruw: bytes, n: int, vorige: str) -> tuple[str | None, Journaalvernietiging | None, str]:
    try:
        data = json.loads(ruw)
    except ValueError:
        return "not JSON", None, vorige
    if not isinstance(data, dict) or not data.keys() >= _SLEUTELS or not data.keys() <= _SLEUTELS | _OPTIONEEL:
        return "not a journal line (its keys differ)", None, vorige
    if data["formaat"] != FORMAAT:
        return f"unknown formaat {data['formaat']!r}", None, vorige
    if _canoniek(data) != ruw:
        return "not in canonical form (altered)", None, vorige
    if data["hash"] != regelhash(data):
        return "its hash does not match its content (altered)", None, vorige
    if data["vorige"] != vorige:
        return "does not follow the line before it (a line was removed, inserted or reordered)", None, vorige
    if data["n"] != n:
        return f"is at position {n}, but says {data['n']}", None, vorige
    velden = (data["casus"], data["casustype"], data["tijd"], data["reden"])
    herhaalt = data.get("herhaalt")
    if not all(isinstance(v, str) for v in velden) or not isinstance(data["log_index"], int):
        return "a value has the wrong type", None, vorige
    if herhaalt is not None and not isinstance(herhaalt, int):
        return "a value has the wrong type", None, vorige
    casus, casustype, tijd, reden = velden
    return None, Journaalvernietiging(casus, casustype, tijd, reden, data["log_index"], herhaalt), data["hash"]

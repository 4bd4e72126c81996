"""The routeeroverleg: pseudonymous signals, the matches between them, and the overleg's besluit.

Invariants (DESIGN invariant 7):
- A signal holds a pseudonym (an HMAC the participants compute under a key the service never holds), a
  risk indication from the fixed scale, a contact point (a telephone number or a functional email address)
  and a signal date. Nothing else: there is no place for a name, BSN, address or narrative, and input that
  looks like one is refused with the field named and the value never repeated.
- A match exists for a pseudonym when signals of two or more different participants share it within the
  window; it is visible to exactly the participants that have a signal in it.
- Times are timezone-aware UTC; ids are opaque (`casus.new_id`).
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from service.domain.veldwaarde import elfproef

VELDEN = ("risicoIndicatie", "contactpunt")  # the only velden a participant ever receives about a match
SIGNAAL_SLEUTELS = ("pseudoniem", "risicoIndicatie", "contactpunt", "signaaldatum")
MAX_CONTACTPUNT = 200
MAX_TOELICHTING = 2000

_PSEUDONIEM = re.compile(r"[0-9a-f]{64}")
_SAFE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9]{0,39}")
_DIGIT_RUN = re.compile(r"[0-9](?:[ .\-]?[0-9])+")
_TELEFOON = re.compile(r"\+?[0-9][0-9 \-]{8,18}[0-9]")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9\-]{1,63}(\.[A-Za-z0-9\-]{1,63})*\.[A-Za-z]{2,24}")


class Route(enum.StrEnum):
    """The routes the overleg can choose."""

    VEILIG_THUIS_ONDERZOEK = "veilig-thuis-onderzoek"
    OGGZ = "oggz"
    ZVH_PROCESREGIE = "zvh-procesregie"
    LOKAAL_VELD = "lokaal-veld"


@dataclass(frozen=True, slots=True)
class RouteerInstellingen:
    """How long a signal may wait for another (`venster_dagen`) and how long signals and closed matches are
    kept (`bewaartermijn_weken`, from the signal date or the besluit)."""

    venster_dagen: int = 28
    bewaartermijn_weken: int = 6

    def __post_init__(self) -> None:
        if self.venster_dagen <= 0 or self.bewaartermijn_weken <= 0:
            raise ValueError("the routeeroverleg window and bewaartermijn are positive")
        if self.bewaartermijn_weken * 7 < self.venster_dagen:
            raise ValueError("the routeeroverleg bewaartermijn must be at least as long as the window")

    @property
    def venster(self) -> dt.timedelta:
        return dt.timedelta(days=self.venster_dagen)

    @property
    def bewaartermijn(self) -> dt.timedelta:
        return dt.timedelta(weeks=self.bewaartermijn_weken)


@dataclass(frozen=True, slots=True)
class SignaalInvoer:
    """A validated signal as a participant sent it."""

    pseudoniem: str
    risico_indicatie: str
    contactpunt: str
    signaaldatum: dt.date


@dataclass(frozen=True, slots=True)
class Signaal:
    id: str
    partner_id: str
    pseudoniem: str
    risico_indicatie: str
    contactpunt: str
    signaaldatum: dt.date
    ontvangen_op: dt.datetime
    match_id: str | None = None


@dataclass(frozen=True, slots=True)
class Besluit:
    """The overleg's decision on a match: the route, who holds regie, on what grondslag, and why."""

    route: Route
    regie: str  # a partner id
    grondslag: str  # a grondslag id
    toelichting: str
    besloten_door: str  # the partner id that recorded it
    besloten_op: dt.datetime


@dataclass(frozen=True, slots=True)
class Match:
    """Signals of two or more participants about the same pseudonym. `sinds` is the earliest signal date."""

    id: str
    ontstaan_op: dt.datetime
    signalen: tuple[Signaal, ...]
    besluit: Besluit | None = None

    @property
    def sinds(self) -> dt.date:
        return min(s.signaaldatum for s in self.signalen)

    @property
    def partners(self) -> frozenset[str]:
        return frozenset(s.partner_id for s in self.signalen)


def lijkt_op_bsn(waarde: str) -> bool:
    """Whether a text holds a run of exactly nine digits (spaces, dots or dashes between them allowed) that
    passes the elfproef. A ten-digit telephone number is not one."""
    for run in _DIGIT_RUN.finditer(waarde):
        digits = re.sub(r"[^0-9]", "", run.group())
        if len(digits) == 9 and elfproef(digits):
            return True
    return False


def _bsn_reden(veld: str) -> str:
    return f"looks like a BSN: the routeeroverleg takes no BSN ({veld} is checked; the value is not repeated)"


def controleer_signaal(
    body: Mapping[str, object],
    risico_schaal: Sequence[str],
    *,
    vandaag: dt.date,
    oudste: dt.date,
) -> tuple[SignaalInvoer | None, list[tuple[str, str]]]:
    """Validate a signal; returns the signal, or None and every (field, reason) at once.

    Reasons name the rule, never the value. Unknown keys are refused; a key that is not a plain identifier
    is reported as "body" (a key can carry personal data too).
    """
    problems: list[tuple[str, str]] = []
    for key in body:
        if key in SIGNAAL_SLEUTELS:
            continue
        if _SAFE_KEY.fullmatch(key):
            problems.append((key, "unknown field: a signal holds only " + ", ".join(SIGNAAL_SLEUTELS)))
        else:
            problems.append(("body", "an unknown field (its name is not repeated): a signal has no other fields"))
    values: dict[str, str] = {}
    for key in SIGNAAL_SLEUTELS:
        value = body.get(key)
        if value is None:
            problems.append((key, "required"))
        elif not isinstance(value, str):
            problems.append((key, "must be a string"))
        else:
            values[key] = value
    pseudoniem = values.get("pseudoniem")
    if pseudoniem is not None and not _PSEUDONIEM.fullmatch(pseudoniem):
        if lijkt_op_bsn(pseudoniem):
            problems.append(("pseudoniem", _bsn_reden("pseudoniem")))
        else:
            problems.append(
                ("pseudoniem", "must be 64 lower-case hex characters: the HMAC-SHA256 pseudonym, never a name or text")
            )
    risico = values.get("risicoIndicatie")
    if risico is not None and risico not in risico_schaal:
        problems.append(("risicoIndicatie", "must be one of: " + ", ".join(risico_schaal)))
    contactpunt = values.get("contactpunt")
    if contactpunt is not None:
        if lijkt_op_bsn(contactpunt):
            problems.append(("contactpunt", _bsn_reden("contactpunt")))
        elif len(contactpunt) > MAX_CONTACTPUNT or not (_is_telefoon(contactpunt) or _EMAIL.fullmatch(contactpunt)):
            problems.append(
                ("contactpunt", "must be a telephone number or a functional email address, not a name or free text")
            )
    datum: dt.date | None = None
    raw_datum = values.get("signaaldatum")
    if raw_datum is not None:
        try:
            datum = dt.date.fromisoformat(raw_datum) if len(raw_datum) == 10 else None
        except ValueError:
            datum = None
        if datum is None:
            problems.append(("signaaldatum", "must be a date YYYY-MM-DD"))
        elif datum > vandaag:
            problems.append(("signaaldatum", "lies in the future"))
        elif datum < oudste:
            problems.append(("signaaldatum", "is older than the routeeroverleg's bewaartermijn"))
    if problems or pseudoniem is None or risico is None or contactpunt is None or datum is None:
        return None, problems
    return SignaalInvoer(pseudoniem, risico, contactpunt, datum), []


def _is_telefoon(waarde: str) -> bool:
    if not _TELEFOON.fullmatch(waarde):
        return False
    digits = re.sub(r"[^0-9]", "", waarde)
    return 10 <= len(digits) <= 13


def controleer_toelichting(toelichting: str) -> str | None:
    """Why a toelichting is refused, or None. It is the overleg's reasoning, not a place for identities."""
    if not toelichting.strip():
        return "required"
    if len(toelichting) > MAX_TOELICHTING:
        return f"at most {MAX_TOELICHTING} characters"
    if lijkt_op_bsn(toelichting):
        return _bsn_reden("toelichting")
    return None

"""A verstrekking (disclosure) as the log records it: why, never what.

Invariants (DESIGN invariant 3):
- A record holds the time, the requesting partner (id and OIN), the user reference, the rol, the casus
  reference, pseudonymous references of the betrokkenen (their opaque ids), the doel, for each released veld
  its grondslag and verwerkingsactiviteit (id and version), the withheld field names, the policy version and
  the request's trace context. Never a field value: there is no place for one.
- When a beperking (AVG art. 18) withheld a restricted betrokkene's values, the record names the withheld places
  (`beperkt`: "casus" and betrokkene ids); a record without any has no such key.
- When the request came with a PKIoverheid client certificate, the record names its OIN (`certificaatOin`); a
  record without one has no such key, so records written before certificates existed hash as they did.
- Denied attempts are records too (`Uitkomst.GEWEIGERD`, with the reason as a fixed code).
- Both sides of every flow (DESIGN invariant 12): what a partner supplies to a casus (an aanmelding, a bijdrage)
  is an `aanlevering`, recorded with the same shape (`soort` "aanlevering"): `partner` is then the bron that
  supplied, `doel` one of `AANLEVERDOELEN`, and each veld carries the bron's own grondslag under the bronregels.
  A verstrekking names per released veld the bron of each place's value (`bronnen`, parallel to `plaatsen`);
  records written before bronnen existed have no such key and hash as they did.
- A verstrekking in an overleg (`domain.overleg`) names it (`overleg`, its opaque id), refused or not; other
  records have no such key and hash as they did.
- `as_record()` is the exact content that is hashed into the log; changing it changes the format version.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from typing import Protocol

RECORD_FORMAT = 1
VERSTREKKING = "verstrekking"  # the soort of a record of what left the service for a partner
AANLEVERING = "aanlevering"  # the soort of a record of what a partner supplied to a casus (inflow)
# The doelen under which partners supply data to a casus: what the bronregels (policy lines with these doelen)
# allow a partner to supply. They are never doelen under which data leaves the service.
AANLEVERDOELEN = frozenset({"aanmelding", "bijdrage"})
DEELPOORT = "deelpoort"  # the service itself, as the actor of records it makes on its own (destruction)


def record_tijd(moment: dt.datetime) -> str:
    """A time as a log record holds it: UTC, microseconds, "Z" (one spelling, so records are canonical)."""
    return moment.astimezone(dt.UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class Uitkomst(enum.StrEnum):
    VERSTREKT = "verstrekt"  # everything asked for (or everything allowed) was released
    GEDEELTELIJK = "gedeeltelijk"  # some fields released, some withheld
    LEEG = "leeg"  # nothing allowed: nothing released (still accounted for)
    GEWEIGERD = "geweigerd"  # the request was refused before any field was considered


class Weigering(enum.StrEnum):
    """Why a request was refused (fixed codes: no free text, no values)."""

    ONBEKENDE_NAAM = "onbekende-naam"  # unknown doel or veld
    GEEN_DEELNEMER = "geen-deelnemer"  # no such casus, or the partner does not take part in it
    FASE = "fase"  # the doel is not permitted in the casus's fase by the register
    VERNIETIGD = "vernietigd"  # the casus's data was destroyed
    GEEN_BELEID = "geen-beleid"  # no usable active field policy
    AANLEVERDOEL = "aanleverdoel"  # data was asked for under a doel for supplying it (`AANLEVERDOELEN`)
    BRONREGEL = "bronregel"  # an aanlevering of velden the bronregels do not allow this partner to supply
    OVERLEG = "overleg"  # in an overleg: a doel other than casusoverleg, or the casus not on its agenda
    AFWEZIG = "afwezig"  # in an overleg: the partner is not recorded as attending the agendapunt
    GEHEIMHOUDING = "geheimhouding"  # in an overleg: an incidental participant without a recorded verklaring
    GEEN_TOEGANG = "geen-toegang"  # figures over all casussen: the policy grants this partner and rol nothing


@dataclass(frozen=True, slots=True)
class Trace:
    """W3C trace context of the request: the caller's trace id and this service's own span id."""

    trace_id: str  # 32 lowercase hex
    span_id: str  # 16 lowercase hex: the span of this request in Deelpoort
    parent_id: str | None = None  # the caller's span, when it sent a traceparent


@dataclass(frozen=True, slots=True)
class VerstrektVeld:
    veld: str
    grondslag: str
    verwerkingsactiviteit: str
    va_versie: int
    plaatsen: tuple[str, ...]  # betrokkene ids, or "casus", whose value of this veld was released
    bronnen: tuple[str, ...] = ()  # the partner that supplied each place's value (parallel to plaatsen), if known

    def __post_init__(self) -> None:
        if self.bronnen and len(self.bronnen) != len(self.plaatsen):
            raise ValueError("bronnen name one partner per place")


def verstrekt_record(verstrekt: tuple[VerstrektVeld, ...]) -> list[dict[str, object]]:
    """The released velden as a record lists them: name, grondslag, verwerkingsactiviteit, places (and the bron
    of each place's value, when known)."""
    return [
        {
            "veld": v.veld,
            "grondslag": v.grondslag,
            "verwerkingsactiviteit": {"id": v.verwerkingsactiviteit, "versie": v.va_versie},
            "plaatsen": list(v.plaatsen),
            **({"bronnen": list(v.bronnen)} if v.bronnen else {}),
        }
        for v in verstrekt
    ]


@dataclass(frozen=True, slots=True)
class Verstrekking:
    id: str
    tijd: dt.datetime
    partner: str
    oin: str
    gebruiker: str
    rol: str
    casus: str | None
    casustype: str | None
    betrokkenen: tuple[str, ...]
    doel: str
    uitkomst: Uitkomst
    verstrekt: tuple[VerstrektVeld, ...]
    onthouden: tuple[str, ...]
    beleidsversie: str | None
    trace: Trace
    weigering: Weigering | None = None
    certificaat_oin: str | None = None  # the OIN of the client certificate used, when one was
    soort: str = VERSTREKKING  # or AANLEVERING: `partner` supplied the velden to the casus (module docstring)
    beperkt: tuple[str, ...] = ()  # places whose values a beperking (AVG art. 18) withheld
    overleg: str | None = None  # the overleg it was asked in (module docstring)

    def __post_init__(self) -> None:
        if self.soort not in (VERSTREKKING, AANLEVERING):
            raise ValueError(f"unknown soort {self.soort!r}")
        if self.soort == AANLEVERING and self.doel not in AANLEVERDOELEN:
            raise ValueError("an aanlevering has a doel for supplying data")
        if self.soort == VERSTREKKING and self.doel in AANLEVERDOELEN and self.verstrekt:
            raise ValueError("nothing is released under a doel for supplying data")
        if (self.uitkomst is Uitkomst.GEWEIGERD) != (self.weigering is not None):
            raise ValueError("a refused verstrekking names its reason, and only a refused one")
        if self.uitkomst is Uitkomst.GEWEIGERD and self.verstrekt:
            raise ValueError("a refused verstrekking releases nothing")

    def as_record(self) -> dict[str, object]:
        """The record as logged (JSON-ready; names and ids only)."""
        record: dict[str, object] = {
            "formaat": RECORD_FORMAT,
            "soort": self.soort,
            "id": self.id,
            "tijd": record_tijd(self.tijd),
            "partner": self.partner,
            "oin": self.oin,
            "gebruiker": self.gebruiker,
            "rol": self.rol,
            "casus": self.casus,
            "casustype": self.casustype,
            "betrokkenen": list(self.betrokkenen),
            "doel": self.doel,
            "uitkomst": self.uitkomst.value,
            "weigering": self.weigering.value if self.weigering else None,
            "verstrekt": verstrekt_record(self.verstrekt),
            "onthouden": list(self.onthouden),
            "beleidsversie": self.beleidsversie,
            "traceId": self.trace.trace_id,
            "spanId": self.trace.span_id,
        }
        if self.certificaat_oin is not None:
            record["certificaatOin"] = self.certificaat_oin
        if self.trace.parent_id is not None:
            record["parentSpanId"] = self.trace.parent_id  # the caller's span (W3C traceparent), for LDV
        if self.beperkt:
            record["beperkt"] = list(self.beperkt)  # only when something was withheld: older records hash as they did
        if self.overleg is not None:
            record["overleg"] = self.overleg  # only in an overleg: other records hash as they did
        return record


@dataclass(frozen=True, slots=True)
class Ontvangstbewijs:
    """The log receipt of a verstrekking: where its record is, and the checkpoint covering it once one exists."""

    log_index: int
    blad_hash: bytes
    checkpoint: str | None  # the signed note (C2SP) of a checkpoint whose tree includes this record
    checkpoint_uiterlijk_bij: int  # a checkpoint covering it is signed at the latest at this tree size


class Vernietigingsreden(enum.StrEnum):
    """Why a casus's data was destroyed (a fixed code: the beheerders' own explanation is in their proposal)."""

    BEWAARTERMIJN = "bewaartermijn"  # its bewaartermijn ended (`deelpoort retention run`)
    BESLUIT = "besluit"  # early, by a decision of two beheerders (a proposal of soort casus-vernietiging)
    HERSTEL = "herstel"  # re-applied after a restore from a backup that predates the destruction (docs/backup.md)


@dataclass(frozen=True, slots=True)
class Vernietiging:
    """That a casus's data was destroyed (crypto-shredded), at the end of its bewaartermijn or early by decision
    (invariant 9).

    Logged in the same tamper-evident log as the verstrekkingen, by the service itself (partner "deelpoort").
    `vergeten` are the pseudonymous ids of the casus's betrokkenen whose links to a person (blind index) and to
    the log's records (the derived lookup rows) were deleted with it: the log's own word for why the index
    check (`logboek.verifieer_index`) expects no lookup rows for them. It is a key of its own, not
    "betrokkenen", so the destruction record is never found as a record about those persons. Records written
    before this key existed have neither it nor `voorstel`, and hash as they did.
    """

    id: str
    tijd: dt.datetime
    casus: str
    casustype: str
    reden: str  # a `Vernietigingsreden`
    vergeten: tuple[str, ...] = ()
    voorstel: str | None = None  # the approved proposal, when destroyed by decision
    # A re-application after a restore (reden herstel): the log index of the destruction record it re-applies,
    # when the restored log or the journal names one (a record of the lost part of the log: docs/backup.md).
    herhaalt: int | None = None

    def as_record(self) -> dict[str, object]:
        record: dict[str, object] = {
            "formaat": RECORD_FORMAT,
            "soort": "vernietiging",
            "id": self.id,
            "tijd": record_tijd(self.tijd),
            "partner": DEELPOORT,
            "casus": self.casus,
            "casustype": self.casustype,
            "doel": "vernietiging",
            "uitkomst": "vernietigd",
            "reden": self.reden,
            "vergeten": sorted(self.vergeten),
        }
        if self.voorstel is not None:
            record["voorstel"] = self.voorstel
        if self.herhaalt is not None:
            record["herhaalt"] = self.herhaalt
        return record


@dataclass(frozen=True, slots=True)
class Routeerverstrekking:
    """An exchange in the routeeroverleg (DESIGN invariant 7), logged with doel "routeeroverleg".

    There is no casus: the record names the matches (opaque ids) and signals it concerns. `handeling` is a
    fixed code: "signaal" (a participant shared a signal), "matches" (the matches the caller is part of were
    shown to it), "besluit" (the overleg's decision on a match was recorded). Never a pseudonym, risk
    indication, contact point or toelichting: only the names of the released velden with their grondslag.
    """

    id: str
    tijd: dt.datetime
    partner: str
    oin: str
    gebruiker: str
    rol: str
    handeling: str
    matches: tuple[str, ...]
    signalen: tuple[str, ...]
    uitkomst: Uitkomst
    verstrekt: tuple[VerstrektVeld, ...]
    beleidsversie: str | None
    trace: Trace
    doel: str = "routeeroverleg"

    def as_record(self) -> dict[str, object]:
        return {
            "formaat": RECORD_FORMAT,
            "soort": "routeeroverleg",
            "id": self.id,
            "tijd": record_tijd(self.tijd),
            "partner": self.partner,
            "oin": self.oin,
            "gebruiker": self.gebruiker,
            "rol": self.rol,
            "casus": None,
            "doel": self.doel,
            "handeling": self.handeling,
            "matches": list(self.matches),
            "signalen": list(self.signalen),
            "uitkomst": self.uitkomst.value,
            "verstrekt": verstrekt_record(self.verstrekt),
            "beleidsversie": self.beleidsversie,
            "traceId": self.trace.trace_id,
            "spanId": self.trace.span_id,
            **({"parentSpanId": self.trace.parent_id} if self.trace.parent_id is not None else {}),
        }


class LogEntry(Protocol):
    """Any other record kind that shares the log (e.g. `service.domain.beheer.Beheerbesluit`)."""

    @property
    def id(self) -> str: ...

    @property
    def tijd(self) -> dt.datetime: ...

    def as_record(self) -> dict[str, object]: ...


LogRecord = Verstrekking | Vernietiging | Routeerverstrekking | LogEntry

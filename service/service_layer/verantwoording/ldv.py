"""The verstrekking log as Logboek Dataverwerkingen (LDV) 1.0.0 log lines: a view, computed from the records.

The standard is Logius' "Logboek Dataverwerkingen" 1.0.0, `sections/specificaties.md` (the Logboek interface
table and the behaviour of an Applicatie); `docs/ldv-export.md` maps every field and names the choices it leaves.

Invariants:
- The log records are never changed: every line is computed from one `Regel`, and the same record always gives
  the same lines, byte for byte (span ids that the record does not hold are derived from its log index and id).
- Each record gives one line for its request span (the record's own trace id and span id) and, below it, one
  child span per data subject per verwerkingsactiviteit, parented to the request span. Span ids are unique
  within a record; a child's `parent_span_id` is always its record's request span, and the request span's is the
  caller's span when the record kept it (`parentSpanId`).
- `status` follows the standard: `Ok` when Deelpoort did what was asked (`verstrekt`, `gedeeltelijk`,
  `vernietigd`, `geimporteerd`), `Unset` when it handled the request correctly with nothing released (`leeg`,
  or refused because of the caller's input), `Error` only for a refusal caused inside Deelpoort (no usable field
  policy).
- The `dpl.core` namespace holds only the standard's attributes; Deelpoort's own (log index, outcome) are under
  `deelpoort.`, outside the `dpl` namespace that the standard reserves for itself and its adopted extensions.
- A line naming a data subject always names its verwerkingsactiviteit (the standard's MUST for personal data);
  a subject whose record names none and whose doel has none in the register gets no line.
- The data subject is the betrokkene's opaque Deelpoort id, never a BSN or name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from service.domain.convenant import Casustype, Convenant
from service.domain.verstrekking import DEELPOORT, Weigering
from service.service_layer.verantwoording.raadplegen import Regel

LDV_SUBJECT_TYPE = "deelpoort-betrokkene-id"
LDV_SERVICE = "deelpoort"
OK, UNSET, ERROR = "Ok", "Unset", "Error"
_UITGEVOERD = frozenset({"verstrekt", "gedeeltelijk", "vernietigd", "geimporteerd"})
_INTERNE_FOUTEN = frozenset({Weigering.GEEN_BELEID.value})  # refusals caused inside Deelpoort, not by the caller
_HEX32 = re.compile(r"[0-9a-f]{32}")
_HEX16 = re.compile(r"[0-9a-f]{16}")
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_CASUSTYPEN = frozenset(c.value for c in Casustype)

# (activity id, version) of the register entry for a record's casustype and doel, or None
Activiteitzoeker = Callable[[Regel], tuple[str, int] | None]


@dataclass(frozen=True, slots=True)
class LdvBron:
    """What the LDV view needs besides the records: where the register is, who we are, and the register itself."""

    register_uri: str
    service_version: str
    activiteit: Activiteitzoeker


def ldv_bron(convenant: Convenant, register_uri: str, service_version: str) -> LdvBron:
    """An `LdvBron` that looks activities up in `convenant`'s register (the version in force on the record's day)."""

    def activiteit(regel: Regel) -> tuple[str, int] | None:
        moment = _moment(regel.tijd)
        if moment is None or regel.casustype not in _CASUSTYPEN:
            return None
        va = convenant.verwerkingsactiviteit(Casustype(regel.casustype), regel.doel, moment.date())
        return (va.id, va.versie) if va is not None else None

    return LdvBron(register_uri, service_version, activiteit)


def status(regel: Regel) -> str:
    """The LDV `status` of a record's lines (see the module invariants)."""
    if regel.uitkomst in _UITGEVOERD:
        return OK
    if regel.uitkomst == "geweigerd" and regel.weigering in _INTERNE_FOUTEN:
        return ERROR
    return UNSET


def _moment(tijd: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(tijd)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def epoch_ms(tijd: str) -> int | None:
    """A record's time (RFC 3339, UTC) as whole milliseconds since the Unix epoch; None when unreadable."""
    moment = _moment(tijd)
    return None if moment is None else (moment - _EPOCH) // dt.timedelta(milliseconds=1)


def _afgeleid(regel: Regel, *parts: object, length: int) -> str:
    """A hex id derived from the record (log index and id) and `parts`: the same record always gives the same id."""
    seed = "\x00".join(["deelpoort-ldv/1", str(regel.log_index), regel.id, *(str(p) for p in parts)])
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def _activiteit_uri(register_uri: str, activiteit: str, versie: int | None) -> str:
    return f"{register_uri.rstrip('/')}/{activiteit}/{versie}"


def _activiteiten(regel: Regel, bron: LdvBron) -> tuple[str | None, list[str]]:
    """(the request span's activity, the activities of the child spans): the released ones, else the doel's."""
    released = sorted({(v.verwerkingsactiviteit, v.versie) for v in regel.verstrekt if v.verwerkingsactiviteit})
    for_doel = bron.activiteit(regel)
    request = for_doel or (released[0] if len(released) == 1 else None)
    children = released or ([for_doel] if for_doel else [])
    request_uri = _activiteit_uri(bron.register_uri, *request) if request else None
    return request_uri, [_activiteit_uri(bron.register_uri, *a) for a in children]


def _processor(regel: Regel) -> str | None:
    """The calling application: the partner system that made the request, by its certificate's OIN or its own."""
    oin = regel.certificaat_oin or regel.oin
    if regel.partner in ("", DEELPOORT) or not oin:
        return None
    return f"urn:oin:{oin}"


def ldv_regels(regel: Regel, bron: LdvBron) -> list[dict[str, Any]]:
    """The LDV log lines of one record, request span first (see the module invariants and docs/ldv-export.md).

    A record whose time cannot be read gives no lines (the log's own verification reports such a record).
    """
    millis = epoch_ms(regel.tijd)
    if millis is None:
        return []
    trace_id = regel.trace_id if regel.trace_id and _HEX32.fullmatch(regel.trace_id) else None
    span_id = regel.span_id if regel.span_id and _HEX16.fullmatch(regel.span_id) else None
    request_span = span_id or _afgeleid(regel, "verzoek", length=16)
    common: dict[str, Any] = {
        "trace_id": trace_id or _afgeleid(regel, "trace", length=32),
        "status": status(regel),
        "start_time": millis,
        "end_time": millis,
        "resource": {"attributes": {"service.name": LDV_SERVICE, "service.version": bron.service_version}},
    }
    eigen = {"deelpoort.log_index": regel.log_index, "deelpoort.outcome": regel.uitkomst}
    request_activity, child_activities = _activiteiten(regel, bron)
    attributes: dict[str, Any] = dict(eigen)
    if request_activity:
        attributes["dpl.core.processing_activity_id"] = request_activity
    processor = _processor(regel)
    if processor:
        attributes["dpl.core.foreign_operation.processor"] = processor
    name = f"{regel.soort}:{regel.doel}"
    request_line: dict[str, Any] = {**common, "span_id": request_span, "name": name, "attributes": attributes}
    parent = regel.parent_span_id
    if span_id is not None and parent and _HEX16.fullmatch(parent):
        request_line["parent_span_id"] = parent  # the caller's span (its traceparent), when the record kept it
    lines = [request_line]
    for index, subject in enumerate(regel.betrokkenen):
        for activity in child_activities:
            lines.append(
                {
                    **common,
                    "span_id": _afgeleid(regel, "betrokkene", index, activity, length=16),
                    "parent_span_id": request_span,
                    "name": f"{name}:betrokkene",
                    "attributes": {
                        "dpl.core.processing_activity_id": activity,
                        "dpl.core.data_subject_id": subject,
                        "dpl.core.data_subject_id_type": LDV_SUBJECT_TYPE,
                        **eigen,
                    },
                }
            )
    return lines


def ldv_export(regels: Iterable[Regel], bron: LdvBron) -> Iterator[str]:
    """JSON Lines: per record its request span, then one child span per data subject per verwerkingsactiviteit."""
    for regel in regels:
        for line in ldv_regels(regel, bron):
            yield json.dumps(line, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n"

"""The lookup rows derived from one log record: what `VerantwoordingStore.catch_up` stores in
`verstrekking_betrokkenen` and `verstrekking_grondslagen`, and what `logboek.verifieer_index` expects there.

Invariants:
- Derived from the record bytes alone (plus the destructions the log itself records): the same bytes give the
  same rows on every host, so the index check can recompute them.
- A beheer record (doel "beheer") has no rows.
- A betrokkene that a destruction record forgets (its key `vergeten`, `domain.verstrekking.Vernietiging`) has no
  person rows at all, in records before or after that destruction: once its casus is destroyed, the log no
  longer leads from the person's id to its records through these tables (docs/bewaring.md). A destruction may
  only forget betrokkenen of its own casus: a record of another casus naming a forgotten id is reported by
  `afgeleid_gecontroleerd` (a forged or mistaken destruction record would otherwise hide that casus's records
  from an access request).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from typing import Any

from service.domain.beheer import BEHEER

VERNIETIGING = "vernietiging"  # the soort (and doel) of a destruction record

# The derived rows of some records: {(betrokkene_id, log_index, tijd)}, {(grondslag, log_index)}.
Afgeleid = tuple[set[tuple[str, int, dt.datetime]], set[tuple[str, int]]]
# The betrokkenen forgotten by destruction records: betrokkene id -> the destroyed casus (None if not named).
Vergeten = Mapping[str, str | None]

_GEEN: Vergeten = {}


def laad(data: bytes) -> dict[str, Any]:
    """The stored record as JSON (a record that is not an object reads as empty: `audit verify` reports it)."""
    try:
        value = json.loads(bytes(data))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return {}
    return value if isinstance(value, dict) else {}


def afgeleid(index: int, data: bytes, tijd: dt.datetime, vergeten: Vergeten = _GEEN) -> Afgeleid:
    """The derived rows of one record (none for beheer; no person rows for a forgotten betrokkene)."""
    return _rijen(index, laad(data), tijd, vergeten)


def afgeleid_gecontroleerd(index: int, data: bytes, tijd: dt.datetime, vergeten: Vergeten) -> tuple[Afgeleid, bool]:
    """As `afgeleid`, and whether the record names a forgotten betrokkene while it is about another casus than
    the destruction that forgot it (one parse of the record for both)."""
    record = laad(data)
    casus = record.get("casus")
    vreemd = record.get("soort") != VERNIETIGING and any(
        vergeten[b] != casus for b in betrokkenen_van(record) if b in vergeten
    )
    return _rijen(index, record, tijd, vergeten), vreemd


def vergeten_van(data: bytes) -> dict[str, str | None]:
    """The betrokkenen a destruction record forgets, each with the casus it destroyed (empty for other records
    and for destructions logged before `vergeten` existed)."""
    record = laad(data)
    if record.get("soort") != VERNIETIGING:
        return {}
    casus = record.get("casus")
    return {b: casus if isinstance(casus, str) else None for b in _strings(record.get("vergeten")) if len(b) <= 32}


def _rijen(index: int, record: dict[str, Any], tijd: dt.datetime, vergeten: Vergeten) -> Afgeleid:
    if record.get("soort") == BEHEER or record.get("doel") == BEHEER:
        return set(), set()
    return (
        {(b, index, tijd) for b in betrokkenen_van(record) if b not in vergeten},
        {(grondslag, index) for grondslag in grondslagen_van(record)},
    )


def betrokkenen_van(record: dict[str, Any]) -> set[str]:
    """The betrokkene ids a record names: its betrokkenen and the places of released values (not "casus").

    What `catch_up` puts in `verstrekking_betrokkenen` (public so a bulk loader derives the same rows).
    """
    found = set(_strings(record.get("betrokkenen")))
    for veld in record.get("verstrekt") or ():
        if isinstance(veld, dict):
            found.update(p for p in _strings(veld.get("plaatsen")) if p != "casus")
    return {b for b in found if len(b) <= 32}


def grondslagen_van(record: dict[str, Any]) -> set[str]:
    """The grondslagen of a record's released velden: what `catch_up` puts in `verstrekking_grondslagen`."""
    found = {v.get("grondslag") for v in record.get("verstrekt") or () if isinstance(v, dict)}
    return {g for g in found if isinstance(g, str) and len(g) <= 80}


def _strings(values: object) -> Iterable[str]:
    return (v for v in values if isinstance(v, str)) if isinstance(values, list) else ()
